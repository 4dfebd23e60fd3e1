package chunk

import (
	"regexp"
	"strings"
)

var (
	pyDef   = regexp.MustCompile(`^(?:async\s+)?def\s+(\w+)`)
	pyClass = regexp.MustCompile(`^class\s+(\w+)\s*(\([^)]*\))?`)
)

// pyLine is one logical line of Python: it may span physical lines through
// brackets, triple-quoted strings or backslashes.
type pyLine struct {
	start, end int
	indent     int
	text       string // the first physical line, trimmed
}

// pyLogical splits the source into logical lines, skipping blank ones.
func pyLogical(s *source) []pyLine {
	var out []pyLine
	depth := 0
	var triple string // the open triple quote, if any
	for i := 1; i <= s.n(); i++ {
		l := s.line(i)
		startsLogical := depth == 0 && triple == ""
		if startsLogical && (len(out) == 0 || !strings.HasSuffix(strings.TrimRight(s.line(i-1), " \t"), "\\")) {
			if strings.TrimSpace(l) != "" {
				out = append(out, pyLine{start: i, end: i, indent: indentWidth(l), text: strings.TrimSpace(l)})
			}
		} else if len(out) > 0 {
			out[len(out)-1].end = i
		}
		depth, triple = pyScanLine(l, depth, triple)
	}
	return out
}

func indentWidth(l string) int {
	w := 0
	for _, c := range l {
		switch c {
		case ' ':
			w++
		case '\t':
			w = w/8*8 + 8
		default:
			return w
		}
	}
	return w
}

// pyScanLine carries bracket depth and an open triple-quoted string across
// one physical line.
func pyScanLine(l string, depth int, triple string) (int, string) {
	for j := 0; j < len(l); {
		if triple != "" {
			if l[j] == '\\' {
				j += 2
				continue
			}
			if strings.HasPrefix(l[j:], triple) {
				j += 3
				triple = ""
				continue
			}
			j++
			continue
		}
		c := l[j]
		switch {
		case c == '#':
			return depth, ""
		case strings.HasPrefix(l[j:], `"""`) || strings.HasPrefix(l[j:], `'''`):
			triple = l[j : j+3]
			j += 3
			continue
		case c == '"' || c == '\'':
			k := j + 1
			for k < len(l) && l[k] != c {
				if l[k] == '\\' {
					k++
				}
				k++
			}
			j = k + 1
			continue
		case c == '(' || c == '[' || c == '{':
			depth++
		case c == ')' || c == ']' || c == '}':
			if depth > 0 {
				depth--
			}
		}
		j++
	}
	return depth, triple
}

// splitPython cuts Python into top-level functions and classes with their
// decorators, comments and docstrings; a big class is cut into its
// methods, which carry the class in Parents. test_ functions and the test
// methods of Test classes are named in TestNames.
func splitPython(p string, content []byte) []Chunk {
	s := newSource(content)
	lines := pyLogical(s)
	return s.finishCode(pyNodes(s, lines, 0, len(lines), nil))
}

// pyNodes finds the defs and classes among lines[lo:hi], which all sit at
// the same block level; classes names the enclosing classes.
func pyNodes(s *source, lines []pyLine, lo, hi int, classes []string) []*node {
	if lo >= hi {
		return nil
	}
	base := lines[lo].indent
	var out []*node
	for k := lo; k < hi; k++ {
		l := lines[k]
		if l.indent != base {
			continue
		}
		isDef, isClass := pyDef.MatchString(l.text), pyClass.MatchString(l.text)
		if !isDef && !isClass {
			continue
		}
		// decorators and comments right above
		start := l.start
		for j := k - 1; j >= lo && lines[j].indent == base && (strings.HasPrefix(lines[j].text, "@") || strings.HasPrefix(lines[j].text, "#")); j-- {
			if lines[j].end+1 < start && !strings.HasPrefix(lines[j].text, "@") {
				break // a comment separated by a blank line stays out
			}
			start = lines[j].start
		}
		// the body: every following logical line indented deeper, and
		// comments at any indent that are followed by such lines
		end := l.end
		bodyEnd := k + 1
		for j := k + 1; j < hi; j++ {
			if lines[j].indent > base {
				end = lines[j].end
				bodyEnd = j + 1
				continue
			}
			if strings.HasPrefix(lines[j].text, "#") {
				continue
			}
			break
		}
		n := &node{start: start, end: end, signature: pySignature(s, l)}
		if isDef {
			n.symbol, n.kind = pyDef.FindStringSubmatch(l.text)[1], "function"
			if len(classes) > 0 {
				n.kind = "method"
			}
			if isPyTest(n.symbol, classes) {
				n.testName = strings.Join(append(cloneStrings(classes), n.symbol), ".")
			}
		} else {
			m := pyClass.FindStringSubmatch(l.text)
			n.symbol, n.kind = m[1], "class"
			inner := append(cloneStrings(classes), n.symbol)
			if strings.Contains(m[2], "TestCase") && !strings.HasPrefix(n.symbol, "Test") {
				inner[len(inner)-1] = "Test" + n.symbol // marks the class as a test class for isPyTest
				n.children = pyNodes(s, lines, k+1, bodyEnd, inner)
				renameTests(n.children, "Test"+n.symbol, n.symbol)
			} else {
				n.children = pyNodes(s, lines, k+1, bodyEnd, inner)
			}
		}
		out = append(out, n)
		k = bodyEnd - 1
	}
	return out
}

// isPyTest follows pytest's discovery: test_* functions, and test_*
// methods of Test* classes.
func isPyTest(name string, classes []string) bool {
	if !strings.HasPrefix(name, "test") {
		return false
	}
	if len(classes) == 0 {
		return true
	}
	return strings.HasPrefix(classes[len(classes)-1], "Test")
}

func renameTests(nodes []*node, from, to string) {
	for _, n := range nodes {
		n.testName = strings.Replace(n.testName, from, to, 1)
		renameTests(n.children, from, to)
	}
}

// pySignature is the def or class header up to its colon.
func pySignature(s *source, l pyLine) string {
	var parts []string
	for i := l.start; i <= l.end && i < l.start+8; i++ {
		t := strings.TrimSpace(s.line(i))
		parts = append(parts, t)
		if strings.HasSuffix(t, ":") {
			break
		}
	}
	return truncate(strings.TrimSuffix(strings.Join(parts, " "), ":"), 300)
}
