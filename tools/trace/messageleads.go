package trace

import (
	"regexp"

	"github.com/devaiops/devai/memory"
)

// messageMatch is a root error whose message a lead's pattern matched,
// with its first code frame: where the lead starts reading the code.
type messageMatch struct {
	err   Error
	top   Frame
	match []string
}

// rootMessages lists the root errors whose message re matches and that
// have a code frame. Leads built on what a message says (a null variable,
// an attribute read on None) start there.
func rootMessages(ix *memory.Index, errs []Error, re *regexp.Regexp) []messageMatch {
	var out []messageMatch
	for _, e := range errs {
		if !e.RootCause {
			continue
		}
		m := re.FindStringSubmatch(e.Message)
		if m == nil {
			continue
		}
		if frames := codeFrames(ix, e); len(frames) > 0 {
			out = append(out, messageMatch{err: e, top: frames[0], match: m})
		}
	}
	return out
}

// leadSet adds lead chunks to the suspects once each.
type leadSet struct {
	cands []Suspect
	seen  map[string]bool
}

func newLeadSet(cands []Suspect) *leadSet {
	s := &leadSet{cands: cands, seen: map[string]bool{}}
	for _, c := range cands {
		s.seen[c.URI] = true
	}
	return s
}

// add makes c a suspect at line with weight w, unless it already is one.
func (s *leadSet) add(c memory.ChunkInfo, line int, w float64, why string) {
	if s.seen[c.URI] {
		return
	}
	s.seen[c.URI] = true
	s.cands = append(s.cands, Suspect{Path: c.Path, Line: line, URI: c.URI, Symbol: c.Symbol, SymbolKind: c.SymbolKind,
		Requires: c.Requirements, Score: w, lastErr: -1, Why: []string{why}})
}
