package logparse

import (
	"encoding/json"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// fastJSON reads a structured logger's flat JSON line without decoding it
// into a map: one pass over the top-level keys, remembering where the
// time, level and message values are, skipping (and checking) the rest.
// It reports ok=false for what it does not handle — docker json-file and
// OpenTelemetry records, a message that is an object, Fields wanted with a
// nested value, duplicate keys of interest, invalid JSON — and ParseLine
// then decodes the line with encoding/json as before, so the record is the
// same either way. Decoding every line into a map was most of the cost of
// reading JSON logs.
func fastJSON(s string, fields bool) (Record, bool) {
	var (
		timeV, levelV, msgV    jsonValue
		timeK, levelK, msgK    = len(timeKeys), len(levelKeys), len(msgKeys)
		hasStream, hasLog, bad bool
	)
	var kvs []jsonPair
	i := skipWS(s, 1)
	if i < len(s) && s[i] == '}' {
		return Record{}, false // {} : let the slow path keep its rules
	}
	for i < len(s) {
		if s[i] != '"' {
			return Record{}, false
		}
		kEnd, kEsc := scanString(s, i)
		if kEnd < 0 || kEsc {
			return Record{}, false
		}
		key := s[i+1 : kEnd-1]
		i = skipWS(s, kEnd)
		if i >= len(s) || s[i] != ':' {
			return Record{}, false
		}
		i = skipWS(s, i+1)
		v, end := scanValue(s, i)
		if end < 0 {
			return Record{}, false
		}
		i = skipWS(s, end)
		if k := keyIndex(timeKeys, key); k >= 0 && k <= timeK {
			bad = bad || k == timeK
			timeV, timeK = v, k
		} else if k := keyIndex(levelKeys, key); k >= 0 && k <= levelK {
			bad = bad || k == levelK
			levelV, levelK = v, k
		} else if k := keyIndex(msgKeys, key); k >= 0 && k <= msgK {
			bad = bad || k == msgK
			msgV, msgK = v, k
		}
		switch key {
		case "stream":
			hasStream = true
		case "log":
			hasLog = true
		case "severityNumber", "timeUnixNano":
			return Record{}, false // OpenTelemetry
		}
		if fields {
			kvs = append(kvs, jsonPair{key, v})
		}
		if i < len(s) && s[i] == ',' {
			i = skipWS(s, i+1)
			continue
		}
		if i < len(s) && s[i] == '}' && skipWS(s, i+1) == len(s) {
			break
		}
		return Record{}, false
	}
	if bad || hasStream && hasLog || msgK < len(msgKeys) && msgV.kind == '{' {
		return Record{}, false
	}
	r := Record{Format: "json"}
	used := [3]string{}
	if timeK < len(timeKeys) {
		switch timeV.kind {
		case '"':
			r.Time = ParseTime(timeV.str())
		case '0':
			if f, err := strconv.ParseFloat(timeV.raw, 64); err == nil {
				r.Time = EpochTime(f)
			}
		}
		if r.Time.IsZero() {
			return Record{}, false // the slow path would try the next time key
		}
		used[0] = timeKeys[timeK]
	}
	if levelK < len(levelKeys) {
		switch levelV.kind {
		case '"':
			r.Level = NormLevel(levelV.str())
		case '0':
			if f, err := strconv.ParseFloat(levelV.raw, 64); err == nil {
				r.Level = PinoLevel(f)
			}
		}
		if r.Level == "" {
			return Record{}, false // the slow path would try the next level key
		}
		used[1] = levelKeys[levelK]
	}
	if msgK < len(msgKeys) {
		if msgV.kind != '"' {
			return Record{}, false
		}
		r.Message = msgV.str()
		used[2] = msgKeys[msgK]
	}
	if r.Message == "" {
		r.Message = s
	}
	if fields {
		r.Fields = make(map[string]string, len(kvs))
		for _, kv := range kvs {
			// used holds "" for a role no key filled; a key named "" is
			// a field like any other, as encoding/json keeps it.
			if kv.key != "" && (kv.key == used[0] || kv.key == used[1] || kv.key == used[2]) {
				continue
			}
			switch kv.v.kind {
			case '"':
				r.Fields[kv.key] = kv.v.str()
			case '0':
				f, err := strconv.ParseFloat(kv.v.raw, 64)
				if err != nil {
					return Record{}, false
				}
				r.Fields[kv.key] = strconv.FormatFloat(f, 'f', -1, 64)
			case 't', 'f':
				r.Fields[kv.key] = kv.v.raw
			case '[':
				return Record{}, false // OTel-style attributes: the slow path reads them
			default:
				// An object or null is no field; as in encoding/json's map,
				// it also replaces an earlier value of a repeated key.
				delete(r.Fields, kv.key)
			}
		}
	}
	return r, true
}

type jsonPair struct {
	key string
	v   jsonValue
}

// jsonValue is a value's raw text and kind: '"' string, '0' number, 't'
// true, 'f' false, 'n' null, '{' object, '[' array.
type jsonValue struct {
	raw  string
	kind byte
	esc  bool // a string with backslash escapes
}

// str is a string value's text, unescaped.
func (v jsonValue) str() string {
	if !v.esc {
		return v.raw[1 : len(v.raw)-1]
	}
	var out string
	if json.Unmarshal([]byte(v.raw), &out) != nil {
		return strings.ToValidUTF8(v.raw[1:len(v.raw)-1], "\uFFFD")
	}
	return out
}

func keyIndex(keys []string, k string) int {
	for i, x := range keys {
		if x == k {
			return i
		}
	}
	return -1
}

func skipWS(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

// scanString returns the index after the closing quote of the string at
// s[i] and whether it holds escapes; -1 if it is not closed or holds a
// control character.
func scanString(s string, i int) (int, bool) {
	esc := false
	for j := i + 1; j < len(s); j++ {
		switch c := s[j]; {
		case c == '"':
			return j + 1, esc
		case c == '\\':
			esc = true
			j++
			if j >= len(s) || !strings.ContainsRune(`"\\/bfnrtu`, rune(s[j])) {
				return -1, false
			}
		case c < 0x20:
			return -1, false
		}
	}
	return -1, false
}

// scanValue reads the value at s[i]: its raw text and kind, and the index
// after it (-1: invalid).
func scanValue(s string, i int) (jsonValue, int) {
	if i >= len(s) {
		return jsonValue{}, -1
	}
	switch c := s[i]; {
	case c == '"':
		end, esc := scanString(s, i)
		if end < 0 {
			return jsonValue{}, -1
		}
		return jsonValue{raw: s[i:end], kind: '"', esc: esc}, end
	case c == '-' || c >= '0' && c <= '9':
		j := i + 1
		for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == '.' || s[j] == 'e' || s[j] == 'E' || s[j] == '+' || s[j] == '-') {
			j++
		}
		if !isJSONNumber(s[i:j]) {
			return jsonValue{}, -1
		}
		return jsonValue{raw: s[i:j], kind: '0'}, j
	case strings.HasPrefix(s[i:], "true"):
		return jsonValue{raw: "true", kind: 't'}, i + 4
	case strings.HasPrefix(s[i:], "false"):
		return jsonValue{raw: "false", kind: 'f'}, i + 5
	case strings.HasPrefix(s[i:], "null"):
		return jsonValue{raw: "null", kind: 'n'}, i + 4
	case c == '{' || c == '[':
		end := skipNested(s, i)
		if end < 0 || !json.Valid([]byte(s[i:end])) {
			return jsonValue{}, -1
		}
		return jsonValue{raw: s[i:end], kind: c}, end
	}
	return jsonValue{}, -1
}

// isJSONNumber reports whether n is a number as JSON writes one:
// -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? — strconv.ParseFloat also
// takes "1.", ".5", "01" and "1e", which encoding/json refuses.
func isJSONNumber(n string) bool {
	n = strings.TrimPrefix(n, "-")
	digits := func() bool {
		k := 0
		for k < len(n) && n[k] >= '0' && n[k] <= '9' {
			k++
		}
		ok := k > 0
		n = n[k:]
		return ok
	}
	switch {
	case strings.HasPrefix(n, "0"):
		n = n[1:]
	case !digits():
		return false
	}
	if strings.HasPrefix(n, ".") {
		n = n[1:]
		if !digits() {
			return false
		}
	}
	if n != "" && (n[0] == 'e' || n[0] == 'E') {
		n = n[1:]
		if n != "" && (n[0] == '+' || n[0] == '-') {
			n = n[1:]
		}
		if !digits() {
			return false
		}
	}
	return n == ""
}

// skipNested returns the index after the object or array at s[i],
// balancing brackets outside strings (-1: unbalanced); scanValue then
// checks it with json.Valid, as encoding/json would.
func skipNested(s string, i int) int {
	depth := 0
	for j := i; j < len(s); j++ {
		switch s[j] {
		case '"':
			end, _ := scanString(s, j)
			if end < 0 {
				return -1
			}
			j = end - 1
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return j + 1
			}
		}
	}
	return -1
}

// fastTime reads "2006-01-02T15:04:05[.frac](Z|±07:00|±0700|)" with 'T' or
// ' ' between date and time, and "2006/01/02 15:04:05[.frac]", the layouts
// nearly every log uses, without
// time.Parse's layout walk; ok=false leaves the rest to ParseTime.
func fastTime(v string) (time.Time, bool) {
	if len(v) < 19 || v[4] != v[7] || (v[4] != '-' && v[4] != '/') || (v[10] != 'T' && v[10] != ' ') || v[13] != ':' || v[16] != ':' {
		return time.Time{}, false
	}
	slash := v[4] == '/' // Go's log: "2006/01/02 15:04:05.999999", no zone
	num := func(a, b int) int {
		n := 0
		for k := a; k < b; k++ {
			c := v[k]
			if c < '0' || c > '9' {
				return -1
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	year, mon, day, hh, mm, ss := num(0, 4), num(5, 7), num(8, 10), num(11, 13), num(14, 16), num(17, 19)
	if year < 0 || mon < 1 || mon > 12 || day < 1 || day > 31 || hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 59 {
		return time.Time{}, false
	}
	i, nsec := 19, 0
	if i < len(v) && (v[i] == '.' || v[i] == ',') {
		i++
		digits := 0
		for i < len(v) && v[i] >= '0' && v[i] <= '9' {
			nsec = nsec*10 + int(v[i]-'0')
			digits++
			i++
		}
		if digits == 0 || digits > 9 {
			return time.Time{}, false
		}
		for d := digits; d < 9; d++ {
			nsec *= 10
		}
	}
	loc := time.UTC
	if slash && (v[10] != ' ' || i != len(v)) {
		return time.Time{}, false
	}
	switch rest := v[i:]; {
	case rest == "" || rest == "Z":
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':',
		len(rest) == 5 && (rest[0] == '+' || rest[0] == '-'):
		oh, om := num(i+1, i+3), num(len(v)-2, len(v))
		if oh < 0 || om < 0 || oh > 23 || om > 59 {
			return time.Time{}, false
		}
		off := (oh*60 + om) * 60
		if rest[0] == '-' {
			off = -off
		}
		if off != 0 {
			loc = fixedZone(off)
		}
	default:
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(mon), day, hh, mm, ss, nsec, loc)
	if t.Day() != day { // 2026-02-31: time.Parse refuses it
		return time.Time{}, false
	}
	return t, true
}

type zoneEntry struct {
	off int
	loc *time.Location
}

// lastZone caches the last offset's zone (a log has one or two), safely
// for concurrent scanners.
var lastZone atomic.Pointer[zoneEntry]

func fixedZone(off int) *time.Location {
	if z := lastZone.Load(); z != nil && z.off == off {
		return z.loc
	}
	z := &zoneEntry{off, time.FixedZone("", off)}
	lastZone.Store(z)
	return z.loc
}
