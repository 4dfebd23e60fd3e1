package textindex

import (
	"reflect"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
)

func TestWords(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"XMLHTTPRequest", []string{"xml", "http", "request"}},
		{"XMLHttpRequest", []string{"xml", "http", "request"}},
		{"HTTPServer", []string{"http", "server"}},
		{"parse_json_config2", []string{"parse", "json", "config", "2"}},
		{"cleanupExpiredSessions", []string{"cleanup", "expired", "sessions"}},
		{"internal/sessions/store.go", []string{"internal", "sessions", "store", "go"}},
		{"sessions.Store.Cleanup", []string{"sessions", "store", "cleanup"}},
		{"kebab-case-name", []string{"kebab", "case", "name"}},
		{"ABCDE", []string{"abcde"}}, // unknown acronym run stays whole
		{"IDs userIDs URLsFor", []string{"ids", "user", "ids", "urls", "for"}},
		{"utf8.DecodeRune", []string{"utf", "8", "decode", "rune"}},
		{"Über straße", []string{"über", "straße"}},
		{"getÜberValue", []string{"get", "über", "value"}},
		{"", nil},
		{"  ", nil},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := words(tt.in); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("words(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// words returns the lowercased words of text with identifiers split into
// their parts and nothing stemmed or dropped (a compound identifier yields
// only its parts, a plain word itself): how the tests see the analyzer's
// splitting without its stemming.
func words(text string) []string {
	toks := unicode.NewUnicodeTokenizer().Tokenize([]byte(text))
	var out []string
	for _, t := range toks {
		parts := identifierParts(t.Term)
		if parts == nil {
			out = append(out, strings.ToLower(string(t.Term)))
			continue
		}
		for _, p := range parts {
			out = append(out, strings.ToLower(string(t.Term[p.start:p.end])))
		}
	}
	return out
}
