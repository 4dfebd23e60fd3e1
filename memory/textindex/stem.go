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
		if tok.KeyWord || !isLowerASCIIWord(tok.Term) {
			continue
		}
		if len(tok.Term) >= 3 && len(tok.Term) <= len(buf) {
			tok.Term = stem(tok.Term, buf[:len(tok.Term)])
		}
		if short, ok := shortForms[string(tok.Term)]; ok {
			tok.Term = short
		}
	}
	return input
}

// stem returns term's Porter stem, term itself when the stemmer leaves it
// alone. runes is scratch space of len(term).
func stem(term []byte, runes []rune) []byte {
	for i, b := range term {
		runes[i] = rune(b)
	}
	st := porterstemmer.StemWithoutLowerCasing(runes)
	if len(st) == len(term) && sameASCII(st, term) {
		return term
	}
	out := make([]byte, len(st))
	for i, r := range st {
		out[i] = byte(r)
	}
	return out
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
