package trace

import "fmt"

// floorRank is the lowest rank the naive answer (the first in-repo frame
// of the root error) may fall to. Reading the trace is what a user would
// do without devai; a ranking that buries that frame must at least keep it
// in sight, and say why it is not first.
const floorRank = 3

// naiveFrame is the first in-repo frame of the first root error that has
// one (not a frame that merely started a goroutine).
func naiveFrame(errs []Error) (Frame, bool) {
	for _, e := range errs {
		if !e.RootCause {
			continue
		}
		for _, f := range e.Frames {
			if f.InApp && !f.CreatedBy {
				return f, true
			}
		}
	}
	return Frame{}, false
}

// keepNaive moves the naive answer's suspect up to floorRank when the
// ranking put it lower and, with explain, tells on it, whether lifted or
// merely not first, which suspect ranks above it and on what grounds.
// cands is sorted best first; the order of the others is kept. Run without
// explain before a list is cut, with it on the final order.
func keepNaive(cands []Suspect, errs []Error, explain bool) {
	f, ok := naiveFrame(errs)
	if !ok {
		return
	}
	at := -1
	for i, s := range cands {
		if s.Path == f.Path && s.Line == f.Line {
			at = i
			break
		}
	}
	if at <= 0 {
		return
	}
	above := cands[0]
	reason := "none given"
	if len(above.Why) > 0 {
		reason = above.Why[0]
	}
	s := cands[at]
	to := min(at, floorRank-1)
	if to < at && explain {
		s.Why = append(s.Why, fmt.Sprintf("kept in the top %d: the first in-repo frame of the root error (ranked #%d by score)", floorRank, at+1))
		copy(cands[to+1:at+1], cands[to:at])
		cands[to] = s
	}
	if explain {
		cands[to].Why = append(cands[to].Why, fmt.Sprintf("not first: %s %s ranks above it (%s)", above.Path, above.Symbol, reason))
	}
}
