package trace

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/chunk"
	"github.com/devaiops/devai/memory/logparse"
	"github.com/devaiops/devai/memory/stack"
	"github.com/devaiops/devai/tools/tool"
)

// A failing request leaves lines in several logs: the access log, the
// application's records, a worker's. When the failure carries a request or
// trace ID, every indexed log is searched for that ID, and its events
// become a timeline; the IDs also tell which errors of the input belong to
// the same request.

// Request is one request or trace ID that the failure carries.
type Request struct {
	ID     string   `json:"id"`
	Key    string   `json:"key"`    // the field that carried it: request_id, trace_id, traceparent, …
	Events int      `json:"events"` // its events in the indexed logs
	Logs   []string `json:"logs"`   // the files they are in
	// Errors are what went wrong in this request: the input's errors that
	// carry the ID, and its warnings and errors in the other logs.
	Errors []string `json:"errors"`
	First  string   `json:"first,omitempty"` // RFC 3339
	Last   string   `json:"last,omitempty"`
}

// TimelineEvent is one event of a failing request.
type TimelineEvent struct {
	Time    string `json:"time,omitempty"` // RFC 3339
	URI     string `json:"uri"`            // the log line
	Level   string `json:"level,omitempty"`
	Message string `json:"message"`
	ID      string `json:"id"` // the request or trace ID it carries
}

// Bounds of the correlation.
const (
	maxRequestIDs   = 5
	maxIDEvents     = 50
	correlateBytes  = 64 << 20
	maxEventMessage = 240
)

var (
	// correlationKey finds key=value, "key":"value" and Key: value pairs of
	// the field names loggers and proxies use for request and trace IDs.
	correlationKey = regexp.MustCompile(`(?i)(?:^|[^\w-])"?(x-request-id|x-correlation-id|request[_-]?id|req[_-]?id|correlation[_-]?id|trace[_-]?id|span[_-]?id|rid)"?\s*[=:]\s*"?([A-Za-z0-9][\w.:-]{3,127})`)
	// traceparent is a W3C trace context header: version-traceid-spanid-flags.
	traceparent = regexp.MustCompile(`\b00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}\b`)
)

// requestID is an ID found in the input, with how much it says about the
// failure (lower is better) and where it was first seen.
type requestID struct {
	id, key string
	rank    int
	line    int // 1-based
}

// finish adds what the input's origin and IDs say: the file lines of the
// errors of a time range, and the timeline of the failing requests.
func (ld *loaded) finish(ctx context.Context, ix *memory.Index, lines []string, traces []stack.Trace, out *Output) {
	out.Window = ld.window
	if len(ld.segments) > 0 {
		defer ld.locate(out) // after the IDs are matched to the errors' lines in the text
	}
	ids := failureIDs(lines, traces)
	if len(ids) == 0 {
		return
	}
	events, note := eventsOf(ctx, ix, ids)
	if note != "" {
		out.Notes = append(out.Notes, note)
	}
	out.Requests, out.Timeline = requestsOf(ids, events, lines, out.Errors)
	for _, r := range out.Requests {
		if r.Events > 1 {
			out.Reproduction = append(out.Reproduction, fmt.Sprintf("%s=%s: %d events in %s (see the timeline)", r.Key, r.ID, r.Events, strings.Join(r.Logs, ", ")))
		}
	}
}

// locate gives the errors of a time range their file and lines.
func (ld *loaded) locate(out *Output) {
	for i, e := range out.Errors {
		p, start, ok := ld.where(e.StartLine)
		if !ok {
			continue
		}
		end := start
		if q, l, ok := ld.where(e.EndLine); ok && q == p && l >= start {
			end = l
		}
		out.Errors[i].URI = chunk.URI(chunk.Log, p, start, end)
		out.Errors[i].StartLine, out.Errors[i].EndLine = start, end
	}
	lineRef := regexp.MustCompile(`\bline (\d+)\b`)
	for i, r := range out.Reproduction {
		// Only the first: the rest of the hint quotes the log itself.
		m := lineRef.FindStringSubmatchIndex(r)
		if m == nil {
			continue
		}
		n, _ := strconv.Atoi(r[m[2]:m[3]])
		if p, l, ok := ld.where(n); ok {
			out.Reproduction[i] = r[:m[0]] + chunk.URI(chunk.Log, p, l, l) + r[m[1]:]
		}
	}
}

// failureIDs picks the IDs that belong to the failure: those on error and
// warning lines and inside the traces first, then those just before a
// trace, then (for a few pasted lines) any.
func failureIDs(lines []string, traces []stack.Trace) []requestID {
	// where[l]: 2 inside a trace, 1 in the lines just before one.
	where := make([]int8, len(lines)+2)
	for _, t := range traces {
		for l := max(1, t.StartLine-reproMargin); l < t.StartLine && l <= len(lines); l++ {
			where[l] = max(where[l], 1)
		}
		for l := max(1, t.StartLine); l <= t.EndLine && l <= len(lines); l++ {
			where[l] = 2
		}
	}
	byID := map[string]*requestID{}
	for i, l := range lines {
		found := idsIn(l)
		if len(found) == 0 {
			continue
		}
		rank := 3
		in, near := where[i+1] == 2, where[i+1] == 1
		switch lv := logparse.ParseLine(l).Level; {
		case in || lv == "error" || lv == "fatal":
			rank = 0
		case lv == "warn":
			rank = 1
		case near:
			rank = 2
		}
		for _, f := range found {
			if r := byID[f.id]; r == nil {
				f.rank, f.line = rank, i+1
				byID[f.id] = &f
			} else if rank < r.rank {
				r.rank = rank
			}
		}
	}
	var out []requestID
	best := 4
	for _, r := range byID {
		out = append(out, *r)
		best = min(best, r.rank)
	}
	// Only the IDs of the best rank: an error's ID, not every request
	// logged around it; any ID only when the input is a few lines.
	kept := out[:0]
	for _, r := range out {
		if r.rank == best && (best < 3 || len(lines) <= 20) {
			kept = append(kept, r)
		}
	}
	sort.Slice(kept, func(i, j int) bool {
		if kept[i].line != kept[j].line {
			return kept[i].line < kept[j].line
		}
		return kept[i].id < kept[j].id
	})
	return kept[:min(len(kept), maxRequestIDs)]
}

// idsIn finds the request and trace IDs on one line.
func idsIn(l string) []requestID {
	var out []requestID
	if strings.Contains(l, "00-") {
		for _, m := range traceparent.FindAllStringSubmatch(l, -1) {
			if strings.Trim(m[1], "0") != "" {
				out = append(out, requestID{id: m[1], key: "traceparent"})
			}
		}
	}
	low := strings.ToLower(l)
	if !strings.Contains(low, "id") {
		return out
	}
	for _, m := range correlationKey.FindAllStringSubmatch(l, -1) {
		id := strings.TrimRight(m[2], ".:")
		switch strings.ToLower(id) {
		case "null", "none", "nil", "undefined", "unknown", "empty":
			continue
		}
		if strings.Trim(id, "0-") == "" {
			continue
		}
		out = append(out, requestID{id: id, key: normKey(m[1])})
	}
	return out
}

// normKey writes every spelling of a key one way: requestId, request-id
// and request_id are request_id.
func normKey(k string) string {
	k = strings.ToLower(k)
	if strings.HasPrefix(k, "x-") {
		return k
	}
	k = strings.NewReplacer("-", "_").Replace(k)
	for _, base := range []string{"request", "req", "correlation", "trace", "span"} {
		if k == base+"id" {
			return base + "_id"
		}
	}
	return k
}

// idEvent is one line of an indexed log that carries an ID.
type idEvent struct {
	id, path   string
	line       int
	at         time.Time
	level, msg string
}

// eventsOf reads every indexed log for the lines that carry the IDs.
func eventsOf(ctx context.Context, ix *memory.Index, ids []requestID) ([]idEvent, string) {
	paths, _, err := logPaths(ix, "")
	if err != nil {
		return nil, ""
	}
	var out []idEvent
	budget := int64(correlateBytes)
	note := ""
	for _, p := range paths {
		if ctx.Err() != nil {
			break
		}
		if budget <= 0 {
			note = fmt.Sprintf("the logs were searched for the request IDs up to %d MiB; %s and later were not", correlateBytes>>20, p)
			break
		}
		n, evs := grepIDs(repoPath(ix, p), p, ids, budget)
		budget -= n
		out = append(out, evs...)
	}
	return out, note
}

// grepIDs scans one file for lines that hold one of the IDs as a whole word.
func grepIDs(abs, p string, ids []requestID, budget int64) (int64, []idEvent) {
	f, err := os.Open(abs)
	if err != nil {
		return 0, nil
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 256<<10)
	var read int64
	var out []idEvent
	for n := 1; read < budget; n++ {
		l, err := r.ReadString('\n')
		read += int64(len(l))
		if len(l) > 0 {
			for _, id := range ids {
				if hasWord(l, id.id) {
					rec := logparse.ParseLine(strings.TrimRight(l, "\r\n"))
					out = append(out, idEvent{id: id.id, path: p, line: n, at: rec.Time, level: rec.Level, msg: eventMessage(rec, id.id)})
					break
				}
			}
		}
		if err != nil {
			break
		}
	}
	return read, out
}

// hasWord reports whether id occurs in l with no word character around it.
func hasWord(l, id string) bool {
	for from := 0; ; {
		i := strings.Index(l[from:], id)
		if i < 0 {
			return false
		}
		i += from
		end := i + len(id)
		if (i == 0 || !isWordByte(l[i-1])) && (end == len(l) || !isWordByte(l[end])) {
			return true
		}
		from = i + 1
	}
}

func isWordByte(c byte) bool {
	return c == '_' || c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// eventMessage is a record's message with its other fields, so that an
// access log's "request" says which request and how it ended.
func eventMessage(rec logparse.Record, id string) string {
	msg := rec.Message
	keys := make([]string, 0, len(rec.Fields))
	for k, v := range rec.Fields {
		if v != id && v != "" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		msg += " " + k + "=" + rec.Fields[k]
	}
	return trim(strings.TrimSpace(msg), maxEventMessage)
}

// requestsOf turns the events into one Request per ID and a timeline.
func requestsOf(ids []requestID, events []idEvent, lines []string, errs []Error) ([]Request, []TimelineEvent) {
	sort.SliceStable(events, func(i, j int) bool {
		a, b := events[i], events[j]
		if a.at.IsZero() != b.at.IsZero() {
			return b.at.IsZero()
		}
		if !a.at.Equal(b.at) {
			return a.at.Before(b.at)
		}
		if a.path != b.path {
			return a.path < b.path
		}
		return a.line < b.line
	})
	var reqs []Request
	type timed struct {
		at time.Time
		TimelineEvent
	}
	var all []timed
	for _, id := range ids {
		r := Request{ID: id.id, Key: id.key, Logs: []string{}, Errors: []string{}}
		seenLog := map[string]bool{}
		for _, e := range errs {
			if errorCarries(e, lines, id.id) {
				r.Errors = append(r.Errors, label(e))
			}
		}
		n := 0
		for _, ev := range events {
			if ev.id != id.id {
				continue
			}
			r.Events++
			if !seenLog[ev.path] {
				seenLog[ev.path] = true
				r.Logs = append(r.Logs, ev.path)
			}
			if !ev.at.IsZero() {
				if r.First == "" {
					r.First = tool.Stamp(ev.at)
				}
				r.Last = tool.Stamp(ev.at)
			}
			uri := chunk.URI(chunk.Log, ev.path, ev.line, ev.line)
			if levelRank(ev.level) >= levelRank("warn") {
				r.Errors = append(r.Errors, fmt.Sprintf("%s: %s (%s)", ev.level, trim(ev.msg, 120), uri))
			}
			if n++; n <= maxIDEvents {
				te := TimelineEvent{URI: uri, Level: ev.level, Message: ev.msg, ID: ev.id}
				if !ev.at.IsZero() {
					te.Time = tool.Stamp(ev.at)
				}
				all = append(all, timed{ev.at, te})
			}
		}
		reqs = append(reqs, r)
	}
	sort.SliceStable(all, func(i, j int) bool {
		a, b := all[i].at, all[j].at
		if a.IsZero() != b.IsZero() {
			return b.IsZero()
		}
		return a.Before(b)
	})
	timeline := make([]TimelineEvent, len(all))
	for i, t := range all {
		timeline[i] = t.TimelineEvent
	}
	return reqs, timeline
}

// errorCarries reports whether the ID is on an error's lines or the lines
// just before it.
func errorCarries(e Error, lines []string, id string) bool {
	for l := max(1, e.StartLine-reproMargin); l <= e.EndLine && l <= len(lines); l++ {
		if hasWord(lines[l-1], id) {
			return true
		}
	}
	return false
}

func levelRank(l string) int {
	switch l {
	case "debug":
		return 1
	case "info":
		return 2
	case "warn":
		return 3
	case "error":
		return 4
	case "fatal":
		return 5
	}
	return 0
}
