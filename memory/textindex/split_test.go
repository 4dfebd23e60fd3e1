package textindex

import (
	"reflect"
	"testing"
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
			if got := Words(tt.in); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Words(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
