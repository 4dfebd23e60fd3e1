package logparse

import (
	"strings"
	"time"
)

// criLine splits a CRI container log line, "<RFC3339Nano> <stdout|stderr>
// <P|F> <msg>", into the message, the time, the stream and ok.
func criLine(s string) (msg string, ts time.Time, stream string, ok bool) {
	sp := strings.IndexByte(s, ' ')
	if sp < 20 || sp > 40 || s[4] != '-' || s[10] != 'T' {
		return "", time.Time{}, "", false
	}
	rest := s[sp+1:]
	switch {
	case strings.HasPrefix(rest, "stdout "):
		stream, rest = "stdout", rest[7:]
	case strings.HasPrefix(rest, "stderr "):
		stream, rest = "stderr", rest[7:]
	default:
		return "", time.Time{}, "", false
	}
	if len(rest) < 2 || (rest[0] != 'P' && rest[0] != 'F') || rest[1] != ' ' {
		return "", time.Time{}, "", false
	}
	t, ok := fastTime(s[:sp])
	if !ok || s[sp-1] != 'Z' && s[sp-6] != '+' && s[sp-6] != '-' {
		var err error
		if t, err = time.Parse(time.RFC3339Nano, s[:sp]); err != nil {
			return "", time.Time{}, "", false
		}
	}
	return rest[2:], t, stream, true
}

// criPartial reports whether a CRI line is a partial one (P), to be joined
// with the lines after it up to an F.
func criPartial(s string) (msg string, partial, ok bool) {
	m, _, _, ok := criLine(s)
	if !ok {
		return "", false, false
	}
	sp := strings.IndexByte(s, ' ')
	tag := s[sp+8]
	return m, tag == 'P', true
}

// parseLogfmt reads key=value pairs (quoted values with escapes, bare keys
// allowed). A line is logfmt when it starts with a pair and has a time,
// level or msg key.
func parseLogfmt(s string, fields bool) (Record, bool) {
	if i := strings.IndexByte(s, '='); i <= 0 || strings.ContainsAny(s[:i], " \t\"") {
		return Record{}, false
	}
	r := Record{Format: "logfmt"}
	if fields {
		r.Fields = map[string]string{}
	}
	known := false
	for i := 0; i < len(s); {
		for i < len(s) && s[i] == ' ' {
			i++
		}
		k := i
		for i < len(s) && s[i] != '=' && s[i] != ' ' {
			i++
		}
		key := s[k:i]
		var val string
		if i < len(s) && s[i] == '=' {
			i++
			if i < len(s) && s[i] == '"' {
				var b strings.Builder
				for i++; i < len(s) && s[i] != '"'; i++ {
					if s[i] == '\\' && i+1 < len(s) {
						i++
						switch s[i] {
						case 'n':
							b.WriteByte('\n')
						case 't':
							b.WriteByte('\t')
						default:
							b.WriteByte(s[i])
						}
						continue
					}
					b.WriteByte(s[i])
				}
				i++
				val = b.String()
			} else {
				v := i
				for i < len(s) && s[i] != ' ' {
					i++
				}
				val = s[v:i]
			}
		}
		if key == "" {
			continue
		}
		switch key {
		case "time", "ts", "t", "timestamp":
			if r.Time.IsZero() {
				r.Time = ParseTime(val)
				known = true
				continue
			}
		case "level", "lvl", "severity":
			if r.Level == "" {
				r.Level = NormLevel(val)
				known = true
				continue
			}
		case "msg", "message":
			if r.Message == "" {
				r.Message = val
				known = true
				continue
			}
		}
		if fields {
			r.Fields[key] = val
		}
	}
	if !known {
		return Record{}, false
	}
	return r, true
}

// parseText reads a plain line: a timestamp near its start (RFC 3339, ISO
// with a space, Go's log 2006/01/02, syslog "Jan _2 15:04:05"), a level
// word among the first tokens, and the rest as the message. Whatever it
// cannot read stays in the message.
func parseText(s string) Record {
	r := Record{Format: "text", Text: s}
	msg := s
	if h, ok := splitHeader(s); ok {
		r.Time, r.Level, msg = h.time, h.level, s[h.msg:]
		if strings.TrimSpace(msg) == "" {
			msg = labelBeforeTime(s)
		}
		if r.Level != "" {
			r.Message = msg
			return r
		}
	} else if at, n, t := findTime(s); n > 0 {
		r.Time = t
		after := strings.TrimSpace(s[at+n:])
		if zone, rest, ok := strings.Cut(after, " "); ok && zoneNames[zone] {
			after = rest // "2026-11-24 00:02:38.123 UTC [42] LOG: …" (PostgreSQL)
		}
		if before := strings.TrimSpace(s[:at]); before != "" {
			msg = strings.TrimSpace(before + " " + after)
		} else {
			msg = after
		}
	}
	if lv := shapeLevel(msg); lv != "" {
		r.Level, r.Message = lv, msg
		return r
	}
	// a level word among the first three tokens: ERROR, [warn], level=info
	fields := 0
	for i := 0; i < len(msg) && fields < 3; {
		for i < len(msg) && msg[i] == ' ' {
			i++
		}
		j := i
		for j < len(msg) && msg[j] != ' ' {
			j++
		}
		tok := trimEnds(msg[i:j], "[]():|")
		lv := NormLevel(strings.TrimPrefix(tok, "level="))
		if tok == "LOG" { // PostgreSQL's informational level
			lv = "info"
		}
		if lv != "" && len(tok) >= 3 && (i > 0 || j < len(msg)) { // a lone word stays the message
			r.Level = lv
			msg = strings.TrimSpace(strings.TrimSpace(msg[:i]) + " " + strings.TrimSpace(msg[j:]))
			break
		}
		fields++
		i = j
	}
	r.Message = msg
	return r
}

// shapeLevel is the level that a line's shape says where no level word
// does: a Go crash, a Python traceback, and the verdicts of `go test -v`,
// so that a test run's failures lead its summary. It is the one place
// these rules live; a line it does not know gets "".
func shapeLevel(msg string) string {
	line := strings.TrimLeft(msg, " \t") // subtests' verdicts are indented
	switch {
	case strings.HasPrefix(line, "panic: "), strings.HasPrefix(line, "fatal error: "):
		return "fatal"
	case strings.HasPrefix(line, "Traceback (most recent call last)"),
		strings.HasPrefix(line, "--- FAIL: "),             // a test failed
		line == "FAIL", strings.HasPrefix(line, "FAIL\t"): // a package failed: FAIL\tpkg\t0.01s, [build failed]
		return "error"
	case strings.HasPrefix(line, "--- PASS: "), strings.HasPrefix(line, "--- SKIP: "),
		line == "PASS", strings.HasPrefix(line, "ok  \t"), strings.HasPrefix(line, "?   \t"): // ?   \tpkg\t[no test files]
		return "info"
	case strings.HasPrefix(line, "=== RUN "), strings.HasPrefix(line, "=== PAUSE "),
		strings.HasPrefix(line, "=== CONT "), strings.HasPrefix(line, "=== NAME "):
		return "debug"
	}
	return ""
}

// zoneNames are zone abbreviations written after a timestamp without an
// offset; they belong to the timestamp, not the message.
var zoneNames = map[string]bool{"UTC": true, "GMT": true, "Z": true, "CET": true, "CEST": true, "EET": true, "EEST": true, "WET": true, "WEST": true, "BST": true, "EST": true, "EDT": true, "CST": true, "CDT": true, "MST": true, "MDT": true, "PST": true, "PDT": true, "JST": true, "IST": true, "AEST": true, "AEDT": true}

var months = "JanFebMarAprMayJunJulAugSepOctNovDec"

// stampYear is syslog's time.Stamp with the year after it.
const stampYear = time.Stamp + " 2006"

// findTime finds a timestamp starting within the first 40 bytes: its
// offset, its length and its value (n == 0: none).
func findTime(s string) (at, n int, t time.Time) {
	limit := min(len(s), 40)
	for i := 0; i < limit; i++ {
		c := s[i]
		if c >= '0' && c <= '9' && (i == 0 || !isDigit(s[i-1])) && len(s)-i >= 19 {
			if n, gap := isoLen(s[i:]); n > 0 {
				v := strings.TrimRight(s[i:i+n], ".,") // "04:30:37, Info": a comma, no fraction
				if gap > 1 {
					v = v[:10] + " " + v[10+gap:] // apt's "2025-06-24  14:36:25"
				}
				if t := ParseTime(v); !t.IsZero() {
					return i, n, t
				}
			}
		}
		if c >= 'A' && c <= 'S' && i+15 <= len(s) && strings.Contains(months, s[i:i+3]) && s[i+3] == ' ' {
			if i+20 <= len(s) && (i+20 == len(s) || !isDigit(s[i+20])) {
				if t, ok := parseShaped(stampYear, s[i:i+20]); ok { // Apache's "Mon Jan 02 15:04:05 2006"
					return i, 20, t
				}
			}
			if t, ok := parseShaped(time.Stamp, s[i:i+15]); ok {
				return i, 15, t
			}
		}
	}
	return 0, 0, time.Time{}
}

// labelBeforeTime is the text before a line's timestamp, the message of a
// line that is only a label and a time (apt's "Start-Date: 2025-06-24
// 14:36:25", "Log started: …"), which would otherwise be empty.
func labelBeforeTime(s string) string {
	if at, n, _ := findTime(s); n > 0 {
		return strings.TrimSpace(s[:at])
	}
	return ""
}

// isoLen measures "2006-01-02T15:04:05[.frac][zone]" (also '/', and one
// or more spaces for the T: gap is how many).
func isoLen(s string) (n, gap int) {
	gap = 1
	for 10+gap < len(s) && s[10] == ' ' && s[10+gap] == ' ' {
		gap++
	}
	if len(s) < 18+gap {
		return 0, gap
	}
	const shape = "dddd-dd-ddTdd:dd:dd"
	for i := 0; i < len(shape); i++ {
		at := i
		if i > 10 {
			at = i + gap - 1
		}
		c := s[at]
		switch shape[i] {
		case 'd':
			if !isDigit(c) {
				return 0, gap
			}
		case '-':
			if c != '-' && c != '/' {
				return 0, gap
			}
		case 'T':
			if c != 'T' && c != ' ' {
				return 0, gap
			}
		default:
			if c != shape[i] {
				return 0, gap
			}
		}
	}
	n = len(shape) + gap - 1
	if n < len(s) && (s[n] == '.' || s[n] == ',') {
		n++
		for n < len(s) && isDigit(s[n]) {
			n++
		}
	}
	if n < len(s) && s[n] == 'Z' {
		n++
	} else if n+5 <= len(s) && (s[n] == '+' || s[n] == '-') && isDigit(s[n+1]) {
		m := n + 1
		for m < len(s) && (isDigit(s[m]) || s[m] == ':') && m-n <= 5 {
			m++
		}
		n = m
	}
	return n, gap
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
