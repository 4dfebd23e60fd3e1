package main

import (
	"bytes"
	"context"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
)

// TestSecondProcessSharesTheIndex: while one `devai serve` holds the
// index, a second `devai serve` on the same repository serves through it,
// and `devai search` asks it, instead of failing on the lock.
func TestSecondProcessSharesTheIndex(t *testing.T) {
	repo, state := shopRepo(t), t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	common := []string{"--repo", repo, "--state-dir", state, "--embedder", "hash", "--log-level", "warn", "--no-watch"}

	primaryDone := make(chan error, 1)
	primaryUp := make(chan net.Addr, 1)
	go func() {
		cfg := parseServe(t, append([]string{"--http", "127.0.0.1:0"}, common...))
		primaryDone <- runServe(ctx, cfg, strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{}, func(a net.Addr) { primaryUp <- a })
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

	secondUp := make(chan net.Addr, 1)
	secondDone := make(chan error, 1)
	go func() {
		cfg := parseServe(t, append([]string{"--http", "127.0.0.1:0", "--tools", "search_context"}, common...))
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
	c, err := connectHTTP(t, "http://"+addr.String()+"/mcp", "", mcp.ProtocolVersion20251125)
	if err != nil {
		t.Fatal(err)
	}
	tools, err := c.ListTools(ctx, mcp.ListToolsRequest{})
	if err != nil || len(tools.Tools) != 1 || tools.Tools[0].Annotations.ReadOnlyHint == nil {
		t.Fatalf("tools through the second server: %+v, %v", tools, err)
	}
	res := callTool(t, c, "search_context", map[string]any{"query": "how are expired sessions cleaned up", "limit": 3})
	if res.IsError || !strings.Contains(resultText(res), "devai://") {
		t.Errorf("search_context through the second server: %+v", res)
	}
	var rr mcp.ReadResourceRequest
	rr.Params.URI = "devai://spec/docs/specs/001-sessions.md#L1-L3"
	if got, err := c.ReadResource(ctx, rr); err != nil || len(got.Contents) == 0 {
		t.Errorf("resource through the second server: %v", err)
	}
	cancel()
	for _, done := range []chan error{primaryDone, secondDone} {
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Fatal("a server did not stop")
		}
	}
}

// parseServe parses `devai serve` flags as the CLI does.
func parseServe(t *testing.T, args []string) *serveConfig {
	cfg, fs := serveFlags()
	if err := fs.Parse(args); err != nil {
		t.Errorf("parse %v: %v", args, err)
	}
	return cfg
}
