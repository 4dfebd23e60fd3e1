package locset

import (
	"regexp"
	"strings"
)

// maxQueryRunes caps a query: some commit bodies paste whole logs or diffs,
// which says nothing about how people ask and slows every retriever down.
const maxQueryRunes = 2000

var (
	htmlComment = regexp.MustCompile(`(?s)<!--.*?-->`)
	// trailerLine matches git trailers ("Signed-off-by: …", "Co-authored-by: …",
	// "Change-Id: …") and bare closing references ("Fixes #12").
	trailerLine = regexp.MustCompile(`(?i)^\s*([a-z][a-z]*(-[a-z]+)*-by|change-id|cc|bug|issue|refs?|see-also|part-of|(fix|fixe[sd]|close[sd]?|resolve[sd]?)):\s` +
		`|(?i)^\s*(fix|fixe[sd]|close[sd]?|resolve[sd]?|refs?|see)\s*:?\s*((#|gh-)\d+|https?://\S+)[\s,.]*((and\s+)?((#|gh-)\d+|https?://\S+)[\s,.]*)*$`)
	issueRefParen = regexp.MustCompile(`\(\s*(#|gh-|GH-)\d+(\s*,\s*(#|gh-|GH-)\d+)*\s*\)`)
	issueRef      = regexp.MustCompile(`(^|[\s,;(\[])(#|gh-|GH-)\d+\b`)
	url           = regexp.MustCompile(`https?://\S+`)
	spaces        = regexp.MustCompile(`[ \t]+`)
)

// CleanMessage turns a commit message into a query: the subject and body
// without trailers, issue and pull-request references, URLs and HTML
// comments left by PR templates, blank lines dropped, at most maxQueryRunes.
// What remains is what a developer would write when asking where a change
// belongs; the references would only let a retriever match on numbers.
func CleanMessage(msg string) string {
	msg = strings.ReplaceAll(msg, "\r\n", "\n")
	msg = htmlComment.ReplaceAllString(msg, "")
	var kept []string
	for _, line := range strings.Split(msg, "\n") {
		if trailerLine.MatchString(line) {
			continue
		}
		line = issueRefParen.ReplaceAllString(line, "")
		line = issueRef.ReplaceAllString(line, "$1")
		line = url.ReplaceAllString(line, "")
		line = strings.TrimSpace(spaces.ReplaceAllString(line, " "))
		if line == "" {
			continue
		}
		kept = append(kept, line)
	}
	return truncateWords(strings.Join(kept, "\n"), maxQueryRunes)
}

// truncateWords cuts s to at most n runes, at a word boundary when there is one.
func truncateWords(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := string(r[:n])
	if i := strings.LastIndexAny(cut, " \n"); i > 0 {
		cut = cut[:i]
	}
	return cut
}

// WordCount counts whitespace-separated words.
func WordCount(s string) int { return len(strings.Fields(s)) }
