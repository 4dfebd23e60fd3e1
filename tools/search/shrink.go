package search

import "strings"

// minSnippet is how short shrinking makes a snippet before it drops hits.
const minSnippet = 600

// shrink cuts an answer over budget: first the longest snippet to its first
// half (marked truncated: its URI has the rest), so that more hits fit in
// shorter form; then the last (lowest-ranked) hit. Total still says how
// many were found.
func shrink(out *Output) bool {
	longest := -1
	for i, h := range out.Hits {
		if len(h.Snippet) > minSnippet && (longest < 0 || len(h.Snippet) > len(out.Hits[longest].Snippet)) {
			longest = i
		}
	}
	if longest >= 0 {
		h := &out.Hits[longest]
		before := len(h.Snippet)
		h.Snippet = firstHalf(h.Snippet)
		h.Truncated = true
		cut := h.Tokens - h.Tokens*len(h.Snippet)/before
		h.Tokens -= cut
		out.Tokens -= cut
		return true
	}
	if len(out.Hits) <= 1 {
		return false
	}
	last := out.Hits[len(out.Hits)-1]
	out.Hits = out.Hits[:len(out.Hits)-1]
	out.Tokens -= last.Tokens
	return true
}

// firstHalf is s up to the end of the line at its middle.
func firstHalf(s string) string {
	mid := len(s) / 2
	if i := strings.LastIndexByte(s[:mid], '\n'); i > 0 {
		return s[:i+1]
	}
	return s[:mid]
}
