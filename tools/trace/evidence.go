package trace

import (
	"context"
	"fmt"
	"path"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/chunk"
	"github.com/devaiops/devai/memory/history"
)

// Evidence weights. Recency: a line changed just before the newest commit
// is the classic regression; the bonus fades over recencyWindow. Untested:
// code no test reaches is where a fault hides.
const (
	weightRecent = 0.3
	// regressionWindow: a line changed this shortly before the newest
	// commit is called a likely regression in the hypothesis.
	regressionWindow = 14 * 24 * time.Hour
	recencyWindow    = 90 * 24 * time.Hour
	weightNoTests    = 0.1
	blameContext     = 2 // lines blamed on each side of the frame's line
	maxCommits       = 5
	maxRefs          = 3
)

// evidence gathers what the repository says about a suspect.
type evidence struct {
	ix   *memory.Index
	hist *history.Repo // nil: no git history
	// skip marks log hits that are the input's own events.
	skip func(memory.Hit) bool

	headOnce sync.Once
	head     time.Time // the newest commit's time, the "now" of recency
}

func (e *evidence) headTime(ctx context.Context) time.Time {
	e.headOnce.Do(func() {
		if cs, err := e.hist.Log(ctx, history.LogOptions{Max: 1}); err == nil && len(cs) == 1 {
			e.head = cs[0].Time
		}
	})
	return e.head
}

// maxTestsShown caps a suspect's tests: a symbol that 430 tests reach needs
// the count and the nearest few, not the list.
const maxTestsShown = 5

// gather fills blame, commits, tests, specs and past events, and adds the
// parts of the score they earn.
func (e *evidence) gather(ctx context.Context, s *Suspect, msg string) error {
	s.Blame, s.Commits, s.Tests, s.Specs, s.PastEvents = []Blame{}, []Commit{}, []Ref{}, []Ref{}, []Ref{}
	if e.hist != nil {
		e.history(ctx, s)
	}
	if s.Symbol != "" {
		tests := e.ix.Graph().TestsFor(s.Symbol)
		// The nearest first: a test beside the suspect's file before one
		// that reaches it from another package (TestsFor lists direct
		// callers before callers of a caller).
		sort.SliceStable(tests, func(i, j int) bool {
			return path.Dir(tests[i].Path) == path.Dir(s.Path) && path.Dir(tests[j].Path) != path.Dir(s.Path)
		})
		s.TestsTotal = len(tests)
		for _, t := range tests[:min(len(tests), maxTestsShown)] {
			uri := chunk.URI(chunk.Test, t.Path, t.StartLine, t.EndLine)
			if c, ok := e.ix.ChunkAt(t.Path, t.StartLine); ok {
				uri = c.URI // a Rust unit test's file, and so its URI, is code
			}
			s.Tests = append(s.Tests, Ref{URI: uri, Symbol: t.ID})
		}
		if len(s.Tests) == 0 {
			s.Score += weightNoTests
			s.Why = append(s.Why, fmt.Sprintf("no test reaches %s %+.2f", s.Symbol, weightNoTests))
		}
	}
	bare := s.Symbol
	if i := strings.LastIndexByte(bare, '.'); i >= 0 {
		bare = bare[i+1:]
	}
	// Specs speak of what the code is for, not of how it crashed: ask with
	// the symbol, its doc comment and the requirements it names.
	var err error
	if s.Specs, err = e.refs(ctx, strings.TrimSpace(bare+" "+e.doc(s)+" "+strings.Join(s.Requires, " ")), chunk.Spec, nil); err != nil {
		return err
	}
	if s.PastEvents, err = e.refs(ctx, strings.TrimSpace(msg+" "+bare), chunk.Log, e.skip); err != nil {
		return err
	}
	return nil
}

// doc returns the comment lines that open the suspect's chunk.
func (e *evidence) doc(s *Suspect) string {
	c, ok := e.ix.ChunkAt(s.Path, s.Line)
	if !ok {
		return ""
	}
	text, err := e.ix.ReadChunk(c)
	if err != nil {
		return ""
	}
	var doc []string
	for _, l := range strings.Split(text, "\n") {
		l = strings.TrimSpace(l)
		if c, ok := strings.CutPrefix(l, "//"); ok {
			doc = append(doc, c)
		} else if c, ok := strings.CutPrefix(l, "#"); ok {
			doc = append(doc, c)
		} else if l != "" {
			break
		}
	}
	return strings.Join(doc, " ")
}

// lastLine is the last line of p's indexed chunks; 0 when none.
func (e *evidence) lastLine(p string) int {
	last := 0
	for _, c := range e.ix.ChunksOf(p) {
		last = max(last, c.EndLine)
	}
	return last
}

// history adds blame around the frame's line and the file's recent
// commits; a line changed shortly before the newest commit scores.
func (e *evidence) history(ctx context.Context, s *Suspect) {
	start, end := max(1, s.Line-blameContext), s.Line+blameContext
	if c, ok := e.ix.ChunkAt(s.Path, s.Line); ok {
		start, end = max(start, c.StartLine), min(end, c.EndLine)
	} else if last := e.lastLine(s.Path); last > 0 {
		end = min(end, last)
	}
	if start > end {
		s.Why = append(s.Why, fmt.Sprintf("no blame: line %d is past the end of %s in this checkout, which the trace's version of the code is not", s.Line, s.Path))
	} else if lines, err := e.hist.Blame(ctx, "", s.Path, start, end); err == nil {
		for _, b := range lines {
			s.Blame = append(s.Blame, blameOf(b))
			if b.Line == s.Line {
				s.SourceLine = strings.TrimSpace(b.Text)
				if head := e.headTime(ctx); !head.IsZero() {
					age := head.Sub(b.Time)
					if age < 0 {
						age = 0
					}
					if w := weightRecent * (1 - float64(age)/float64(recencyWindow)); w > 0 {
						if age <= regressionWindow {
							s.recent = b.Hash
						}
						s.Score += w
						s.Why = append(s.Why, fmt.Sprintf("line %d last changed %s before the newest commit, in %s (%s) %+.2f",
							b.Line, days(age), short(b.Hash), b.Summary, w))
					}
				}
			}
		}
	} else {
		s.Why = append(s.Why, fmt.Sprintf("no blame for %s: %v", s.Path, err))
	}
	if cs, err := e.hist.Log(ctx, history.LogOptions{Paths: []string{s.Path}, Max: maxCommits}); err == nil {
		for _, c := range cs {
			s.Commits = append(s.Commits, commitOf(c))
		}
		// A line as old as its file is no regression: when the whole
		// history of the file is known and the line came with its first
		// commit, the hypothesis does not call it one.
		if len(cs) < maxCommits && len(cs) > 0 && s.recent == cs[len(cs)-1].Hash {
			s.recent = ""
		}
	}
}

// refs searches one kind and cites the hits.
// Hits that skip reports true for (the input's own events) are left out.
func (e *evidence) refs(ctx context.Context, query string, kind chunk.Kind, skip func(memory.Hit) bool) ([]Ref, error) {
	out := []Ref{}
	if query == "" {
		return out, nil
	}
	res, err := e.ix.Search(ctx, memory.Query{Text: query, Kinds: []chunk.Kind{kind}, Limit: 3 * maxRefs, MaxTokens: 1500})
	if err != nil {
		return nil, fmt.Errorf("search %s for %q: %w", kind, query, err)
	}
	for _, h := range res.Hits {
		if len(out) == maxRefs {
			break
		}
		if skip != nil && skip(h) {
			continue
		}
		out = append(out, Ref{URI: h.URI, Symbol: h.Symbol, Text: firstLine(h.Snippet)})
	}
	return out, nil
}

func firstLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" && l != "```" {
			if len(l) > 160 {
				l = l[:157] + "..."
			}
			return l
		}
	}
	return ""
}

func short(h string) string { return h[:min(len(h), 10)] }

func days(d time.Duration) string {
	n := int(d.Hours() / 24)
	if n == 1 {
		return "1 day"
	}
	if n == 0 {
		return "less than a day"
	}
	return fmt.Sprintf("%d days", n)
}
