//go:build !cgo || !treesitter

package chunk

// splitStructured cuts Python, JavaScript/TypeScript, Java, Kotlin and Rust
// with the hand-written scanners: builds without cgo, or without the
// treesitter build tag, carry no tree-sitter grammars.
func splitStructured(p, lang string, content []byte) []Chunk {
	return splitScanner(p, lang, content)
}
