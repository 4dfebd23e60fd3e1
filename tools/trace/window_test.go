package trace

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/tools/tool"
	"github.com/devaiops/devai/tools/tool/tooltest"
)

// The shop's logs (testdata/shop/logs) run from 21:44:50 to 21:48:08 on
// 2026-11-23. worker.log holds three panics of the janitor, each after a
// timed line; panic.log has no timestamps; app.jsonl and access.log share
// request IDs (web-59adca44 is a locked account's login: its access line
// and two app records).

func TestTimeWindowOnTheShop(t *testing.T) {
	t.Parallel()
	ix, _ := openShop(t)
	tests := []struct {
		name string
		in   Input
		// what the answer must show
		logs        []string
		errURI      string
		topSymbol   string
		requestID   string
		requestLogs []string
		note        string
		repro       string
	}{
		{name: "the first janitor panic",
			in:   Input{Since: "2026-11-23T21:45:30Z", Until: "2026-11-23T21:46:00Z"},
			logs: []string{"logs/access.log", "logs/app.jsonl", "logs/worker.log"}, errURI: "devai://log/logs/worker.log#L4-L15",
			topSymbol: "auth.Service.recordLastSeen", repro: "devai://log/logs/worker.log#L3-L3"},
		{name: "only the worker log",
			in:   Input{Since: "2026-11-23T21:45:30Z", Until: "2026-11-23T21:48:30Z", Logs: "logs/worker.log"},
			logs: []string{"logs/worker.log"}, errURI: "devai://log/logs/worker.log#L4-L15", topSymbol: "auth.Service.recordLastSeen"},
		{name: "warnings of a locked account, correlated across logs",
			in:   Input{Since: "2026-11-23T21:45:18Z", Until: "2026-11-23T21:45:19Z", Logs: "logs/app.jsonl"},
			logs: []string{"logs/app.jsonl"}, requestID: "web-59adca44", requestLogs: []string{"logs/access.log", "logs/app.jsonl"},
			note: "its warnings were analysed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := Run(t.Context(), ix, tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if out.Window == nil || !slices.Equal(out.Window.Logs, tt.logs) || out.Window.Events == 0 || out.Window.Analysed == 0 {
				t.Fatalf("window = %+v, want logs %v", out.Window, tt.logs)
			}
			if !strings.Contains(out.Source, "from 2026-11-23T") {
				t.Errorf("source %q does not say the window", out.Source)
			}
			if tt.errURI != "" && (len(out.Errors) == 0 || out.Errors[0].URI != tt.errURI || out.Errors[0].StartLine != 4) {
				t.Errorf("errors = %+v, want the first at %s", out.Errors, tt.errURI)
			}
			if tt.topSymbol != "" && (len(out.Suspects) == 0 || out.Suspects[0].Symbol != tt.topSymbol) {
				t.Errorf("suspects = %+v, want %s first", out.Suspects, tt.topSymbol)
			}
			if tt.repro != "" && !strings.Contains(strings.Join(out.Reproduction, "\n"), tt.repro) {
				t.Errorf("reproduction %q does not cite %s", out.Reproduction, tt.repro)
			}
			if tt.note != "" && !strings.Contains(strings.Join(out.Notes, "\n"), tt.note) {
				t.Errorf("notes %q lack %q", out.Notes, tt.note)
			}
			if tt.requestID != "" {
				r := findRequest(out.Requests, tt.requestID)
				if r == nil || !slices.Equal(r.Logs, tt.requestLogs) {
					t.Fatalf("requests = %+v, want %s in %v", out.Requests, tt.requestID, tt.requestLogs)
				}
			}
			md := Markdown(out)
			if !strings.Contains(md, "## Time window") {
				t.Errorf("markdown lacks the window:\n%s", md)
			}
		})
	}
}

func findRequest(rs []Request, id string) *Request {
	for i := range rs {
		if rs[i].ID == id {
			return &rs[i]
		}
	}
	return nil
}

func TestTimeWindowInputErrors(t *testing.T) {
	t.Parallel()
	ix, _ := openShop(t)
	tests := []struct {
		name string
		in   Input
		want []string
	}{
		{"empty window says what the logs cover", Input{Since: "2025-01-01T00:00:00Z", Until: "2025-01-02T00:00:00Z"},
			[]string{"no indexed log event is in the window", "cover 2026-11-23T21:44:50.738Z … 2026-11-23T21:48:08.069Z", "logs/panic.log", "since=2026-11-23T21:47:08Z"}},
		{"after the last event", Input{Since: "1h"}, []string{"no indexed log event", "logs/worker.log 2026-11-23T21:44:50.738Z"}},
		{"inverted", Input{Since: "2026-11-23T21:46:00Z", Until: "2026-11-23T21:45:00Z"}, []string{"not after since", "swap them"}},
		{"not a time", Input{Since: "after lunch"}, []string{"since: ", "RFC 3339"}},
		{"no log matches", Input{Since: "2026-11-23T21:45:00Z", Logs: "var/*.log"}, []string{`no indexed log matches "var/*.log"`, "logs/access.log"}},
		{"logs without a window", Input{Logs: "logs/*.log"}, []string{"logs narrows a time range"}},
		{"window and text", Input{Since: "15m", Text: "panic: x"}, []string{"not several"}},
		{"window and path", Input{Until: "15m", Path: "logs/worker.log"}, []string{"not several"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Run(t.Context(), ix, tt.in)
			if err == nil || !tool.IsInputError(err) {
				t.Fatalf("err = %v, want an input error", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

// TestTimeWindowCapped: a window with more errors than are analysed says so.
func TestTimeWindowCapped(t *testing.T) {
	t.Parallel()
	repo := t.TempDir()
	var b strings.Builder
	for i := range maxWindowErrors + 30 {
		fmt.Fprintf(&b, "2026-01-31T09:%02d:%02dZ INFO request %d served\n", i/60, i%60, i)
		fmt.Fprintf(&b, "2026-01-31T09:%02d:%02dZ ERROR order %d failed: stock service unavailable request_id=r-%d\n", i/60, i%60, i, i)
	}
	if err := os.MkdirAll(filepath.Join(repo, "logs"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(repo, "logs", "app.log"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	ix, err := memory.Open(t.Context(), memory.Options{Repo: repo, StateDir: t.TempDir(), Embedder: "hash"})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if err := ix.Sync(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	out, err := Run(t.Context(), ix, Input{Since: "2026-01-31T09:00:00Z", Until: "2026-01-31T10:00:00Z"})
	if err != nil {
		t.Fatal(err)
	}
	w := out.Window
	if w == nil || w.Events != 2*(maxWindowErrors+30) || w.Errors != maxWindowErrors+30 || w.Analysed != maxWindowErrors {
		t.Fatalf("window = %+v", w)
	}
	if !strings.Contains(strings.Join(out.Notes, "\n"), fmt.Sprintf("the window holds %d errors; only the first %d were analysed", maxWindowErrors+30, maxWindowErrors)) {
		t.Errorf("notes do not say the cap: %q", out.Notes)
	}
	// A window late in the log: parsing starts near it (the chunks say
	// where), and lines are still the file's.
	out, err = Run(t.Context(), ix, Input{Since: "2026-01-31T09:01:10Z", Until: "2026-01-31T10:00:00Z"})
	if err != nil {
		t.Fatal(err)
	}
	if w := out.Window; w.Events != 20 || w.Errors != 10 || w.Analysed != 10 {
		t.Errorf("late window = %+v, want 20 events, 10 errors", w)
	}
	if len(out.Timeline) == 0 || out.Timeline[0].URI != "devai://log/logs/app.log#L142-L142" || out.Timeline[0].ID != "r-70" {
		t.Errorf("timeline %+v, want r-70 at line 142 first", out.Timeline)
	}
}

func TestCorrelateAcrossLogs(t *testing.T) {
	t.Parallel()
	ix, _ := openShop(t)
	line35, err := os.ReadFile(filepath.Join(ix.Repo(), "logs", "app.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	locked := strings.Split(string(line35), "\n")[34]
	if !strings.Contains(locked, "web-59adca44") {
		t.Fatalf("the fixture changed: line 35 of app.jsonl is %s", locked)
	}
	tests := []struct {
		name     string
		text     string
		id, key  string
		timeline []string // URIs, in time order
		errors   int
	}{
		{"pasted JSON record", locked, "web-59adca44", "request_id",
			[]string{"devai://log/logs/access.log#L66-L66", "devai://log/logs/app.jsonl#L35-L35", "devai://log/logs/app.jsonl#L36-L36"}, 1},
		{"pasted access line", "time=2026-11-23T21:45:18.869Z level=ERROR msg=request request_id=web-59adca44 status=500", "web-59adca44", "request_id",
			[]string{"devai://log/logs/access.log#L66-L66", "devai://log/logs/app.jsonl#L35-L35", "devai://log/logs/app.jsonl#L36-L36"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := Run(t.Context(), ix, Input{Text: tt.text})
			if err != nil {
				t.Fatal(err)
			}
			if len(out.Requests) != 1 || out.Requests[0].ID != tt.id || out.Requests[0].Key != tt.key || out.Requests[0].Events != len(tt.timeline) {
				t.Fatalf("requests = %+v", out.Requests)
			}
			if len(out.Requests[0].Errors) != tt.errors {
				t.Errorf("request errors = %q, want %d", out.Requests[0].Errors, tt.errors)
			}
			var got []string
			for _, e := range out.Timeline {
				got = append(got, e.URI)
				if e.ID != tt.id || e.Time == "" || e.Message == "" {
					t.Errorf("timeline event %+v", e)
				}
			}
			if !slices.Equal(got, tt.timeline) {
				t.Errorf("timeline %v, want %v", got, tt.timeline)
			}
			md := Markdown(out)
			for _, want := range []string{"## Requests of the failure", "## Timeline", "devai://log/logs/access.log#L66-L66", "status=401"} {
				if !strings.Contains(md, want) {
					t.Errorf("markdown lacks %q:\n%s", want, md)
				}
			}
		})
	}
}

func TestIDsIn(t *testing.T) {
	t.Parallel()
	tests := []struct {
		line string
		want []string // key=id
	}{
		{`{"msg":"x","request_id":"web-59adca44"}`, []string{"request_id=web-59adca44"}},
		{`time=1 msg=request req_id=r-77 status=500`, []string{"req_id=r-77"}},
		{`{"requestId": "abc-123-def", "traceId": "4bf92f3577b34da6a3ce929d0e0e4736"}`, []string{"request_id=abc-123-def", "trace_id=4bf92f3577b34da6a3ce929d0e0e4736"}},
		{`GET /x traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01`, []string{"traceparent=4bf92f3577b34da6a3ce929d0e0e4736"}},
		{`X-Request-ID: 9f8e7d6c handled`, []string{"x-request-id=9f8e7d6c"}},
		{`worker done rid=job-42 took=3s`, []string{"rid=job-42"}},
		{`span_id=00f067aa0ba902b7 trace_id=null`, []string{"span_id=00f067aa0ba902b7"}},
		{`{"grid": "abc-1234", "userid": "u-1"}`, nil},
		{`trace_id=00000000000000000000000000000000`, nil},
	}
	for _, tt := range tests {
		var got []string
		for _, r := range idsIn(tt.line) {
			got = append(got, r.key+"="+r.id)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("idsIn(%s) = %v, want %v", tt.line, got, tt.want)
		}
	}
}

// TestFailureIDsPreferTheErrors: of the requests logged around a failure,
// the one on the error line is the failing one.
func TestFailureIDsPreferTheErrors(t *testing.T) {
	t.Parallel()
	var lines []string
	for i := range 25 {
		lines = append(lines, fmt.Sprintf("time=2026-01-31T09:00:%02dZ level=INFO msg=served request_id=ok-%03d", i, i))
	}
	lines = append(lines, "time=2026-01-31T09:00:30Z level=ERROR msg=failed request_id=bad-001")
	got := failureIDs(lines, nil)
	if len(got) != 1 || got[0].id != "bad-001" {
		t.Errorf("failureIDs = %+v, want only bad-001", got)
	}
	if got := failureIDs(lines[:25], nil); len(got) != 0 {
		t.Errorf("25 info lines: %+v, want no IDs (nothing points at a failure)", got)
	}
}

// TestTimeWindowOverMCP calls trace_root_cause with a time range through
// an in-process MCP client.
func TestTimeWindowOverMCP(t *testing.T) {
	t.Parallel()
	ix, _ := openShop(t)
	srv := tooltest.Server(t, tool.Env{Index: ix}, Tool)
	c, err := client.NewInProcessClient(srv)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	if _, err := c.Initialize(ctx, init); err != nil {
		t.Fatal(err)
	}
	call := func(args map[string]any) *mcp.CallToolResult {
		var req mcp.CallToolRequest
		req.Params.Name = ToolName
		req.Params.Arguments = args
		res, err := c.CallTool(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	res := call(map[string]any{"since": "2026-11-23T21:45:30Z", "until": "2026-11-23T21:46:00Z", "logs": "logs/*.log"})
	if res.IsError {
		t.Fatalf("isError: %+v", res.Content)
	}
	text := res.Content[0].(mcp.TextContent).Text
	for _, want := range []string{"## Time window", "logs/worker.log", "auth.Service.recordLastSeen", "devai://log/logs/worker.log#L4-L15"} {
		if !strings.Contains(text, want) {
			t.Errorf("answer lacks %q:\n%s", want, text)
		}
	}
	var out Output
	if b, err := json.Marshal(res.StructuredContent); err != nil || json.Unmarshal(b, &out) != nil || out.Window == nil || out.Window.Since != "2026-11-23T21:45:30Z" {
		t.Errorf("structured content %T: %+v", res.StructuredContent, res.StructuredContent)
	}
	res = call(map[string]any{"since": "2026-11-23T21:50:00Z", "until": "2026-11-23T21:40:00Z"})
	if !res.IsError || !strings.Contains(res.Content[0].(mcp.TextContent).Text, "swap them") {
		t.Errorf("inverted window: %+v", res.Content)
	}
}

func TestStartOf(t *testing.T) {
	t.Parallel()
	at := func(m int) time.Time { return time.Date(2026, 1, 31, 9, m, 0, 0, time.UTC) }
	chunks := []memory.ChunkInfo{{StartLine: 1}, {StartLine: 3, Time: at(0)}, {StartLine: 40, Time: at(5)}, {StartLine: 80, Time: at(10)}}
	tests := []struct {
		since time.Time
		from  int
	}{
		{time.Time{}, 1},
		{at(0), 1},
		{at(6), 3},   // within the minute of slack after the 09:05 chunk
		{at(7), 40},  // the chunk that starts at 09:05 may hold 09:07
		{at(10), 40}, // a minute of slack before since
		{at(12), 80},
	}
	for _, tt := range tests {
		from, first := startOf(chunks, tt.since)
		if from != tt.from || !first.Equal(at(0)) {
			t.Errorf("startOf(%v) = %d, %v; want %d", tt.since, from, first, tt.from)
		}
	}
}
