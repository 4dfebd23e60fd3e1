package logparse

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// parseAccess reads an access log line in the Common or Combined Log
// Format that nginx, Apache, Caddy and most proxies write:
//
//	127.0.0.1 - user [24/Nov/2026:00:02:38 +0000] "GET /a?b=1 HTTP/1.1" 200 140 "referer" "agent"
//
// The message is "METHOD PATH STATUS"; 5xx is an error, 4xx a warning.
// Without this, template mining sees one format string for every request
// and masks the status away, so a 502 storm hides among the 200s.
func parseAccess(s string, fields bool) (Record, bool) {
	i := strings.IndexByte(s, ' ')
	if i <= 0 {
		return Record{}, false
	}
	client := s[:i]
	open := openBracket(s[:min(len(s), 302)])
	if open < 0 {
		return Record{}, false
	}
	closeAt := strings.Index(s[open:min(len(s), open+64)], "] \"") // the timestamp is 26 bytes
	if closeAt < 0 {
		return Record{}, false
	}
	closeAt += open
	ts, err := time.Parse("02/Jan/2006:15:04:05 -0700", s[open+2:closeAt])
	if err != nil {
		return Record{}, false
	}
	rest := s[closeAt+3:]
	q := strings.IndexByte(rest, '"')
	if q < 0 {
		return Record{}, false
	}
	request := rest[:q]
	rest = rest[q+1:]
	if len(rest) < 4 || rest[0] != ' ' || !isDigit(rest[1]) || !isDigit(rest[2]) || !isDigit(rest[3]) || len(rest) > 4 && rest[4] != ' ' {
		return Record{}, false
	}
	status := rest[1:4]
	method, target, _ := strings.Cut(request, " ")
	target, proto, _ := strings.Cut(target, " ")
	r := Record{Format: "access", Time: ts, Message: strings.TrimSpace(method + " " + target + " " + status)}
	switch status[0] {
	case '5':
		r.Level = "error"
	case '4':
		r.Level = "warn"
	default:
		r.Level = "info"
	}
	if fields {
		r.Fields = map[string]string{"client": client, "status": status, "protocol": proto}
		after := strings.Fields(rest[4:])
		if len(after) > 0 {
			r.Fields["bytes"] = after[0]
		}
		if parts := strings.Split(rest, "\""); len(parts) >= 4 {
			r.Fields["referer"], r.Fields["user_agent"] = parts[1], parts[3]
		}
	}
	return r, true
}

// accessPattern turns "GET /api/orders/123?x=1 502" into
// "GET /api /orders /123 BadGateway": the method routes the miner, each
// path segment is a token that can vary on its own, the query string is
// not part of the route, and the status is a word (digits would be masked
// away as a number).
func accessPattern(msg string) string {
	method, rest, _ := strings.Cut(msg, " ")
	sp := strings.LastIndexByte(rest, ' ')
	if sp < 0 {
		return msg
	}
	path, status := rest[:sp], rest[sp+1:]
	if q := strings.IndexAny(path, "?#"); q >= 0 {
		path = path[:q]
	}
	var b strings.Builder
	b.WriteString(method)
	for seg := range strings.SplitSeq(strings.Trim(path, "/"), "/") {
		b.WriteString(" /")
		b.WriteString(seg)
	}
	b.WriteByte(' ')
	code, _ := strconv.Atoi(status)
	if text := http.StatusText(code); text != "" {
		b.WriteString(strings.ReplaceAll(text, " ", ""))
	} else {
		b.WriteString("status-" + status)
	}
	return b.String()
}

// openBracket is strings.Index(s, " ["), searching for the rarer '['.
func openBracket(s string) int {
	for off := 0; ; {
		i := strings.IndexByte(s[off:], '[')
		if i < 0 {
			return -1
		}
		if off+i > 0 && s[off+i-1] == ' ' {
			return off + i - 1
		}
		off += i + 1
	}
}
