//go:build !cgo || notreesitter

package chunk

// splitStructured cuts Python, JavaScript/TypeScript, Java, Kotlin and Rust
// with the hand-written scanners: builds without cgo (CGO_ENABLED=0, the
// release binaries) or with the notreesitter build tag carry no tree-sitter
// grammars.
func splitStructured(p, lang string, content []byte) []Chunk {
	return splitScanner(p, lang, content)
}
