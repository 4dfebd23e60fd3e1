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
		if got := Parts(c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Parts(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestWholeKept(t *testing.T) {
	toks := Split("JavaScript x")
	if len(toks) != 2 || toks[0].Whole != "javascript" || !reflect.DeepEqual(toks[0].Parts, []string{"java", "script"}) {
		t.Fatalf("Split = %+v", toks)
	}
}
