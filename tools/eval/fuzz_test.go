package eval

import (
	"bufio"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// FuzzLoadSet reads any golden set: either an error, or cases that each
// have a trimmed query, file paths to expect (no URIs, no blanks), known
// kinds, and their line in the file, in order.
func FuzzLoadSet(f *testing.F) {
	names, _ := filepath.Glob("../../testdata/golden/*.jsonl")
	for _, name := range names {
		file, err := os.Open(name)
		if err != nil {
			f.Fatal(err)
		}
		sc := bufio.NewScanner(file)
		sc.Buffer(nil, 1<<20)
		var lines []string
		for sc.Scan() && len(lines) < 6 {
			lines = append(lines, sc.Text())
		}
		file.Close()
		f.Add(strings.Join(lines, "\n"))
	}
	f.Add("# comment\n\n// other\n{\"query\": \" a \", \"files\": [\"./x.go\", \"devai://code/y.go#L1-L2\", \"\"], \"kinds\": [\"code\"]}\n")
	f.Add("{\"query\": \"q\", \"expect\": [\"devai://index\"]}")
	f.Fuzz(func(t *testing.T, set string) {
		cases, err := LoadSet(strings.NewReader(set))
		again, err2 := LoadSet(strings.NewReader(set))
		if !reflect.DeepEqual(cases, again) || (err == nil) != (err2 == nil) {
			t.Fatalf("not deterministic: %v / %v", err, err2)
		}
		if err != nil {
			if cases != nil {
				t.Errorf("an error with %d cases", len(cases))
			}
			return
		}
		if len(cases) == 0 {
			t.Fatal("no error and no cases")
		}
		lines := strings.Count(set, "\n") + 1
		prev := 0
		for _, c := range cases {
			if c.Query == "" || c.Query != strings.TrimSpace(c.Query) {
				t.Errorf("line %d: query %q", c.Line, c.Query)
			}
			if c.Line <= prev || c.Line > lines {
				t.Errorf("line %d after line %d, of %d", c.Line, prev, lines)
			}
			prev = c.Line
			if len(c.Expect) == 0 || c.Files != nil {
				t.Errorf("line %d: expect %q files %q", c.Line, c.Expect, c.Files)
			}
			for _, e := range c.Expect {
				if e == "" || strings.HasPrefix(e, "devai://") || strings.HasPrefix(e, "./") {
					t.Errorf("line %d: expected path %q", c.Line, e)
				}
			}
			for _, k := range c.Kinds {
				if !slices.Contains(validKinds, k) {
					t.Errorf("line %d: kind %q", c.Line, k)
				}
			}
		}
	})
}
