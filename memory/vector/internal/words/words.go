// Package words splits text, code and paths into lowercase words the same
// way for the embedders and for the generator that chooses their vocabulary,
// so a word the generator counted is a word the embedder will look up.
package words

import (
	"strings"
	"unicode"
)

// Token is one run of letters and digits in the input, lowercased, with the
// identifier parts it splits into (camelCase, acronyms, letter/digit
// boundaries). Parts holds a single element when the token does not split.
type Token struct {
	Whole string
	Parts []string
}

// Each calls fn for every token of text in order. It allocates only the
// lowercased strings, which keeps embedding throughput high.
func Each(text string, fn func(Token)) {
	start := -1
	for i, r := range text {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			fn(split(text[start:i]))
			start = -1
		}
	}
	if start >= 0 {
		fn(split(text[start:]))
	}
}

type class int

const (
	lower class = iota
	upper
	digit
	other // letters without case (CJK, …)
)

func classOf(r rune) class {
	switch {
	case unicode.IsDigit(r):
		return digit
	case unicode.IsUpper(r):
		return upper
	case unicode.IsLower(r):
		return lower
	}
	return other
}

// split cuts one letter/digit run at case and digit boundaries:
// "XMLHttpRequest" → xml http request, "utf8Decode" → utf 8 decode.
func split(tok string) Token {
	whole := strings.ToLower(tok)
	var parts []string
	partStart := 0
	prevClass := class(-1)
	prevPos := 0
	for i, r := range tok {
		c := classOf(r)
		if i > 0 {
			cut := false
			switch {
			case (c == digit) != (prevClass == digit):
				cut = true
			case prevClass == lower && c == upper:
				cut = true
			case prevClass == upper && c == lower && prevPos > partStart:
				// "HTTPServer": the S starts the next word, so cut before it.
				parts = append(parts, strings.ToLower(tok[partStart:prevPos]))
				partStart = prevPos
			}
			if cut {
				parts = append(parts, strings.ToLower(tok[partStart:i]))
				partStart = i
			}
		}
		prevClass = c
		prevPos = i
	}
	if len(parts) == 0 {
		return Token{Whole: whole, Parts: []string{whole}}
	}
	parts = append(parts, strings.ToLower(tok[partStart:]))
	return Token{Whole: whole, Parts: parts}
}
