package chunk

import (
	"path"
	"regexp"
	"strings"
)

var (
	javaLang   = braceLang{textBlocks: true, isPrefix: annotationOnly}
	kotlinLang = braceLang{textBlocks: true, asi: true, isPrefix: annotationOnly}

	javaMods  = `(?:(?:public|protected|private|static|final|abstract|sealed|non-sealed|strictfp|synchronized|native|default|transient|volatile|data|open|inner|enum|annotation|value|internal|override|suspend|inline|operator|infix|tailrec|external|lateinit|const|actual|expect)\s+)*`
	javaClass = regexp.MustCompile(`^` + javaMods + `(class|interface|enum|record|@interface|object)\s+([\w$]+)`)
	ktComp    = regexp.MustCompile(`^` + javaMods + `companion\s+object\b\s*([\w$]*)`)
	ktFun     = regexp.MustCompile("^" + javaMods + "fun\\s+(?:<[^>]+>\\s+)?(?:[\\w$.<>?]+\\.)?(`[^`]+`|[\\w$]+)\\s*\\(")
	javaMeth  = regexp.MustCompile(`^` + javaMods + `(?:<[^>]+>\s+)?(?:[\w$.<>\[\],?]+(?:\s*<[^=;]*>)?(?:\[\])*\s+)?([\w$]+)\s*\(`)
	javaTest  = regexp.MustCompile(`(?m)^\s*@(?:org\.junit\.(?:jupiter\.api\.)?)?(Test|ParameterizedTest|RepeatedTest|TestFactory|TestTemplate|Property)\b`)
)

var javaNotMethods = map[string]bool{"if": true, "for": true, "while": true, "switch": true, "return": true, "catch": true, "new": true, "throw": true, "synchronized": true, "super": true, "this": true, "try": true}

// splitJava cuts Java and Kotlin into classes, interfaces, enums, records
// and objects, with methods as their own chunks when the class is big;
// Javadoc and annotations stay with what they annotate, and @Test methods
// are named "Class.method" in TestNames.
func splitJava(p string, content []byte) []Chunk {
	s := newSource(content)
	lang := javaLang
	if ext := path.Ext(p); ext == ".kt" || ext == ".kts" {
		lang = kotlinLang
	}
	info := scanBraces(s, lang)
	return s.finishCode(javaNodes(s, info, lang, 1, s.n(), 0, nil))
}

// javaNodes turns the items of a file or a class body into nodes; classes
// names the enclosing classes, outermost first.
func javaNodes(s *source, info []lineInfo, lang braceLang, lo, hi, base int, classes []string) []*node {
	var out []*node
	for _, it := range cItems(s, info, lang, lo, hi, base) {
		t := strings.TrimSpace(s.line(it.decl))
		n := &node{start: it.start, end: it.end, signature: signatureOf(s, it.decl, it.end, info, base)}
		switch {
		case javaClass.MatchString(t) || ktComp.MatchString(t):
			if m := javaClass.FindStringSubmatch(t); m != nil {
				n.symbol, n.kind = m[2], m[1]
			} else {
				n.symbol, n.kind = orCompanion(ktComp.FindStringSubmatch(t)[1]), "object"
			}
			if n.kind == "@interface" {
				n.kind = "annotation"
			}
			if lo2, hi2, d, ok := interior(info, it, base); ok {
				n.children = javaNodes(s, info, lang, lo2, hi2, d, append(cloneStrings(classes), n.symbol))
			}
		case ktFun.MatchString(t):
			n.symbol = strings.Trim(ktFun.FindStringSubmatch(t)[1], "`")
			n.kind = "function"
		case len(classes) > 0 && javaMeth.MatchString(t) && !strings.Contains(t[:strings.Index(t, "(")], "="):
			n.symbol = javaMeth.FindStringSubmatch(t)[1]
			if javaNotMethods[n.symbol] {
				continue
			}
			n.kind = "method"
		default:
			continue // package, imports, fields: gap blocks
		}
		if len(classes) > 0 && n.kind == "function" {
			n.kind = "method"
		}
		if n.kind == "method" || n.kind == "function" {
			if javaTest.MatchString(it.prefix) || isJUnit3Test(n.symbol, classes) {
				n.testName = strings.Join(append(cloneStrings(classes), n.symbol), ".")
			}
		}
		out = append(out, n)
	}
	return out
}

func orCompanion(name string) string {
	if name == "" {
		return "Companion"
	}
	return name
}

// isJUnit3Test recognises testFoo() methods of a FooTest class.
func isJUnit3Test(method string, classes []string) bool {
	if len(classes) == 0 || !strings.HasPrefix(method, "test") || len(method) == 4 {
		return false
	}
	c := classes[len(classes)-1]
	return strings.HasSuffix(c, "Test") || strings.HasSuffix(c, "Tests")
}
