package spec

// keepAtLeast is how short shrinking makes a list of evidence.
const keepAtLeast = 3

// shrink halves the longest list of evidence in a draft over budget (log
// events, related specs, affected code, unchanged behaviour); the
// requirements, criteria and the document are the draft and stay.
func shrink(out *Output) bool {
	lists := []struct {
		n   int
		cut func(int)
	}{
		{len(out.Logs), func(k int) { out.Logs = out.Logs[:k] }},
		{len(out.Related), func(k int) { out.Related = out.Related[:k] }},
		{len(out.Affected), func(k int) { out.Affected = out.Affected[:k] }},
		{len(out.Unchanged), func(k int) { out.Unchanged = out.Unchanged[:k] }},
	}
	longest := -1
	for i, l := range lists {
		if l.n > keepAtLeast && (longest < 0 || l.n > lists[longest].n) {
			longest = i
		}
	}
	if longest < 0 {
		return false
	}
	lists[longest].cut(max(keepAtLeast, lists[longest].n/2))
	return true
}
