package words

import (
	"reflect"
	"testing"
)

func TestParts(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"getHTTPResponse", []string{"get", "http", "response"}},
		{"XMLHttpRequest", []string{"xml", "http", "request"}},
		{"parse_json_config2", []string{"parse", "json", "config", "2"}},
		{"utf8Decode", []string{"utf", "8", "decode"}},
		{"memory/vector/store.go:42", []string{"memory", "vector", "store", "go", "42"}},
		{"expired sessions are removed", []string{"expired", "sessions", "are", "removed"}},
		{"HTTPServer", []string{"http", "server"}},
		{"ID", []string{"id"}},
		{"Über-größe", []string{"über", "größe"}},
		{"", nil},
		{"  --  ", nil},
	}
	for _, c := range cases {
		if got := parts(c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("parts(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestWholeKept(t *testing.T) {
	toks := tokens("JavaScript x")
	if len(toks) != 2 || toks[0].Whole != "javascript" || !reflect.DeepEqual(toks[0].Parts, []string{"java", "script"}) {
		t.Fatalf("tokens = %+v", toks)
	}
}

// tokens returns the tokens of text.
func tokens(text string) []Token {
	var out []Token
	Each(text, func(t Token) { out = append(out, t) })
	return out
}

// parts returns the flat list of identifier parts of text, lowercased:
// "getHTTPResponse2 parse_json" → get http response 2 parse json.
func parts(text string) []string {
	var out []string
	Each(text, func(t Token) { out = append(out, t.Parts...) })
	return out
}
