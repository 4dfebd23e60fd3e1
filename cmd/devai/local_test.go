package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/devaiops/devai/memory/decisions"
	"github.com/devaiops/devai/tools/tool/tooltest"
)

// TestSecondProcessSharesTheIndex: while one `devai serve` holds the
// index, a second `devai serve` on the same repository serves through it,
// and `devai search` asks it, instead of failing on the lock. The second
// serves the holder's prompts and completions too, and its /readyz is the
// holder's, 503 once the holder is gone (issue 11 row 10).
func TestSecondProcessSharesTheIndex(t *testing.T) {
	repo, state := shopRepo(t), t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	primaryCtx, stopPrimary := context.WithCancel(ctx)
	defer stopPrimary()
	common := []string{"--repo", repo, "--state-dir", state, "--embedder", "hash", "--log-level", "warn", "--no-watch"}

	primaryDone := make(chan error, 1)
	primaryUp := make(chan net.Addr, 1)
	go func() {
		cfg := parseServe(t, append([]string{"--http", "127.0.0.1:0"}, common...))
		primaryDone <- runServe(primaryCtx, cfg, strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{}, func(a net.Addr) { primaryUp <- a })
	}()
	select {
	case <-primaryUp:
	case err := <-primaryDone:
		t.Fatalf("primary stopped: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("primary did not start")
	}

	var out, errb bytes.Buffer
	if code := run([]string{"search", "account lockout", "--repo", repo, "--state-dir", state, "--embedder", "hash", "--log-level", "warn", "--json", "--limit", "3"}, &out, &errb); code != 0 {
		t.Fatalf("search while a server holds the index: exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), `"hits"`) || !strings.Contains(out.String(), "devai://") {
		t.Errorf("search through the holder: %s", out.String())
	}

	for _, args := range [][]string{
		{"fix-log", filepath.Join(repo, "logs", "panic.log"), "--json"},
		{"gaps", "--json", "--limit", "3"},
		{"logs", filepath.Join(repo, "logs", "worker.log"), "--json"}, // needs no index: served in this process
		{"logs", "devai://log/logs/worker.log#L1-L10", "--json"},      // an indexed log: the holder reads it
	} {
		out.Reset()
		errb.Reset()
		full := append(append([]string{}, args...), "--repo", repo, "--state-dir", state, "--embedder", "hash", "--log-level", "warn")
		if code := run(full, &out, &errb); code != 0 {
			t.Errorf("devai %s while a server holds the index: exit %d: %s", args[0], code, errb.String())
		} else if !strings.HasPrefix(strings.TrimSpace(out.String()), "{") {
			t.Errorf("devai %s through the holder: %s", args[0], out.String())
		}
	}

	daveTokens := filepath.Join(t.TempDir(), "tokens")
	if err := os.WriteFile(daveTokens, []byte("dave: dave-token-0123456789\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	secondUp := make(chan net.Addr, 1)
	secondDone := make(chan error, 1)
	go func() {
		cfg := parseServe(t, append([]string{"--http", "127.0.0.1:0", "--tools", "search_context", "--auth-token-file", daveTokens}, common...))
		secondDone <- runServe(ctx, cfg, strings.NewReader(""), &bytes.Buffer{}, &errb, func(a net.Addr) { secondUp <- a })
	}()
	var addr net.Addr
	select {
	case addr = <-secondUp:
	case err := <-secondDone:
		t.Fatalf("second server stopped: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("second server did not start")
	}
	c, err := connectHTTP(t, "http://"+addr.String()+"/mcp", "dave-token-0123456789", mcp.ProtocolVersion20251125)
	if err != nil {
		t.Fatal(err)
	}
	tools, err := c.ListTools(ctx, mcp.ListToolsRequest{})
	if err != nil || len(tools.Tools) != 1 || tools.Tools[0].Annotations.ReadOnlyHint == nil {
		t.Fatalf("tools through the second server: %+v, %v", tools, err)
	}
	res := tooltest.Call(t, c, "search_context", map[string]any{"query": "how are expired sessions cleaned up", "limit": 3})
	if res.IsError || !strings.Contains(resultText(res), "devai://") {
		t.Errorf("search_context through the second server: %+v", res)
	}
	// The holder records the call under the second server's caller (issue 14).
	recs, err := decisions.List(decisions.Dir(state), decisions.Filter{Tool: "search_context"})
	if err != nil || len(recs) == 0 || recs[len(recs)-1].Caller == nil || *recs[len(recs)-1].Caller != (decisions.Caller{Name: "dave", Via: decisions.ViaToken}) {
		t.Errorf("the holder's record of a call through the second server: %v %+v", err, recs)
	}
	var rr mcp.ReadResourceRequest
	rr.Params.URI = "devai://spec/docs/specs/001-sessions.md#L1-L3"
	if got, err := c.ReadResource(ctx, rr); err != nil || len(got.Contents) == 0 {
		t.Errorf("resource through the second server: %v", err)
	}
	checkPromptsThroughHolder(t, c)
	second := "http://" + addr.String()
	if status, body := getReadyz(t, second); status != http.StatusOK || body["state"] != "ready" && body["state"] != "indexing" {
		t.Errorf("second server's /readyz while the holder serves: %d %v", status, body)
	}
	stopPrimary()
	select {
	case <-primaryDone:
	case <-time.After(30 * time.Second):
		t.Fatal("the primary did not stop")
	}
	if status, body := getReadyz(t, second); status != http.StatusServiceUnavailable || body["state"] != "unreachable" {
		t.Errorf("second server's /readyz with the holder gone: %d %v", status, body)
	}
	cancel()
	select {
	case <-secondDone:
	case <-time.After(30 * time.Second):
		t.Fatal("the second server did not stop")
	}
}

// checkPromptsThroughHolder lists, gets and completes a prompt through a
// server that forwards to the index holder.
func checkPromptsThroughHolder(t *testing.T, c *client.Client) {
	t.Helper()
	ctx := context.Background()
	list, err := c.ListPrompts(ctx, mcp.ListPromptsRequest{})
	if err != nil || !slices.ContainsFunc(list.Prompts, func(p mcp.Prompt) bool { return p.Name == "test-gaps" }) {
		t.Errorf("prompts/list through the second server: %v %+v", err, list)
		return
	}
	res, err := getPrompt(c, "test-gaps", map[string]string{"kind": "untested"})
	if err != nil || len(res.Messages) == 0 || metaPrompt(res.Meta)["name"] != "test-gaps" {
		t.Errorf("prompts/get through the second server: %v %+v", err, res)
	}
	var req mcp.CompleteRequest
	req.Params.Ref = mcp.PromptReference{Type: "ref/prompt", Name: "test-gaps"}
	req.Params.Argument = mcp.CompleteArgument{Name: "kind", Value: "un"}
	comp, err := c.Complete(ctx, req)
	if err != nil || !slices.Equal(comp.Completion.Values, []string{"untested", "uncovered", "unverified"}) {
		t.Errorf("completion/complete through the second server: %v %+v", err, comp)
	}
}

func getReadyz(t *testing.T, base string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Get(base + "/readyz")
	if err != nil {
		t.Fatalf("/readyz: %v", err)
	}
	defer resp.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatalf("/readyz body: %v", err)
	}
	return resp.StatusCode, body
}

// parseServe parses `devai serve` flags as the CLI does.
func parseServe(t *testing.T, args []string) *serveConfig {
	cfg, fs := serveFlags()
	if err := fs.Parse(args); err != nil {
		t.Errorf("parse %v: %v", args, err)
	}
	return cfg
}
