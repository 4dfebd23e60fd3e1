package search

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/tools/tool"
	"github.com/devaiops/devai/tools/tool/tooltest"
)

// bigRepo writes enough Go files that a first sync takes a while.
func bigRepo(t *testing.T, files int) string {
	t.Helper()
	dir := t.TempDir()
	for i := range files {
		var b strings.Builder
		fmt.Fprintf(&b, "package p%d\n\n", i%10)
		for j := range 20 {
			fmt.Fprintf(&b, "// Handler%d_%d serves case %d.\nfunc Handler%d_%d(x int) int { return x * %d }\n\n", i, j, j, i, j, j)
		}
		p := filepath.Join(dir, fmt.Sprintf("p%d", i%10), fmt.Sprintf("f%d.go", i))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestFirstSyncProgress calls search_context while the first sync runs: the
// call waits for it, reports progress against the request's token, and then
// answers from the complete index.
func TestFirstSyncProgress(t *testing.T) {
	if testing.Short() {
		t.Skip("indexes a generated repository")
	}
	ctx := context.Background()
	ix, err := memory.Open(ctx, memory.Options{Repo: bigRepo(t, 1500), Embedder: "hash"})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	syncDone := make(chan error, 1)
	go func() { syncDone <- ix.Sync(ctx, nil) }()
	for ix.Status().State != "indexing" {
		time.Sleep(time.Millisecond)
	}

	srv := tooltest.Server(t, tool.Env{Index: ix, FirstSyncWait: time.Minute}, Tool)
	c, err := client.NewInProcessClient(srv)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var mu sync.Mutex
	var progress []float64
	c.OnNotification(func(n mcp.JSONRPCNotification) {
		if n.Method == "notifications/progress" {
			mu.Lock()
			defer mu.Unlock()
			if p, ok := n.Params.AdditionalFields["progress"].(float64); ok {
				progress = append(progress, p)
			}
		}
	})
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.ProtocolVersion20251125
	if _, err := c.Initialize(ctx, init); err != nil {
		t.Fatal(err)
	}
	var call mcp.CallToolRequest
	call.Params.Name = ToolName
	call.Params.Arguments = map[string]any{"query": "Handler1499_19"}
	call.Params.Meta = &mcp.Meta{ProgressToken: "tok-1"}
	res, err := c.CallTool(ctx, call)
	if err != nil || res.IsError {
		t.Fatalf("call: %v %+v", err, res)
	}
	if err := <-syncDone; err != nil {
		t.Fatal(err)
	}
	text := res.Content[0].(mcp.TextContent).Text
	if !strings.Contains(text, "Handler1499_19") {
		t.Errorf("the answer did not wait for the file indexed last:\n%s", text)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(progress) == 0 {
		t.Fatal("no progress notification while waiting for the first sync")
	}
	for i := 1; i < len(progress); i++ {
		if progress[i] <= progress[i-1] {
			t.Errorf("progress did not increase: %v", progress)
		}
	}
}

// TestFirstSyncWaitHonoursCancel: a caller that gives up stops waiting.
func TestFirstSyncWaitHonoursCancel(t *testing.T) {
	if testing.Short() {
		t.Skip("indexes a generated repository")
	}
	ix, err := memory.Open(context.Background(), memory.Options{Repo: bigRepo(t, 1500), Embedder: "hash"})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	go ix.Sync(context.Background(), nil)
	for ix.Status().State != "indexing" {
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	b, err := Tool.Binding(tool.Env{Index: ix, FirstSyncWait: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	var req mcp.CallToolRequest
	req.Params.Name, req.Params.Arguments = ToolName, map[string]any{"query": "Handler1_1"}
	start := time.Now()
	res, err := b.Handler(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if !res.IsError {
		t.Skip("the sync finished before the caller gave up; nothing to check on this machine")
	}
	if time.Since(start) > 10*time.Second {
		t.Errorf("waited %s after the caller gave up", time.Since(start))
	}
}
