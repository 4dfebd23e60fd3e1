package tool

import (
	"encoding/json"
	"testing"
)

func TestDropNullTypes(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"type":["null","array"],"items":{"type":"string"}}`, `{"items":{"type":"string"},"type":"array"}`},
		{`{"properties":{"a":{"type":["string","null"]}}}`, `{"properties":{"a":{"type":"string"}}}`},
		{`{"properties":{"type":{"type":"string"}}}`, `{"properties":{"type":{"type":"string"}}}`},
		{`{"type":["string","integer"]}`, `{"type":["string","integer"]}`},
	}
	for _, tt := range tests {
		got, err := dropNullTypes(json.RawMessage(tt.in))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != tt.want {
			t.Errorf("dropNullTypes(%s) = %s, want %s", tt.in, got, tt.want)
		}
	}
	if _, err := dropNullTypes(json.RawMessage(`{`)); err == nil {
		t.Error("malformed schema: want an error")
	}
}

func TestFillNulls(t *testing.T) {
	schema := `{"type":"object","properties":{
		"hits":{"type":"array","items":{"type":"object","properties":{"tags":{"type":"array"}}}},
		"matrix":{"type":"array"},
		"by_kind":{"type":"object","additionalProperties":{"type":"array"}},
		"note":{"type":"string"}}}`
	tests := []struct{ in, want string }{
		{`{"hits":null,"matrix":null,"note":"x"}`, `{"hits":[],"matrix":[],"note":"x"}`},
		{`{"hits":[{"tags":null}],"matrix":[]}`, `{"hits":[{"tags":[]}],"matrix":[]}`},
		{`{"by_kind":{"a":null},"by_kind2":null}`, `{"by_kind":{"a":[]},"by_kind2":null}`},
		{`{"by_kind":null}`, `{"by_kind":{}}`},
		{`{"note":null}`, `{"note":null}`},
	}
	var s map[string]any
	if err := json.Unmarshal([]byte(schema), &s); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		var v any
		if err := json.Unmarshal([]byte(tt.in), &v); err != nil {
			t.Fatal(err)
		}
		got, err := conformValue(s, v)
		if err != nil {
			t.Fatal(err)
		}
		if b, _ := json.Marshal(got); string(b) != tt.want {
			t.Errorf("conformValue(%s) = %s, want %s", tt.in, b, tt.want)
		}
	}
}
