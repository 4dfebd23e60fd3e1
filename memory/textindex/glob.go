package textindex

import (
	"fmt"
	"regexp"
	"strings"
)

// GlobRegexp translates a shell-style path glob into an unanchored Go
// regexp body that must match a whole repo-relative, slash-separated path:
//
//   - any run of characters except /
//     ?        one character except /
//     **       any run of characters, / included; "**/" also matches nothing,
//     so "**/*.go" matches "main.go" and "a/b/main.go"
//     [abc]    a character class; [!abc] negates, as in the shell
//     {a,b}    either alternative
//     \x       a literal x
//
// A glob without any of these special characters names a file or a folder:
// "internal/sessions" matches that path and everything under it. A trailing
// slash means the same ("internal/"). The Search path filter runs this regexp
// on bleve's path keyword field, so it is exact and costs one walk of the
// term dictionary, not a post-filter.
func GlobRegexp(glob string) (string, error) {
	glob = strings.TrimPrefix(strings.TrimSpace(glob), "./")
	if glob == "" {
		return "", fmt.Errorf("path glob is empty")
	}
	if !strings.ContainsAny(glob, `*?[{\`) {
		return regexp.QuoteMeta(strings.TrimSuffix(glob, "/")) + "(/.*)?", nil
	}
	var b strings.Builder
	depth := 0 // inside {…}
	for i := 0; i < len(glob); i++ {
		c := glob[i]
		switch c {
		case '*':
			if i+1 < len(glob) && glob[i+1] == '*' {
				i++
				if i+1 < len(glob) && glob[i+1] == '/' {
					i++
					b.WriteString("(.*/)?")
				} else {
					b.WriteString(".*")
				}
			} else {
				b.WriteString("[^/]*")
			}
		case '?':
			b.WriteString("[^/]")
		case '[':
			end := strings.IndexByte(glob[i+1:], ']')
			if end < 0 {
				return "", fmt.Errorf("path glob %q: unclosed [ at byte %d", glob, i)
			}
			class := glob[i+1 : i+1+end]
			if class == "" {
				return "", fmt.Errorf("path glob %q: empty [] at byte %d", glob, i)
			}
			if class[0] == '!' {
				class = "^" + class[1:]
			}
			b.WriteString("[" + strings.ReplaceAll(class, `\`, `\\`) + "]")
			i += end + 1
		case '{':
			depth++
			b.WriteString("(")
		case '}':
			if depth == 0 {
				return "", fmt.Errorf("path glob %q: } without { at byte %d", glob, i)
			}
			depth--
			b.WriteString(")")
		case ',':
			if depth > 0 {
				b.WriteString("|")
			} else {
				b.WriteString(",")
			}
		case '\\':
			if i+1 == len(glob) {
				return "", fmt.Errorf("path glob %q: trailing backslash", glob)
			}
			i++
			b.WriteString(regexp.QuoteMeta(glob[i : i+1]))
		default:
			b.WriteString(regexp.QuoteMeta(glob[i : i+1]))
		}
	}
	if depth != 0 {
		return "", fmt.Errorf("path glob %q: unclosed {", glob)
	}
	re := b.String()
	if _, err := regexp.Compile("^(?:" + re + ")$"); err != nil {
		return "", fmt.Errorf("path glob %q: %w", glob, err)
	}
	return re, nil
}

// Glob is a compiled path glob with the semantics of GlobRegexp, for callers
// (the vector channel) that filter paths themselves and must agree with the
// text index on what a glob matches.
type Glob struct{ re *regexp.Regexp }

// CompileGlob compiles glob; see GlobRegexp for the syntax.
func CompileGlob(glob string) (Glob, error) {
	body, err := GlobRegexp(glob)
	if err != nil {
		return Glob{}, err
	}
	re, err := regexp.Compile("^(?:" + body + ")$")
	if err != nil {
		return Glob{}, fmt.Errorf("path glob %q: %w", glob, err)
	}
	return Glob{re: re}, nil
}

// Match reports whether the repo-relative path matches.
func (g Glob) Match(path string) bool { return g.re != nil && g.re.MatchString(path) }
