package textindex

import "testing"

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
