package trace

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/chunk"
	"github.com/devaiops/devai/memory/history"
	"github.com/devaiops/devai/memory/logparse"
	"github.com/devaiops/devai/memory/stack"
	"github.com/devaiops/devai/memory/walk"
	"github.com/devaiops/devai/tools/tool"
)

// Run analyses the input against the index (and the repository's git
// history when it has one).
func Run(ctx context.Context, ix *memory.Index, in Input) (Output, error) {
	return RunWith(ctx, ix, in, DefaultMaxBytes)
}

// RunWith is Run with a bound on the bytes read of the input.
func RunWith(ctx context.Context, ix *memory.Index, in Input, maxBytes int64) (Output, error) {
	if in.MaxSuspects < 0 || in.MaxSuspects > MaxMaxSuspects {
		return Output{}, tool.Inputf("trace_root_cause: max_suspects %d is out of range; use 1 to %d", in.MaxSuspects, MaxMaxSuspects)
	}
	if in.MaxSuspects == 0 {
		in.MaxSuspects = DefaultMaxSuspects
	}
	ld, err := load(ctx, ix, in, maxBytes)
	if err != nil {
		return Output{}, err
	}
	text, source, note := ld.text, ld.source, ld.note
	out := Output{Source: source, Errors: []Error{}, Suspects: []Suspect{}, Reproduction: []string{}, BeforeFailure: []Precursor{}, Notes: []string{}, Index: "ready"}
	if note != "" {
		out.Notes = append(out.Notes, note)
	}
	traces := stack.Parse(text)
	paths := indexedPaths(ix)
	proj := stack.ReadProject(ix.Repo(), paths)
	out.Notes = append(out.Notes, stack.NewResolver(paths).WithProject(proj).Resolve(traces)...)
	lines := strings.Split(text, "\n")
	out.Errors = distinct(ix, traces)
	withoutException(out.Errors, lines)
	markEnvironment(out.Errors)
	if n := builtFrames(out.Errors); n > 0 {
		out.Notes = append(out.Notes, fmt.Sprintf("%d frame(s) are in a build of this repository's own package (a bundle the checkout does not hold); they are placed by their function's name (printed_line keeps the bundle's line)", n))
	}
	if n := movedFrames(out.Errors); n > 0 {
		out.Notes = append(out.Notes, fmt.Sprintf("%d frame(s) name a function that this checkout has elsewhere than the printed line: the trace comes from another version of the code; they are placed by the function's name (printed_line keeps the line printed)", n))
	}
	out.Reproduction = reproduction(lines, traces)
	out.BeforeFailure = precursors(ix, failureTimes(lines, traces))
	ld.finish(ctx, ix, lines, traces, &out) // window, request IDs, timeline

	hist, herr := history.Open(ix.Repo())
	if herr != nil {
		hist = nil
		out.Notes = append(out.Notes, fmt.Sprintf("no git history (%v): suspects come without blame or recent commits", herr))
	}
	ev := &evidence{ix: ix, hist: hist, skip: ownEvents(source, traces)}
	cands := candidates(ix, out.Errors)
	cands = otherCallers(ix, out.Errors, cands)
	cands = builders(ix, out.Errors, cands)
	cands = nullFieldWriters(ix, out.Errors, cands)
	cands = noneReturners(ix, out.Errors, cands)
	cands = inlinedCallees(ix, out.Errors, cands)
	cands = recentChanges(ctx, ev, out.Errors, cands)
	var printed, commands []Suspect // the code that printed the message or ran the command, merged after a search
	if !hasCodeFrame(ix, out.Errors) {
		if leads := libraryLeads(ix, out.Errors); len(leads) > 0 {
			out.Notes = append(out.Notes, "no frame of the trace is in this repository's code outside tests; suspects include the code that calls the trace's library functions, uses their packages or names what the error message names")
			cands = merge(cands, leads)
		}
		printed = printedBy(ix, failureText(lines, out.Errors), len(out.Errors) == 0)
		printed = append(printed, producersOf(ix, printed)...)
		commands = commandLeads(ix, proj, lines)
	} else {
		// The frames lead, but the message may come from elsewhere: a
		// Rust panic reports its #[track_caller] caller's line, a
		// release's line no longer holds what it held.
		printed = printedBy(ix, failureText(lines, out.Errors), false)
		for i := range printed {
			printed[i].Score *= printedBesideFrames
		}
	}
	if len(cands) == 0 {
		query := failureText(lines, out.Errors)
		if len(traces) == 0 {
			out.Notes = append(out.Notes, "no stack trace found in the input; suspects come from a search of the code for the error message")
		} else {
			out.Notes = append(out.Notes, "no frame of the trace is in this repository (is it another project's trace?); suspects come from a search of the code for the error message")
		}
		if query == "" {
			out.Notes = append(out.Notes, "no error message found either; paste the lines around the failure")
		} else {
			cands, err = searchCandidates(ctx, ix, query, in.MaxSuspects)
			if err != nil {
				return out, fmt.Errorf("search for %q: %w", query, err)
			}
		}
	}
	if len(printed) > 0 {
		out.Notes = append(out.Notes, "suspects include the code whose string literals print the error message or spell a value it quotes")
		cands = merge(cands, printed)
	}
	if len(commands) > 0 {
		out.Notes = append(out.Notes, "suspects include the code that runs the command the input shows being run")
		cands = merge(cands, commands)
	}
	// Evidence for the best few, then the final order.
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].Score > cands[j].Score })
	keepNaive(cands, out.Errors, false)
	if len(cands) > 2*in.MaxSuspects {
		cands = cands[:2*in.MaxSuspects]
	}
	msg := headline(out.Errors)
	// Each suspect's evidence waits mostly on git processes: gather them
	// side by side.
	errs := make([]error, len(cands))
	var wg sync.WaitGroup
	sem := make(chan struct{}, gatherParallel)
	for i := range cands {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			errs[i] = ev.gather(ctx, &cands[i], msg)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return out, err
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].Score > cands[j].Score })
	keepNaive(cands, out.Errors, true)
	if len(cands) > in.MaxSuspects {
		cands = cands[:in.MaxSuspects]
	}
	testsByDir := ix.TestFilesByDir()
	failure := failureText(lines, out.Errors)
	for i := range cands {
		cands[i].Rank = i + 1
		cands[i].Score = round(cands[i].Score)
		hypothesize(&cands[i], out.Errors, failure, i, testsByDir)
	}
	out.Suspects = cands
	out.Index = ix.Status().Label()
	return out, nil
}

// merge adds suspects to cands; one already there (the same chunk) keeps
// the higher score and gains the other's reasons.
func merge(cands, more []Suspect) []Suspect {
	at := map[string]int{}
	for i, c := range cands {
		at[c.URI] = i
	}
	for _, m := range more {
		i, ok := at[m.URI]
		if !ok {
			at[m.URI] = len(cands)
			cands = append(cands, m)
			continue
		}
		if m.Score > cands[i].Score {
			m.Why = append(m.Why, cands[i].Why...)
			cands[i] = m
		} else {
			cands[i].Why = append(cands[i].Why, m.Why...)
		}
	}
	return cands
}

func indexedPaths(ix *memory.Index) []string {
	seen := map[string]bool{}
	var paths []string
	for _, c := range ix.Chunks(nil) {
		if !seen[c.Path] {
			seen[c.Path] = true
			paths = append(paths, c.Path)
		}
	}
	return paths
}

// distinct turns traces into errors, counting repeats once, root causes
// first. A chain's root is where it started: Python prints it first, the
// JVM last ("Caused by:").
func distinct(ix *memory.Index, traces []stack.Trace) []Error {
	roots := map[int]int{} // chain → index of its root trace
	for i, t := range traces {
		r, ok := roots[t.Chain]
		switch {
		case !ok:
			roots[t.Chain] = i
		case t.Lang == "java" && t.Cause:
			roots[t.Chain] = i // the last "Caused by" is the root
		default:
			_ = r
		}
	}
	var out []Error
	bySig := map[string]int{}
	for i, t := range traces {
		sig := signature(t)
		if j, ok := bySig[sig]; ok {
			out[j].Count++
			continue
		}
		e := Error{Lang: t.Lang, Type: t.Type, Message: t.Message, Count: 1, StartLine: t.StartLine, EndLine: t.EndLine,
			RootCause: roots[t.Chain] == i && !t.Warning, Warning: t.Warning, Thread: t.Thread, Frames: []Frame{}}
		for _, f := range t.Frames {
			fr := frameOf(f)
			if f.Built {
				placeBuilt(ix, t.Lang, &fr)
			} else if f.InApp {
				c, ok, moved := frameChunk(ix, t.Lang, fr)
				if moved {
					// The checkout's code of that name is elsewhere: point
					// at its definition (past its doc comment), and keep
					// what was printed.
					fr.PrintedLine, fr.Line, fr.Path = fr.Line, c.StartLine, c.Path
					if l, ok := definitionLine(ix, c, frameName(t.Lang, fr.Func)); ok {
						fr.Line = l
					}
				}
				if ok {
					fr.Symbol = c.Symbol
				}
			}
			e.Frames = append(e.Frames, fr)
		}
		bySig[sig] = len(out)
		out = append(out, e)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].RootCause && !out[j].RootCause })
	return out
}

// signature identifies an error regardless of addresses and goroutine
// numbers: type, message and the frames' functions and lines.
func signature(t stack.Trace) string {
	var b strings.Builder
	b.WriteString(t.Lang + "|" + t.Type + "|" + t.Message)
	for _, f := range t.Frames {
		fmt.Fprintf(&b, "|%s:%s:%d", f.Func, f.File, f.Line)
	}
	return b.String()
}

// Position weights: the first in-repo frame of an error is where it
// surfaced, and usually where the fix goes; each frame further out is less
// likely. The frame that started a goroutine is context, not a caller.
const (
	weightCreatedBy = 0.15
	weightNotRoot   = 0.7 // an error that a root cause led to
	weightDump      = 0.3 // a goroutine that was merely running
	weightSeenTwice = 0.1 // the same code in another distinct error
	// weightWarning: the code that printed a warning before the failure
	// (a settings module it could not import, a deprecated call): a lead
	// to the state the failure met, weaker than the failure's own frame.
	weightWarning = 0.5
)

// weightTestFrame scales a frame in a test file: a trace from a failing
// test runs through the test, but the fix goes into the code under test,
// so test frames neither rank high nor push the code's frames down.
const weightTestFrame = 0.3

func isTestFrame(ix *memory.Index, f Frame) bool {
	c, ok := ix.ChunkAt(f.Path, f.Line)
	return ok && c.Kind == chunk.Test
}

// gatherParallel bounds the suspects whose evidence is gathered at once.
const gatherParallel = 4

func positionWeight(k int) float64 { return 1 / (1 + 0.8*float64(k)) }

// candidates scores every in-repo frame's enclosing chunk.
func candidates(ix *memory.Index, errs []Error) []Suspect {
	byKey := map[string]int{}
	var out []Suspect
	for ei, e := range errs {
		errW, errWhy := 1.0, "the root error"
		switch {
		case e.Type == "goroutine":
			errW, errWhy = weightDump, "a goroutine in a dump"
		case e.Warning:
			errW, errWhy = weightWarning, "a warning printed on the way"
		case !e.RootCause:
			errW, errWhy = weightNotRoot, "an error caused by an earlier one"
		}
		k := 0
		for _, f := range e.Frames {
			if !f.InApp {
				continue
			}
			if f.Access {
				k = 0 // each access of a race report is where the race surfaced
			}
			var w float64
			var why string
			if f.CreatedBy {
				w = weightCreatedBy * errW
				why = fmt.Sprintf("started the goroutine of %s (%s) %+.2f", label(e), errWhy, w)
			} else if isTestFrame(ix, f) {
				w = weightTestFrame * positionWeight(k) * errW
				why = fmt.Sprintf("a test's frame of %s (%s): a failing test shows the fault, the code it calls holds it %+.2f", label(e), errWhy, w)
			} else {
				w = positionWeight(k) * errW
				nth := "the first in-repo frame"
				if k > 0 {
					nth = fmt.Sprintf("in-repo frame #%d", k+1)
				}
				if k == 0 && firstAppBelowLibrary(e.Frames) {
					nth += ", below library frames"
				}
				why = fmt.Sprintf("%s of %s (%s) %+.2f", nth, label(e), errWhy, w)
				k++
			}
			s := Suspect{Path: f.Path, Line: f.Line, Func: f.Func, Symbol: f.Symbol}
			key := fmt.Sprintf("%s:%d", f.Path, f.Line)
			if c, ok := ix.ChunkAt(f.Path, f.Line); ok {
				s.URI, s.SymbolKind, s.Requires = c.URI, c.SymbolKind, c.Requirements
				key = c.ID
			} else {
				s.URI = chunk.URI(chunk.Code, f.Path, f.Line, f.Line)
			}
			if j, ok := byKey[key]; ok {
				if w > out[j].Score {
					out[j].Why[0] = why
					out[j].Score = w
				}
				if out[j].lastErr != ei {
					out[j].lastErr = ei
					out[j].Score += weightSeenTwice
					out[j].Why = append(out[j].Why, fmt.Sprintf("also in %s %+.2f", label(e), weightSeenTwice))
				}
				continue
			}
			s.Score, s.Why, s.lastErr = w, []string{why}, ei
			byKey[key] = len(out)
			out = append(out, s)
		}
	}
	return out
}

// hasCodeFrame reports whether an error has an in-repo frame outside
// tests (a frame that started a goroutine, or a warning's, does not count).
func hasCodeFrame(ix *memory.Index, errs []Error) bool {
	for _, e := range errs {
		if e.Warning {
			continue
		}
		for _, f := range e.Frames {
			if f.InApp && !f.CreatedBy && !isTestFrame(ix, f) {
				return true
			}
		}
	}
	return false
}

// firstAppBelowLibrary reports whether library frames sit above the first
// in-repo frame (the fault surfaced in a library, called from here).
func firstAppBelowLibrary(frames []Frame) bool {
	for _, f := range frames {
		if f.InApp {
			return false
		}
		if f.File != "" {
			return true
		}
	}
	return false
}

// label names an error in a suspect's reasons: its text, or "the trace"
// when frames were pasted without their error.
func label(e Error) string {
	if e.text() == "" {
		return "the trace"
	}
	return "`" + excerpt(e.text(), 80) + "`"
}

// text is the error as a runtime prints it: "Type: message", or either
// alone.
func (e Error) text() string {
	if e.Type == "" || e.Message == "" {
		return e.Type + e.Message
	}
	return e.Type + ": " + e.Message
}

// excerpt cuts s to at most n bytes, at a rune boundary, marking the cut.
func excerpt(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - 3
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}

// searchCandidates is the fallback when no frame is in the repository.
// Only program source is a suspect: a licence, a CI file or a manifest
// that shares the message's words did not crash.
func searchCandidates(ctx context.Context, ix *memory.Index, query string, n int) ([]Suspect, error) {
	res, err := ix.Search(ctx, memory.Query{Text: query, Kinds: []chunk.Kind{chunk.Code}, Limit: 3 * n, MaxTokens: 3000})
	if err != nil {
		return nil, err
	}
	var out []Suspect
	for _, h := range res.Hits {
		if !walk.IsProgramming(h.Language) {
			continue
		}
		if len(out) == n {
			break
		}
		i := len(out)
		w := 0.5 / float64(1+i)
		out = append(out, Suspect{Path: h.Path, Line: h.StartLine, URI: h.URI, Symbol: h.Symbol, SymbolKind: h.SymbolKind,
			Requires: h.Requirements, Score: w, lastErr: -1,
			Why: []string{fmt.Sprintf("search hit #%d for the error message (%s) %+.2f", i+1, h.Why, w)}})
	}
	return out, nil
}

// headline is the error text used to look for specs and past events.
func headline(errs []Error) string {
	for _, e := range errs {
		if e.Type == "goroutine" {
			continue
		}
		return strings.TrimSpace(e.Type + " " + e.Message)
	}
	return ""
}

// withoutException gives a trace pasted without its exception line (black
// #2030: the frames, then the file that failed) the input's first line
// that sounds like a failure as its message.
func withoutException(errs []Error, lines []string) {
	for i := range errs {
		if errs[i].Type == "" && errs[i].Message == "" {
			errs[i].Message = failureText(lines, nil)
		}
	}
}

// failureText picks what to search for when the trace does not help: the
// first error's message, else the first line that sounds like a failure.
func failureText(lines []string, errs []Error) string {
	if h := headline(errs); h != "" {
		return h
	}
	for _, l := range lines {
		low := strings.ToLower(l)
		for _, cue := range []string{"error", "panic", "exception", "fatal", "failed", "traceback"} {
			if strings.Contains(low, cue) {
				if msg := logparse.ParseLine(l).Message; strings.TrimSpace(msg) != "" {
					l = msg // the message without the log's time, level and source
				}
				return strings.TrimSpace(l[:min(len(l), 300)])
			}
		}
	}
	return ""
}

func round(f float64) float64 { return float64(int(f*1000+0.5)) / 1000 }

// ownEvents tells the input's own log events apart from past ones: a hit
// in the file that was read, overlapping one of its traces.
func ownEvents(source string, traces []stack.Trace) func(memory.Hit) bool {
	path := source
	if strings.HasPrefix(path, "devai://") {
		if _, p, _, _, err := memory.ParseURI(path); err == nil {
			path = p
		}
	}
	return func(h memory.Hit) bool {
		if h.Path != path {
			return false
		}
		for _, t := range traces {
			if h.StartLine <= t.EndLine && t.StartLine <= h.EndLine {
				return true
			}
		}
		return false
	}
}
