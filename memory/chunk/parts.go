package chunk

// A definition hundreds of lines long (axios' 525-line httpAdapter,
// prometheus' main.main) is one chunk, and full-text search scores it as
// one document: its length dilutes every word, so the few lines a question
// is about rank below short chunks that merely mention its words. Its text
// is therefore also searched in parts of about windowLines lines, cut at
// blank lines; each part keeps the chunk's symbol and signature, and a
// match in a part is a match of the chunk, pointed at that part's lines.
// The chunk stays one chunk everywhere else (symbols, the graph, tests,
// vectors).

// partMinLines is the length from which a code or test chunk is searched
// in parts.
const partMinLines = 120

// Parts cuts a long code or test chunk into the parts its text is searched
// in, each a copy of the chunk over its own lines; nil for a chunk short
// enough to be searched whole.
func (c Chunk) Parts() []Chunk {
	if c.Kind != Code && c.Kind != Test || c.Lines() < partMinLines {
		return nil
	}
	s := newSource([]byte(c.Text))
	windows := s.windows(1, s.n(), nil)
	if len(windows) < 2 {
		return nil
	}
	parts := make([]Chunk, len(windows))
	for i, w := range windows {
		p := c
		p.StartLine, p.EndLine = c.StartLine+w.StartLine-1, c.StartLine+w.EndLine-1
		p.Text = w.Text
		parts[i] = p
	}
	return parts
}
