package chunk

import (
	"strings"
	"testing"
)

func TestSplitLines(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 130; i++ {
		if i%25 == 24 {
			b.WriteString("\n")
			continue
		}
		b.WriteString("line\n")
	}
	content := []byte(b.String())
	chunks := splitLines("x.txt", content)
	checkChunks(t, content, chunks)
	if len(chunks) != 3 {
		t.Fatalf("got %d chunks, want 3", len(chunks))
	}
	// The first window ends before the blank line 50, not at line 60.
	if chunks[0].StartLine != 1 || chunks[0].EndLine != 49 {
		t.Errorf("first window %d-%d, want 1-49", chunks[0].StartLine, chunks[0].EndLine)
	}
	for _, c := range chunks {
		if c.SymbolKind != "block" {
			t.Errorf("kind %q", c.SymbolKind)
		}
	}
	if got := splitLines("e", []byte("\n\n  \n")); len(got) != 0 {
		t.Errorf("blank file gave %d chunks", len(got))
	}
}
