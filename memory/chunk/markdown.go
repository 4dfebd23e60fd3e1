package chunk

import (
	"regexp"
	"strings"
)

// maxSection is the length above which a Markdown section is cut at
// paragraph boundaries; each piece keeps the heading path so a citation
// still says where it comes from.
const maxSection = 150

var (
	mdFence   = regexp.MustCompile("^ {0,3}(`{3,}|~{3,})(.*)$")
	mdSetext  = regexp.MustCompile(`^ {0,3}(=+|-+)[ \t]*$`)
	mdListItm = regexp.MustCompile(`^([-*+]|\d{1,9}[.)])([ \t]|$)`)
)

type mdHeading struct {
	start int // first line (a setext heading starts at its paragraph)
	level int
	text  string
}

// splitMarkdown cuts a Markdown file by ATX and setext headings. Front
// matter is its own chunk; fenced code never splits and a # inside a fence
// is not a heading.
func splitMarkdown(p string, content []byte) []Chunk {
	s := newSource(content)
	var out []Chunk
	body := 1
	if fmEnd := frontMatterEnd(s); fmEnd > 0 {
		c := s.chunk(1, fmEnd, "front matter", "frontmatter", nil)
		out = append(out, c)
		body = fmEnd + 1
	}
	inFence := make([]bool, s.n()+2)
	var heads []mdHeading
	fenceChar, fenceLen := byte(0), 0
	paraStart := 0 // first line of the paragraph being read, 0 when none
	for i := body; i <= s.n(); i++ {
		l := s.line(i)
		if fenceLen > 0 {
			inFence[i] = true
			if m := mdFence.FindStringSubmatch(l); m != nil && m[1][0] == fenceChar && len(m[1]) >= fenceLen && strings.TrimSpace(m[2]) == "" {
				fenceLen = 0
			}
			continue
		}
		if m := mdFence.FindStringSubmatch(l); m != nil && !(m[1][0] == '`' && strings.Contains(m[2], "`")) {
			inFence[i] = true
			fenceChar, fenceLen = m[1][0], len(m[1])
			paraStart = 0
			continue
		}
		if strings.TrimSpace(l) == "" {
			paraStart = 0
			continue
		}
		if level, text, ok := atxHeading(l); ok {
			heads = append(heads, mdHeading{start: i, level: level, text: text})
			paraStart = 0
			continue
		}
		if m := mdSetext.FindStringSubmatch(l); m != nil && paraStart > 0 {
			level := 1
			if m[1][0] == '-' {
				level = 2
			}
			var parts []string
			for j := paraStart; j < i; j++ {
				parts = append(parts, strings.TrimSpace(s.line(j)))
			}
			heads = append(heads, mdHeading{start: paraStart, level: level, text: strings.Join(parts, " ")})
			paraStart = 0
			continue
		}
		if paraStart == 0 && isParagraphLine(l) {
			paraStart = i
		} else if !isParagraphLine(l) {
			paraStart = 0
		}
	}

	type level struct {
		n    int
		text string
	}
	var stack []level
	emit := func(a, b int, symbol string, parents []string) {
		a, b, ok := s.trim(a, b)
		if !ok {
			return
		}
		for _, piece := range mdPieces(s, inFence, a, b) {
			c := s.chunk(piece[0], piece[1], symbol, "section", parents)
			c.Shall = FindShall(c.Text)
			out = append(out, c)
		}
	}
	first := s.n() + 1
	if len(heads) > 0 {
		first = heads[0].start
	}
	emit(body, first-1, "", nil)
	for k, h := range heads {
		for len(stack) > 0 && stack[len(stack)-1].n >= h.level {
			stack = stack[:len(stack)-1]
		}
		var parents []string
		for _, l := range stack {
			parents = append(parents, l.text)
		}
		stack = append(stack, level{h.level, h.text})
		end := s.n()
		if k+1 < len(heads) {
			end = heads[k+1].start - 1
		}
		emit(h.start, end, h.text, parents)
	}
	return out
}

// frontMatterEnd returns the closing line of YAML (---) or TOML (+++) front
// matter at the top of the file, or 0.
func frontMatterEnd(s *source) int {
	open := strings.TrimSpace(s.line(1))
	if open != "---" && open != "+++" {
		return 0
	}
	for i := 2; i <= s.n(); i++ {
		l := strings.TrimSpace(s.line(i))
		if l == open || (open == "---" && l == "...") {
			return i
		}
	}
	return 0
}

// atxHeading parses "## Title ##".
func atxHeading(l string) (int, string, bool) {
	t := strings.TrimLeft(l, " ")
	if len(l)-len(t) > 3 || !strings.HasPrefix(t, "#") {
		return 0, "", false
	}
	n := len(t) - len(strings.TrimLeft(t, "#"))
	if n > 6 {
		return 0, "", false
	}
	rest := t[n:]
	if rest != "" && rest[0] != ' ' && rest[0] != '\t' {
		return 0, "", false
	}
	rest = strings.TrimSpace(rest)
	if closed := strings.TrimRight(rest, "#"); closed == "" || strings.HasSuffix(closed, " ") || strings.HasSuffix(closed, "\t") {
		rest = strings.TrimSpace(closed)
	}
	return n, rest, true
}

// isParagraphLine reports whether l can be the text of a setext heading.
func isParagraphLine(l string) bool {
	t := strings.TrimSpace(l)
	if t == "" || len(l)-len(strings.TrimLeft(l, " ")) > 3 {
		return false
	}
	switch t[0] {
	case '>', '|', '<':
		return false
	}
	return !mdListItm.MatchString(t)
}

// mdPieces cuts a..b into pieces of at most about maxSection lines, only
// before a line that starts a paragraph or a top-level list item outside a
// fence; a section with no such place stays whole.
func mdPieces(s *source, inFence []bool, a, b int) [][2]int {
	canCut := func(i int) bool {
		if inFence[i] || inFence[i-1] || s.blank(i) {
			return false
		}
		l := s.line(i)
		if l[0] == ' ' || l[0] == '\t' {
			return false
		}
		return s.blank(i-1) || mdListItm.MatchString(l)
	}
	var out [][2]int
	for b-a+1 > maxSection {
		cut := 0
		for i := a + maxSection; i > a+maxSection/4; i-- {
			if canCut(i) {
				cut = i
				break
			}
		}
		if cut == 0 {
			for i := a + maxSection + 1; i <= b; i++ {
				if canCut(i) {
					cut = i
					break
				}
			}
		}
		if cut == 0 {
			break
		}
		if x, y, ok := s.trim(a, cut-1); ok {
			out = append(out, [2]int{x, y})
		}
		a = cut
	}
	return append(out, [2]int{a, b})
}
