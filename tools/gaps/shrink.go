package gaps

// keepMatrix is how short shrinking makes the traceability matrix before
// it drops gaps.
const keepMatrix = 10

// shrink cuts an answer over budget: first the traceability matrix by half
// (the gaps name what it lacks), then the least risky gap; Total and
// by_kind still count them all.
func shrink(out *Output) bool {
	if len(out.Matrix) > keepMatrix {
		out.Matrix = out.Matrix[:max(keepMatrix, len(out.Matrix)/2)]
		return true
	}
	if len(out.Gaps) > 1 {
		out.Gaps = out.Gaps[:len(out.Gaps)-1]
		return true
	}
	return false
}
