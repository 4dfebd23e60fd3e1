package textindex

import (
	"slices"
	"testing"
)

func TestGlob(t *testing.T) {
	tests := []struct {
		glob  string
		path  string
		match bool
	}{
		{"**/*.go", "main.go", true},
		{"**/*.go", "internal/sessions/store.go", true},
		{"**/*.go", "internal/sessions/store.gox", false},
		{"internal/**/*.go", "internal/store.go", true},
		{"internal/**/*.go", "internal/a/b/store.go", true},
		{"internal/**/*.go", "cmd/internal/store.go", false},
		{"internal/*.go", "internal/a/store.go", false},
		{"internal/sessions", "internal/sessions/store.go", true},
		{"internal/sessions", "internal/sessions", true},
		{"internal/sessions", "internal/sessionsx/a.go", false},
		{"internal/", "internal/a.go", true},
		{"./docs/*.md", "docs/auth.md", true},
		{"docs/?uth.md", "docs/auth.md", true},
		{"docs/[ab]uth.md", "docs/auth.md", true},
		{"docs/[!ab]uth.md", "docs/auth.md", false},
		{"**/*.{go,md}", "docs/auth.md", true},
		{"**/*.{go,md}", "docs/auth.txt", false},
		{"a+b/*.go", "a+b/x.go", true},
		{"a.b/*.go", "axb/x.go", false},
		{`docs/\*.md`, "docs/*.md", true},
		{`docs/\*.md`, "docs/a.md", false},
	}
	for _, tt := range tests {
		g, err := CompileGlob(tt.glob)
		if err != nil {
			t.Errorf("CompileGlob(%q): %v", tt.glob, err)
			continue
		}
		if got := g.Match(tt.path); got != tt.match {
			t.Errorf("glob %q on %q = %v, want %v", tt.glob, tt.path, got, tt.match)
		}
	}
}

func TestGlobErrors(t *testing.T) {
	for _, glob := range []string{"", "  ", "docs/[ab.md", "docs/{a,b.md", "docs/*}.md", `docs\`, "docs/[].md"} {
		if _, err := CompileGlob(glob); err == nil {
			t.Errorf("CompileGlob(%q): no error", glob)
		}
	}
}

// The term shortcuts of pathFilter select exactly what the glob's regexp
// selects.
func TestPathFilterAgreesWithGlob(t *testing.T) {
	ix, _ := openTemp(t)
	paths := []string{"main.go", "README.md", "Makefile", ".golangci.yml", "internal/a.go", "internal/a_test.go",
		"internal/sessions/store.go", "internal/sessions/store.go.bak", "internal/sessionsx/x.go",
		"cmd/internal/b.go", "docs/specs/auth.md", "docs/x.GO", "web/app.py", "a.b/c.go"}
	var docs []Doc
	for i, p := range paths {
		docs = append(docs, Doc{ID: "d" + itoa(i), Path: p, Kind: "code", Text: "word"})
	}
	mustApply(t, ix, docs...)
	for _, glob := range []string{"internal", "internal/", "internal/sessions", "internal/**", "internal/**/*",
		"**/*.go", "**/*.md", "internal/**/*.go", "docs/**/*.md", "*.go", "**/*_test.go", "internal/*.go",
		"**/*.{go,md}", "a.b/**", "main.go", "internal/sessions/store.go", "nothing/**"} {
		g, err := CompileGlob(glob)
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for i, p := range paths {
			if g.Match(p) {
				want = append(want, "d"+itoa(i))
			}
		}
		hits := search(t, ix, Query{Text: "word", PathGlob: glob, Limit: 100})
		got := ids(hits)
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("glob %q: hits %v, glob says %v", glob, got, want)
		}
	}
}
