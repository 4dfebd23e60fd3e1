package trace

import (
	"strings"
	"testing"
)

// licensedRepo holds one function and files of prose and data that share
// a failure's words more than the function does.
var licensedRepo = map[string]string{
	"go.mod":      "module example.com/theme\n\ngo 1.22\n",
	"LICENSE":     strings.Repeat("The theme entry is provided as is. No entry of the theme key is found in any warranty.\n", 20),
	".travis.yml": "script:\n  - cargo run -- --theme missing # no entry found for key theme\n  - echo no entry found for key\n",
	"theme.go": `package theme

// Lookup returns the theme of a key.
func Lookup(themes map[string]int, key string) int {
	v, ok := themes[key]
	if !ok {
		panic("missing theme")
	}
	return v
}
`,
}

// When no trace is found and nothing else leads anywhere, the suspects of
// the search for the message are program source: a licence or a CI file
// that shares its words did not crash (issue 12 saw .travis.yml as
// suspect #1).
func TestSearchFallbackSuspectsAreSource(t *testing.T) {
	t.Parallel()
	ix := openFiles(t, licensedRepo)
	out, err := Run(t.Context(), ix, Input{Text: "error: no entry found for key theme\n"})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Suspects) == 0 {
		t.Fatalf("no suspect:\n%s", Markdown(out))
	}
	for _, s := range out.Suspects {
		if s.Path == "LICENSE" || s.Path == ".travis.yml" {
			t.Errorf("suspect %s is not program source:\n%s", s.Path, Markdown(out))
		}
	}
	if out.Suspects[0].Symbol != "theme.Lookup" {
		t.Errorf("suspect #1 is %s %s, want theme.go Lookup", out.Suspects[0].Path, out.Suspects[0].Symbol)
	}
}
