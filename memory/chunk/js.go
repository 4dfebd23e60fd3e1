package chunk

import (
	"regexp"
	"strings"
)

var jsLang = braceLang{templates: true, regex: true, asi: true, isPrefix: annotationOnly}

var (
	jsFunc  = regexp.MustCompile(`^(?:export\s+)?(?:default\s+)?(?:declare\s+)?(?:async\s+)?function\s*\*?\s*([\w$]*)`)
	jsClass = regexp.MustCompile(`^(?:export\s+)?(?:default\s+)?(?:declare\s+)?(?:abstract\s+)?class\b\s*([\w$]*)`)
	jsIface = regexp.MustCompile(`^(?:export\s+)?(?:declare\s+)?interface\s+([\w$]+)`)
	jsType  = regexp.MustCompile(`^(?:export\s+)?(?:declare\s+)?type\s+([\w$]+)`)
	jsEnum  = regexp.MustCompile(`^(?:export\s+)?(?:declare\s+)?(?:const\s+)?enum\s+([\w$]+)`)
	jsSpace = regexp.MustCompile(`^(?:export\s+)?(?:declare\s+)?(?:namespace|module)\s+([\w$.]+)\s*\{`)
	jsVar   = regexp.MustCompile(`^(?:export\s+)?(?:declare\s+)?(const|let|var)\s+([\w$]+)\s*(?::[^=]+)?=\s*(.*)`)
	jsArrow = regexp.MustCompile(`^(?:async\s+)?(?:function\b|\(|<|[\w$]+\s*=>)`)
	// jsTest matches describe/it/test calls, with .only/.skip/.each(...).
	jsTest   = regexp.MustCompile("^(describe|context|suite|it|test|specify)((?:\\.\\w+)*)(?:\\([^)]*\\))?\\s*\\(\\s*(?:'((?:\\\\.|[^'\\\\])*)'|\"((?:\\\\.|[^\"\\\\])*)\"|`((?:\\\\.|[^`\\\\])*)`)")
	jsMethod = regexp.MustCompile(`^(?:(?:public|private|protected|static|async|readonly|override|abstract|declare|get|set|accessor)\s+)*\*?\s*(#?[\w$]+)\s*[?!]?\s*(?:<[^>]*>)?\s*\(`)
	jsProp   = regexp.MustCompile(`^(?:(?:public|private|protected|static|readonly|override)\s+)*(#?[\w$]+)\s*[?!]?\s*(?::[^=]+)?=\s*(?:async\s+)?(?:\([^)]*\)|[\w$]+)\s*(?::\s*[^=]+)?=>`)
)

var jsNotMethods = map[string]bool{"if": true, "for": true, "while": true, "switch": true, "return": true, "catch": true, "function": true, "super": true, "await": true, "new": true}

// splitJS cuts TypeScript and JavaScript into functions, classes (with
// their methods when big), arrow-function constants, interfaces, types and
// test blocks (describe > it), JSDoc and decorators attached.
func splitJS(p string, content []byte) []Chunk {
	s := newSource(content)
	info := scanBraces(s, jsLang)
	nodes := jsNodes(s, info, 1, s.n(), 0, "top", nil)
	return s.finishCode(nodes)
}

// jsNodes turns the items of one block into nodes; ctx is "top", "class"
// or "describe", and path holds the enclosing describe names.
func jsNodes(s *source, info []lineInfo, lo, hi, base int, ctx string, path []string) []*node {
	var out []*node
	for _, it := range cItems(s, info, jsLang, lo, hi, base) {
		t := strings.TrimSpace(s.line(it.decl))
		n := &node{start: it.start, end: it.end, signature: signatureOf(s, it.decl, it.end, info, base)}
		if m := jsTest.FindStringSubmatch(t); m != nil && ctx != "class" {
			name := m[3] + m[4] + m[5]
			n.symbol, n.signature = name, ""
			if m[1] == "it" || m[1] == "test" || m[1] == "specify" {
				n.kind = "test"
				n.testName = strings.Join(append(cloneStrings(path), name), " ")
			} else {
				n.kind = "suite"
				if lo2, hi2, d, ok := interior(info, it, base); ok {
					n.children = jsNodes(s, info, lo2, hi2, d, "describe", append(cloneStrings(path), name))
				}
			}
			out = append(out, n)
			continue
		}
		switch ctx {
		case "describe":
			continue // hooks and helpers stay in the suite's own chunk
		case "class":
			m := jsProp.FindStringSubmatch(t)
			if m == nil {
				m = jsMethod.FindStringSubmatch(t)
			}
			if m == nil || jsNotMethods[m[1]] {
				continue
			}
			n.symbol, n.kind = m[1], "method"
			out = append(out, n)
			continue
		}
		switch {
		case jsFunc.MatchString(t):
			n.symbol, n.kind = orDefault(jsFunc.FindStringSubmatch(t)[1]), "function"
		case jsClass.MatchString(t):
			n.symbol, n.kind = orDefault(jsClass.FindStringSubmatch(t)[1]), "class"
			if lo2, hi2, d, ok := interior(info, it, base); ok {
				n.children = jsNodes(s, info, lo2, hi2, d, "class", nil)
			}
		case jsIface.MatchString(t):
			n.symbol, n.kind = jsIface.FindStringSubmatch(t)[1], "interface"
		case jsType.MatchString(t):
			n.symbol, n.kind = jsType.FindStringSubmatch(t)[1], "type"
		case jsEnum.MatchString(t):
			n.symbol, n.kind = jsEnum.FindStringSubmatch(t)[1], "enum"
		case jsSpace.MatchString(t):
			n.symbol, n.kind = jsSpace.FindStringSubmatch(t)[1], "namespace"
			if lo2, hi2, d, ok := interior(info, it, base); ok {
				n.children = jsNodes(s, info, lo2, hi2, d, "top", nil)
			}
		case jsVar.MatchString(t):
			m := jsVar.FindStringSubmatch(t)
			n.symbol, n.kind = m[2], m[1]
			if jsArrow.MatchString(m[3]) {
				n.kind = "function"
			}
		default:
			continue // statements, imports: gap blocks
		}
		out = append(out, n)
	}
	return out
}

func orDefault(name string) string {
	if name == "" {
		return "default"
	}
	return name
}
