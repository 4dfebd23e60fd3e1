// Package logparse reads log lines of the formats teams actually have —
// JSON lines (slog, zap, zerolog, logrus, pino field names), logfmt, plain
// text with the common timestamp layouts, Kubernetes CRI and docker
// json-file lines, OpenTelemetry log records as JSON — into records with a
// time, a level and a message. A line that fits no format is kept as text,
// never dropped: the message is what template mining and search need, and
// the rest is a bonus.
package logparse

import (
	"encoding/json"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Record is one log event. Multi-line events (stack traces) are one record.
type Record struct {
	Line    int       `json:"line"`     // 1-based first line in the input
	EndLine int       `json:"end_line"` // last line (continuation lines included)
	Format  string    `json:"format"`   // json, otel, logfmt, text, cri, docker
	Time    time.Time `json:"time,omitzero"`
	Level   string    `json:"level,omitempty"` // debug, info, warn, error, fatal, or ""
	Message string    `json:"message"`
	// Fields are a structured record's other top-level values, as text.
	Fields map[string]string `json:"fields,omitempty"`
	// Text is the raw event (continuation lines joined with \n).
	Text string `json:"-"`
}

var (
	timeKeys  = []string{"time", "ts", "timestamp", "@timestamp", "T", "timeUnixNano", "Timestamp", "date"}
	levelKeys = []string{"level", "lvl", "severity", "severityText", "SeverityText", "L", "log.level", "levelname"}
	msgKeys   = []string{"msg", "message", "M", "body", "Body", "@message", "log"}
)

// ParseLine reads one line (no trailing newline) into a record: JSON
// (docker json-file, OTel, structured loggers), CRI, access log, logfmt,
// else text. A stamp without a year takes this year's (PlaceYear).
func ParseLine(s string) Record {
	r := parseLine(s, true)
	if yearless(r.Time) {
		r.Time = PlaceYear(r.Time, time.Now())
	}
	return r
}

// yearSlack is how far past now a placed stamp may fall before it is taken
// for last year's: clocks and zones differ by hours, not by a day.
const yearSlack = 24 * time.Hour

// PlaceYear gives a stamp written without a year (syslog's "Jun 14
// 15:16:01", parsed as year 0) now's year, or the year before when that
// would put it more than a day after now, as rsyslog and Logstash guess.
// Left at year 0 it sorts before every real time and falls outside every
// time window. A stamp with a year is returned as it is.
func PlaceYear(t, now time.Time) time.Time {
	if !yearless(t) || t.Year() != 0 {
		return t
	}
	placed := withYear(t, now.Year())
	if placed.After(now.Add(yearSlack)) {
		placed = withYear(t, now.Year()-1)
	}
	return placed
}

// yearless tells a stamp parsed without a year (year 0) cheaply: it is
// before the zero Time (year 1); Year() would cost a date computation a line.
func yearless(t time.Time) bool { return t.Before(time.Time{}) }

func withYear(t time.Time, year int) time.Time {
	return time.Date(year, t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
}

// parseLine is ParseLine; without fields it leaves Record.Fields nil,
// which spares template mining a map per line.
func parseLine(s string, fields bool) Record {
	s = strings.TrimRight(s, "\r")
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	t := strings.TrimSpace(s)
	if len(t) > 1 && t[0] == '{' && t[len(t)-1] == '}' {
		if r, ok := fastJSON(t, fields); ok {
			r.Text = s
			return r
		}
		if r, ok := parseJSON(t); ok {
			r.Text = s
			return r
		}
	}
	if rest, ts, _, ok := criLine(s); ok {
		r := parseLine(rest, fields)
		r.Format, r.Text = "cri", s
		if r.Time.IsZero() {
			r.Time = ts
		}
		return r
	}
	if r, ok := parseAccess(s, fields); ok {
		r.Text = s
		return r
	}
	if r, ok := parseLogfmt(s, fields); ok {
		r.Text = s
		return r
	}
	return parseText(s)
}

// parseJSON reads a JSON object line: docker json-file, an OTel record, or
// a structured logger's record.
func parseJSON(s string) (Record, bool) {
	var m map[string]any
	if json.Unmarshal([]byte(s), &m) != nil {
		return Record{}, false
	}
	if logv, ok := m["log"].(string); ok && m["stream"] != nil { // docker json-file
		r := ParseLine(strings.TrimRight(logv, "\n"))
		r.Format = "docker"
		if r.Time.IsZero() {
			r.Time = ParseTime(str(m["time"]))
		}
		return r, true
	}
	r := Record{Format: "json", Fields: map[string]string{}}
	if _, ok := m["severityNumber"]; ok {
		r.Format = "otel"
	} else if _, ok := m["timeUnixNano"]; ok {
		r.Format = "otel"
	}
	used := map[string]bool{}
	for _, k := range timeKeys {
		if v, ok := m[k]; ok {
			if r.Time = timeOf(v); !r.Time.IsZero() {
				used[k] = true
				break
			}
		}
	}
	for _, k := range levelKeys {
		if v, ok := m[k]; ok {
			if f, isNum := v.(float64); isNum {
				r.Level = PinoLevel(f)
			} else {
				r.Level = NormLevel(str(v))
			}
			if r.Level != "" {
				used[k] = true
				break
			}
		}
	}
	if r.Level == "" {
		if f, ok := m["severityNumber"].(float64); ok {
			r.Level = otelLevel(f)
			used["severityNumber"] = true
		}
	}
	for _, k := range msgKeys {
		v, ok := m[k]
		if !ok {
			continue
		}
		if obj, isObj := v.(map[string]any); isObj { // OTLP body {"stringValue": …}
			v = obj["stringValue"]
		}
		if sv, isStr := v.(string); isStr {
			r.Message = sv
			used[k] = true
			break
		}
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if used[k] {
			continue
		}
		switch v := m[k].(type) {
		case string:
			r.Fields[k] = v
		case float64, bool:
			r.Fields[k] = str(v)
		case []any: // OTel attributes [{key, value:{stringValue}}]
			for _, a := range v {
				if kv, ok := a.(map[string]any); ok {
					if key, ok := kv["key"].(string); ok {
						if val, ok := kv["value"].(map[string]any); ok {
							for _, x := range val {
								r.Fields[key] = str(x)
							}
						}
					}
				}
			}
		}
	}
	if r.Message == "" {
		r.Message = s // no message key: the record is its own message
	}
	return r, true
}

func str(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case nil:
		return ""
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func timeOf(v any) time.Time {
	switch x := v.(type) {
	case float64:
		return EpochTime(x)
	case string:
		return ParseTime(x)
	}
	return time.Time{}
}

// ParseTime reads RFC 3339 and the common text layouts, or epoch numbers.
func ParseTime(v string) time.Time {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}
	}
	if v[0] >= '0' && v[0] <= '9' && !strings.ContainsAny(v, "-/:") {
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			return EpochTime(f)
		}
	}
	if t, ok := fastTime(v); ok {
		return t
	}
	v = strings.Replace(v, ",", ".", 1)
	for _, layout := range []string{
		time.RFC3339Nano,
		"2006-01-02T15:04:05.999999999Z0700",
		"2006-01-02 15:04:05.999999999Z07:00",
		"2006-01-02 15:04:05.999999999Z0700",
		"2006-01-02T15:04:05.999999999",
		"2006-01-02 15:04:05.999999999",
		"2006/01/02 15:04:05.999999999",
	} {
		if t, err := time.Parse(layout, v); err == nil {
			return t
		}
	}
	return time.Time{}
}

// EpochTime reads seconds, milliseconds or nanoseconds by magnitude.
func EpochTime(f float64) time.Time {
	switch {
	case f <= 0 || math.IsNaN(f) || math.IsInf(f, 0):
		return time.Time{}
	case f > 1e17:
		return time.Unix(0, int64(f)).UTC()
	case f > 1e11:
		return time.UnixMilli(int64(f)).UTC()
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC()
}

// NormLevel maps level names to debug, info, warn, error or fatal ("" when
// the word is not a level).
func NormLevel(v string) string {
	v = strings.TrimSpace(v)
	if len(v) > 16 {
		return ""
	}
	var low [16]byte // lower-case without allocating: this runs on every line
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		low[i] = c
	}
	v = string(low[:len(v)])
	for i := 1; i < len(v); i++ { // slog "INFO+2"
		if v[i] == '+' || v[i] == '-' {
			v = v[:i]
			break
		}
	}
	switch v {
	case "trace", "debug", "dbg", "verbose", "fine", "finer", "finest":
		return "debug"
	case "info", "information", "informational", "notice":
		return "info"
	case "warn", "warning":
		return "warn"
	case "error", "err", "severe":
		return "error"
	case "fatal", "critical", "crit", "panic", "dpanic", "emerg", "emergency", "alert":
		return "fatal"
	}
	return ""
}

// PinoLevel maps pino's numeric levels (10 trace … 60 fatal) to level names.
func PinoLevel(v float64) string {
	switch {
	case v >= 60:
		return "fatal"
	case v >= 50:
		return "error"
	case v >= 40:
		return "warn"
	case v >= 30:
		return "info"
	case v > 0:
		return "debug"
	}
	return ""
}

// otelLevel maps SeverityNumber ranges: 1–8 debug (TRACE, DEBUG), 9–12
// INFO, 13–16 WARN, 17–20 ERROR, 21–24 FATAL.
func otelLevel(v float64) string {
	switch {
	case v >= 21:
		return "fatal"
	case v >= 17:
		return "error"
	case v >= 13:
		return "warn"
	case v >= 9:
		return "info"
	case v >= 1:
		return "debug"
	}
	return ""
}

// Pattern is what template mining should see of the record. A structured
// logger's message is already its template, so JSON records give their
// message; a logfmt line's meaning is spread over its pairs (msg=request
// path=/v1/orders status=500), so it gives its message words first (the
// miner routes on the first word, as for JSON), then its other pairs
// without time and level, a quoted value with spaces (a user agent) as
// key=<*>; an access log line gives its method, path segments (no query)
// and status text (see accessPattern); text gives its message.
func (r Record) Pattern() string {
	switch r.Format {
	case "logfmt":
		return logfmtPattern(r)
	case "access":
		return accessPattern(r.Message)
	}
	return r.Message
}

func logfmtPattern(r Record) string {
	var b strings.Builder
	b.Grow(len(r.Message) + len(r.Text))
	b.WriteString(r.Message)
	s := r.Text
	for i := 0; i < len(s); {
		for i < len(s) && s[i] == ' ' {
			i++
		}
		k := i
		for i < len(s) && s[i] != '=' && s[i] != ' ' {
			i++
		}
		key := s[k:i]
		val := ""
		if i < len(s) && s[i] == '=' {
			i++
			v := i
			if i < len(s) && s[i] == '"' {
				for i++; i < len(s) && s[i] != '"'; i++ {
					if s[i] == '\\' {
						i++
					}
				}
				i++
				i = min(i, len(s))
			} else {
				for i < len(s) && s[i] != ' ' {
					i++
				}
			}
			val = s[v:i]
		}
		switch key {
		case "", "time", "ts", "t", "timestamp", "level", "lvl", "severity":
			continue
		case "msg", "message":
			if r.Message != "" {
				continue
			}
		}
		if strings.IndexByte(val, ' ') >= 0 || strings.IndexByte(val, '\t') >= 0 {
			val = "<*>"
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(key)
		if val != "" {
			b.WriteByte('=')
			b.WriteString(val)
		}
	}
	return b.String()
}
