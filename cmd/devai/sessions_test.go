package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/devaiops/devai/memory/decisions"
	"github.com/devaiops/devai/tools/tool"
	"github.com/devaiops/devai/tools/tool/tooltest"
)

// fakeClock is a clock the test moves by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// sessionRig is an HTTP server over the real MCP server with a decision
// log, a tool that counts its runs, and a count of the sessions mcp-go
// holds (registered and not yet unregistered).
type sessionRig struct {
	url   string
	face  httpFace
	clock *fakeClock
	state string
	runs  atomic.Int64
	held  atomic.Int64
}

func newSessionRig(t *testing.T, cfg httpConfig) *sessionRig {
	t.Helper()
	rig := &sessionRig{clock: &fakeClock{now: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}, state: t.TempDir()}
	counted := testTool("test_count", tool.Hints{ReadOnly: true, Idempotent: true}, func(context.Context) (string, error) {
		rig.runs.Add(1)
		return "ran", nil
	})
	dlog, err := decisions.Open(decisions.Dir(rig.state), decisions.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dlog.Close() })
	s, err := newMCPServer(serverConfig{Logger: testLogger(t), Tools: []tool.Tool{counted}, Decisions: dlog})
	if err != nil {
		t.Fatal(err)
	}
	s.GetHooks().AddOnRegisterSession(func(context.Context, server.ClientSession) { rig.held.Add(1) })
	s.GetHooks().AddOnUnregisterSession(func(context.Context, server.ClientSession) { rig.held.Add(-1) })
	if cfg.MaxBodyBytes == 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	cfg.Clock = rig.clock.Now
	rig.face = newHTTPHandler(s, cfg, nil)
	ts := httptest.NewServer(rig.face)
	t.Cleanup(ts.Close)
	rig.url = ts.URL + "/mcp"
	return rig
}

// initialize opens a session with a raw POST and returns its id.
func (r *sessionRig) initialize(t *testing.T) string {
	t.Helper()
	resp := post(t, r.url, nil, initBody)
	io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("initialize: %s", resp.Status)
	}
	return resp.Header.Get("Mcp-Session-Id")
}

const callCountBody = `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"test_count","arguments":{}}}`

// call sends tools/call test_count on session id and returns the status.
func (r *sessionRig) call(t *testing.T, id string) int {
	t.Helper()
	headers := map[string]string{"MCP-Protocol-Version": "2025-06-18"}
	if id != "" {
		headers["Mcp-Session-Id"] = id
	}
	resp := post(t, r.url, headers, callCountBody)
	io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}

func (r *sessionRig) records(t *testing.T) []decisions.Record {
	t.Helper()
	recs, err := decisions.List(decisions.Dir(r.state), decisions.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func request(t *testing.T, method, url, id string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Mcp-Session-Id", id)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// TestUnknownSessionIsNotFound (issue 11 row 3): a request naming a session
// the server did not issue, closed with DELETE, or let expire gets 404
// before any tool runs or any record is written; the issued session works.
func TestUnknownSessionIsNotFound(t *testing.T) {
	rig := newSessionRig(t, httpConfig{SessionIdleTimeout: time.Minute})
	live := rig.initialize(t)
	deleted := rig.initialize(t)
	if resp := request(t, http.MethodDelete, rig.url, deleted); resp.StatusCode != http.StatusOK {
		t.Fatalf("DELETE: %s", resp.Status)
	}
	expired := rig.initialize(t)
	rig.clock.Advance(30 * time.Second)
	if got := rig.call(t, live); got != http.StatusOK {
		t.Fatalf("the issued session: status %d", got)
	}
	rig.clock.Advance(40 * time.Second) // expired is 70 s idle, live 40 s
	tests := []struct{ name, id string }{
		{"invented, well-formed", "mcp-session-00000000-0000-0000-0000-000000000000"},
		{"invented, malformed", "hello"},
		{"closed with DELETE", deleted},
		{"expired", expired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := rig.call(t, tt.id); got != http.StatusNotFound {
				t.Errorf("tools/call: status %d, want 404", got)
			}
			if resp := request(t, http.MethodGet, rig.url, tt.id); resp.StatusCode != http.StatusNotFound {
				t.Errorf("GET stream: %s, want 404", resp.Status)
			}
		})
	}
	t.Run("a plain GET, as curl or a browser sends it", func(t *testing.T) {
		resp := request(t, http.MethodGet, rig.url, "")
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "devai's MCP endpoint") {
			t.Errorf("GET without a session: %s %q, want 400 saying what the endpoint is", resp.Status, body)
		}
	})
	if n := rig.runs.Load(); n != 1 {
		t.Errorf("the tool ran %d times, want 1 (the issued session's call only)", n)
	}
	recs := rig.records(t)
	if len(recs) != 1 || recs[0].Client.Session != live {
		t.Errorf("decision records %+v, want one, of session %s", recs, live)
	}
}

// TestStatelessIgnoresClientSessionIDs: --stateless issues no ids and
// serves any request as before, but a client's made-up id is not taken as
// its session, so the decision log does not record it.
func TestStatelessIgnoresClientSessionIDs(t *testing.T) {
	rig := newSessionRig(t, httpConfig{Stateless: true})
	if id := rig.initialize(t); id != "" {
		t.Fatalf("stateless issued session %q", id)
	}
	invented := "mcp-session-00000000-0000-0000-0000-000000000000"
	if got := rig.call(t, invented); got != http.StatusOK {
		t.Fatalf("stateless call: status %d", got)
	}
	if recs := rig.records(t); len(recs) != 1 || recs[0].Client.Session == invented {
		t.Errorf("records %+v: want one, without the invented session", recs)
	}
}

// TestSessionsExpireWhenIdle (issue 11 row 4): an idle session is freed
// after the idle timeout, in the table and in mcp-go, and then gets 404; a
// session with an open GET stream is not idle.
func TestSessionsExpireWhenIdle(t *testing.T) {
	rig := newSessionRig(t, httpConfig{SessionIdleTimeout: time.Minute})
	idle, listening := rig.initialize(t), rig.initialize(t)
	stream := request(t, http.MethodGet, rig.url, listening)
	if stream.StatusCode != http.StatusOK {
		t.Fatalf("GET stream: %s", stream.Status)
	}
	rig.clock.Advance(59 * time.Second)
	rig.face.sessions.sweep()
	if n := rig.face.sessions.Len(); n != 2 {
		t.Fatalf("%d sessions before the timeout, want 2", n)
	}
	rig.clock.Advance(2 * time.Second)
	rig.face.sessions.sweep()
	if n, held := rig.face.sessions.Len(), rig.held.Load(); n != 1 || held != 1 {
		t.Fatalf("after the timeout: %d sessions in the table, %d held by mcp-go; want 1 and 1 (the listening one)", n, held)
	}
	if got := rig.call(t, idle); got != http.StatusNotFound {
		t.Errorf("expired session: status %d, want 404", got)
	}
	if got := rig.call(t, listening); got != http.StatusOK {
		t.Errorf("session with an open stream: status %d, want 200", got)
	}
	stream.Body.Close()
	waitFor(t, "the stream's end", func() bool {
		rig.clock.Advance(2 * time.Minute)
		rig.face.sessions.sweep()
		return rig.face.sessions.Len() == 0
	})
	if held := rig.held.Load(); held != 0 {
		t.Errorf("mcp-go still holds %d sessions", held)
	}
}

// TestSessionCountIsBounded (issue 11 row 4): a loop of initializes never
// closed keeps at most --max-sessions sessions, in the table and in mcp-go;
// the least recently used idle ones are evicted (404), the newest work; when
// every session is busy, initialize gets 503 with Retry-After.
func TestSessionCountIsBounded(t *testing.T) {
	const max, n = 20, 200
	rig := newSessionRig(t, httpConfig{SessionIdleTimeout: time.Hour, MaxSessions: max})
	ids := make([]string, n)
	for i := range ids {
		ids[i] = rig.initialize(t)
		if got, held := rig.face.sessions.Len(), rig.held.Load(); got > max || held > max {
			t.Fatalf("after %d initializes: %d sessions in the table, %d held by mcp-go; cap %d", i+1, got, held, max)
		}
	}
	if got := rig.call(t, ids[0]); got != http.StatusNotFound {
		t.Errorf("oldest session: status %d, want 404 (evicted)", got)
	}
	if got := rig.call(t, ids[n-1]); got != http.StatusOK {
		t.Errorf("newest session: status %d, want 200", got)
	}

	busy := newSessionRig(t, httpConfig{SessionIdleTimeout: time.Hour, MaxSessions: 1})
	stream := request(t, http.MethodGet, busy.url, busy.initialize(t))
	if stream.StatusCode != http.StatusOK {
		t.Fatalf("GET stream: %s", stream.Status)
	}
	resp := post(t, busy.url, nil, initBody)
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" || !strings.Contains(string(body), "--max-sessions") {
		t.Errorf("initialize with every session busy: %s, Retry-After %q, %s", resp.Status, resp.Header.Get("Retry-After"), body)
	}
}

// TestSessionsOverMCPClient: mcp-go's own HTTP client works against the
// session table, and after its session expires it gets the 404 that tells
// it to initialize again, which then works.
func TestSessionsOverMCPClient(t *testing.T) {
	rig := newSessionRig(t, httpConfig{SessionIdleTimeout: time.Minute})
	c, err := connectHTTP(t, rig.url, "", mcp.ProtocolVersion20251125)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if res := tooltest.Call(t, c, "test_count", nil); res.IsError {
		t.Fatalf("call: %+v", res)
	}
	rig.clock.Advance(2 * time.Minute)
	rig.face.sessions.sweep()
	var req mcp.CallToolRequest
	req.Params.Name = "test_count"
	if _, err := c.CallTool(ctx, req); err == nil || !strings.Contains(err.Error(), "404") {
		t.Fatalf("call on an expired session: %v, want the 404 error", err)
	}
	var init mcp.InitializeRequest
	init.Params.ProtocolVersion = mcp.ProtocolVersion20251125
	if _, err := c.Initialize(ctx, init); err != nil {
		t.Fatalf("initialize again: %v", err)
	}
	if res := tooltest.Call(t, c, "test_count", nil); res.IsError {
		t.Fatalf("call after initializing again: %+v", res)
	}
}

func TestSessionFlagsFromEnvironment(t *testing.T) {
	cfg, fs := serveFlags()
	env := map[string]string{"DEVAI_SESSION_IDLE_TIMEOUT": "90s", "DEVAI_MAX_SESSIONS": "7"}
	if err := applyEnv(fs, func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	if cfg.SessionIdle != 90*time.Second || cfg.MaxSessions != 7 {
		t.Errorf("from the environment: idle %s, max %d", cfg.SessionIdle, cfg.MaxSessions)
	}
	def, _ := serveFlags()
	if def.SessionIdle != 30*time.Minute || def.MaxSessions != 1000 {
		t.Errorf("defaults: idle %s, max %d", def.SessionIdle, def.MaxSessions)
	}
}

// waitFor polls cond until it holds, for at most 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
