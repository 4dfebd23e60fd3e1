package chunk

import (
	"fmt"
	"strings"
	"testing"
)

func TestParts(t *testing.T) {
	long := func(lines int) string {
		var b strings.Builder
		b.WriteString("func handle(w http.ResponseWriter, r *http.Request) {\n")
		for i := 0; i < lines-2; i++ {
			if i%10 == 9 {
				b.WriteString("\n")
				continue
			}
			fmt.Fprintf(&b, "\tstep%d(w, r)\n", i)
		}
		b.WriteString("}\n")
		return b.String()
	}
	tests := []struct {
		name  string
		kind  Kind
		src   string
		parts bool
	}{
		{"a long function", Code, long(300), true},
		{"a long test", Test, long(200), true},
		{"short enough to be searched whole", Code, long(100), false},
		{"a long document section", Spec, long(300), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Chunk{Path: "a.go", Kind: tt.kind, Language: "Go", Symbol: "handle", SymbolKind: "func",
				Parents: []string{"main"}, Signature: "func handle(w http.ResponseWriter, r *http.Request)", Text: strings.TrimSuffix(tt.src, "\n")}
			c.StartLine = 11
			c.EndLine = c.StartLine + strings.Count(c.Text, "\n")
			parts := c.Parts()
			if !tt.parts {
				if parts != nil {
					t.Fatalf("%d parts, want none", len(parts))
				}
				return
			}
			if len(parts) < 3 {
				t.Fatalf("%d parts of a %d-line chunk", len(parts), c.Lines())
			}
			lines := strings.Split(c.Text, "\n")
			next := c.StartLine
			for _, p := range parts {
				if p.Symbol != c.Symbol || p.Signature != c.Signature || p.Kind != c.Kind || p.StartLine < next || p.Lines() > windowLines+windowLines/4 {
					t.Errorf("part %d-%d %s %q: want the chunk's symbol and kind, in order, at most %d lines", p.StartLine, p.EndLine, p.Kind, p.Symbol, windowLines+windowLines/4)
				}
				if want := strings.Join(lines[p.StartLine-c.StartLine:p.EndLine-c.StartLine+1], "\n"); p.Text != want {
					t.Errorf("part %d-%d: its text is not the chunk's lines %d-%d", p.StartLine, p.EndLine, p.StartLine, p.EndLine)
				}
				next = p.EndLine + 1
			}
			if parts[0].StartLine != c.StartLine || parts[len(parts)-1].EndLine != c.EndLine {
				t.Errorf("parts span %d-%d, want the chunk's %d-%d", parts[0].StartLine, parts[len(parts)-1].EndLine, c.StartLine, c.EndLine)
			}
		})
	}
}
