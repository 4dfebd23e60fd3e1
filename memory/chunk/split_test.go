package chunk

import (
	"testing"
)

// splitLangs are the languages Split dispatches on, with the kind each
// usually has.
var splitLangs = []struct {
	kind Kind
	lang string
	path string
}{
	{Spec, "Markdown", "spec.md"},
	{Spec, "OpenAPI", "openapi.yaml"},
	{Spec, "AsyncAPI", "asyncapi.yaml"},
	{Spec, "Gherkin", "x.feature"},
	{Code, "Python", "x.py"},
	{Code, "TypeScript", "x.ts"},
	{Code, "JavaScript", "x.js"},
	{Code, "TSX", "x.tsx"},
	{Code, "Java", "X.java"},
	{Code, "Kotlin", "X.kt"},
	{Code, "Rust", "x.rs"},
	{Code, "Go", "x.go"},
	{Log, "", "app.log"},
	{Code, "Text", "x.txt"},
}

func fixtures() []string {
	return []string{specMD, petAPI, loginFeature, pyFixture(), jsFixture(), javaTestFixture(), rustFixture(),
		goPanicLog, javaLog, pyLog, "line\r\nother\r\n\r\n  x\xff\xfe\r\n",
		"class A {\n  m() { return `${`${'}'}`}`; }\n", "def f(:\n  '''\n", "}}}\n{{{\n)))\n", "\"\"\"\n'''\n`\n/*\n"}
}

// TestSplitCoversEveryLine is the property every splitter owes search:
// whatever the input (its own format or another's), every non-blank line
// lands in a chunk with a valid range and valid UTF-8 text.
func TestSplitCoversEveryLine(t *testing.T) {
	for _, l := range splitLangs {
		for i, f := range fixtures() {
			chunks := Split(l.path, l.kind, l.lang, []byte(f))
			t.Run(l.lang+"/"+string(rune('a'+i)), func(t *testing.T) {
				checkChunks(t, []byte(f), chunks)
				for _, c := range chunks {
					if c.Path != l.path || (c.Kind != l.kind && !(c.TestOnly && c.Kind == Test)) {
						t.Errorf("chunk %q lacks path or kind: %q %q", c.Symbol, c.Path, c.Kind)
					}
				}
			})
		}
	}
}
