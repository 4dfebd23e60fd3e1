package search

// shrink drops the last (lowest-ranked) hit of an answer over budget; Total
// still says how many were found.
func shrink(out *Output) bool {
	if len(out.Hits) <= 1 {
		return false
	}
	last := out.Hits[len(out.Hits)-1]
	out.Hits = out.Hits[:len(out.Hits)-1]
	out.Tokens -= last.Tokens
	return true
}
