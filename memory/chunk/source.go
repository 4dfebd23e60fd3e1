package chunk

import (
	"regexp"
	"sort"
	"strings"
)

// source is a file decoded once for the splitters: lines without their
// terminators (LF or CRLF), invalid UTF-8 replaced by U+FFFD so that every
// chunk's Text is valid UTF-8 whatever bytes the file holds.
type source struct {
	lines  []string
	nextNB []int // nextNB[i]: the first non-blank line after line i, 0 if none
}

func newSource(content []byte) *source {
	s := strings.ToValidUTF8(string(content), "\uFFFD")
	lines := strings.Split(s, "\n")
	if len(lines) > 1 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	next := make([]int, len(lines)+2)
	for i := len(lines) - 1; i >= 0; i-- { // next[i] answers for line i
		if strings.TrimSpace(lines[i]) != "" {
			next[i] = i + 1
		} else {
			next[i] = next[i+1]
		}
	}
	return &source{lines: lines, nextNB: next}
}

// n is the number of lines.
func (s *source) n() int { return len(s.lines) }

// line returns line i, 1-based; "" outside the file.
func (s *source) line(i int) string {
	if i < 1 || i > len(s.lines) {
		return ""
	}
	return s.lines[i-1]
}

// nextNonBlank returns the first non-blank line after line i, or 0.
func (s *source) nextNonBlank(i int) int {
	if i < 0 || i >= len(s.lines) {
		return 0
	}
	return s.nextNB[i]
}

func (s *source) blank(i int) bool { return strings.TrimSpace(s.line(i)) == "" }

// text joins lines a..b (1-based, inclusive).
func (s *source) text(a, b int) string {
	if a < 1 {
		a = 1
	}
	if b > len(s.lines) {
		b = len(s.lines)
	}
	if a > b {
		return ""
	}
	return strings.Join(s.lines[a-1:b], "\n")
}

// trim narrows a..b to its first and last non-blank lines; ok is false when
// the range holds only blank lines.
func (s *source) trim(a, b int) (int, int, bool) {
	for a <= b && s.blank(a) {
		a++
	}
	for b >= a && s.blank(b) {
		b--
	}
	return a, b, a <= b
}

// chunk builds a chunk over lines a..b with the fields every splitter fills.
func (s *source) chunk(a, b int, symbol, kind string, parents []string) Chunk {
	text := s.text(a, b)
	return Chunk{
		StartLine:    a,
		EndLine:      b,
		Symbol:       symbol,
		SymbolKind:   kind,
		Parents:      cloneStrings(parents),
		Text:         text,
		Requirements: FindRequirementIDs(text),
	}
}

func cloneStrings(in []string) []string {
	if len(in) == 0 {
		return nil
	}
	return append([]string(nil), in...)
}

// windowLines is the size of a fallback window.
const windowLines = 60

// windows cuts lines a..b into blocks of about windowLines lines, ending a
// block at a blank line near the boundary where there is one.
func (s *source) windows(a, b int, parents []string) []Chunk {
	var out []Chunk
	for {
		var ok bool
		a, b, ok = s.trim(a, b)
		if !ok {
			return out
		}
		end := b
		if b-a+1 > windowLines+windowLines/4 {
			end = a + windowLines - 1
			cut := 0
			for i := end; i > a+windowLines/2; i-- {
				if s.blank(i) {
					cut = i
					break
				}
			}
			if cut == 0 {
				for i := end + 1; i <= end+windowLines/4 && i < b; i++ {
					if s.blank(i) {
						cut = i
						break
					}
				}
			}
			if cut != 0 {
				end = cut - 1
			}
		}
		_, e, _ := s.trim(a, end)
		out = append(out, s.chunk(a, e, "", "block", parents))
		a = end + 1
	}
}

// fillGaps returns block chunks for the non-blank lines of lo..hi that no
// chunk in have covers, so that nothing a file says is lost to search.
func (s *source) fillGaps(have []Chunk, lo, hi int, parents []string) []Chunk {
	if hi < lo {
		return nil
	}
	covered := make([]bool, hi-lo+1)
	for _, c := range have {
		for i := max(c.StartLine, lo); i <= min(c.EndLine, hi); i++ {
			covered[i-lo] = true
		}
	}
	var out []Chunk
	for i := lo; i <= hi; {
		if covered[i-lo] {
			i++
			continue
		}
		j := i
		for j+1 <= hi && !covered[j+1-lo] {
			j++
		}
		out = append(out, s.windows(i, j, parents)...)
		i = j + 1
	}
	return out
}

func sortChunks(cs []Chunk) {
	sort.SliceStable(cs, func(i, j int) bool {
		if cs[i].StartLine != cs[j].StartLine {
			return cs[i].StartLine < cs[j].StartLine
		}
		return cs[i].EndLine > cs[j].EndLine
	})
}

// callRef matches an identifier, possibly qualified (a.b, a::b), followed
// by an opening parenthesis: the cheap shape of a call in the languages
// devai splits without a real parser.
var callRef = regexp.MustCompile(`([A-Za-z_$][\w$]*(?:(?:\.|::|->)[A-Za-z_$][\w$]*)*)\s*\(`)

// notRefs are keywords that look like calls to callRef.
var notRefs = map[string]bool{
	"if": true, "for": true, "while": true, "switch": true, "catch": true, "return": true,
	"function": true, "def": true, "class": true, "fn": true, "match": true, "elif": true,
	"with": true, "assert": true, "not": true, "and": true, "or": true, "in": true,
	"lambda": true, "yield": true, "await": true, "async": true, "typeof": true, "sizeof": true,
	"new": true, "super": true, "this": true, "self": true, "synchronized": true, "try": true,
	"else": true, "do": true, "case": true, "when": true, "fun": true,
	"loop": true, "impl": true, "where": true, "unsafe": true, "move": true, "as": true,
	"is": true, "from": true, "import": true, "export": true, "void": true, "delete": true,
	"throw": true, "throws": true, "except": true, "raise": true, "del": true, "pass": true,
	"constructor": true, "Some": true, "Ok": true, "Err": true,
	"None": true, "vec": true, "println": true, "format": true, "panic": true, "assert_eq": true,
}

// findRefs lists the identifiers text calls: the called name, plus
// "Type.name" when the qualifier looks like a type (starts upper-case).
// self is left out so that a definition does not reference itself.
func findRefs(text, self string) []string {
	var out []string
	for _, m := range callRef.FindAllStringSubmatch(text, -1) {
		parts := splitQualified(m[1])
		name := parts[len(parts)-1]
		if notRefs[name] || name == self || len(name) < 2 {
			continue
		}
		out = append(out, name)
		if len(parts) > 1 {
			q := parts[len(parts)-2]
			if q != "" && q[0] >= 'A' && q[0] <= 'Z' && !notRefs[q] {
				out = append(out, q+"."+name)
			}
		}
		if len(out) > 400 {
			break
		}
	}
	return uniq(out)
}

// qualifierSeps turns Rust and C++ qualifiers into dots; a Replacer is
// safe for concurrent use and never changes.
var qualifierSeps = strings.NewReplacer("::", ".", "->", ".")

func splitQualified(s string) []string {
	s = qualifierSeps.Replace(s)
	return strings.Split(s, ".")
}

// node is a definition found by a code splitter: a function, a class, a
// test block. Children are the definitions a big node is split into.
type node struct {
	start, end int      // lines, doc comments and decorators included
	symbol     string   // the chunk's Symbol
	kind       string   // the chunk's SymbolKind
	container  string   // the name children carry in Parents ("" = symbol)
	qualifier  []string // Parents of this node alone, after the enclosing ones (res for res.send = function…)
	signature  string
	testName   string // non-empty when the node is a test
	testOnly   bool   // compiled only for tests: every chunk of it is a test's
	children   []*node
}

// markTestOnly marks n and everything inside it as compiled only for tests.
func (n *node) markTestOnly() {
	n.testOnly = true
	for _, c := range n.children {
		c.markTestOnly()
	}
}

// bigNode is the size above which a node with children is split into a
// header chunk and one chunk per child.
const bigNode = 60

// emit turns nodes into chunks: a small node is one chunk that names every
// test inside it; a big one is a header chunk, its children, and block
// chunks for what lies between them (fields, hooks, closing braces).
func (s *source) emit(nodes []*node, parents []string) []Chunk {
	var out []Chunk
	for _, n := range nodes {
		out = append(out, s.emitNode(n, parents)...)
	}
	return out
}

func (s *source) emitNode(n *node, parents []string) []Chunk {
	if len(n.qualifier) > 0 {
		parents = append(cloneStrings(parents), n.qualifier...)
	}
	if len(n.children) == 0 || n.end-n.start+1 <= bigNode {
		c := s.chunk(n.start, n.end, n.symbol, n.kind, parents)
		c.Signature = n.signature
		c.TestNames = collectTests(n)
		c.TestOnly = n.testOnly || n.testName != ""
		c.Refs = findRefs(c.Text, n.symbol)
		return []Chunk{c}
	}
	headEnd := n.children[0].start - 1
	_, headEnd, _ = s.trim(n.start, headEnd)
	if headEnd < n.start {
		headEnd = n.start
	}
	head := s.chunk(n.start, headEnd, n.symbol, n.kind, parents)
	head.Signature = n.signature
	head.TestOnly = n.testOnly || n.testName != ""
	if n.testName != "" {
		head.TestNames = []string{n.testName}
	}
	head.Refs = findRefs(head.Text, n.symbol)
	name := n.container
	if name == "" {
		name = n.symbol
	}
	inner := append(cloneStrings(parents), name)
	out := []Chunk{head}
	out = append(out, s.emit(n.children, inner)...)
	// A closing brace line alone would be a useless chunk: the last chunk
	// inside the node takes the closing lines.
	last := &out[len(out)-1]
	if onlyClosers(s, last.EndLine+1, n.end) {
		last.EndLine = n.end
		last.Text = s.text(last.StartLine, last.EndLine)
	}
	for _, g := range s.fillGaps(out, n.start, n.end, inner) {
		g.Refs = findRefs(g.Text, "")
		g.TestOnly = n.testOnly
		out = append(out, g)
	}
	sortChunks(out)
	return out
}

func onlyClosers(s *source, a, b int) bool {
	for i := a; i <= b; i++ {
		if strings.Trim(s.line(i), " \t});]>,") != "" {
			return false
		}
	}
	return true
}

func collectTests(n *node) []string {
	var out []string
	if n.testName != "" {
		out = append(out, n.testName)
	}
	for _, c := range n.children {
		out = append(out, collectTests(c)...)
	}
	return uniq(out)
}

// finishCode emits top-level nodes and fills the gaps between them.
func (s *source) finishCode(nodes []*node) []Chunk {
	out := s.emit(nodes, nil)
	for _, g := range s.fillGaps(out, 1, s.n(), nil) {
		g.Refs = findRefs(g.Text, "")
		out = append(out, g)
	}
	sortChunks(out)
	return out
}
