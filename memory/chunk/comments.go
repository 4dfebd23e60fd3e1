package chunk

import "strings"

// Comments is the prose of a code chunk: its comments and docstrings,
// without the code. A question is prose, and the comment that says what a
// function does ("… for request matching and URL path parameter parsing")
// answers it better than the identifiers of a body that happens to repeat
// the same words. Empty for chunks that are not code or tests, and for
// languages whose comment syntax is not known here.
//
// It reads lines, not a syntax tree: a comment marker inside a string
// literal is skipped when the quotes before it on the line are unbalanced,
// which is close enough for ranking.
func (c Chunk) Comments() string {
	if c.Kind != Code && c.Kind != Test {
		return ""
	}
	switch commentStyleOf(c.Language) {
	case slashComments:
		return slashCommentText(c.Text)
	case hashComments:
		return hashCommentText(c.Text)
	}
	return ""
}

type commentStyle int

const (
	noComments    commentStyle = iota
	slashComments              // // and /* */: Go, the C family, Java, Kotlin, JavaScript, TypeScript, Rust
	hashComments               // # and docstrings: Python, Ruby, shell
)

func commentStyleOf(lang string) commentStyle {
	switch lang {
	case "Go", "JavaScript", "JSX", "TypeScript", "TSX", "Java", "Kotlin", "Rust", "C", "C++", "Objective-C", "C#", "Swift", "Scala", "PHP", "Dart":
		return slashComments
	case "Python", "Ruby", "Perl", "Shell":
		return hashComments
	}
	return noComments
}

// slashCommentText collects // line comments and /* */ blocks.
func slashCommentText(text string) string {
	var b strings.Builder
	inBlock := false
	for _, line := range strings.Split(text, "\n") {
		for line != "" {
			if inBlock {
				end := strings.Index(line, "*/")
				if end < 0 {
					addProse(&b, strings.TrimLeft(strings.TrimSpace(line), "*"))
					break
				}
				addProse(&b, strings.TrimLeft(strings.TrimSpace(line[:end]), "*"))
				line, inBlock = line[end+2:], false
				continue
			}
			i := commentStart(line, "//", "/*")
			if i < 0 {
				break
			}
			if strings.HasPrefix(line[i:], "//") {
				addProse(&b, strings.TrimLeft(line[i+2:], "/!"))
				break
			}
			line, inBlock = line[i+2:], true
		}
	}
	return b.String()
}

// hashCommentText collects # comments and triple-quoted strings that stand
// alone on their lines (docstrings).
func hashCommentText(text string) string {
	var b strings.Builder
	quote := "" // the open docstring's delimiter
	for _, line := range strings.Split(text, "\n") {
		t := strings.TrimSpace(line)
		if quote != "" {
			if end := strings.Index(t, quote); end >= 0 {
				addProse(&b, t[:end])
				quote = ""
				continue
			}
			addProse(&b, t)
			continue
		}
		if q := docstringOpen(t); q != "" {
			rest := t[strings.Index(t, q)+3:]
			if end := strings.Index(rest, q); end >= 0 {
				addProse(&b, rest[:end])
				continue
			}
			addProse(&b, rest)
			quote = q
			continue
		}
		if i := commentStart(line, "#"); i >= 0 {
			addProse(&b, strings.TrimLeft(line[i+1:], "#!"))
		}
	}
	return b.String()
}

// docstringOpen is the delimiter of a triple-quoted string that starts the
// line (with an optional r/b/u/f prefix), or "".
func docstringOpen(t string) string {
	t = strings.TrimLeft(t, "rRbBuUfF")
	for _, q := range []string{`"""`, `'''`} {
		if strings.HasPrefix(t, q) {
			return q
		}
	}
	return ""
}

// commentStart is the index of the first of markers on line that is not
// inside a string literal, or -1.
func commentStart(line string, markers ...string) int {
	inQuote := byte(0)
	for i := 0; i < len(line); i++ {
		c := line[i]
		if inQuote != 0 {
			if c == '\\' {
				i++
			} else if c == inQuote {
				inQuote = 0
			}
			continue
		}
		if c == '"' || c == '\'' || c == '`' {
			inQuote = c
			continue
		}
		for _, m := range markers {
			if strings.HasPrefix(line[i:], m) {
				return i
			}
		}
	}
	return -1
}

func addProse(b *strings.Builder, s string) {
	if s = strings.TrimSpace(s); s == "" {
		return
	}
	if b.Len() > 0 {
		b.WriteByte('\n')
	}
	b.WriteString(s)
}
