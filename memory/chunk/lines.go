package chunk

// splitLines cuts unstructured text into windows of about 60 lines, breaking
// at blank lines where it can. It is the fallback for every format, so it
// never returns nothing for a file with a non-blank line.
func splitLines(p string, content []byte) []Chunk {
	s := newSource(content)
	return s.windows(1, s.n(), nil)
}
