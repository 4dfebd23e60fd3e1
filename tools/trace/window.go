package trace

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/chunk"
	"github.com/devaiops/devai/memory/logparse"
	"github.com/devaiops/devai/memory/textindex"
	"github.com/devaiops/devai/tools/tool"
)

// A time range is read from the indexed log files themselves (the index
// knows which files are logs; the files know every event's time). The
// events analysed are the window's errors, each with the two events before
// it in its file (what led to it) and the one after (often the exit or
// restart, which dates a panic that printed no time).

// Window is the time range read, when since/until were given.
type Window struct {
	Since    string   `json:"since,omitempty"` // RFC 3339; empty: open
	Until    string   `json:"until,omitempty"`
	Logs     []string `json:"logs"`     // the log files with events in the window
	Events   int      `json:"events"`   // events in the window
	Errors   int      `json:"errors"`   // of them errors, fatals or stack traces
	Analysed int      `json:"analysed"` // the events read as the failure (errors first; capped)
}

// Bounds of a window: log bytes scanned, errors analysed, events around
// each error, events read when the window holds no error or warning.
const (
	windowBytes     = 64 << 20
	maxWindowErrors = 50
	windowBefore    = 2
	windowTail      = 50
)

// loaded is the input to analyse, with where its lines came from when it
// was gathered from a time range.
type loaded struct {
	text, source, note string
	window             *Window
	segments           []segment // window mode: runs of text lines and their file lines
}

// segment maps text lines from..from+n-1 (1-based) to path's lines from
// line on.
type segment struct {
	from, n    int
	path       string
	line       int
	at         time.Time
	level, msg string
}

// where returns the file and line of text line l.
func (ld *loaded) where(l int) (path string, line int, ok bool) {
	i := sort.Search(len(ld.segments), func(i int) bool { return ld.segments[i].from+ld.segments[i].n > l })
	if i == len(ld.segments) || ld.segments[i].from > l {
		return "", 0, false
	}
	s := ld.segments[i]
	return s.path, s.line + l - s.from, true
}

// windowEvent is one record of a log in the window.
type windowEvent struct {
	path      string
	line, end int
	at        time.Time
	level     string
	msg, text string
	main      bool // the notable event of its group, not context
}

// logCoverage is the time span of one log file's events.
type logCoverage struct {
	path        string
	first, last time.Time
}

// gatherWindow reads the indexed logs' events in r (of the logs matching
// glob) into text to analyse: the errors first, else the warnings, else the
// last events.
func gatherWindow(ctx context.Context, ix *memory.Index, r tool.TimeRange, glob string, maxBytes int64) (loaded, error) {
	paths, chunks, err := logPaths(ix, glob)
	if err != nil {
		return loaded{}, err
	}
	win := &Window{Logs: []string{}}
	if !r.Since.IsZero() {
		win.Since = tool.Stamp(r.Since)
	}
	if !r.Until.IsZero() {
		win.Until = tool.Stamp(r.Until)
	}
	var errs, warns, tail []*group
	var covers []logCoverage
	warnCount := 0
	budget := int64(windowBytes)
	var notes []string
	for _, p := range paths {
		if err := ctx.Err(); err != nil {
			return loaded{}, err
		}
		if budget <= 0 {
			notes = append(notes, fmt.Sprintf("stopped reading logs after %d MiB; %s and later files were not read: narrow logs to the files you need", windowBytes>>20, p))
			break
		}
		from, first := startOf(chunks[p], r.Since)
		fs, err := scanWindow(ix.Repo(), p, r, budget, from)
		if err != nil {
			continue // a log deleted since it was indexed
		}
		if !first.IsZero() && (fs.cover.first.IsZero() || first.Before(fs.cover.first)) {
			fs.cover.first = first
		}
		budget -= fs.bytes
		if fs.truncated {
			notes = append(notes, fmt.Sprintf("stopped reading logs after %d MiB, in %s: narrow since/until, or logs to the files you need", windowBytes>>20, p))
		}
		covers = append(covers, fs.cover)
		if fs.events > 0 {
			win.Logs = append(win.Logs, p)
		}
		win.Events += fs.events
		win.Errors += fs.errors
		warnCount += fs.warns.seen
		errs, warns, tail = append(errs, fs.errs.groups...), append(warns, fs.warns.groups...), append(tail, fs.tail...)
	}
	if win.Events == 0 {
		return loaded{}, tool.Inputf("trace_root_cause: no indexed log event is in the window %s%s. %s. Pick since/until inside that span, e.g. since=%s",
			r, globNote(glob), describeCoverage(covers, paths), suggestSince(covers))
	}
	ld := loaded{window: win, source: "logs " + r.String()}
	if glob != "" {
		ld.source = glob + " " + r.String()
	}
	chosen, what, total := errs, "error", win.Errors
	switch {
	case len(errs) > 0:
	case len(warns) > 0:
		chosen, what, total = warns, "warning", warnCount
		notes = append(notes, "no error or stack trace in the window; its warnings were analysed")
	default:
		sort.SliceStable(tail, func(i, j int) bool { return tail[i].at.Before(tail[j].at) })
		chosen, what = tail[max(0, len(tail)-windowTail):], "event"
		total = len(chosen)
		notes = append(notes, fmt.Sprintf("no error, stack trace or warning in the window; its last %d events were read", len(chosen)))
	}
	sort.SliceStable(chosen, func(i, j int) bool { return chosen[i].at.Before(chosen[j].at) })
	if countMain(chosen) > maxWindowErrors {
		chosen = firstMain(chosen, maxWindowErrors)
	}
	if total > maxWindowErrors {
		notes = append(notes, fmt.Sprintf("the window holds %d %ss; only the first %d were analysed: narrow since/until, or logs to fewer files", total, what, maxWindowErrors))
	}
	ld.text, ld.segments, win.Analysed = compose(chosen, maxBytes)
	if win.Analysed < countMain(chosen) {
		notes = append(notes, fmt.Sprintf("only the first %d %ss fit in %d bytes; narrow since/until", win.Analysed, what, maxBytes))
	}
	ld.note = strings.Join(notes, "; ")
	return ld, nil
}

// group is a notable event with the events around it, from one file.
type group struct {
	at     time.Time // of the notable event
	events []windowEvent
	main   int // notable events in it (groups that touch merge)
}

// collector gathers the groups of one kind of notable event in one file.
type collector struct {
	notable func(windowEvent) bool
	before  []windowEvent // the last events, for context
	open    *group        // waiting for the event after
	groups  []*group
	seen    int // notable events, kept or not
}

// add takes the file's next event. Only the first maxWindowErrors notable
// events are kept: a file is read in time order, so the window's first ones
// over all files are among them, and memory stays bounded.
func (c *collector) add(e windowEvent) {
	if c.notable(e) {
		if c.seen++; c.seen > maxWindowErrors {
			c.open, c.before = nil, nil
			return
		}
		g := c.open
		if g == nil && len(c.groups) > 0 && c.groups[len(c.groups)-1].lastLine() >= e.line-1 {
			g = c.groups[len(c.groups)-1] // touches the previous group
		}
		if g == nil {
			g = &group{at: e.at, events: append([]windowEvent(nil), c.before...)}
			c.groups = append(c.groups, g)
		}
		e.main = true
		g.events = append(g.events, e)
		g.main++
		c.open, c.before = g, nil
		return
	}
	if c.open != nil {
		c.open.events = append(c.open.events, e)
		c.open = nil
		return
	}
	c.before = append(c.before, e)
	if len(c.before) > windowBefore {
		c.before = c.before[1:]
	}
}

func (g *group) lastLine() int { return g.events[len(g.events)-1].end }

// fileScan is what one log file gave.
type fileScan struct {
	cover          logCoverage
	events, errors int
	errs, warns    collector
	tail           []*group
	bytes          int64
	truncated      bool // stopped at the byte budget
}

// scanWindow streams one log file and keeps its events in r. An event
// without a time (a panic printed by the runtime) happened just after the
// last one with a time.
// Parsing starts at line from; the lines before it are only counted.
func scanWindow(repo, p string, r tool.TimeRange, budget int64, from int) (*fileScan, error) {
	f, err := os.Open(filepath.Join(repo, filepath.FromSlash(p)))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fs := &fileScan{cover: logCoverage{path: p}}
	fs.errs.notable = isErrorEvent
	fs.warns.notable = func(e windowEvent) bool { return e.level == "warn" }
	br := bufio.NewReaderSize(f, 256<<10)
	skipped := 0
	for skipped < from-1 {
		if _, err := br.ReadSlice('\n'); err == bufio.ErrBufferFull {
			continue // the rest of a long line
		} else if err != nil {
			break
		}
		skipped++
	}
	sc := logparse.NewScanner(br, budget)
	var last time.Time
	var after *group // a notable group still waiting for its next event
	for sc.Scan() {
		rec := sc.Record()
		at := rec.Time
		if at.IsZero() {
			at = last
		} else {
			last = at
		}
		if at.IsZero() {
			continue
		}
		if fs.cover.first.IsZero() || at.Before(fs.cover.first) {
			fs.cover.first = at
		}
		if at.After(fs.cover.last) {
			fs.cover.last = at
		}
		e := windowEvent{path: p, line: skipped + rec.Line, end: skipped + rec.EndLine, at: at, level: rec.Level, msg: rec.Message, text: rec.Text}
		if !r.Contains(at) {
			if after != nil { // the exit after a crash dates it, even past the window
				after.events = append(after.events, e)
				fs.errs.open = nil
			}
			after = nil
			continue
		}
		after = nil
		fs.events++
		if isErrorEvent(e) {
			fs.errors++
		}
		fs.errs.add(e)
		fs.warns.add(e)
		if fs.errs.open != nil {
			after = fs.errs.open
		}
		e.main = true
		fs.tail = append(fs.tail, &group{at: at, events: []windowEvent{e}, main: 1})
		if len(fs.tail) > 2*windowTail {
			fs.tail = append(fs.tail[:0], fs.tail[windowTail:]...)
		}
	}
	fs.bytes, fs.truncated = sc.Bytes(), sc.Truncated
	return fs, sc.Err()
}

// isErrorEvent: an error or fatal record, or one that holds a stack trace.
func isErrorEvent(e windowEvent) bool {
	if e.level == "error" || e.level == "fatal" {
		return true
	}
	if e.end == e.line {
		return false
	}
	return strings.Contains(e.text, "Traceback (most recent call last)") || strings.Contains(e.text, "\n\tat ") ||
		strings.Contains(e.text, "\ngoroutine ") || strings.Contains(e.text, "panicked at")
}

func countMain(gs []*group) int {
	n := 0
	for _, g := range gs {
		n += g.main
	}
	return n
}

// firstMain keeps the first n notable events, with their context: the
// groups before, and the first part of the group where the count is reached.
func firstMain(gs []*group, n int) []*group {
	seen := 0
	for i, g := range gs {
		if seen+g.main < n {
			seen += g.main
			continue
		}
		cut := &group{at: g.at}
		for j, e := range g.events {
			cut.events = append(cut.events, e)
			if e.main {
				if cut.main++; seen+cut.main == n {
					if j+1 < len(g.events) && !g.events[j+1].main {
						cut.events = append(cut.events, g.events[j+1]) // the event after the last error
					}
					break
				}
			}
		}
		return append(gs[:i:i], cut)
	}
	return gs
}

// compose writes the groups as one text, a blank line between them, and
// maps its lines back to the files. It stops before maxBytes.
func compose(gs []*group, maxBytes int64) (string, []segment, int) {
	var b strings.Builder
	var segs []segment
	line, analysed := 1, 0
	for _, g := range gs {
		size := 0
		for _, e := range g.events {
			size += len(e.text) + 1
		}
		if int64(b.Len()+size) > maxBytes {
			break
		}
		for _, e := range g.events {
			text := strings.TrimRight(e.text, "\n")
			n := strings.Count(text, "\n") + 1
			segs = append(segs, segment{from: line, n: n, path: e.path, line: e.line, at: e.at, level: e.level, msg: e.msg})
			b.WriteString(text)
			b.WriteByte('\n')
			line += n
		}
		b.WriteByte('\n')
		line++
		analysed += g.main
	}
	return b.String(), segs, analysed
}

// skipSlack is how far before since parsing starts, for records a little
// out of order (several threads writing one log).
const skipSlack = time.Minute

// startOf finds where in a log the events of a window can start: the
// first line of the last indexed chunk dated well before since (chunks
// are dated by their first event). It also returns the log's first time.
func startOf(chunks []memory.ChunkInfo, since time.Time) (int, time.Time) {
	from := 1
	var first time.Time
	for _, c := range chunks {
		if c.Time.IsZero() {
			continue
		}
		if first.IsZero() || c.Time.Before(first) {
			first = c.Time
		}
		if !since.IsZero() && c.Time.Before(since.Add(-skipSlack)) {
			from = c.StartLine
		}
	}
	return from, first
}

// logPaths lists the indexed log files that match glob, with their chunks.
func logPaths(ix *memory.Index, glob string) ([]string, map[string][]memory.ChunkInfo, error) {
	var match func(string) bool
	if glob != "" {
		g, err := textindex.CompileGlob(glob)
		if err != nil {
			return nil, nil, tool.Inputf("trace_root_cause: logs %q is not a path glob (%v); use one such as logs/*.log or **/*.jsonl", glob, err)
		}
		match = g.Match
	}
	byPath := map[string][]memory.ChunkInfo{}
	var all, out []string
	for _, c := range ix.Chunks(func(c memory.ChunkInfo) bool { return c.Kind == chunk.Log }) {
		if _, seen := byPath[c.Path]; !seen {
			all = append(all, c.Path)
			if match == nil || match(c.Path) {
				out = append(out, c.Path)
			}
		}
		byPath[c.Path] = append(byPath[c.Path], c)
	}
	switch {
	case len(all) == 0:
		return nil, nil, tool.Inputf("trace_root_cause: no logs are indexed, so since/until have nothing to read; index the log files (devai serve --logs 'logs/**'), or pass text or path")
	case len(out) == 0:
		return nil, nil, tool.Inputf("trace_root_cause: no indexed log matches %q; the indexed logs are %s", glob, strings.Join(all, ", "))
	}
	return out, byPath, nil
}

func globNote(glob string) string {
	if glob == "" {
		return ""
	}
	return " in the logs matching " + glob
}

// describeCoverage says what time span the indexed logs cover.
func describeCoverage(covers []logCoverage, paths []string) string {
	var parts, untimed []string
	var first, last time.Time
	timed := map[string]bool{}
	for _, c := range covers {
		if c.first.IsZero() {
			continue
		}
		timed[c.path] = true
		parts = append(parts, fmt.Sprintf("%s %s … %s", c.path, tool.Stamp(c.first), tool.Stamp(c.last)))
		if first.IsZero() || c.first.Before(first) {
			first = c.first
		}
		if c.last.After(last) {
			last = c.last
		}
	}
	for _, p := range paths {
		if !timed[p] {
			untimed = append(untimed, p)
		}
	}
	var b strings.Builder
	if first.IsZero() {
		b.WriteString("The indexed logs carry no timestamps")
	} else {
		fmt.Fprintf(&b, "The indexed logs cover %s … %s (%s)", tool.Stamp(first), tool.Stamp(last), strings.Join(parts, "; "))
	}
	if len(untimed) > 0 {
		fmt.Fprintf(&b, "; without timestamps, so in no window: %s (pass it as path)", strings.Join(untimed, ", "))
	}
	return b.String()
}

// suggestSince proposes a since that holds the last minute of the logs.
func suggestSince(covers []logCoverage) string {
	var last time.Time
	for _, c := range covers {
		if c.last.After(last) {
			last = c.last
		}
	}
	if last.IsZero() {
		return "(none: pass the log as path instead)"
	}
	return tool.Stamp(last.Add(-time.Minute).Truncate(time.Second))
}
