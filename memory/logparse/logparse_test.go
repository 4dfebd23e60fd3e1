package logparse

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

func TestParseLine(t *testing.T) {
	ts := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	cases := []struct {
		name, line, format, level, msg string
		time                           time.Time
		field, value                   string
	}{
		{"slog json", `{"time":"2026-11-23T21:45:19.853058277Z","level":"INFO","msg":"account deleted","user_id":"u-1002"}`, "json", "info", "account deleted", ts("2026-11-23T21:45:19.853058277Z"), "user_id", "u-1002"},
		{"zap production", `{"level":"error","ts":1732398319.5,"caller":"api/h.go:42","msg":"request failed","stacktrace":"main.f\n\t/a.go:1"}`, "json", "error", "request failed", ts("2024-11-23T21:45:19.5Z"), "caller", "api/h.go:42"},
		{"zerolog", `{"level":"warn","error":"timeout","time":"2024-05-01T10:00:00Z","message":"retrying"}`, "json", "warn", "retrying", ts("2024-05-01T10:00:00Z"), "error", "timeout"},
		{"logrus", `{"level":"warning","msg":"disk low","time":"2024-05-01T10:00:00+02:00"}`, "json", "warn", "disk low", ts("2024-05-01T10:00:00+02:00"), "", ""},
		{"pino", `{"level":50,"time":1714557600000,"msg":"boom"}`, "json", "error", "boom", ts("2024-05-01T10:00:00Z"), "", ""},
		{"otel", `{"timeUnixNano":"1714557600000000000","severityNumber":17,"severityText":"ERROR","body":{"stringValue":"payment declined"},"attributes":[{"key":"order.id","value":{"stringValue":"o-1"}}]}`, "otel", "error", "payment declined", ts("2024-05-01T10:00:00Z"), "order.id", "o-1"},
		{"docker json-file", `{"log":"time=2024-05-01T10:00:00Z level=error msg=\"db down\"\n","stream":"stderr","time":"2024-05-01T10:00:00.5Z"}`, "docker", "error", "db down", ts("2024-05-01T10:00:00Z"), "", ""},
		{"cri", `2024-05-01T10:00:00.123456789Z stderr F E0501 oops level=error something`, "cri", "error", "E0501 oops something", ts("2024-05-01T10:00:00.123456789Z"), "", ""},
		{"logfmt (shop access.log)", `time=2026-11-23T21:44:52.051Z level=INFO msg=request request_id=req-08 method=GET path=/healthz status=200 ua="Go http"`, "logfmt", "info", "request", ts("2026-11-23T21:44:52.051Z"), "ua", "Go http"},
		{"go log prefix", `janitor: 2026/11/23 21:44:50.843699 started interval=10s ttl=45s`, "text", "", "started interval=10s ttl=45s", ts("2026-11-23T21:44:50.843699Z"), "", ""},
		{"log4j", `2024-01-01 12:00:00,123 ERROR [main] c.e.Foo - it broke`, "text", "error", "it broke", ts("2024-01-01T12:00:00.123Z"), "", ""},
		{"syslog", `Jun 14 15:16:01 host sshd[42]: Failed password for root`, "text", "", "Failed password for root", PlaceYear(time.Date(0, 6, 14, 15, 16, 1, 0, time.UTC), time.Now()), "", ""},
		{"nginx combined", `127.0.0.1 - - [24/Nov/2026:00:02:38 +0000] "POST /api/orders/7?x=1 HTTP/1.1" 502 157 "-" "curl/7.88.1"`, "access", "error", "POST /api/orders/7?x=1 502", ts("2026-11-24T00:02:38Z"), "user_agent", "curl/7.88.1"},
		{"postgres", `2026-11-24 00:02:56.427 UTC [18892] LOG:  connection received: host=127.0.0.1 port=5433`, "text", "info", "connection received: host=127.0.0.1 port=5433", ts("2026-11-24T00:02:56.427Z"), "", ""},
		{"panic", `panic: runtime error: index out of range`, "text", "fatal", "panic: runtime error: index out of range", time.Time{}, "", ""},
		{"nothing known", `¯\_(ツ)_/¯ what`, "text", "", `¯\_(ツ)_/¯ what`, time.Time{}, "", ""},
		{"invalid utf-8 and CR", "bad \xff byte\r", "text", "", "bad \uFFFD byte", time.Time{}, "", ""},
		{"broken json", `{"level":"info", "msg": oops}`, "text", "", `{"level":"info", "msg": oops}`, time.Time{}, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := ParseLine(c.line)
			if r.Format != c.format || r.Level != c.level || r.Message != c.msg || !r.Time.Equal(c.time) {
				t.Errorf("got format %q level %q msg %q time %v; want %q %q %q %v", r.Format, r.Level, r.Message, r.Time, c.format, c.level, c.msg, c.time)
			}
			if c.field != "" && r.Fields[c.field] != c.value {
				t.Errorf("field %s = %q, want %q (fields %v)", c.field, r.Fields[c.field], c.value, r.Fields)
			}
		})
	}
}

func TestScannerJoinsTracesAndPartials(t *testing.T) {
	f, err := os.Open("../../testdata/shop/logs/worker.log")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := NewScanner(f, 0)
	var panics, records int
	for sc.Scan() {
		r := sc.Record()
		records++
		if strings.HasPrefix(r.Message, "panic: ") {
			panics++
			if r.EndLine-r.Line != 11 || r.Level != "fatal" || !strings.Contains(r.Text, "created by main.run") {
				t.Errorf("panic record lines %d-%d level %q:\n%s", r.Line, r.EndLine, r.Level, r.Text)
			}
		}
	}
	if panics != 3 || sc.Lines() != 50 || sc.Truncated || sc.Err() != nil {
		t.Errorf("panics %d, lines %d, truncated %v, err %v", panics, sc.Lines(), sc.Truncated, sc.Err())
	}
	in := "2024-05-01T10:00:00Z stdout P hello \n2024-05-01T10:00:00Z stdout P big \n2024-05-01T10:00:01Z stdout F world\r\n\n" +
		"2024-05-01 10:00:02 ERROR boom\njava.lang.IllegalStateException: x\n\tat a.B.c(B.java:1)\nCaused by: java.io.IOException\n\t... 1 more\n"
	sc = NewScanner(strings.NewReader(in), 0)
	var got []Record
	for sc.Scan() {
		got = append(got, sc.Record())
	}
	if len(got) != 2 || got[0].Message != "hello big world" || got[0].Line != 1 || got[0].EndLine != 3 {
		t.Fatalf("records: %+v", got)
	}
	if got[1].Message != "boom" || got[1].Line != 5 || got[1].EndLine != 9 || !strings.Contains(got[1].Text, "Caused by") {
		// the exception under a timestamped line, its frames and its cause
		// are one event
		t.Errorf("java: %+v", got[1])
	}
	// the byte budget stops the scan and says so
	sc = NewScanner(strings.NewReader(strings.Repeat("line\n", 1000)), 100)
	n := 0
	for sc.Scan() {
		n++
	}
	if !sc.Truncated || n != 20 {
		t.Errorf("budget: %d records, truncated %v", n, sc.Truncated)
	}
}

func TestPattern(t *testing.T) {
	for _, c := range []struct{ line, want string }{
		// the message first, so the miner routes on its words
		{`time=2026-11-24T00:04:31Z level=INFO msg="token issued" sub=alice scope="read write" ttl=3h0m0s`, "token issued sub=alice scope=<*> ttl=3h0m0s"},
		{`time=2026-11-24T00:04:31Z level=INFO request_id=req-08 path=/healthz`, "request_id=req-08 path=/healthz"},
		// method, path segments without the query, status as a word
		{`10.0.0.1 - - [24/Nov/2026:00:02:38 +0000] "GET /static/app-3.css?v=1 HTTP/1.1" 304 0 "-" "curl/7.88.1"`, "GET /static /app-3.css NotModified"},
		{`{"level":"info","msg":"order created","order_id":"ord-1"}`, "order created"},
		// nginx logs a request it could not read as "-"
		{`10.0.0.1 - - [24/Nov/2026:00:02:38 +0000] "-" 400 0 "-" "-"`, "- / BadRequest"},
	} {
		if got := ParseLine(c.line).Pattern(); got != c.want {
			t.Errorf("Pattern(%s) = %q, want %q", c.line, got, c.want)
		}
	}
}

// Python's logger.exception writes the message line, then the traceback:
// one event.
func TestScannerJoinsPythonLoggerException(t *testing.T) {
	in := "2026-11-24 00:04:31,120 ERROR [inventory.api] bad quantity in request from 10.0.0.1\n" +
		"Traceback (most recent call last):\n  File \"pylog.py\", line 49, in parse_failed\n    int(x)\nValueError: invalid literal for int() with base 10: 'abc'\n" +
		"2026-11-24 00:04:31,121 INFO [inventory.sync] synced 3 items\n"
	sc := NewScanner(strings.NewReader(in), 0)
	var got []Record
	for sc.Scan() {
		got = append(got, sc.Record())
	}
	if len(got) != 2 || got[0].EndLine != 5 || got[0].Level != "error" || got[1].Line != 6 {
		t.Errorf("records: %+v", got)
	}
}

// An endless run of indented lines is one record whose kept text stops
// growing at MaxRecordBytes: memory does not grow with the log.
func TestScannerBoundsOneRecord(t *testing.T) {
	line := "  " + strings.Repeat("x", 1000) + "\n"
	in := "2024-05-01T10:00:00Z ERROR start\n" + strings.Repeat(line, 3*MaxRecordBytes/len(line))
	sc := NewScanner(strings.NewReader(in), 0)
	if !sc.Scan() {
		t.Fatal("no record")
	}
	r := sc.Record()
	if len(r.Text) > MaxRecordBytes+len(line) || r.EndLine != sc.Lines() || sc.Scan() {
		t.Errorf("record text %d bytes, lines %d-%d of %d", len(r.Text), r.Line, r.EndLine, sc.Lines())
	}
}

// TestScannerCountsEveryByte: Bytes is what was read, whatever ends the
// lines (found by FuzzScanner: CRLF lines were one byte short each, and a
// last line without a newline one byte long).
func TestScannerCountsEveryByte(t *testing.T) {
	for _, text := range []string{
		"a\nb\n", "a\r\nb\r\n", "a\nb", "a\r\n\r\nb", "\n\n", "x\r", strings.Repeat("y", 300<<10) + "\r\nz",
	} {
		sc := NewScanner(strings.NewReader(text), 0)
		for sc.Scan() {
		}
		if sc.Bytes() != int64(len(text)) {
			t.Errorf("%.20q: Bytes %d, read %d", text, sc.Bytes(), len(text))
		}
	}
}

// TestScannerKeepsCRIPartials: CRI partial lines (P) whose F does not come
// next are records of their own, in line order. Found by FuzzScanner: a
// plain line between a P and its F came out before the P's record (lines
// out of order), and partials at the end of the input were dropped.
func TestScannerKeepsCRIPartials(t *testing.T) {
	const ts = "2024-05-01T10:00:00.000000000Z"
	for _, c := range []struct {
		in   string
		want []string // "line:message"
	}{
		{ts + " stdout P part \n" + ts + " stdout F one\nplain\n", []string{"1:part one", "3:plain"}},
		{ts + " stdout P a\nplain line\n" + ts + " stdout F b\n", []string{"1:a", "2:plain line", "3:b"}},
		{"first\n" + ts + " stdout P cut off", []string{"1:first", "2:cut off"}},
	} {
		sc := NewScanner(strings.NewReader(c.in), 0)
		var got []string
		for sc.Scan() {
			r := sc.Record()
			got = append(got, fmt.Sprintf("%d:%s", r.Line, r.Message))
		}
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("%q:\ngot  %q\nwant %q", c.in, got, c.want)
		}
	}
}

// TestScannerPlacesYearlessStamps: syslog's "Jun 14 15:16:01" has no year.
// Left at year 0 it sorts before every real time, so a template's last seen
// and every time window missed it.
func TestScannerPlacesYearlessStamps(t *testing.T) {
	now := time.Date(2026, 12, 5, 11, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		line string
		now  time.Time
		want time.Time
	}{
		{"earlier this year", "Jun 14 15:16:01 combo sshd[19939]: check pass; user unknown", now, time.Date(2026, 6, 14, 15, 16, 1, 0, time.UTC)},
		{"later today: a zone apart, still this year", "Dec  5 23:30:00 host cron[1]: job done", now, time.Date(2026, 12, 5, 23, 30, 0, 0, time.UTC)},
		{"days ahead: last year", "Dec 24 08:00:00 host cron[1]: job done", now, time.Date(2025, 12, 24, 8, 0, 0, 0, time.UTC)},
		{"read in January: December is last year's", "Dec 31 23:59:59 host kernel: eth0 up", time.Date(2027, 1, 2, 9, 0, 0, 0, time.UTC), time.Date(2026, 12, 31, 23, 59, 59, 0, time.UTC)},
		{"a stamp with its year keeps it", "2005-06-14 15:16:01 INFO started", now, time.Date(2005, 6, 14, 15, 16, 1, 0, time.UTC)},
		{"Apache's year is kept", "[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok", now, time.Date(2005, 12, 4, 4, 47, 44, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := NewScanner(strings.NewReader(tt.line+"\n"), 0)
			sc.Now = tt.now
			if !sc.Scan() {
				t.Fatalf("no record: %v", sc.Err())
			}
			if got := sc.Record().Time; !got.Equal(tt.want) {
				t.Errorf("time = %v, want %v", got, tt.want)
			}
		})
	}
}
