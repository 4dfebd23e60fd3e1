package logparse

import (
	"bufio"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

// The fast JSON reader must give the record encoding/json gives, or step
// aside: checked on real logs and on the awkward cases.
func TestFastJSONMatchesDecoder(t *testing.T) {
	lines := []string{
		`{"time":"2026-11-23T21:45:19.853058277Z","level":"INFO","msg":"account deleted","user_id":"u-1002","n":1e3,"ok":true,"x":null}`,
		`{"level":"error","ts":1732398319.5,"caller":"api/h.go:42","msg":"request failed","stacktrace":"main.f\n\t/a.go:1"}`,
		`{"level":"warn","error":"timeout","time":"2024-05-01T10:00:00+02:00","message":"retrying \"x\" \u00e9"}`,
		`{"level":50,"time":1714557600000,"msg":"boom","group":{"a":[1,2,{"b":"}"}]}}`,
		`{"level":"info","msg":"dup","msg":"second"}`,
		`{"level":"nope","severity":"error","msg":"second level key"}`,
		`{"time":"yesterday","ts":1714557600,"msg":"second time key"}`,
		`{"time":null,"ts":1714557600,"msg":"null time, second key"}`,
		`{"level":true,"lvl":"warn","msg":"bool level, second key"}`,
		`{"msg":{"stringValue":"object message"},"message":"string"}`,
		`{"log":"hello\n","stream":"stdout","time":"2024-05-01T10:00:00Z"}`,
		`{"level":"info","msg":"bad escape \q"}`,
		`{"level":"info","msg":"x","n":01}`,
		`{"level":"info","msg":"x","obj":{oops}}`,
		`{"level":"info","msg":"x",}`,
		`{"level":"info","msg":"x"} trailing`,
		`{"attributes":[{"key":"k","value":{"stringValue":"v"}}],"msg":"attrs"}`,
		`{}`,
		`{"":0}`, // FuzzParseLine: the fast path dropped a field named ""
		`{"":"x","msg":"m"}`,
		`{"no":"message"}`,
	}
	for _, name := range []string{"../../testdata/shop/logs/app.jsonl", "../../testdata/logs-labelled/slog-json.test.log"} {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			lines = append(lines, sc.Text())
		}
		f.Close()
	}
	fast := 0
	for _, line := range lines {
		want, wantOK := parseJSON(line)
		got, ok := fastJSON(line, true)
		if !ok {
			continue
		}
		fast++
		if !wantOK || got.Format != want.Format || got.Level != want.Level || got.Message != want.Message || !got.Time.Equal(want.Time) || !reflect.DeepEqual(got.Fields, want.Fields) {
			t.Errorf("%s\nfast    %+v\ndecoder %+v (ok %v)", line, got, want, wantOK)
		}
		if lite, _ := fastJSON(line, false); lite.Fields != nil || lite.Message != want.Message {
			t.Errorf("without fields: %+v", lite)
		}
	}
	if fast < len(lines)/2 {
		t.Errorf("fast path took %d of %d lines", fast, len(lines))
	}
}

func TestFastTimeMatchesParse(t *testing.T) {
	for _, v := range []string{
		"2026-11-23T21:45:19.853058277Z", "2026-11-23T21:45:19Z", "2024-05-01T10:00:00+02:00", "2024-05-01T10:00:00-0530",
		"2024-01-01 12:00:00,123", "2024-01-01 12:00:00.5", "2024-01-01T12:00:00", "2024-02-31T12:00:00Z",
		"2024-01-01T24:00:00Z", "2026/11/24 00:02:38", "2026/11/24 00:02:38.123456", "2026/11/24T00:02:38", "2026/11/24 00:02:38Z", "2026-11/24 00:02:38", "2024-01-01T12:00:00.Z", "2024-01-01T12:00:00.1234567891Z", "2024-01-01T12:00:00+2:00",
	} {
		want := time.Time{}
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999Z0700", "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999Z0700", "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999", "2006/01/02 15:04:05.999999999"} {
			if tm, err := time.Parse(layout, strings.Replace(v, ",", ".", 1)); err == nil {
				want = tm
				break
			}
		}
		got, ok := fastTime(v)
		if ok && !got.Equal(want) || !ok && !want.IsZero() && len(v) == 19 {
			t.Errorf("fastTime(%q) = %v %v, time.Parse %v", v, got, ok, want)
		}
		if p := ParseTime(v); !p.Equal(want) {
			t.Errorf("ParseTime(%q) = %v, want %v", v, p, want)
		}
	}
}

func TestIsJSONNumber(t *testing.T) {
	for n, want := range map[string]bool{
		"0": true, "-0": true, "12": true, "1.5": true, "-1.5e+10": true, "2E-3": true, "0.0": true,
		"1.": false, ".5": false, "01": false, "-": false, "1e": false, "1e+": false, "+1": false, "1.2.3": false, "": false,
	} {
		if got := isJSONNumber(n); got != want {
			t.Errorf("isJSONNumber(%q) = %v, want %v", n, got, want)
		}
	}
}
