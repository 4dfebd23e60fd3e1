package logparse

import (
	"strconv"
	"strings"
	"time"
)

// A line's header is what the program that wrote it put before the
// message: timestamps of any shape, a level, pid and tid numbers, a host,
// a component ("[main]", "dfs.DataNode:", "sshd(pam_unix)[19939]:"). Left
// in the message, a header makes every line unique and every template
// split by time. splitHeader finds it without knowing the system: one set
// of rules for every format (bench/logs loghub measures them on 16
// systems). It works on spans of the first maxHeaderTokens tokens and
// allocates nothing.

// maxHeaderTokens bounds the tokens read for a header; anchorTokens bounds
// where the last timestamp may start, so a time quoted in the message
// is not taken for the header.
const (
	maxHeaderTokens = 16
	anchorTokens    = 6
)

// span is one token of the line: s[start:end]; a bracketed group
// ("[Sun Dec 04 04:47:44 2005]", "[req-1 user tenant]") is one token.
type span struct{ start, end int }

// header is what splitHeader found.
type header struct {
	msg   int    // the message starts at s[msg:]
	level string // normalised, or ""
	time  time.Time
}

// splitHeader finds the header of a plain text line. ok is false when the
// line has no timestamp near its start: then nothing is taken as header.
func splitHeader(s string) (h header, ok bool) {
	var toks [maxHeaderTokens]span
	n := tokenize(s, toks[:])
	if n == 0 {
		return h, false
	}
	t := toks[:n]
	anchor := -1 // the last token of the header's timestamp
	for i := 0; i < n && i < anchorTokens; i++ {
		if w := timeWidth(s, t, i); w > 0 {
			anchor = i + w - 1
			i += w - 1
		}
	}
	if anchor < 0 {
		return h, false
	}
	h.time = headerTime(s[t[0].start:t[anchor].end])
	i := anchor + 1
	// pid, tid and log ids; separators; levels; [component]; the column a
	// padded header aligns; host and component before a colon.
	for i < n-1 {
		tok := s[t[i].start:t[i].end]
		switch {
		case tok == "-" || tok == "|" || h.level == "" && isDigits(strings.TrimPrefix(strings.TrimSuffix(tok, ","), "-")) || columnID(tok, h.level != "") || zoneNames[tok]:
			// "-1": a flag or pid column that holds -1 for none; "0000000d":
			// a sequence or thread id written in hex, as "00000005" is.
			// Past the level a short number is the message's ("INFO 8
			// alignment exceptions"): pid and tid columns come before it.
			i++
		case isLevel(tok, i > 0 && isNumberOrTime(s, t[i-1])):
			h.level = tokenLevel(tok)
			i++
			if i < n-1 && isLoggerName(s[t[i].start:t[i].end]) || i < n-1 && padded(s, t[i]) {
				i++ // "INFO nova.compute.manager", "Info  CBS  Loaded"
			}
		case tok[0] == '[' && tok[len(tok)-1] == ']':
			if lv := tokenLevel(tok); lv != "" {
				h.level = lv
			}
			i++
		case isLoggerName(tok) && s[t[i+1].start:t[i+1].end] == "-": // log4j "c.e.Foo - msg"
			i += 2
		case tok[len(tok)-1] == ':' && isComponent(tok[:len(tok)-1]):
			i++
			return h.at(s, t, i), true // "dfs.DataNode$PacketResponder:": the header ends
		case tok[len(tok)-1] == ':' && endsComponent(s, t[i-1]) && isSubComponent(tok[:len(tok)-1]):
			i++ // "prog[pid]: com.x.sync.x-data://AB12/p11:", a sub-component that names a URL
			return h.at(s, t, i), true
		default:
			// only between the timestamp and a level: past those, words
			// are the message's
			if h.level != "" || i > anchor+2 {
				return h.at(s, t, i), true
			}
			if j := lookahead(s, t, i, &h); j > i {
				i = j
				continue
			}
			return h.at(s, t, i), true
		}
	}
	return h.at(s, t, i), true
}

// at sets the message start to token i (or the end of the line).
func (h header) at(s string, t []span, i int) header {
	if i < len(t) {
		h.msg = t[i].start
	} else {
		h.msg = len(s)
	}
	return h
}

// lookahead handles a few words between the timestamp and a level, a
// component or a "-" separator: the host of a syslog line, BGL's node and
// "RAS KERNEL", Proxifier's program. It returns the token after them, or i.
func lookahead(s string, t []span, i int, h *header) int {
	for j := i; j < len(t)-1 && j < i+4; j++ {
		tok := s[t[j].start:t[j].end]
		switch {
		case j < i+2 && tok[len(tok)-1] == ':' && isComponent(tok[:len(tok)-1]):
			return j + 1
		case j == i+2 && (tok[0] == '(' || strings.HasSuffix(tok, "]:")) && tok[len(tok)-1] == ':' && isComponent(tok[:len(tok)-1]):
			return j + 1 // "host prog[pid] (addr):", "host Prog 2.1[94]:": macOS's syslog
		case tok == "-" || tok == "|":
			return j + 1
		case isLevel(tok, false) && strings.ToUpper(tok) == tok:
			h.level = tokenLevel(tok)
			return j + 1
		}
		if strings.IndexByte(tok, '=') >= 0 || !isHeaderWord(tok) {
			return i
		}
	}
	return i
}

// tokenize splits the start of s on spaces and '|' into at most len(out)
// tokens; a token that opens '[' runs to its matching ']'.
func tokenize(s string, out []span) int {
	n := 0
	for i := 0; i < len(s) && n < len(out); {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		if i >= len(s) {
			break
		}
		j := i
		if s[i] == '[' {
			depth := 0
			for ; j < len(s); j++ {
				if s[j] == '[' {
					depth++
				} else if s[j] == ']' {
					depth--
					if depth == 0 {
						j++
						break
					}
				}
			}
		} else if s[i] == '|' {
			j++
		} else {
			for j < len(s) && s[j] != ' ' && s[j] != '\t' && s[j] != '|' {
				j++
			}
		}
		out[n] = span{i, j}
		n++
		i = j
	}
	return n
}

// timeWidth is the number of tokens, from t[i], that make a timestamp
// (0: none). Shapes: ISO dates and times, "Jun 14 15:16:01", "[Sun Dec 04
// 04:47:44 2005]", "081109 203615" (HDFS), "17/06/09 20:10:40" (Spark),
// "03-17 16:13:38.811" (Android), "2005.06.03", "20171223-22:15:29:606",
// epoch seconds and milliseconds.
func timeWidth(s string, t []span, i int) int {
	tok := strings.TrimSuffix(s[t[i].start:t[i].end], ",")
	if len(tok) > 2 && tok[0] == '[' && tok[len(tok)-1] == ']' {
		inner := tok[1 : len(tok)-1]
		var sub [8]span
		m := tokenize(inner, sub[:])
		if m > 0 && (clock(inner[sub[m-1].start:sub[m-1].end]) || m > 1 && clock(inner[sub[m-2].start:sub[m-2].end])) {
			return 1
		}
		return 0
	}
	next := func(k int) string {
		if i+k < len(t) {
			return strings.TrimSuffix(s[t[i+k].start:t[i+k].end], ",")
		}
		return ""
	}
	switch {
	case monthName(tok) && isDigits(next(1)) && len(next(1)) <= 2 && clock(next(2)):
		w := 3
		if isDigits(next(3)) && len(next(3)) == 4 { // a year after the time
			w++
		}
		return w
	case weekday(tok) && monthName(next(1)):
		if w := timeWidth(s, t, i+1); w > 0 {
			return w + 1
		}
	case len(tok) == 6 && isDigits(tok) && len(next(1)) == 6 && isDigits(next(1)):
		return 2 // yyMMdd HHmmss
	case dateShape(tok) && clock(next(1)):
		return 2
	case dateShape(tok), clock(tok), epoch(tok):
		return 1
	}
	return 0
}

// clock: "15:16:01", "18:01:47,978", "20171223-22:15:29:606",
// "2016-09-28T04:30:30Z", "2005-06-03-15.42.50.675872": digits and
// separators with a HH:MM (or HH.MM.SS after a date) in them.
func clock(tok string) bool {
	if len(tok) < 5 || !isDigit(tok[0]) {
		return false
	}
	colon, colons := false, 0
	for i := 0; i < len(tok); i++ {
		switch c := tok[i]; {
		case isDigit(c):
		case c == ':':
			colon = colon || hhmm(tok, i)
			colons++
		case c == '.' || c == ',' || c == '-' || c == '/' || c == 'T' || c == 'Z' || c == '+' || c == '_':
		default:
			return false
		}
	}
	if colon || colons >= 2 { // "23:7:6:125": HealthApp does not pad
		return !ipPort(tok) && !epochVersion(tok, colons)
	}
	// 2005-06-03-15.42.50.675872: a date, then a time written with dots
	return len(tok) >= 19 && dateShape(tok[:10]) && tok[10] == '-' && tok[13] == '.' && tok[16] == '.'
}

// ipPort: an IPv4 address with a port ("203.205.146.15:80"), whose last
// group and port look like a time's HH:MM.
func ipPort(tok string) bool {
	dots, colons := 0, 0
	for i := 0; i < len(tok); i++ {
		switch c := tok[i]; {
		case c == '.' && colons == 0 && i > 0 && isDigit(tok[i-1]):
			dots++
		case c == ':' && i > 0 && isDigit(tok[i-1]):
			colons++
		case !isDigit(c):
			return false
		}
	}
	return dots == 3 && colons == 1 && isDigit(tok[len(tok)-1])
}

// epochVersion: a Debian version with an epoch ("4:12.2.0-3",
// "1:14.0.6-12"), whose epoch and major look like HH:MM: one colon, then
// two or more dots.
func epochVersion(tok string, colons int) bool {
	i := strings.IndexByte(tok, ':')
	return colons == 1 && i >= 0 && strings.Count(tok[i:], ".") >= 2
}

// hhmm: the colon at tok[i] has one or two digits before it and exactly
// two after ("9:05", "14:39:43"), unlike a dpkg epoch "2:1.1.3-3".
func hhmm(tok string, i int) bool {
	before := 0
	for k := i - 1; k >= 0 && isDigit(tok[k]); k-- {
		before++
	}
	after := 0
	for k := i + 1; k < len(tok) && isDigit(tok[k]); k++ {
		after++
	}
	return before >= 1 && before <= 2 && after == 2
}

// dateShape: 2006-01-02, 2006/01/02, 2006.01.02, 17/06/09, 03-17,
// 20171223 (with or without a time glued after a '-').
func dateShape(tok string) bool {
	switch {
	case len(tok) == 10 && (tok[4] == '-' || tok[4] == '/' || tok[4] == '.') && tok[7] == tok[4]:
		return isDigits(tok[:4]) && isDigits(tok[5:7]) && isDigits(tok[8:])
	case len(tok) == 8 && (tok[2] == '/' || tok[2] == '-') && tok[5] == tok[2]:
		return isDigits(tok[:2]) && isDigits(tok[3:5]) && isDigits(tok[6:])
	case len(tok) == 5 && tok[2] == '-':
		return isDigits(tok[:2]) && isDigits(tok[3:]) && tok[0] <= '1'
	}
	return false
}

// epoch: seconds (10 digits, 2001–2033) or milliseconds (13 digits).
func epoch(tok string) bool {
	return isDigits(tok) && (len(tok) == 10 && tok[0] == '1' || len(tok) == 13 && tok[0] == '1')
}

func monthName(tok string) bool {
	return len(tok) == 3 && strings.Contains(months, tok)
}

func weekday(tok string) bool {
	switch tok {
	case "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun":
		return true
	}
	return false
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// columnID: a hexID; past the level, a decimal one only zero-padded to its
// width ("00000005"), as a count ("23431872 exceptions") never is.
func columnID(tok string, pastLevel bool) bool {
	return hexID(tok) && (!pastLevel || tok[0] == '0' || !isDigits(tok))
}

// hexID: eight or more hex digits that start with a digit, a fixed-width
// id ("0000000d", "7f3a9c21"); words made of the letters a-f start with a
// letter.
func hexID(tok string) bool {
	if len(tok) < 8 || !isDigit(tok[0]) {
		return false
	}
	for i := 0; i < len(tok); i++ {
		c := tok[i]
		if !(isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

func isNumberOrTime(s string, sp span) bool {
	tok := strings.TrimSuffix(s[sp.start:sp.end], ",")
	return isDigits(tok) || clock(tok)
}

// isLevel: a level word; a single letter (V, D, I, W, E, F: Android,
// klog) only right after a number or a time.
func isLevel(tok string, afterNumber bool) bool {
	if len(tok) == 1 {
		return afterNumber && strings.IndexByte("VDIWEF", tok[0]) >= 0
	}
	return len(tok) >= 3 && tokenLevel(tok) != ""
}

// tokenLevel normalises "INFO", "[notice]", "<warn>", "LOG:" and the
// single letters isLevel accepts.
func tokenLevel(tok string) string {
	tok = trimEnds(tok, "[]<>:")
	if len(tok) == 1 {
		switch tok[0] {
		case 'V', 'D':
			return "debug"
		case 'I':
			return "info"
		case 'W':
			return "warn"
		case 'E':
			return "error"
		case 'F':
			return "fatal"
		}
		return ""
	}
	if tok == "LOG" { // PostgreSQL's informational level
		return "info"
	}
	return NormLevel(tok)
}

// isComponent: the name before a header's colon, "sshd(pam_unix)[19939]",
// "kernel[0]", "dfs.DataNode$PacketResponder", "WindowManager": an
// identifier with dots, dashes, $, and a trailing [pid] or (x).
func isComponent(name string) bool {
	return len(name) <= 80 && !strings.Contains(name, "://") && componentChars(name)
}

// isSubComponent: the name of a second component, after a first one's
// colon ("prog[pid]: com.x.sync.x-data://AB12-…/p11:"): a URL-like id of
// any length is one too.
func isSubComponent(name string) bool {
	return len(name) <= 256 && componentChars(strings.Replace(name, "://", "/", 1))
}

// componentChars: letters, digits and ._-$/[]()@#, at least one.
func componentChars(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || isDigit(c) || strings.IndexByte("._-$/[]()@#", c) >= 0) {
			return false
		}
	}
	return true
}

// endsComponent: the token is a header component with its colon.
func endsComponent(s string, sp span) bool {
	tok := s[sp.start:sp.end]
	return len(tok) > 1 && tok[len(tok)-1] == ':' && isComponent(tok[:len(tok)-1])
}

// isLoggerName: a dotted name after a level ("nova.compute.manager",
// "org.apache.Foo"), without the colon some loggers omit.
func isLoggerName(tok string) bool {
	if strings.IndexByte(tok, '.') <= 0 || tok[len(tok)-1] == '.' || isDigit(tok[0]) || strings.ContainsAny(tok, "()=:/") {
		return false
	}
	return isComponent(tok)
}

// padded: the token is followed by two or more spaces, as the columns of
// an aligned header are ("Info                  CBS    Loaded …").
func padded(s string, sp span) bool {
	return sp.end+1 < len(s) && s[sp.end] == ' ' && s[sp.end+1] == ' '
}

// isHeaderWord: a host, a node or a program name between a timestamp and
// its level or component.
func isHeaderWord(tok string) bool {
	return isComponent(strings.ReplaceAll(tok, ":", "")) || tok[0] == '*' && isDigits(tok[1:])
}

// headerTime reads the header's timestamp where its shape is a common one;
// the zero time otherwise (grouping does not need it).
func headerTime(h string) time.Time {
	if _, n, t := findTime(h); n > 0 {
		return t
	}
	h = trimEnds(h, "[]- ")
	for rest := h; rest != ""; {
		var f string
		f, rest = nextField(rest)
		if epoch(f) {
			v, _ := strconv.ParseFloat(f, 64)
			return EpochTime(v)
		}
	}
	for _, layout := range []string{"060102 150405", "06/01/02 15:04:05", "Mon Jan 02 15:04:05 2006"} {
		if len(h) >= len(layout) {
			if t, ok := parseShaped(layout, h[len(h)-len(layout):]); ok {
				return t
			}
		}
	}
	return time.Time{}
}

// parseShaped is time.Parse for a layout of fixed width, called only when
// v has the layout's shape: digits where it has digits, letters where it
// has letters, the same separators. Most header candidates fail that check,
// and a failed time.Parse allocates its error — a fifth of the miner's time
// on loghub's lines before this check.
func parseShaped(layout, v string) (time.Time, bool) {
	if len(v) != len(layout) {
		return time.Time{}, false
	}
	for i := 0; i < len(layout); i++ {
		l, c := layout[i], v[i]
		switch {
		case isDigit(l):
			if !isDigit(c) {
				return time.Time{}, false
			}
		case l == '_': // a space-padded day: " 2" or "12"
			if c != ' ' && !isDigit(c) {
				return time.Time{}, false
			}
		case l >= 'A' && l <= 'Z' || l >= 'a' && l <= 'z':
			if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
				return time.Time{}, false
			}
		case c != l:
			return time.Time{}, false
		}
	}
	if f, ok := numericLayouts[layout]; ok {
		return f.parse(v)
	}
	t, err := time.Parse(layout, v)
	return t, err == nil
}

// numericLayout is where a layout of digits only keeps each field, so that
// the most common header shapes are read without time.Parse's general
// machinery (it was a twentieth of the miner's time on loghub's lines).
type numericLayout struct{ yy, month, day, hour, min, sec int }

var numericLayouts = map[string]numericLayout{
	"060102 150405":     {0, 2, 4, 7, 9, 11},
	"06/01/02 15:04:05": {0, 3, 6, 9, 12, 15},
}

// parse reads v, whose shape parseShaped has checked, as time.Parse would:
// a two-digit year from 69 on is 19yy, and a day past the month's end is an
// error, not the next month.
func (f numericLayout) parse(v string) (time.Time, bool) {
	two := func(i int) int { return int(v[i]-'0')*10 + int(v[i+1]-'0') }
	year, month, day := two(f.yy)+2000, two(f.month), two(f.day)
	if year >= 2069 {
		year -= 100
	}
	hour, minute, sec := two(f.hour), two(f.min), two(f.sec)
	if month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, 0, time.UTC)
	if t.Day() != day {
		return time.Time{}, false
	}
	return t, true
}

// nextField splits off s's first space-separated field, as strings.Fields
// would, without allocating.
func nextField(s string) (field, rest string) {
	i := 0
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	j := i
	for j < len(s) && s[j] != ' ' && s[j] != '\t' {
		j++
	}
	return s[i:j], s[j:]
}

// trimEnds is strings.Trim for a short ASCII cutset, without the set
// strings.Trim builds on every call (it runs several times per line).
func trimEnds(s, cut string) string {
	i, j := 0, len(s)
	for i < j && strings.IndexByte(cut, s[i]) >= 0 {
		i++
	}
	for j > i && strings.IndexByte(cut, s[j-1]) >= 0 {
		j--
	}
	return s[i:j]
}
