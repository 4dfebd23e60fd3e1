package textindex

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// span is a byte range [start, end) inside a token.
type span struct{ start, end int }

// knownAcronyms lets an all-caps run such as XMLHTTP in XMLHTTPRequest be cut
// into the acronyms it is made of. Without a list the run cannot be split
// (XMLH-TTP is as plausible to a machine as XML-HTTP), so only runs that are
// entirely a sequence of these are split.
var knownAcronyms = map[string]bool{
	"API": true, "ASCII": true, "AWS": true, "CPU": true, "CSS": true, "CSV": true, "DB": true,
	"DNS": true, "EOF": true, "GC": true, "GPU": true, "GRPC": true, "GUID": true, "HTML": true,
	"HTTP": true, "HTTPS": true, "ID": true, "IO": true, "IP": true, "JSON": true, "JWT": true,
	"LRU": true, "MCP": true, "OS": true, "PDF": true, "RPC": true, "SQL": true, "SSH": true,
	"SSL": true, "TCP": true, "TLS": true, "TTL": true, "UDP": true, "UI": true, "URI": true,
	"URL": true, "UTF": true, "UUID": true, "VM": true, "XML": true, "YAML": true,
}

// identifierParts returns the parts of one token: the words of a camelCase,
// PascalCase, snake_case, kebab-case or dotted identifier, with letter runs
// and digit runs apart (config2 → config, 2) and all-caps runs made of known
// acronyms split (XMLHTTPRequest → XML, HTTP, Request). It returns nil when
// the token has a single part, which is the common case, without allocating.
func identifierParts(term []byte) []span {
	if isPlainWord(term) {
		return nil
	}
	var parts []span
	add := func(s span) {
		if s.end > s.start {
			parts = append(parts, s)
		}
	}
	// Walk the token, cutting at separators and at case and digit changes.
	start := -1 // start of the current part, -1 outside a part
	var prevClass charClass
	for i := 0; i < len(term); {
		r, size := utf8.DecodeRune(term[i:])
		class := classOf(r)
		if class == classOther {
			if start >= 0 {
				add(span{start, i})
				start = -1
			}
			i += size
			prevClass = classOther
			continue
		}
		if start < 0 {
			start = i
		} else if cut := boundary(prevClass, class, term, i, size); cut >= 0 {
			add(span{start, cut})
			start = cut
		}
		prevClass = class
		i += size
	}
	if start >= 0 {
		add(span{start, len(term)})
	}
	parts = splitAcronymRuns(term, parts)
	if len(parts) == 1 && parts[0].start == 0 && parts[0].end == len(term) {
		return nil
	}
	return dedupeSpans(term, parts)
}

type charClass uint8

const (
	classOther charClass = iota
	classLower
	classUpper
	classDigit
)

func classOf(r rune) charClass {
	switch {
	case r >= 'a' && r <= 'z':
		return classLower
	case r >= 'A' && r <= 'Z':
		return classUpper
	case r >= '0' && r <= '9':
		return classDigit
	case r < utf8.RuneSelf:
		return classOther
	case unicode.IsUpper(r):
		return classUpper
	case unicode.IsLetter(r):
		return classLower // caseless scripts behave like lower case: no cuts inside
	case unicode.IsDigit(r):
		return classDigit
	default:
		return classOther
	}
}

// boundary says where to cut when the rune at i (of class cur) follows a rune
// of class prev in the same part: at i, one rune before i (the last capital
// of an acronym that starts a new word: HTTPRequest → HTTP|Request), or
// nowhere (-1).
func boundary(prev, cur charClass, term []byte, i, size int) int {
	switch {
	case prev == classLower && cur == classUpper:
		return i
	case (prev == classDigit) != (cur == classDigit):
		return i
	case prev == classUpper && cur == classLower:
		// "HTTPRequest": at 'e' the part so far is "HTTPR"; cut before 'R'
		// when there are at least two capitals before it. A lone 's' after
		// capitals is a plural (IDs, URLs), not a new word.
		if term[i] == 's' {
			next, _ := utf8.DecodeRune(term[i+size:]) // RuneError at the end
			if classOf(next) != classLower {
				return -1
			}
		}
		_, lastSize := utf8.DecodeLastRune(term[:i])
		before := i - lastSize
		if before > 0 {
			r2, _ := utf8.DecodeLastRune(term[:before])
			if classOf(r2) == classUpper {
				return before
			}
		}
	}
	return -1
}

// splitAcronymRuns replaces each all-caps part that is a concatenation of two
// or more known acronyms by those acronyms.
func splitAcronymRuns(term []byte, parts []span) []span {
	for i := 0; i < len(parts); i++ {
		p := parts[i]
		if p.end-p.start < 4 || !isUpperASCII(term[p.start:p.end]) {
			continue
		}
		pieces := segmentAcronyms(string(term[p.start:p.end]))
		if len(pieces) < 2 {
			continue
		}
		var repl []span
		off := p.start
		for _, piece := range pieces {
			repl = append(repl, span{off, off + len(piece)})
			off += len(piece)
		}
		parts = append(parts[:i], append(repl, parts[i+1:]...)...)
		i += len(repl) - 1
	}
	return parts
}

// segmentAcronyms cuts s into known acronyms, preferring the longest first
// piece, or returns nil when that is impossible.
func segmentAcronyms(s string) []string {
	if s == "" {
		return []string{}
	}
	for n := min(len(s), 5); n >= 2; n-- {
		if !knownAcronyms[s[:n]] {
			continue
		}
		if rest := segmentAcronyms(s[n:]); rest != nil {
			return append([]string{s[:n]}, rest...)
		}
	}
	return nil
}

func dedupeSpans(term []byte, parts []span) []span {
	out := parts[:0]
	for i, p := range parts {
		dup := false
		for _, q := range parts[:i] {
			if strings.EqualFold(string(term[p.start:p.end]), string(term[q.start:q.end])) {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, p)
		}
	}
	return out
}

// isPlainWord reports whether term is lower-case ASCII letters only, or a
// capital followed by lower-case letters: tokens that never split.
func isPlainWord(term []byte) bool {
	for i, b := range term {
		if b >= 'a' && b <= 'z' {
			continue
		}
		if i == 0 && b >= 'A' && b <= 'Z' {
			continue
		}
		return false
	}
	return true
}

func isUpperASCII(b []byte) bool {
	for _, c := range b {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}
