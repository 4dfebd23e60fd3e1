package chunk

import "testing"

// TestComments: the prose of a code chunk, and nothing of its code.
func TestComments(t *testing.T) {
	for _, c := range []struct {
		name, lang, text, want string
		kind                   Kind
	}{
		{"Go doc comment and a trailing comment", "Go",
			"// Router is the registry of all registered routes for\n// URL path parameter parsing.\ntype Router struct {\n\ttree *node // the root\n}",
			"Router is the registry of all registered routes for\nURL path parameter parsing.\nthe root", Code},
		{"a // inside a string is not a comment", "Go",
			"u := \"http://example.com\" // the default host\nv := `a // b`",
			"the default host", Code},
		{"block comments, JSDoc stars stripped", "JavaScript",
			"/**\n * Compile a where clause.\n * @param {Object} q\n */\nfunction where(q) { return q /* inline */ }",
			"Compile a where clause.\n@param {Object} q\ninline", Code},
		{"Rust doc comments", "Rust", "/// Reads a line.\n//! Crate docs.\nfn read() {}", "Reads a line.\nCrate docs.", Code},
		{"a Python docstring and # comments", "Python",
			"def send(self, request):\n    \"\"\"\n    Send a request.\n    \"\"\"\n    x = '#not a comment'  # but this is\n    return x",
			"Send a request.\nbut this is", Test},
		{"a one-line docstring with a prefix", "Python", "def f():\n    r'''Raw docs.'''\n    pass", "Raw docs.", Code},
		{"a spec chunk has no comments field", "Markdown", "# Title\n// not code", "", Spec},
		{"an unknown language", "Haskell", "-- a comment\nf = 1", "", Code},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := Chunk{Kind: c.kind, Language: c.lang, Text: c.text}.Comments()
			if got != c.want {
				t.Errorf("Comments() = %q, want %q", got, c.want)
			}
		})
	}
}
