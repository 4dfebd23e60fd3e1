package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
)

const (
	aliceToken = "alice-token-0123456789abcdef"
	bobToken   = "bob-token-0123456789abcdef01"
)

// sessionRequest sends one request of session id with token to url (an
// MCP endpoint) and returns the status: a tools/list for POST.
func sessionRequest(t *testing.T, method, url, token, id string) int {
	t.Helper()
	var body *strings.Reader
	if method == http.MethodPost {
		body = strings.NewReader(`{"jsonrpc":"2.0","id":7,"method":"tools/list"}`)
	} else {
		body = strings.NewReader("")
	}
	req, _ := http.NewRequest(method, url, body)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set(sessionHeader, id)
	req.Header.Set(mcp.HeaderProtocolVersion, mcp.ProtocolVersion20251125)
	// A GET that is let through opens a stream that stays open: its
	// headers come back at once, and the body is not read.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	res, err := http.DefaultClient.Do(req.WithContext(ctx))
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	res.Body.Close()
	return res.StatusCode
}

// checkSessionOwned: bob's requests of alice's session (at other) are
// refused as of an unknown session, whatever the method, and leave it
// working for alice.
func checkSessionOwned(t *testing.T, own, other string) {
	t.Helper()
	c, err := connectHTTP(t, own, aliceToken, mcp.ProtocolVersion20251125)
	if err != nil {
		t.Fatal(err)
	}
	id := c.GetSessionId()
	for _, method := range []string{http.MethodPost, http.MethodGet, http.MethodDelete} {
		if got := sessionRequest(t, method, other, bobToken, id); got != http.StatusNotFound {
			t.Errorf("bob's %s of alice's session: %d, want 404", method, got)
		}
	}
	for _, url := range []string{own, other} {
		if got := sessionRequest(t, http.MethodPost, url, aliceToken, id); got != http.StatusOK {
			t.Errorf("alice's own session at %s after bob's tries: %d, want 200", url, got)
		}
	}
}

// TestSessionServesOnlyItsCaller: a session initialised by one named
// token cannot be used, listened to or ended with another, on one server
// (its own session table)…
func TestSessionServesOnlyItsCaller(t *testing.T) {
	t.Parallel()
	ts := newTeamServer(t, httpConfig{NamedTokens: []namedToken{{Name: "alice", Token: aliceToken}, {Name: "bob", Token: bobToken}}})
	checkSessionOwned(t, ts.URL+"/mcp", ts.URL+"/mcp")
}

// …nor on another replica of a shared store (the store keeps the caller).
func TestSharedSessionServesOnlyItsCaller(t *testing.T) {
	tokens := filepath.Join(t.TempDir(), "tokens")
	if err := os.WriteFile(tokens, []byte("alice: "+aliceToken+"\nbob: "+bobToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tm := startTeamWith(t, "--auth-token-file", tokens)
	checkSessionOwned(t, tm.replicas[0].url, tm.replicas[1].url)
}
