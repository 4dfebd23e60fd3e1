package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/decisions"
	"github.com/devaiops/devai/tools/tool/tooltest"
)

// teamServer is `devai serve --http` as a test runs it: the real handler,
// a real decision log and real metrics; access holds the access log.
type teamServer struct {
	*httptest.Server
	dlog      *decisions.Log
	mcpServer *server.MCPServer
	decisions string
	metrics   *metrics
	access    *syncBuffer
}

func newTeamServer(t *testing.T, hc httpConfig) *teamServer {
	t.Helper()
	return newTeamServerOn(t, hc, nil)
}

// newTeamServerOn is newTeamServer over an index (nil: none).
func newTeamServerOn(t *testing.T, hc httpConfig, ix *memory.Index) *teamServer {
	t.Helper()
	dir := decisions.Dir(t.TempDir())
	dlog, err := decisions.Open(dir, decisions.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = dlog.Close() })
	access := &syncBuffer{}
	logger := hclog.NewInterceptLogger(&hclog.LoggerOptions{Name: "devai", Level: hclog.Info, Output: access})
	m := newMetrics(ix)
	s, err := newMCPServer(serverConfig{Index: ix, Logger: logger, Tools: toolTable(), Decisions: dlog, Metrics: m, FirstSyncWait: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if hc.MaxBodyBytes == 0 {
		hc.MaxBodyBytes = 1 << 20
	}
	hc.Metrics, hc.Logger = m, accessLogger(logger)
	ts := httptest.NewServer(newHTTPHandler(s, hc, nil))
	t.Cleanup(ts.Close)
	return &teamServer{Server: ts, dlog: dlog, mcpServer: s, decisions: dir, metrics: m, access: access}
}

// callAs initializes an MCP session with token (mcp-go's streamable HTTP
// client) and makes one recorded call: search_context with an empty
// query, an input error that needs no index.
func (ts *teamServer) callAs(t *testing.T, token string) error {
	t.Helper()
	c, err := connectHTTP(t, ts.URL+"/mcp", token, mcp.ProtocolVersion20250618)
	if err != nil {
		return err
	}
	res := tooltest.Call(t, c, "search_context", map[string]any{"query": ""})
	if !res.IsError {
		t.Fatalf("empty query: want an input error, got %+v", res)
	}
	return nil
}

// lastCaller is the caller of the newest decision record.
func (ts *teamServer) lastCaller(t *testing.T) decisions.Caller {
	t.Helper()
	recs, err := decisions.List(ts.decisions, decisions.Filter{})
	if err != nil || len(recs) == 0 {
		t.Fatalf("decision log: %v, %d records", err, len(recs))
	}
	last := recs[len(recs)-1]
	if last.Caller == nil {
		t.Fatalf("record %s has no caller", last.ID)
	}
	return *last.Caller
}

// TestNamedTokensNameTheCaller (issue 14): each token of the token file is
// one caller; the decision record of a call names it, and a token passed
// with --auth-token is "default".
func TestNamedTokensNameTheCaller(t *testing.T) {
	ts := newTeamServer(t, httpConfig{Tokens: []string{testToken},
		NamedTokens: []namedToken{{"alice", "alice-token-0123456789"}, {"ci-bot", "ci-bot-token-0123456789"}}})
	for _, tt := range []struct{ token, name string }{
		{"alice-token-0123456789", "alice"},
		{"ci-bot-token-0123456789", "ci-bot"},
		{testToken, "default"},
	} {
		if err := ts.callAs(t, tt.token); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got := ts.lastCaller(t); got != (decisions.Caller{Name: tt.name, Via: decisions.ViaToken}) {
			t.Errorf("token of %s: record caller %+v", tt.name, got)
		}
	}
	if err := ts.callAs(t, "mallory-token-0123456789"); err == nil {
		t.Error("an unknown token was accepted")
	}
	if rep, err := decisions.Verify(ts.decisions); err != nil || !rep.OK() {
		t.Errorf("verify: %v %+v", err, rep.Break)
	}
}

// TestUnauthenticatedCallerIsAnonymous: a loopback server without tokens
// records its callers as anonymous (via none), not as the user running it.
func TestUnauthenticatedCallerIsAnonymous(t *testing.T) {
	ts := newTeamServer(t, httpConfig{})
	if err := ts.callAs(t, ""); err != nil {
		t.Fatal(err)
	}
	if got := ts.lastCaller(t); got != anonymous {
		t.Errorf("caller %+v, want %+v", got, anonymous)
	}
}

func TestReadTokenFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tokens")
	content := "# team\nalice: alice-token-0123456789\n\n  legacy-token-0123456789  \nci.bot@example.com :  has:colons:0123456789\n"
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := readTokenFile(path)
	want := []namedToken{{"alice", "alice-token-0123456789"}, {"token-2", "legacy-token-0123456789"}, {"ci.bot@example.com", "has:colons:0123456789"}}
	if err != nil || len(got) != len(want) {
		t.Fatalf("readTokenFile = %v, %v", got, err)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("token %d = %+v, want %+v", i+1, got[i], want[i])
		}
	}
	for _, tt := range []struct{ content, wantErr string }{
		{"# nothing\n", "has no tokens"},
		{"al ice: token-0123456789abcdef\n", "line 1: want \"name: token\""},
		{"# x\nalice:\n", "line 2: \"alice\" has no token"},
		{"-x: token-0123456789abcdef\n", "want \"name: token\""},
	} {
		p := filepath.Join(t.TempDir(), "tokens")
		_ = os.WriteFile(p, []byte(tt.content), 0o600)
		if _, err := readTokenFile(p); err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%q: error %v, want one with %q", tt.content, err, tt.wantErr)
		}
	}
}

func TestCheckNamedTokens(t *testing.T) {
	long := "0123456789abcdef-long"
	for _, tt := range []struct {
		tokens  []namedToken
		wantErr string
	}{
		{[]namedToken{{"a", long}, {"b", long + "2"}}, ""},
		{[]namedToken{{"a", long}, {"a", long + "2"}}, `"a" is given twice`},
		{[]namedToken{{"a", long}, {"b", long}}, `"a" and "b" are the same token`},
		{[]namedToken{{"a", "short"}}, `"a" is 5 characters long`},
	} {
		err := checkNamedTokens(tt.tokens)
		if (err == nil) != (tt.wantErr == "") || err != nil && !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%v: %v, want %q", tt.tokens, err, tt.wantErr)
		}
		if err != nil && strings.Contains(err.Error(), long) {
			t.Errorf("the message shows the token: %v", err)
		}
	}
}

// TestServeTakesNamedTokenFile: `devai serve --http` reads the token file,
// and a short token stops it before it serves.
func TestServeTakesNamedTokenFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tokens")
	_ = os.WriteFile(path, []byte("alice: abc\n"), 0o600)
	cfg := parseServe(t, []string{"--http", "127.0.0.1:0", "--repo", t.TempDir(), "--embedder", "none", "--no-watch", "--auth-token-file", path})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := runServe(ctx, cfg, strings.NewReader(""), io.Discard, io.Discard, nil)
	if err == nil || !strings.Contains(err.Error(), `"alice" is 3 characters long`) {
		t.Errorf("serve with a short named token: %v", err)
	}
}

// TestOAuthFlagsNeedEachOther: an issuer without an audience, or an
// audience without an issuer, is a usage error that says what to set.
func TestOAuthFlagsNeedEachOther(t *testing.T) {
	for _, tt := range []struct {
		flags   authFlags
		wantErr string
	}{
		{authFlags{OAuthIssuer: "https://id.example.com"}, "needs --oauth-audience"},
		{authFlags{OAuthAudience: "devai"}, "need --oauth-issuer"},
		{authFlags{OAuthIssuer: "http://id.example.com", OAuthAudience: "devai"}, "want the issuer's https URL"},
		{authFlags{OAuthIssuer: "https://id.example.com", OAuthAudience: "devai"}, ""},
		{authFlags{OAuthIssuer: "http://127.0.0.1:4444", OAuthAudience: "devai"}, ""},
	} {
		var hc httpConfig
		err := tt.flags.apply(&hc)
		if (err == nil) != (tt.wantErr == "") || err != nil && !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%+v: %v, want %q", tt.flags, err, tt.wantErr)
		}
		if err == nil && hc.OAuth == nil {
			t.Errorf("%+v: no verifier", tt.flags)
		}
	}
}

// TestResourceMetadata: with OAuth on, the protected-resource metadata
// (RFC 9728) names the resource and the issuer, and a 401 points to it.
func TestResourceMetadata(t *testing.T) {
	v, err := newOAuthVerifier(oauthConfig{Issuer: "https://id.example.com", Audience: "https://devai.example.com/mcp", Scopes: []string{"devai"}})
	if err != nil {
		t.Fatal(err)
	}
	ts := newTeamServer(t, httpConfig{OAuth: v, PublicURL: "https://devai.example.com"})
	for _, path := range []string{resourceMetadataPath, resourceMetadataPath + "/mcp"} {
		resp, err := http.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		var md resourceMetadata
		err = json.NewDecoder(resp.Body).Decode(&md)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 || md.Resource != "https://devai.example.com/mcp" ||
			len(md.AuthorizationServers) != 1 || md.AuthorizationServers[0] != "https://id.example.com" ||
			len(md.BearerMethodsSupported) != 1 || md.BearerMethodsSupported[0] != "header" || len(md.ScopesSupported) != 1 {
			t.Errorf("GET %s: %d %v %+v", path, resp.StatusCode, err, md)
		}
	}
	resp := post(t, ts.URL+"/mcp", nil, initBody)
	want := `Bearer realm="devai", resource_metadata="https://devai.example.com/.well-known/oauth-protected-resource/mcp", scope="devai"`
	if resp.StatusCode != 401 || resp.Header.Get("WWW-Authenticate") != want {
		t.Errorf("no token: %d %q, want 401 %q", resp.StatusCode, resp.Header.Get("WWW-Authenticate"), want)
	}
}
