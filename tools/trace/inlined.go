package trace

import (
	"fmt"
	"math"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/chunk"
)

// A backtrace of an optimised build prints functions without a file or a
// line (`10: bat::main`), and the functions the compiler inlined into them
// are not printed at all: the failing code is the frame's function or one
// of the functions it calls. When the first in-repo frame of a root error
// printed no location, the repository's functions it calls are leads at
// the weight of the frame after it, shared among them; a function that
// calls more than maxInlinedCallees of them names none.
const maxInlinedCallees = 4

// inlinedCallees adds the callees of each root error's first in-repo
// frame that printed no location.
func inlinedCallees(ix *memory.Index, errs []Error, cands []Suspect) []Suspect {
	seen := map[string]bool{}
	for _, c := range cands {
		seen[c.Path+" "+c.Symbol] = true
	}
	g := ix.Graph()
	for _, e := range errs {
		if !e.RootCause {
			continue
		}
		frames := codeFrames(ix, e)
		if len(frames) == 0 || frames[0].File != "" {
			continue
		}
		top := frames[0]
		var callees []memory.ChunkInfo
		for _, n := range g.Callees(top.Symbol) {
			if n.Test || seen[n.Path+" "+n.ID] {
				continue
			}
			if c, ok := ix.ChunkAt(n.Path, n.StartLine); ok && c.Kind == chunk.Code {
				callees = append(callees, c)
			}
		}
		if len(callees) == 0 || len(callees) > maxInlinedCallees {
			continue
		}
		w := positionWeight(1) / math.Sqrt(float64(len(callees)))
		for _, c := range callees {
			seen[c.Path+" "+c.Symbol] = true
			cands = append(cands, Suspect{Path: c.Path, Line: c.StartLine, URI: c.URI, Symbol: c.Symbol, SymbolKind: c.SymbolKind,
				Requires: c.Requirements, Score: w, lastErr: -1,
				Why: []string{fmt.Sprintf("called by %s, which the trace of %s prints with no location (an optimised build: what it calls may be inlined into it) %+.2f", top.Symbol, label(e), w)}})
		}
	}
	return cands
}
