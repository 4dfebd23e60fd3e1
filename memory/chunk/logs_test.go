package chunk

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

const goPanicLog = `2024/01/02 15:04:05 starting server on :8080
2024/01/02 15:04:06 GET /login 200
2024/01/02 15:04:07 GET /login 500
panic: runtime error: invalid memory address or nil pointer dereference
[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4a1b2c]

goroutine 18 [running]:
github.com/acme/shop/auth.(*Store).Cleanup(0x0)
	/app/auth/store.go:42 +0x1d
main.main()
	/app/main.go:10 +0x25
exit status 2
2024/01/02 15:05:00 restarted
`

const javaLog = `2024-03-01 12:00:00,123 INFO  [main] c.a.Shop - started
2024-03-01 12:00:01,456 ERROR [http-1] c.a.OrderService - order failed
java.lang.IllegalStateException: cannot place order
	at com.acme.shop.OrderService.place(OrderService.java:88)
	at com.acme.shop.OrderController.post(OrderController.java:31)
Caused by: java.sql.SQLException: connection refused
	at com.acme.db.Pool.get(Pool.java:12)
	... 2 more
2024-03-01 12:00:02,000 WARN  [main] c.a.Shop - slow request
`

const pyLog = `2024-05-05 10:00:00,000 INFO app: booting
Traceback (most recent call last):
  File "app/main.py", line 10, in <module>
    run()
  File "app/main.py", line 7, in run
    raise ValueError("bad config")
ValueError: bad config

The above exception was the direct cause of the following exception:

Traceback (most recent call last):
  File "app/main.py", line 12, in <module>
    raise RuntimeError("boot failed") from e
RuntimeError: boot failed
plain line after the trace
2024-05-05 10:00:01,000 ERROR app: request failed
Traceback (most recent call last):
  File "app/h.py", line 3, in h
    x = 1 / 0
ZeroDivisionError: division by zero
`

func TestSplitLog(t *testing.T) {
	type want struct {
		symbol     string
		start, end int
		level      string
		time       string
	}
	tests := []struct {
		name    string
		content string
		want    []want
	}{
		{"go panic", goPanicLog, []want{
			{"starting server on :8080", 1, 3, "", "2024-01-02T15:04:05Z"},
			{"panic: runtime error: invalid memory address or nil pointer dereference", 4, 12, "fatal", "2024-01-02T15:04:07Z"},
			{"restarted", 13, 13, "", "2024-01-02T15:05:00Z"},
		}},
		{"java", javaLog, []want{
			{"[main] c.a.Shop - started", 1, 1, "info", "2024-03-01T12:00:00.123Z"},
			{"[http-1] c.a.OrderService - order failed", 2, 8, "error", "2024-03-01T12:00:01.456Z"},
			{"[main] c.a.Shop - slow request", 9, 9, "warn", "2024-03-01T12:00:02Z"},
		}},
		{"python", pyLog, []want{
			{"app: booting", 1, 1, "info", "2024-05-05T10:00:00Z"},
			{"Traceback (most recent call last):", 2, 14, "error", "2024-05-05T10:00:00Z"},
			{"plain line after the trace", 15, 15, "", "2024-05-05T10:00:00Z"},
			{"app: request failed", 16, 20, "error", "2024-05-05T10:00:01Z"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			chunks := splitLog("app.log", []byte(tt.content))
			checkChunks(t, []byte(tt.content), chunks)
			if len(chunks) != len(tt.want) {
				for _, c := range chunks {
					t.Logf("%d-%d %q %s", c.StartLine, c.EndLine, c.Symbol, c.Level)
				}
				t.Fatalf("got %d chunks, want %d", len(chunks), len(tt.want))
			}
			for i, w := range tt.want {
				c := chunks[i]
				if c.Symbol != w.symbol || c.StartLine != w.start || c.EndLine != w.end || c.Level != w.level {
					t.Errorf("chunk %d = %d-%d %q level %q, want %d-%d %q level %q", i, c.StartLine, c.EndLine, c.Symbol, c.Level, w.start, w.end, w.symbol, w.level)
				}
				if got := c.Time.Format(time.RFC3339Nano); got != w.time {
					t.Errorf("chunk %d time %s, want %s", i, got, w.time)
				}
				if c.SymbolKind != "event" {
					t.Errorf("chunk %d kind %q", i, c.SymbolKind)
				}
			}
		})
	}
}

func TestSplitLogStructured(t *testing.T) {
	content := `{"level":"info","ts":1704207845.5,"logger":"api","msg":"request served","status":200}
{"time":"2024-01-02T15:04:06.123456789Z","level":"ERROR","msg":"db down","err":"dial tcp: refused"}
{"level":30,"time":1704207847000,"msg":"pino says hi"}
time=2024-01-02T15:04:08Z level=WARN msg="slow query" ms=1200
not json {
`
	chunks := splitLog("x.log", []byte(content))
	checkChunks(t, []byte(content), chunks)
	if len(chunks) != 3 {
		t.Fatalf("got %d chunks: %+v", len(chunks), chunks)
	}
	if c := chunks[0]; c.Symbol != "request served" || c.Level != "info" || !c.Time.Equal(time.Unix(1704207845, 5e8)) {
		t.Errorf("zap chunk = %q %q %v", c.Symbol, c.Level, c.Time)
	}
	if c := chunks[1]; c.Symbol != "db down" || c.Level != "error" || c.Time.Nanosecond() != 123456789 {
		t.Errorf("slog chunk = %q %q %v", c.Symbol, c.Level, c.Time)
	}
	c := chunks[2]
	if c.StartLine != 3 || c.EndLine != 5 || c.Symbol != "pino says hi" || c.Level != "warn" || !c.Time.Equal(time.UnixMilli(1704207847000)) {
		t.Errorf("tail chunk = %d-%d %q %q %v", c.StartLine, c.EndLine, c.Symbol, c.Level, c.Time)
	}
}

func TestSplitLogGrouping(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 100; i++ {
		b.WriteString("2024-01-02T15:04:05Z INFO tick\n")
	}
	content := []byte(b.String())
	chunks := splitLog("x.log", content)
	checkChunks(t, content, chunks)
	if len(chunks) != 3 || chunks[0].Lines() != maxLogChunk {
		t.Errorf("got %d chunks, first %d lines", len(chunks), chunks[0].Lines())
	}
}

func TestSplitLogCRLFAndInvalidUTF8(t *testing.T) {
	content := []byte("2024-01-02 15:04:05,000 ERROR boom \xff\xfe here\r\n\tat x.Y.z(Y.java:1)\r\n2024-01-02 15:04:06,000 INFO ok\r\n")
	chunks := splitLog("x.log", content)
	checkChunks(t, content, chunks)
	if len(chunks) != 2 {
		t.Fatalf("got %d chunks", len(chunks))
	}
	c := chunks[0]
	if c.EndLine != 2 || c.Level != "error" || strings.Contains(c.Text, "\r") || !utf8.ValidString(c.Symbol) || !strings.Contains(c.Text, "\uFFFD") {
		t.Errorf("chunk = %d-%d %q %q", c.StartLine, c.EndLine, c.Level, c.Text)
	}
}

func TestSplitLogTemplates(t *testing.T) {
	content := `2024-01-02T15:04:05Z INFO server started port=8080
2024-01-02T15:04:06Z ERROR failed to connect to 10.0.0.7:5432 attempt 1
2024-01-02T15:04:07Z INFO served request id 17
2024-01-02T15:04:08Z ERROR failed to connect to 10.0.0.8:5432 attempt 2
2024-01-02T15:04:09Z INFO served request id 18
2024-01-02T15:05:10Z ERROR failed to connect to 10.0.0.9:5432 attempt 3
`
	chunks := splitLog("app.log", []byte(content))
	checkChunks(t, []byte(content), chunks)
	// The masks are drain's business; what matters here is which events
	// share a template and what the signature says of it.
	tests := []struct {
		line         int
		words, stats string
	}{
		{2, "template: failed to connect to <", "(×3 in this file; error 3; 2024-01-02T15:04:06Z … 2024-01-02T15:05:10Z)"},
		{6, "template: failed to connect to <", "(×3 in this file; error 3; 2024-01-02T15:04:06Z … 2024-01-02T15:05:10Z)"},
		{3, "template: served request id <", "(×2 in this file; info 2; 2024-01-02T15:04:07Z … 2024-01-02T15:04:09Z)"},
		{1, "template: server started port=", "(×1 in this file; info 1; 2024-01-02T15:04:05Z)"},
	}
	for _, tt := range tests {
		var c Chunk
		for _, x := range chunks {
			if x.StartLine <= tt.line && tt.line <= x.EndLine {
				c = x
			}
		}
		if !strings.HasPrefix(c.Signature, tt.words) || !strings.HasSuffix(c.Signature, tt.stats) || strings.Contains(c.Signature, "\n") {
			t.Errorf("chunk at line %d: signature\n%s\nwant one line %q … %q", tt.line, c.Signature, tt.words, tt.stats)
		}
	}
}

func TestSplitLogTemplatesCapped(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 12; i++ {
		fmt.Fprintf(&b, "2024-01-02T15:04:%02dZ INFO message kind%c happened\n", i, 'a'+i)
	}
	chunks := splitLog("app.log", []byte(b.String()))
	if len(chunks) != 1 {
		t.Fatalf("got %d chunks", len(chunks))
	}
	lines := strings.Split(chunks[0].Signature, "\n")
	if len(lines) != maxChunkTemplates+1 || lines[len(lines)-1] != "(4 more templates)" {
		t.Errorf("signature has %d lines, last %q:\n%s", len(lines), lines[len(lines)-1], chunks[0].Signature)
	}
}
