package textindex

import (
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/go-porterstemmer"
)

// stemFilterName is registered in init (analyzer.go).
const stemFilterName = "devai_stem"

// stemFilter is bleve's Porter stemmer restricted to plain ASCII words of
// three letters or more, without per-token allocations. Whole identifiers
// with digits, underscores or dots (parse_json_config2, store.go) are left
// as they are: Porter is for English words, and the words of an identifier
// are stemmed anyway as its parts. It was an eighth of the indexing CPU
// with bleve's filter, which turns every token into runes and back.
type stemFilter struct{}

func (stemFilter) Filter(input analysis.TokenStream) analysis.TokenStream {
	var buf [maxTermLength]rune
	for _, tok := range input {
		term := tok.Term
		if tok.KeyWord || len(term) < 3 || len(term) > len(buf) || !isLowerASCIIWord(term) {
			continue
		}
		runes := buf[:len(term)]
		for i, b := range term {
			runes[i] = rune(b)
		}
		stem := porterstemmer.StemWithoutLowerCasing(runes)
		if len(stem) == len(term) && sameASCII(stem, term) {
			continue
		}
		out := make([]byte, len(stem))
		for i, r := range stem {
			out[i] = byte(r)
		}
		tok.Term = out
	}
	return input
}

func isLowerASCIIWord(b []byte) bool {
	for _, c := range b {
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

func sameASCII(r []rune, b []byte) bool {
	for i := range r {
		if r[i] != rune(b[i]) {
			return false
		}
	}
	return true
}
