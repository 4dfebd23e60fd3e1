package logparse

import (
	"bufio"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// fuzzLevels are the only levels a record may carry.
var fuzzLevels = map[string]bool{"": true, "debug": true, "info": true, "warn": true, "error": true, "fatal": true}

// logSeeds are the repository's logs of every format, cut into pieces small
// enough for the fuzzer to mutate: single lines and runs of lines.
func logSeeds(tb testing.TB, run int) []string {
	tb.Helper()
	var names []string
	for _, glob := range []string{"../../testdata/logs-labelled/*.log", "../../testdata/shop/logs/*"} {
		m, _ := filepath.Glob(glob)
		names = append(names, m...)
	}
	var out []string
	for _, name := range names {
		f, err := os.Open(name)
		if err != nil {
			tb.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<20)
		var lines []string
		for sc.Scan() && len(lines) < 4*run {
			lines = append(lines, sc.Text())
		}
		f.Close()
		for i := 0; i < len(lines); i += run {
			out = append(out, strings.Join(lines[i:min(i+run, len(lines))], "\n"))
		}
	}
	return out
}

// FuzzParseLine checks ParseLine on any line: no panic, the same record
// twice, a known level, valid UTF-8, the same record without fields, and
// the fast JSON reader agreeing with encoding/json whenever it answers.
func FuzzParseLine(f *testing.F) {
	for _, s := range logSeeds(f, 1) {
		f.Add(s)
	}
	for _, s := range []string{
		`{"level":50,"time":1714557600000,"msg":"boom","group":{"a":[1,2,{"b":"}"}]}}`,
		`{"log":"hello\n","stream":"stdout","time":"2024-05-01T10:00:00Z"}`,
		`{"resource":{},"timeUnixNano":"1714557600000000000","severityNumber":17,"body":{"stringValue":"x"}}`,
		`2024-05-01T10:00:00.123456789Z stderr F level=error msg="x y" err=z`,
		`127.0.0.1 - - [01/May/2024:10:00:00 +0000] "GET /a HTTP/1.1" 500 12 "-" "curl"`,
		`time=2024-05-01T10:00:00Z level=WARN+2 msg="q \"x\""`,
		`{"level":"info","msg":"dup","msg":"second"}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		r := ParseLine(line)
		if again := ParseLine(line); !reflect.DeepEqual(r, again) {
			t.Fatalf("not deterministic:\n%+v\n%+v", r, again)
		}
		if !fuzzLevels[r.Level] {
			t.Errorf("level %q", r.Level)
		}
		if !utf8.ValidString(r.Message) || !utf8.ValidString(r.Text) {
			t.Errorf("not valid UTF-8: message %q text %q", r.Message, r.Text)
		}
		// Fields aside, the scanner's path reads what ParseLine reads (both
		// then place a year-0 stamp, ParseLine by the clock).
		lite, full := parseLine(line, false), parseLine(line, true)
		if lite.Message != full.Message || lite.Level != full.Level || lite.Format != full.Format || !lite.Time.Equal(full.Time) {
			t.Errorf("without fields:\n%+v\nwith:\n%+v", lite, full)
		}
		if want := PlaceYear(full.Time, time.Now()); !r.Time.Equal(want) {
			t.Errorf("ParseLine's time %v, want %v (the line's %v)", r.Time, want, full.Time)
		}
		checkFastJSON(t, line)
	})
}

// checkFastJSON: when fastJSON reads a line it gives what encoding/json gives.
func checkFastJSON(t *testing.T, line string) {
	t.Helper()
	s := strings.TrimSpace(strings.ToValidUTF8(strings.TrimRight(line, "\r"), "\uFFFD"))
	if len(s) < 2 || s[0] != '{' || s[len(s)-1] != '}' {
		return
	}
	got, ok := fastJSON(s, true)
	if !ok {
		return
	}
	want, wantOK := parseJSON(s)
	if !wantOK || got.Format != want.Format || got.Level != want.Level || got.Message != want.Message || !got.Time.Equal(want.Time) || !reflect.DeepEqual(got.Fields, want.Fields) {
		t.Errorf("fast JSON and encoding/json disagree on %q\nfast    %+v\ndecoder %+v (ok %v)", s, got, want, wantOK)
	}
}

// FuzzParseTime: the hand-written fast path gives what time.Parse gives
// with the layouts ParseTime falls back to, or steps aside.
func FuzzParseTime(f *testing.F) {
	for _, v := range []string{"2026-11-23T21:45:19.853058277Z", "2024-05-01T10:00:00-0530", "2024-01-01 12:00:00,123",
		"2026/11/24 00:02:38.123456", "2024-02-31T12:00:00Z", "1714557600.5", "1714557600000", "2024-01-01T12:00:00+2:00"} {
		f.Add(v)
	}
	layouts := []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999Z0700", "2006-01-02 15:04:05.999999999Z07:00",
		"2006-01-02 15:04:05.999999999Z0700", "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999", "2006/01/02 15:04:05.999999999"}
	f.Fuzz(func(t *testing.T, v string) {
		p := ParseTime(v)
		if q := ParseTime(v); !p.Equal(q) {
			t.Fatalf("ParseTime(%q) not deterministic: %v %v", v, p, q)
		}
		got, ok := fastTime(v)
		if !ok {
			return
		}
		for _, layout := range layouts {
			if want, err := time.Parse(layout, strings.Replace(v, ",", ".", 1)); err == nil {
				if !got.Equal(want) {
					t.Errorf("fastTime(%q) = %v, time.Parse(%q) = %v", v, got, layout, want)
				}
				return
			}
		}
		t.Errorf("fastTime(%q) = %v, but no layout of ParseTime reads it", v, got)
	})
}

// FuzzScanner streams any text: records come in order, inside the input,
// with every byte and line counted, and the same records without fields.
func FuzzScanner(f *testing.F) {
	for _, s := range logSeeds(f, 40) {
		f.Add(s)
	}
	f.Add("2024-05-01T10:00:00Z stdout P part one \n2024-05-01T10:00:00Z stdout F and two\npanic: x\n\ngoroutine 1 [running]:\nmain.main()\n\t/a.go:1\n")
	f.Fuzz(func(t *testing.T, text string) {
		recs, sc := scanAll(text, false)
		lite, _ := scanAll(text, true)
		if sc.Bytes() != int64(len(text)) {
			t.Errorf("read %d bytes of %d", sc.Bytes(), len(text))
		}
		lines := strings.Count(text, "\n")
		if text != "" && !strings.HasSuffix(text, "\n") {
			lines++
		}
		if sc.Lines() != lines {
			t.Errorf("counted %d lines, the text has %d", sc.Lines(), lines)
		}
		if len(lite) != len(recs) {
			t.Fatalf("%d records without fields, %d with", len(lite), len(recs))
		}
		prev := 0
		for i, r := range recs {
			if r.Line < 1 || r.EndLine < r.Line || r.EndLine > lines {
				t.Errorf("record %d: lines %d-%d outside 1-%d", i, r.Line, r.EndLine, lines)
			}
			if r.Line <= prev {
				t.Errorf("record %d starts at line %d, not after the previous record's line %d", i, r.Line, prev)
			}
			prev = r.Line
			if !fuzzLevels[r.Level] || !utf8.ValidString(r.Message) {
				t.Errorf("record %d: level %q message %q", i, r.Level, r.Message)
			}
			if lite[i].Message != r.Message || lite[i].Line != r.Line || lite[i].EndLine != r.EndLine {
				t.Errorf("record %d differs without fields: %+v vs %+v", i, lite[i], r)
			}
		}
	})
}

func scanAll(text string, noFields bool) ([]Record, *Scanner) {
	sc := NewScanner(strings.NewReader(text), 0)
	sc.NoFields = noFields
	var out []Record
	for sc.Scan() {
		out = append(out, sc.Record())
	}
	return out, sc
}
