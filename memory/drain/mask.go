package drain

import "strings"

// maskParts masks the variable parts of one token with typed placeholders:
// <UUID>, <IP>, <HEX>, <VER> (package versions), <NUM> (numbers, dates, times, sizes and durations
// such as 20µs or 1.5MB), the values of key=value pairs that hold a
// digit (<*>), and the value of key:value (maskKeyColon). It works on the token's core, keeping surrounding
// punctuation, and uses no regular expressions: masking runs once per
// token of every line, so it must be cheap. The masked token is
// head+kind+tail, head a prefix and tail a suffix of tok, so a caller can
// build it without allocating. ok is false when nothing is masked.
func maskParts(tok string) (head, kind, tail string, ok bool) {
	if !hasDigit(tok) {
		return "", "", "", false // every mask needs a digit: most words stop here
	}
	if k, v, cut := strings.Cut(tok, "="); cut && k != "" && v != "" {
		if h, kd, t, ok := maskParts(v); ok {
			return tok[:len(k)+1+len(h)], kd, t, true
		}
		if hasDigit(v) {
			return tok[:len(k)+1], Wildcard, "", true
		}
		return "", "", "", false
	}
	if h, kd, t, ok := maskKeyColon(tok); ok {
		return h, kd, t, true
	}
	start, end := 0, len(tok)
	for start < end && isPunct(tok[start]) {
		start++
	}
	for end > start && isPunct(tok[end-1]) {
		end--
	}
	core := tok[start:end]
	if core == "" || !hasDigit(core) {
		return "", "", "", false
	}
	switch {
	case isUUID(core):
		kind = "<UUID>"
	case isIPv4(core):
		kind = "<IP>"
	case isHex(core):
		kind = "<HEX>"
	case isNum(core):
		kind = "<NUM>"
	case isVersion(core):
		kind = "<VER>"
	default:
		return "", "", "", false
	}
	return tok[:start], kind, tok[end:], true
}

// maskKeyColon masks the value of key:value with a word for key
// ("index:-1", "pid:4242"). A time, an IP:port or a dpkg epoch has digits
// before its colon and is read whole; a number starts with a digit and is
// not cut at all.
func maskKeyColon(tok string) (head, kind, tail string, ok bool) {
	if isDigitByte(tok[0]) {
		return "", "", "", false
	}
	k, v, cut := strings.Cut(tok, ":")
	if !cut || k == "" || v == "" || hasDigit(k) {
		return "", "", "", false
	}
	if h, kd, t, ok := maskParts(v); ok {
		return tok[:len(k)+1+len(h)], kd, t, true
	}
	return "", "", "", false
}

func isPunct(c byte) bool {
	switch c {
	case '(', ')', '[', ']', '{', '}', ',', ';', '"', '\'', '<', '>', '!', '?':
		return true
	}
	return false
}

func hasDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			return true
		}
	}
	return false
}

func isHexDigit(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if s[i] != '-' {
				return false
			}
		} else if !isHexDigit(s[i]) {
			return false
		}
	}
	return true
}

// isIPv4: four dotted groups of 1–3 digits, an optional :port.
func isIPv4(s string) bool {
	if i := strings.LastIndexByte(s, ':'); i > 0 {
		s = s[:i]
	}
	groups, n := 0, 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '.' {
			if n == 0 || n > 3 {
				return false
			}
			groups, n = groups+1, 0
			continue
		}
		if s[i] < '0' || s[i] > '9' {
			return false
		}
		n++
	}
	return groups == 4
}

// isHex: 0x…, or eight or more hex digits with at least one letter (ids,
// hashes); all-digit runs are numbers.
func isHex(s string) bool {
	if len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		for i := 2; i < len(s); i++ {
			if !isHexDigit(s[i]) {
				return false
			}
		}
		return true
	}
	if len(s) < 8 {
		return false
	}
	letter := false
	for i := 0; i < len(s); i++ {
		if !isHexDigit(s[i]) {
			return false
		}
		letter = letter || s[i] > '9'
	}
	return letter
}

// isNum: digits with separators (. , : / - _ + # *), then an optional unit of
// up to three letters (ms, µs, s, KB, %), as in 1.083, 21:44:50, 2026/11/23,
// 20µs, 45s, 10%, nginx's pid#tid 1234#1234: and connection *5.
func isNum(s string) bool {
	i := 0
	if s[0] == '-' || s[0] == '+' {
		i++
	}
	digits := 0
	for ; i < len(s); i++ {
		c := s[i]
		if c >= '0' && c <= '9' {
			digits++
			continue
		}
		if c == '.' || c == ',' || c == ':' || c == '/' || c == '-' || c == '_' || c == '+' || c == '#' || c == '*' {
			continue
		}
		break
	}
	if digits == 0 {
		return false
	}
	unit := s[i:]
	if len(unit) > 4 { // µ is two bytes
		return false
	}
	for _, r := range unit {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == 'µ' || r == '%') {
			return false
		}
	}
	return true
}

// isVersion: a package version as dpkg, rpm and semver write it, "1.3.3+ds-1",
// "2:1.1.3-3", "2.42.10+dfsg-1+deb12u2", "1.2.0-rc.1": it starts with a digit,
// has a dot, a ~ or a +, and holds only digits, letters and . + ~ : - _.
func isVersion(s string) bool {
	if !isDigitByte(s[0]) || !strings.ContainsAny(s, ".~+") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isDigitByte(c) || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || strings.IndexByte(".+~:-_", c) >= 0) {
			return false
		}
	}
	return true
}

func isDigitByte(c byte) bool { return c >= '0' && c <= '9' }

// appendMasked appends tok masked to dst; ok is false when nothing in it
// is masked. A list of key=value items glued by commas is masked item by
// item; any other token as a whole (maskParts), else item by item.
func appendMasked(dst []byte, tok string) (out []byte, ok bool) {
	if isList(tok) {
		if out, ok = appendMaskedList(dst, tok); ok {
			return out, true
		}
	}
	if head, kind, tail, ok := maskParts(tok); ok {
		return append(append(append(dst, head...), kind...), tail...), true
	}
	return appendMaskedList(dst, tok)
}

// isList: a token appendMasked masks item by item first, a key=value
// with a comma inside.
func isList(tok string) bool {
	c := strings.IndexByte(tok, ',')
	return c >= 0 && c < len(strings.TrimRight(tok, ",")) && strings.IndexByte(tok, '=') >= 0
}

// appendMaskedList masks each comma-separated item of a token that
// maskParts does not mask as a whole, and appends the result to dst:
// "ready=true,policy=3,summary=0x23" is a list of values glued together
// (Android's power manager), "cancel,index:0" a word and a value. ok is
// false when no item is masked.
func appendMaskedList(dst []byte, tok string) (out []byte, ok bool) {
	if strings.IndexByte(strings.TrimRight(tok, ","), ',') < 0 {
		return dst, false
	}
	for first := true; ; first = false {
		item, rest, more := strings.Cut(tok, ",")
		if !first {
			dst = append(dst, ',')
		}
		if h, kd, t, masked := maskParts(item); masked {
			dst = append(append(append(dst, h...), kd...), t...)
			ok = true
		} else {
			dst = append(dst, item...)
		}
		if !more {
			return dst, ok
		}
		tok = rest
	}
}
