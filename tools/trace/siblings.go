package trace

import (
	"fmt"
	"strings"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/chunk"
)

// Weights of the other callers of what the failing line calls. A
// concurrency fault ("close of closed channel", a data race, concurrent
// map writes) takes two parties, and the fix often goes into the other
// one: the other callers of the function the failing line calls are where
// the second close or write comes from. For other faults they are weaker
// leads.
const (
	weightOtherCallerConcurrent = 0.45
	weightOtherCaller           = 0.12
	maxOtherCallers             = 3
)

var concurrencyCues = []string{"close of closed channel", "concurrent map", "data race", "send on closed channel", "ConcurrentModification", "deadlock"}

// otherCallers adds, for the first in-repo frame of each root error, the
// other definitions that call what its failing line calls.
func otherCallers(ix *memory.Index, errs []Error, cands []Suspect) []Suspect {
	seen := map[string]bool{}
	for _, c := range cands {
		seen[c.Path+" "+c.Symbol] = true
	}
	g := ix.Graph()
	for _, e := range errs {
		if !e.RootCause || e.Type == "goroutine" {
			continue
		}
		w, why := weightOtherCaller, "a lead"
		for _, cue := range concurrencyCues {
			if strings.Contains(e.Type+" "+e.Message, cue) {
				w, why = weightOtherCallerConcurrent, "a concurrency fault takes two parties, and the other one is often where the fix goes"
			}
		}
		top, ok := firstAppFrame(e)
		if !ok || top.Symbol == "" {
			continue
		}
		line := sourceLine(ix, top.Path, top.Line, top.Line)
		if line == "" {
			continue
		}
		if strings.Contains(line, "func(") && strings.HasSuffix(line, "{") {
			// A frame at a function literal's opening line: the calls
			// inlined into it are on the lines that follow.
			line = sourceLine(ix, top.Path, top.Line, top.Line+literalLines)
		}
		// The failing function itself and what the failing line calls:
		// their callers other than the trace's own are the other parties.
		targets := []string{top.Symbol}
		for _, callee := range g.Callees(top.Symbol) {
			if strings.Contains(line, callee.Name+"(") {
				targets = append(targets, callee.ID)
			}
		}
		inTrace := map[string]bool{}
		for _, f := range e.Frames {
			inTrace[f.Symbol] = true
		}
		added := 0
		for _, target := range targets {
			for _, caller := range g.Callers(target) {
				key := caller.Path + " " + caller.ID
				if caller.Test || isTestPath(caller.Path) || inTrace[caller.ID] || seen[key] || added == maxOtherCallers {
					continue
				}
				seen[key] = true
				added++
				s := Suspect{Path: caller.Path, Line: caller.StartLine, Symbol: caller.ID, SymbolKind: caller.Kind, Score: w, lastErr: -1,
					URI: chunk.URI(chunk.Code, caller.Path, caller.StartLine, caller.EndLine),
					Why: []string{fmt.Sprintf("also calls %s, which the failing code at %s:%d is or calls (%s) %+.2f", target, top.Path, top.Line, why, w)}}
				if c, ok := ix.ChunkAt(caller.Path, caller.StartLine); ok {
					s.URI, s.Requires = c.URI, c.Requirements
				}
				cands = append(cands, s)
			}
		}
	}
	return cands
}

func firstAppFrame(e Error) (Frame, bool) {
	for _, f := range e.Frames {
		if f.InApp && !f.CreatedBy {
			return f, true
		}
	}
	return Frame{}, false
}

// literalLines is how many lines after a function literal's opening line
// are read as its first statements.
const literalLines = 3

// sourceLine reads lines start..end of an indexed file.
func sourceLine(ix *memory.Index, path string, start, end int) string {
	doc, err := ix.Read(chunk.URI(chunk.Code, path, start, end))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(doc.Text)
}
