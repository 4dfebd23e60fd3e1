package chunk

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// checkChunks asserts the invariants every splitter owes Split: valid line
// ranges, valid UTF-8 text equal to the lines it claims, and every
// non-blank line of the input inside some chunk.
func checkChunks(t *testing.T, content []byte, chunks []Chunk) {
	t.Helper()
	s := newSource(content)
	covered := make([]bool, s.n()+1)
	for i, c := range chunks {
		if c.StartLine < 1 || c.EndLine < c.StartLine || c.EndLine > s.n() {
			t.Fatalf("chunk %d %q: bad range %d-%d (file has %d lines)", i, c.Symbol, c.StartLine, c.EndLine, s.n())
		}
		if !utf8.ValidString(c.Text) {
			t.Errorf("chunk %d %q: text is not valid UTF-8", i, c.Symbol)
		}
		if c.Text != s.text(c.StartLine, c.EndLine) {
			t.Errorf("chunk %d %q: text does not match lines %d-%d", i, c.Symbol, c.StartLine, c.EndLine)
		}
		for l := c.StartLine; l <= c.EndLine; l++ {
			covered[l] = true
		}
	}
	for l := 1; l <= s.n(); l++ {
		if !covered[l] && strings.TrimSpace(s.line(l)) != "" {
			t.Errorf("line %d %q is in no chunk", l, s.line(l))
		}
	}
}

// findChunk returns the first chunk with the given symbol.
func findChunk(t *testing.T, chunks []Chunk, symbol string) Chunk {
	t.Helper()
	for _, c := range chunks {
		if c.Symbol == symbol {
			return c
		}
	}
	var have []string
	for _, c := range chunks {
		have = append(have, c.Symbol)
	}
	t.Fatalf("no chunk %q; have %q", symbol, have)
	return Chunk{}
}
