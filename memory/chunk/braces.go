package chunk

import (
	"regexp"
	"strings"
)

// braceLang says which lexical features of a C-like language the brace
// scanner must skip so that braces in strings and comments do not count.
type braceLang struct {
	templates  bool // JS template literals with ${…}
	regex      bool // JS regular expression literals (best effort)
	rust       bool // char literals vs lifetimes, raw strings, multi-line strings, nested comments
	textBlocks bool // Java text blocks and Kotlin raw strings ("""…""")
	asi        bool // statements may end without ';' (JS, Kotlin)
	// isPrefix says whether a trimmed line is only an attribute, an
	// annotation or a decorator, which belongs to the item below it.
	isPrefix func(t string) bool
}

// lineInfo is what the scanner learned about one line.
type lineInfo struct {
	depthStart, depthEnd, minDepth int
	codeStart, codeEnd             bool // the line starts/ends outside comments and strings
	last                           byte // last code byte, 0 when none
}

type scanMode int

const (
	inCode scanMode = iota
	inBlockComment
	inString
	inTemplate
	inTextBlock
	inRawString
)

// scanBraces computes bracket depth ((), [] and {} together) at each line's
// start and end, skipping strings, comments, template literals and regular
// expressions. info is indexed by line number (info[0] is unused).
func scanBraces(s *source, lang braceLang) []lineInfo {
	info := make([]lineInfo, s.n()+2)
	mode := inCode
	var stack []byte // open brackets; 't' marks a template ${
	depth := 0
	commentDepth, rawHashes := 0, 0
	var quote byte
	var prev byte // last significant code byte, for regex detection
	prevWord := ""
	for ln := 1; ln <= s.n(); ln++ {
		line := s.line(ln)
		li := lineInfo{depthStart: depth, minDepth: depth, codeStart: mode == inCode}
		for j := 0; j < len(line); {
			c := line[j]
			switch mode {
			case inBlockComment:
				switch {
				case strings.HasPrefix(line[j:], "*/"):
					commentDepth--
					j += 2
					if commentDepth == 0 {
						mode = inCode
					}
				case lang.rust && strings.HasPrefix(line[j:], "/*"):
					commentDepth++
					j += 2
				default:
					j++
				}
				continue
			case inString, inTemplate, inTextBlock:
				switch {
				case c == '\\':
					j += 2
				case mode == inTextBlock && strings.HasPrefix(line[j:], `"""`):
					mode = inCode
					j += 3
					li.last, prev = '"', '"'
				case mode == inTemplate && strings.HasPrefix(line[j:], "${"):
					stack = append(stack, 't')
					mode = inCode
					j += 2
				case (mode == inString && c == quote) || (mode == inTemplate && c == '`'):
					mode = inCode
					j++
					li.last, prev = c, c
				default:
					j++
				}
				continue
			case inRawString:
				if c == '"' && strings.HasPrefix(line[j+1:], strings.Repeat("#", rawHashes)) {
					mode = inCode
					j += 1 + rawHashes
					li.last, prev = '"', '"'
					continue
				}
				j++
				continue
			}
			// inCode
			switch {
			case c == ' ' || c == '\t':
				j++
				continue
			case strings.HasPrefix(line[j:], "//"):
				j = len(line)
				continue
			case strings.HasPrefix(line[j:], "/*"):
				mode, commentDepth = inBlockComment, 1
				j += 2
				continue
			case lang.textBlocks && strings.HasPrefix(line[j:], `"""`):
				mode = inTextBlock
				j += 3
				continue
			case lang.rust && (c == 'r' || c == 'b') && !identByte(prevByte(line, j)) && rawStringStart(line[j:]) > 0:
				n := rawStringStart(line[j:])
				rawHashes = strings.Count(line[j:j+n], "#")
				mode = inRawString
				j += n
				continue
			case c == '"':
				mode, quote = inString, '"'
				j++
				continue
			case c == '\'':
				if lang.rust {
					if n := rustCharLen(line[j:]); n > 0 {
						j += n
						li.last, prev = '\'', '\''
					} else {
						j++ // a lifetime
					}
					continue
				}
				mode, quote = inString, '\''
				j++
				continue
			case c == '`' && lang.templates:
				mode = inTemplate
				j++
				continue
			case c == '/' && lang.regex && regexAllowed(prev, prevWord):
				if n := regexLen(line[j:]); n > 0 {
					j += n
					li.last, prev = '/', '/'
					prevWord = ""
					continue
				}
			case identByte(c):
				k := j
				for k < len(line) && identByte(line[k]) {
					k++
				}
				prevWord = line[j:k]
				li.last, prev = line[k-1], line[k-1]
				j = k
				continue
			}
			switch c {
			case '(', '[', '{':
				stack = append(stack, c)
				depth++
			case ')', ']', '}':
				if len(stack) > 0 && stack[len(stack)-1] == 't' && c == '}' {
					stack = stack[:len(stack)-1]
					mode = inTemplate
					j++
					continue
				}
				if len(stack) > 0 {
					stack = stack[:len(stack)-1]
				}
				if depth > 0 {
					depth--
				}
				if depth < li.minDepth {
					li.minDepth = depth
				}
			}
			li.last, prev = c, c
			prevWord = ""
			j++
		}
		if mode == inString && !lang.rust {
			mode = inCode // an unterminated quote (JSX text, a typo) ends with its line
		}
		li.depthEnd = depth
		li.codeEnd = mode == inCode
		info[ln] = li
	}
	return info
}

func identByte(c byte) bool {
	return c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

func prevByte(line string, j int) byte {
	if j == 0 {
		return ' '
	}
	return line[j-1]
}

// rawStringStart returns the length of a Rust raw-string opener at the
// start of s (r", r#", br##"), or 0.
func rawStringStart(s string) int {
	i := 0
	if strings.HasPrefix(s, "br") {
		i = 2
	} else if strings.HasPrefix(s, "r") {
		i = 1
	} else {
		return 0
	}
	for i < len(s) && s[i] == '#' {
		i++
	}
	if i < len(s) && s[i] == '"' {
		return i + 1
	}
	return 0
}

// rustCharLen returns the length of a char literal at the start of s
// ('a', '\n', '\u{1F600}', '{'), or 0 for a lifetime ('a).
func rustCharLen(s string) int {
	if len(s) >= 2 && s[1] == '\\' {
		if k := strings.IndexByte(s[2:], '\''); k >= 0 {
			return k + 3
		}
		return 0
	}
	// one UTF-8 rune, then the closing quote
	for n := 2; n <= 5 && n < len(s); n++ {
		if s[n] == '\'' {
			return n + 1
		}
		if n == 2 && s[1] < 0x80 {
			return 0
		}
	}
	return 0
}

// regexAllowed guesses whether a '/' after prev starts a regular
// expression literal rather than a division.
func regexAllowed(prev byte, word string) bool {
	if word != "" {
		switch word {
		case "return", "typeof", "case", "do", "else", "in", "of", "new", "delete", "void", "throw", "yield", "await":
			return true
		}
		return false
	}
	return prev == 0 || strings.IndexByte("(,=:[!&|?{};+-*%<>~^", prev) >= 0
}

// regexLen returns the length of a regex literal at the start of s, or 0
// when the line holds no closing slash.
func regexLen(s string) int {
	inClass := false
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '[':
			inClass = true
		case ']':
			inClass = false
		case '/':
			if !inClass {
				i++
				for i < len(s) && identByte(s[i]) { // flags
					i++
				}
				return i
			}
		}
	}
	return 0
}

// cItem is one definition or statement inside a block: start includes the
// doc comments and attributes above it; decl is its first line of code.
type cItem struct {
	start, decl, end int
	prefix           string // the text of the comments and attributes
}

// continuationStart matches the start of a line that carries on the
// statement above it.
var continuationStart = regexp.MustCompile(`^(?:[.?:,)\]}{=+*&|-]|/[^/*]|=>|else\b|catch\b|finally\b|extends\b|implements\b|where\b|throws\b|as\b|satisfies\b)`)

// cItems finds the items whose first line sits at depth base in lines
// lo..hi: definitions with their doc comments and attributes, and
// statements, each ending where its braces close or its ';' stands.
func cItems(s *source, info []lineInfo, lang braceLang, lo, hi, base int) []cItem {
	var items []cItem
	i := lo
	for i <= hi {
		if s.blank(i) || !info[i].codeStart || info[i].depthStart != base {
			i++
			continue
		}
		start := i
		for i <= hi {
			t := strings.TrimSpace(s.line(i))
			isComment := strings.HasPrefix(t, "//") || strings.HasPrefix(t, "/*")
			isPrefix := lang.isPrefix != nil && lang.isPrefix(t)
			if !isComment && !isPrefix {
				break
			}
			j := i
			for j < hi && (!info[j].codeEnd || info[j].depthEnd > base) {
				j++
			}
			i = j + 1
			if i <= hi && s.blank(i) {
				for i <= hi && s.blank(i) {
					i++
				}
				start = i
			}
		}
		if i > hi || info[i].depthStart != base || !info[i].codeStart {
			continue
		}
		end := cItemEnd(s, info, lang, i, hi, base)
		items = append(items, cItem{start: start, decl: i, end: end, prefix: s.text(start, i-1)})
		i = end + 1
	}
	return items
}

// annotationRun matches leading annotations or decorators with simple
// arguments: @Test, @Timeout(5), @Component({ selector: 'x' }).
var annotationRun = regexp.MustCompile(`^(?:@[\w.:]+(?:\([^()]*\))?\s*)+`)

// annotationOnly reports whether t is annotations alone, or annotations
// whose argument list goes on below.
func annotationOnly(t string) bool {
	if !strings.HasPrefix(t, "@") {
		return false
	}
	rest := strings.TrimSpace(annotationRun.ReplaceAllString(t, ""))
	return rest == "" || strings.HasPrefix(rest, "(")
}

// rustAttrOnly reports whether t is an outer attribute alone (#[test],
// #[derive(\n…), not #![inner]).
func rustAttrOnly(t string) bool {
	if !strings.HasPrefix(t, "#[") {
		return false
	}
	i := strings.LastIndex(t, "]")
	return i < 0 || strings.TrimSpace(t[i+1:]) == "" || strings.HasPrefix(strings.TrimSpace(t[i+1:]), "//")
}

// cItemEnd finds the last line of the item that starts at decl.
func cItemEnd(s *source, info []lineInfo, lang braceLang, decl, hi, base int) int {
	for k := decl; k <= hi; k++ {
		li := info[k]
		if li.minDepth < base {
			return max(decl, k-1) // the enclosing block closes here
		}
		if li.depthEnd != base || !li.codeEnd {
			continue
		}
		next := s.nextNonBlank(k)
		cont := next > 0 && next <= hi && continuationStart.MatchString(strings.TrimSpace(s.line(next)))
		switch li.last {
		case ';':
			return k
		case '}':
			if !lang.asi || !cont {
				return k
			}
			continue
		}
		if lang.asi && !cont && li.last != 0 && strings.IndexByte("=,([{+-*/&|?:.<>!", li.last) < 0 {
			return k
		}
	}
	return hi
}

// openLine returns the line at or after decl where the item's body opens
// (depth rises above base), or 0.
func openLine(info []lineInfo, decl, end, base int) int {
	for k := decl; k <= end; k++ {
		if info[k].depthEnd > base {
			return k
		}
	}
	return 0
}

// signatureOf is the declaration text up to its body's opening brace.
func signatureOf(s *source, decl, end int, info []lineInfo, base int) string {
	last := decl
	if o := openLine(info, decl, end, base); o > 0 && o-decl < 6 {
		last = o
	}
	var parts []string
	for k := decl; k <= last; k++ {
		parts = append(parts, strings.TrimSpace(s.line(k)))
	}
	sig := strings.Join(parts, " ")
	if i := strings.Index(sig, "{"); i > 0 && !strings.Contains(sig[:i], "=>") {
		sig = sig[:i]
	} else {
		sig = strings.TrimSuffix(sig, "{")
	}
	return truncate(strings.TrimSpace(sig), 300)
}

// interior returns the lines strictly inside an item's body and the depth
// of the body's own items; ok is false for an item without a body on
// lines of its own.
func interior(info []lineInfo, it cItem, base int) (lo, hi, depth int, ok bool) {
	o := openLine(info, it.decl, it.end, base)
	if o == 0 || o >= it.end {
		return 0, 0, 0, false
	}
	return o + 1, it.end - 1, info[o].depthEnd, true
}
