package patch

// budgetNote says, once, that a proposal's lists were cut to fit.
const budgetNote = "Lists cut to fit the answer budget; devai://proposals/{id} has the whole proposal."

// keepAtLeast is how short shrinking makes a list.
const keepAtLeast = 5

// shrink halves the longest of an answer's lists (impacted tests, symbols,
// files); the diff, the checks and the risk are the proposal and stay.
func shrink(out *Output) bool {
	cut := false
	switch n := max(len(out.Tests), len(out.Symbols), len(out.Files)); {
	case n <= keepAtLeast:
	case n == len(out.Tests):
		out.Tests, cut = out.Tests[:max(keepAtLeast, n/2)], true
	case n == len(out.Symbols):
		out.Symbols, cut = out.Symbols[:max(keepAtLeast, n/2)], true
	default:
		out.Files, cut = out.Files[:max(keepAtLeast, n/2)], true
	}
	if cut && (len(out.Notes) == 0 || out.Notes[len(out.Notes)-1] != budgetNote) {
		out.Notes = append(out.Notes, budgetNote)
	}
	return cut
}
