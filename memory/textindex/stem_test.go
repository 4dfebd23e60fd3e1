package textindex

import (
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
)

// On plain lower-case words the allocation-free filter agrees with bleve's
// (words with a short form, see abbreviations, are TestShortForms').
func TestStemFilterMatchesPorter(t *testing.T) {
	words := []string{"sessions", "expired", "expire", "cleaned", "cleanup", "connector", "running",
		"happily", "relational", "generalization", "is", "go", "a", "timeout", "retries", "relations"}
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

// TestShortForms: a word a question spells out and the short form code
// writes for it are one term, so "route parameters" finds pnames and
// paramIndex, and "netrc authentication" finds NetRCAuth.
func TestShortForms(t *testing.T) {
	tests := []struct{ long, short string }{
		{"parameters", "params"},
		{"parameter", "param"},
		{"authentication", "auth"},
		{"configuration", "cfg"},
		{"configure", "config"},
		{"directories", "dirs"},
		{"connection", "conn"},
		{"requests", "req"},
		{"responses", "resp"},
		{"initialization", "init"},
	}
	for _, tt := range tests {
		long, short := Analyze(tt.long), Analyze(tt.short)
		if len(long) != 1 || len(short) != 1 || long[0] != short[0] {
			t.Errorf("Analyze(%q) = %q, Analyze(%q) = %q: want one shared term", tt.long, long, tt.short, short)
		}
	}
	// Words left alone on purpose: their short forms are everywhere in code,
	// or their stem is another word.
	for _, w := range []string{"error", "context", "format", "length", "expression", "authorization"} {
		if got := Analyze(w); len(got) != 1 || len(got[0]) < 5 {
			t.Errorf("Analyze(%q) = %q, want the word's own stem", w, got)
		}
	}
}
