package textindex

import (
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
)

// On plain lower-case words the allocation-free filter agrees with bleve's.
func TestStemFilterMatchesPorter(t *testing.T) {
	words := []string{"sessions", "expired", "expire", "cleaned", "cleanup", "connections", "running",
		"happily", "relational", "generalization", "is", "go", "a", "timeout", "retries", "configuration"}
	for _, w := range words {
		ours := (stemFilter{}).Filter(analysis.TokenStream{{Term: []byte(w)}})[0].Term
		theirs := porter.NewPorterStemmer().Filter(analysis.TokenStream{{Term: []byte(w)}})[0].Term
		if string(ours) != string(theirs) {
			t.Errorf("stem(%q) = %q, bleve porter = %q", w, ours, theirs)
		}
	}
	// Identifiers with digits, underscores or dots stay whole.
	for _, w := range []string{"parse_json_config2", "store.go", "sessions2", "überprüfungen"} {
		got := (stemFilter{}).Filter(analysis.TokenStream{{Term: []byte(w)}})[0].Term
		if string(got) != w {
			t.Errorf("stem(%q) = %q, want it unchanged", w, got)
		}
	}
}
