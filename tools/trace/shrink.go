package trace

// budgetNote says, once, that an answer was cut to fit the budget.
const budgetNote = "Cut to fit the answer budget: the longest lists were shortened and the last suspects left out. " +
	"Read a suspect's URI for its full context, or call again with max_suspects 1."

// keepAtLeast is how short shrinking makes a list before it drops suspects.
const keepAtLeast = 3

// shrink drops the least useful part of an answer over budget: first the
// longest of the suspects' lists (tests, specs, past events, blame,
// commits) is halved, then each error's stack to its frames in the
// repository, then the timeline, then the last suspect.
func shrink(out *Output) bool {
	cut := halveLongestList(out) || trimFrames(out) || trimTimeline(out) || dropLastSuspect(out)
	if cut && (len(out.Notes) == 0 || out.Notes[len(out.Notes)-1] != budgetNote) {
		out.Notes = append(out.Notes, budgetNote)
	}
	return cut
}

func halveLongestList(out *Output) bool {
	longest, keep := 0, func() {}
	consider := func(n int, cut func(int)) {
		if n > keepAtLeast && n > longest {
			longest = n
			keep = func() { cut(max(keepAtLeast, n/2)) }
		}
	}
	for i := range out.Suspects {
		s := &out.Suspects[i]
		consider(len(s.Tests), func(k int) { s.Tests = s.Tests[:k] })
		consider(len(s.Specs), func(k int) { s.Specs = s.Specs[:k] })
		consider(len(s.PastEvents), func(k int) { s.PastEvents = s.PastEvents[:k] })
		consider(len(s.Blame), func(k int) { s.Blame = s.Blame[:k] })
		consider(len(s.Commits), func(k int) { s.Commits = s.Commits[:k] })
	}
	if longest == 0 {
		return false
	}
	keep()
	return true
}

// trimFrames keeps, of each error's stack, the frames in the repository
// and the first frame; library frames carry the least.
func trimFrames(out *Output) bool {
	cut := false
	for i := range out.Errors {
		e := &out.Errors[i]
		var kept []Frame
		for j, f := range e.Frames {
			if f.InApp || j == 0 {
				kept = append(kept, f)
			}
		}
		if len(kept) < len(e.Frames) {
			e.Frames, cut = kept, true
		}
	}
	return cut
}

func trimTimeline(out *Output) bool {
	if len(out.Timeline) <= 2*keepAtLeast {
		return false
	}
	out.Timeline = out.Timeline[len(out.Timeline)/2:] // the newest half: the failure's end
	return true
}

func dropLastSuspect(out *Output) bool {
	if len(out.Suspects) <= 1 {
		return false
	}
	out.Suspects = out.Suspects[:len(out.Suspects)-1]
	return true
}
