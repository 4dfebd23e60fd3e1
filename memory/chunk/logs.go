package chunk

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/devaiops/devai/memory/logparse"
)

// maxLogChunk is how many lines of ordinary events a log chunk gathers.
const maxLogChunk = 40

// traceKind says which stack-trace grammar an event follows, because each
// language decides differently where its trace ends.
type traceKind int

const (
	noTrace traceKind = iota
	goTrace
	pyTrace
	jvmTrace
	rustTrace
)

// logEvent is one record of a log: its first line and its continuation
// lines (stack frames, wrapped text).
type logEvent struct {
	start, end int
	time       time.Time
	level      string
	msg        string
	trace      traceKind
	pyClosed   bool // a Python traceback has printed its exception line
}

var levelRank = map[string]int{"": 0, "debug": 1, "info": 2, "warn": 3, "error": 4, "fatal": 5}

// splitLog groups a log into events (a stack trace stays with the record
// that printed it) and events into chunks of up to about 40 lines; an
// error, a fatal or a stack trace always gets a chunk of its own.
func splitLog(p string, content []byte) []Chunk {
	s := newSource(content)
	events := logEvents(s)
	templates := mineTemplates(s, events)
	var out []Chunk
	from := 0 // the first event of the chunk being gathered
	flush := func(to int) {
		if to > from {
			out = append(out, logChunk(s, events[from:to], templates[from:to]))
		}
		from = to
	}
	lines := 0
	for i, e := range events {
		if levelRank[e.level] >= levelRank["error"] || e.trace != noTrace {
			flush(i)
			flush(i + 1)
			lines = 0
			continue
		}
		n := e.end - e.start + 1
		if i > from && lines+n > maxLogChunk {
			flush(i)
			lines = 0
		}
		lines += n
	}
	flush(len(events))
	return out
}

func logChunk(s *source, events []logEvent, templates []*templateStat) Chunk {
	first, last := events[0], events[len(events)-1]
	c := s.chunk(first.start, last.end, truncate(first.msg, 100), "event", nil)
	c.Time = first.time
	c.Signature = templateSignature(templates)
	for _, e := range events {
		if levelRank[e.level] > levelRank[c.Level] {
			c.Level = e.level
		}
	}
	return c
}

func truncate(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !isRuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

var (
	goroutineHdr = regexp.MustCompile(`^goroutine \d+ \[`)
	moreFrames   = regexp.MustCompile(`^\.\.\. \d+ (more|common frames omitted)`)
	jvmFrame     = regexp.MustCompile(`^\s+at \S`)
	pyChain      = regexp.MustCompile(`^(The above exception was the direct cause|During handling of the above exception)`)
	rustPanic    = regexp.MustCompile(`^thread '[^']*'(?: \(\d+\))? panicked at`)
)

// logEvents cuts the lines into events.
func logEvents(s *source) []logEvent {
	var events []logEvent
	var lastTime time.Time
	for i := 1; i <= s.n(); i++ {
		l := s.line(i)
		if len(events) > 0 && continuesEvent(s, &events[len(events)-1], i) {
			e := &events[len(events)-1]
			if strings.TrimSpace(l) != "" {
				e.end = i
			}
			noteTrace(e, l)
			continue
		}
		if strings.TrimSpace(l) == "" {
			continue
		}
		e := parseLogLine(l)
		e.start, e.end = i, i
		noteTrace(&e, l)
		if e.time.IsZero() {
			// A panic printed by the runtime has no timestamp; it happened
			// just after the last record that had one.
			e.time = lastTime
		} else {
			lastTime = e.time
		}
		events = append(events, e)
	}
	return events
}

// noteTrace updates what an event's line says about a stack trace in it.
func noteTrace(e *logEvent, l string) {
	t := strings.TrimSpace(l)
	switch {
	case strings.HasPrefix(l, "panic: ") || strings.HasPrefix(t, "panic: ") && e.trace == goTrace || strings.HasPrefix(l, "fatal error: "):
		e.trace = goTrace
		e.level = "fatal"
	case goroutineHdr.MatchString(l):
		if e.trace == noTrace {
			e.trace = goTrace
		}
		raise(e, "error")
	case strings.HasPrefix(t, "Traceback (most recent call last)"):
		e.trace, e.pyClosed = pyTrace, false
		raise(e, "error")
	case rustPanic.MatchString(l):
		e.trace = rustTrace
		e.level = "fatal"
	case jvmFrame.MatchString(l) || strings.HasPrefix(t, "Caused by:") || strings.HasPrefix(l, "Exception in thread "):
		if e.trace == noTrace {
			e.trace = jvmTrace
		}
		raise(e, "error")
	}
}

func raise(e *logEvent, level string) {
	if levelRank[level] > levelRank[e.level] {
		e.level = level
	}
}

// continuesEvent reports whether line i belongs to event e rather than
// starting a new one.
func continuesEvent(s *source, e *logEvent, i int) bool {
	l := s.line(i)
	t := strings.TrimSpace(l)
	if t == "" {
		// A blank line continues only what goes on after it: a Go panic
		// (blank before "goroutine 1 [running]:") or a chained traceback.
		next := s.line(s.nextNonBlank(i))
		return next != "" && continuesAfterBlank(s, e, next)
	}
	if hasRecordPrefix(l) {
		return false
	}
	switch e.trace {
	case goTrace, rustTrace:
		return true // runtime output runs until the next timestamped record
	case pyTrace:
		if l[0] == ' ' || l[0] == '\t' || pyChain.MatchString(l) {
			return true
		}
		if strings.HasPrefix(l, "Traceback ") {
			return true
		}
		if !e.pyClosed {
			e.pyClosed = true // the "ValueError: msg" line ends the traceback
			return true
		}
		return false
	}
	if l[0] == ' ' || l[0] == '\t' {
		return true
	}
	if strings.HasPrefix(l, "at ") || strings.HasPrefix(l, "Caused by:") || strings.HasPrefix(l, "Suppressed:") ||
		moreFrames.MatchString(l) || goroutineHdr.MatchString(l) || strings.HasPrefix(l, "created by ") {
		return true
	}
	if strings.HasPrefix(l, "Traceback ") || strings.HasPrefix(l, "panic: ") || strings.HasPrefix(l, "fatal error: ") {
		// An error record followed by its traceback is one event; a bare
		// traceback after an info line is an event of its own.
		return strings.HasPrefix(l, "Traceback ") && levelRank[e.level] >= levelRank["warn"]
	}
	if strings.HasPrefix(l, "Exception in thread ") || rustPanic.MatchString(l) {
		return false
	}
	// "java.lang.IllegalStateException: boom" right under the error record
	// that logged it, with frames below.
	if levelRank[e.level] >= levelRank["warn"] && jvmFrame.MatchString(s.line(i+1)) {
		return true
	}
	return false
}

func continuesAfterBlank(s *source, e *logEvent, next string) bool {
	switch e.trace {
	case goTrace, rustTrace:
		return !hasRecordPrefix(next)
	case pyTrace:
		return pyChain.MatchString(next) || strings.HasPrefix(next, "Traceback ")
	}
	if strings.HasPrefix(e.msg, "panic: ") {
		return goroutineHdr.MatchString(next)
	}
	return next[0] == ' ' || next[0] == '\t'
}

var (
	isoTime   = regexp.MustCompile(`^\[?(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?)\]?`)
	goLogTime = regexp.MustCompile(`^(\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)?)`)
	syslogTim = regexp.MustCompile(`^([A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2})`)
	glogHdr   = regexp.MustCompile(`^([IWEF])(\d{4} \d{2}:\d{2}:\d{2}\.\d+)`)
	logfmtKV  = regexp.MustCompile(`(?:^|\s)([\w.@]+)=("(?:[^"\\]|\\.)*"|\S*)`)
	upperLvl  = regexp.MustCompile(`\b(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|SEVERE|CRITICAL|CRIT|FATAL|PANIC|EMERG|ALERT)\b`)
	bracedLvl = regexp.MustCompile(`(?i)[\[<(](trace|debug|info|notice|warn|warning|error|err|severe|critical|crit|fatal|panic)[\]>)]`)
)

// hasRecordPrefix reports whether l starts a new log record by its shape:
// a timestamp, a JSON object, logfmt time or level, a glog header.
func hasRecordPrefix(l string) bool {
	if strings.HasPrefix(l, "{") {
		return true
	}
	return isoTime.MatchString(l) || goLogTime.MatchString(l) || syslogTim.MatchString(l) || glogHdr.MatchString(l) ||
		strings.HasPrefix(l, "time=") || strings.HasPrefix(l, "ts=") || strings.HasPrefix(l, "level=") || strings.HasPrefix(l, "t=")
}

// parseLogLine reads the time, level and message of a record's first line.
func parseLogLine(l string) logEvent {
	if strings.HasPrefix(strings.TrimSpace(l), "{") {
		if e, ok := parseJSONLog(l); ok {
			return e
		}
	}
	var e logEvent
	rest := l
	if m := isoTime.FindStringSubmatch(l); m != nil {
		e.time = logparse.ParseTime(m[1])
		rest = l[len(m[0]):]
	} else if m := goLogTime.FindStringSubmatch(l); m != nil {
		e.time, _ = time.Parse("2006/01/02 15:04:05.999999999", m[1])
		rest = l[len(m[0]):]
	} else if m := glogHdr.FindStringSubmatch(l); m != nil {
		e.level = map[string]string{"I": "info", "W": "warn", "E": "error", "F": "fatal"}[m[1]]
		rest = l[len(m[0]):]
	} else if m := syslogTim.FindStringSubmatch(l); m != nil {
		t, _ := time.Parse("Jan _2 15:04:05", m[1])
		e.time = logparse.PlaceYear(t, time.Now())
		rest = l[len(m[0]):]
	}
	if kv := logfmtKV.FindAllStringSubmatch(l, -1); len(kv) >= 2 {
		fields := map[string]string{}
		for _, m := range kv {
			v := m[2]
			if uq, err := strconv.Unquote(v); err == nil {
				v = uq
			}
			fields[strings.ToLower(m[1])] = v
		}
		if t := firstOf(fields, "time", "ts", "timestamp", "t"); t != "" {
			if tm := logparse.ParseTime(t); !tm.IsZero() {
				e.time = tm
			}
		}
		if lv := firstOf(fields, "level", "lvl", "severity"); lv != "" {
			e.level = normLevel(lv)
		}
		if m := firstOf(fields, "msg", "message"); m != "" {
			rest = m
		}
	}
	if e.level == "" {
		head := rest
		if len(head) > 100 {
			head = head[:100]
		}
		if m := upperLvl.FindStringSubmatchIndex(head); m != nil {
			e.level = normLevel(head[m[2]:m[3]])
			rest = rest[:m[0]] + rest[m[1]:]
		} else if m := bracedLvl.FindStringSubmatchIndex(head); m != nil {
			e.level = normLevel(head[m[2]:m[3]])
			rest = rest[:m[0]] + rest[m[1]:]
		}
	}
	t := strings.TrimSpace(l)
	switch {
	case strings.HasPrefix(t, "panic: "), strings.HasPrefix(t, "fatal error: "), rustPanic.MatchString(t):
		e.level = "fatal"
	case strings.HasPrefix(t, "Traceback "), strings.HasPrefix(t, "Exception in thread "):
		raise(&e, "error")
	}
	e.msg = strings.TrimSpace(strings.TrimLeft(rest, " \t-:|"))
	if e.msg == "" {
		e.msg = t
	}
	return e
}

// parseJSONLog reads a JSON-lines record (slog, zap, zerolog, logrus,
// pino, bunyan, Docker json-file).
func parseJSONLog(l string) (logEvent, bool) {
	var m map[string]any
	if err := json.Unmarshal([]byte(l), &m); err != nil {
		return logEvent{}, false
	}
	var e logEvent
	for _, k := range []string{"time", "ts", "timestamp", "@timestamp", "t", "date"} {
		switch v := m[k].(type) {
		case string:
			e.time = logparse.ParseTime(v)
		case float64:
			e.time = logparse.EpochTime(v)
		}
		if !e.time.IsZero() {
			break
		}
	}
	for _, k := range []string{"level", "severity", "lvl", "loglevel", "log.level", "levelname", "severityText"} {
		switch v := m[k].(type) {
		case string:
			e.level = normLevel(v)
		case float64: // pino and bunyan: 10 trace … 60 fatal
			e.level = logparse.PinoLevel(v)
		}
		if e.level != "" {
			break
		}
	}
	for _, k := range []string{"msg", "message", "log", "M", "body"} {
		if v, ok := m[k].(string); ok && v != "" {
			e.msg = strings.TrimSpace(strings.SplitN(v, "\n", 2)[0])
			break
		}
	}
	if e.msg == "" {
		e.msg = l
	}
	return e, true
}

func firstOf(fields map[string]string, keys ...string) string {
	for _, k := range keys {
		if v := fields[k]; v != "" {
			return v
		}
	}
	return ""
}

// normLevel maps level names to debug, info, warn, error or fatal, with
// glog's one-letter levels (I, W, E, F) on top of logparse's names.
func normLevel(v string) string {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "i":
		return "info"
	case "w":
		return "warn"
	case "e":
		return "error"
	case "f":
		return "fatal"
	}
	return logparse.NormLevel(v)
}
