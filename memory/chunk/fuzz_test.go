package chunk

import (
	"reflect"
	"strings"
	"testing"
)

// FuzzSplit feeds every splitter (Markdown specs, OpenAPI and AsyncAPI,
// Gherkin, Python, the brace languages, Go, logs, text) any content: every
// non-blank line lands in a chunk with a valid range and its own text.
func FuzzSplit(f *testing.F) {
	for i, fx := range fixtures() {
		f.Add(fx, uint8(i))
	}
	f.Fuzz(func(t *testing.T, content string, which uint8) {
		l := splitLangs[int(which)%len(splitLangs)]
		chunks := Split(l.path, l.kind, l.lang, []byte(content))
		if strings.TrimSpace(content) == "" {
			return
		}
		checkChunks(t, []byte(content), chunks)
	})
}

// FuzzSplitGo feeds the splitter arbitrary and half-broken source: it must
// not panic, and what it returns must keep the chunk promises.
func FuzzSplitGo(f *testing.F) {
	for _, seed := range []string{goStoreSrc, goStoreTestSrc, goBrokenSrc, "package a\nfunc a(){}; func b(){}\n",
		"package a\ntype (\n", "package a\nvar (x = 1\n)", "package a\n/* unterminated", "package a\nfunc (s *T[K) M() {}\n",
		"package A)0\n//\ntype"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, src string) {
		checkGoCoverage(t, src, splitGo("f/f.go", []byte(src)))
	})
}

// FuzzRequirements: the requirement IDs and "shall" sentences read from a
// spec are in it, once each, and split the same way twice.
func FuzzRequirements(f *testing.F) {
	f.Add(specMD)
	f.Add("- **FR-012**: The system shall lock the account. REQ-AUTH-004 and AC-1.3, FR-012 again\n")
	f.Add("When x, the service SHALL respond! US-2 shall")
	f.Fuzz(func(t *testing.T, text string) {
		ids := FindRequirementIDs(text)
		seen := map[string]bool{}
		for _, id := range ids {
			if seen[id] || !strings.Contains(text, id) {
				t.Errorf("id %q: repeated, or not in the text", id)
			}
			seen[id] = true
		}
		shall := FindShall(text)
		for _, s := range shall {
			if !strings.Contains(strings.ToLower(s), "shall") {
				t.Errorf("%q has no shall", s)
			}
		}
		if !reflect.DeepEqual(ids, FindRequirementIDs(text)) || !reflect.DeepEqual(shall, FindShall(text)) {
			t.Error("not deterministic")
		}
	})
}

// FuzzComments: whatever the text, each line of a chunk's comments is a
// piece of the text, and reading it twice gives the same.
func FuzzComments(f *testing.F) {
	for _, seed := range []string{goStoreSrc, "/* a\n * b */ x // c\n", "u := \"//\" // d", "def f():\n    \"\"\"doc\n    more\"\"\"\n    # e\n", "r'''x'''", "'''\n"} {
		f.Add(seed, false)
		f.Add(seed, true)
	}
	f.Fuzz(func(t *testing.T, text string, hash bool) {
		lang := "Go"
		if hash {
			lang = "Python"
		}
		c := Chunk{Kind: Code, Language: lang, Text: text}
		got := c.Comments()
		for _, line := range strings.Split(got, "\n") {
			if !strings.Contains(text, line) {
				t.Fatalf("comment line %q is not in the text %q", line, text)
			}
		}
		if again := c.Comments(); again != got {
			t.Fatalf("not deterministic: %q then %q", got, again)
		}
	})
}
