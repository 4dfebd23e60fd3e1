package main

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/devaiops/devai/tools/tool"
	"github.com/devaiops/devai/tools/tool/tooltest"
)

const testToken = "s3cret-token-0123456789"

func newTestHTTP(t *testing.T, cfg httpConfig, table []tool.Tool) *httptest.Server {
	t.Helper()
	if cfg.MaxBodyBytes == 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	ts := httptest.NewServer(newHTTPHandler(newTestServer(t, nil, table), cfg, nil))
	t.Cleanup(ts.Close)
	return ts
}

func connectHTTP(t *testing.T, url, token, version string) (*client.Client, error) {
	t.Helper()
	var opts []transport.StreamableHTTPCOption
	if token != "" {
		opts = append(opts, transport.WithHTTPHeaders(map[string]string{"Authorization": "Bearer " + token}))
	}
	c, err := client.NewStreamableHttpClient(url, opts...)
	if err != nil {
		return nil, err
	}
	t.Cleanup(func() { _ = c.Close() })
	ctx := context.Background()
	if err := c.Start(ctx); err != nil {
		return nil, err
	}
	var init mcp.InitializeRequest
	init.Params.ProtocolVersion = version
	init.Params.ClientInfo = mcp.Implementation{Name: "devai-test", Version: "1"}
	res, err := c.Initialize(ctx, init)
	if err != nil {
		return nil, err
	}
	if res.ProtocolVersion != version {
		t.Fatalf("negotiated %s, want %s", res.ProtocolVersion, version)
	}
	return c, nil
}

func TestHTTPSessionsWithAuthAcrossVersions(t *testing.T) {
	for _, stateless := range []bool{false, true} {
		ts := newTestHTTP(t, httpConfig{Tokens: []string{"other-token-0123456789", testToken}, Stateless: stateless}, toolTable())
		for _, v := range protocolVersions {
			name := v
			if stateless {
				name += "/stateless"
			}
			t.Run(name, func(t *testing.T) {
				if _, err := connectHTTP(t, ts.URL+"/mcp", "wrong", v); err == nil {
					t.Fatal("wrong token: initialize succeeded")
				}
				c, err := connectHTTP(t, ts.URL+"/mcp", testToken, v)
				if err != nil {
					t.Fatalf("initialize with the token: %v", err)
				}
				tools, err := c.ListTools(context.Background(), mcp.ListToolsRequest{})
				if err != nil || len(tools.Tools) != len(toolTable()) || !slices.ContainsFunc(tools.Tools, func(t mcp.Tool) bool { return t.Name == "search_context" }) {
					t.Fatalf("list tools: %v %+v", err, tools)
				}
				res := tooltest.Call(t, c, "search_context", map[string]any{"query": ""})
				if !res.IsError {
					t.Errorf("empty query: want isError, got %+v", res)
				}
			})
		}
	}
}

func post(t *testing.T, url string, headers map[string]string, body string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

const initBody = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`

func TestHTTPGuards(t *testing.T) {
	ts := newTestHTTP(t, httpConfig{Tokens: []string{testToken}, MaxBodyBytes: 2048, AllowedOrigins: []string{"https://team.example"}}, toolTable())
	auth := "Bearer " + testToken
	big := `{"jsonrpc":"2.0","id":1,"method":"ping","params":{"pad":"` + strings.Repeat("x", 4096) + `"}}`
	tests := []struct {
		name       string
		headers    map[string]string
		body       string
		wantStatus int
		wantInBody string
		wantAuth   string
	}{
		{"no token", nil, initBody, 401, "Bearer <token>", `Bearer realm="devai"`},
		{"wrong token", map[string]string{"Authorization": "Bearer nope"}, initBody, 401, "not valid", `error="invalid_token"`},
		{"basic auth", map[string]string{"Authorization": "Basic dXNlcjpwYXNz"}, initBody, 401, "", `Bearer realm="devai"`},
		{"good token", map[string]string{"Authorization": auth}, initBody, 200, `"protocolVersion"`, ""},
		{"foreign origin", map[string]string{"Authorization": auth, "Origin": "https://evil.example"}, initBody, 403, "not allowed", ""},
		{"allowed origin", map[string]string{"Authorization": auth, "Origin": "https://team.example"}, initBody, 200, "", ""},
		{"loopback origin", map[string]string{"Authorization": auth, "Origin": "http://localhost:6274"}, initBody, 200, "", ""},
		{"body too large", map[string]string{"Authorization": auth}, big, 413, "--max-body-bytes", ""},
		{"malformed json", map[string]string{"Authorization": auth}, `{"jsonrpc":"2.0","id":1,`, 400, "", ""},
		{"still serving", map[string]string{"Authorization": auth}, initBody, 200, `"protocolVersion"`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := post(t, ts.URL+"/mcp", tt.headers, tt.body)
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.wantStatus, body)
			}
			if !strings.Contains(string(body), tt.wantInBody) {
				t.Errorf("body %q lacks %q", body, tt.wantInBody)
			}
			if got := resp.Header.Get("WWW-Authenticate"); !strings.Contains(got, tt.wantAuth) || (tt.wantAuth == "") != (got == "") {
				t.Errorf("WWW-Authenticate %q, want %q", got, tt.wantAuth)
			}
		})
	}
	resp, err := http.Get(ts.URL + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", err, resp)
	}
	resp.Body.Close()
}

func TestStatelessIssuesNoSessionID(t *testing.T) {
	for _, stateless := range []bool{false, true} {
		ts := newTestHTTP(t, httpConfig{Stateless: stateless}, toolTable())
		resp := post(t, ts.URL+"/mcp", nil, initBody)
		if got := resp.Header.Get("Mcp-Session-Id"); (got == "") != stateless {
			t.Errorf("stateless=%v: Mcp-Session-Id %q", stateless, got)
		}
	}
}

func TestCheckBind(t *testing.T) {
	long := strings.Repeat("k", minTokenLength)
	tests := []struct {
		addr    string
		tokens  []string
		wantErr string // "": ok
	}{
		{"127.0.0.1:7437", nil, ""},
		{"localhost:7437", nil, ""},
		{"[::1]:7437", nil, ""},
		{"0.0.0.0:7437", nil, "--auth-token"},
		{":7437", nil, "--auth-token"},
		{"192.168.1.5:7437", nil, "--auth-token"},
		{"0.0.0.0:7437", []string{long}, ""},
		{"7437", nil, "host:port"},
		// issue 11 row 11: a token that can be guessed protects nothing
		{"0.0.0.0:7437", []string{""}, "at least 16 characters"},
		{"0.0.0.0:7437", []string{"abc"}, "is 3 characters long"},
		{"0.0.0.0:7437", []string{long[1:]}, "at least 16 characters"},
		{"0.0.0.0:7437", []string{long, "short"}, "token 2 of 2"},
		{"127.0.0.1:7437", []string{"abc"}, "at least 16 characters"},
		{"127.0.0.1:7437", []string{long}, ""},
	}
	for _, tt := range tests {
		err := checkBind(httpConfig{Addr: tt.addr, Tokens: tt.tokens, MaxBodyBytes: 1})
		if (err == nil) != (tt.wantErr == "") || err != nil && !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("checkBind(%s, %q) = %v, want an error with %q", tt.addr, tt.tokens, err, tt.wantErr)
		}
		for _, tok := range tt.tokens {
			if err != nil && tok != "" && strings.Contains(err.Error(), tok) {
				t.Errorf("checkBind(%s): the message shows the token: %v", tt.addr, err)
			}
		}
	}
}

// TestBearerSchemeIsCaseInsensitive (issue 11 row 11): RFC 7235 makes the
// auth scheme case-insensitive, so any spelling of Bearer is Bearer.
func TestBearerSchemeIsCaseInsensitive(t *testing.T) {
	ts := newTestHTTP(t, httpConfig{Tokens: []string{testToken}}, toolTable())
	tests := []struct {
		header string
		want   int
	}{
		{"Bearer " + testToken, 200},
		{"bearer " + testToken, 200},
		{"BEARER " + testToken, 200},
		{"bEaReR " + testToken, 200},
		{"Bearer   " + testToken + " ", 200},
		{"bearer wrong-token-0123456789", 401},
		{"Bearer" + testToken, 401},
		{"Basic " + testToken, 401},
		{"bearer", 401},
		{"bearer ", 401},
		{testToken, 401},
	}
	for _, tt := range tests {
		resp := post(t, ts.URL+"/mcp", map[string]string{"Authorization": tt.header}, initBody)
		if resp.StatusCode != tt.want {
			t.Errorf("Authorization %q: status %d, want %d", tt.header, resp.StatusCode, tt.want)
		}
	}
}

// TestServeRefusesShortTokens: `devai serve` stops before serving, with a
// usage error that says the rule, when a token is blank or short.
func TestServeRefusesShortTokens(t *testing.T) {
	tokenFile := filepath.Join(t.TempDir(), "tokens")
	if err := os.WriteFile(tokenFile, []byte(strings.Repeat("x", 32)+"\nabc\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"--auth-token", "abc"},
		{"--auth-token", "   "},
		{"--auth-token-file", tokenFile},
	} {
		cfg := parseServe(t, append([]string{"--http", "0.0.0.0:0", "--repo", t.TempDir(), "--embedder", "none", "--no-watch"}, args...))
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second) // a server that starts is stopped
		err := runServe(ctx, cfg, strings.NewReader(""), io.Discard, io.Discard, nil)
		cancel()
		var usage usageError
		if !errors.As(err, &usage) || !strings.Contains(err.Error(), "at least 16 characters") {
			t.Errorf("devai serve %v: %v; want a usage error with the rule", args, err)
		}
	}
}

// TestGracefulShutdownFinishesInFlightCalls cancels the serve context while
// a slow tool call runs; the call still gets its answer.
func TestGracefulShutdownFinishesInFlightCalls(t *testing.T) {
	slow := testTool("test_slow", tool.Hints{ReadOnly: true, Idempotent: true}, func(context.Context) (string, error) {
		time.Sleep(500 * time.Millisecond)
		return "done", nil
	})
	s := newTestServer(t, nil, []tool.Tool{slow})
	face := newHTTPHandler(s, httpConfig{MaxBodyBytes: 1 << 20}, nil)
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan net.Addr, 1)
	served := make(chan error, 1)
	go func() { served <- serveHTTP(ctx, face, "127.0.0.1:0", func(a net.Addr) { addrc <- a }) }()
	addr := <-addrc
	c, err := connectHTTP(t, "http://"+addr.String()+"/mcp", "", mcp.ProtocolVersion20251125)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	var res *mcp.CallToolResult
	var callErr error
	go func() {
		defer wg.Done()
		var req mcp.CallToolRequest
		req.Params.Name = "test_slow"
		res, callErr = c.CallTool(context.Background(), req)
	}()
	time.Sleep(150 * time.Millisecond)
	cancel()
	wg.Wait()
	if callErr != nil || res.IsError || resultText(res) != "done" {
		t.Fatalf("in-flight call during shutdown: %v %+v", callErr, res)
	}
	select {
	case err := <-served:
		if err != nil {
			t.Fatalf("serveHTTP: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serveHTTP did not return after shutdown")
	}
	if _, err := http.Get("http://" + addr.String() + "/healthz"); err == nil {
		t.Error("still accepting connections after shutdown")
	}
}
