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

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/tools/tool"
	"github.com/devaiops/devai/tools/tool/tooltest"
)

// repoFiles is how many files the first-sync tests index: one more than a
// sync batch, so that the last file is stored only after the first batch has
// reported its progress.
const repoFiles = 300

// smallRepo writes files Go files of one function each; the last one
// declares Handler<files-1>.
func smallRepo(t *testing.T, files int) string {
	t.Helper()
	dir := t.TempDir()
	for i := range files {
		src := fmt.Sprintf("package p%d\n\n// Handler%d serves case %d.\nfunc Handler%d(x int) int { return x * %d }\n", i%10, i, i, i, i)
		p := filepath.Join(dir, fmt.Sprintf("p%d", i%10), fmt.Sprintf("f%d.go", i))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// heldSync starts the first sync of a repository of repoFiles files and
// holds it after the first batch has reported its progress, until release
// is closed (or 20 s have passed, so that a broken test fails instead of
// hanging). It returns once the index says "indexing"; wait returns the
// sync's error. Holding the sync, instead of indexing a repository big enough
// to be slow, makes "the call arrives during the first sync" certain on any
// machine.
func heldSync(t *testing.T, release <-chan struct{}) (ix *memory.Index, wait func() error) {
	t.Helper()
	ix, err := memory.Open(t.Context(), memory.Options{Repo: smallRepo(t, repoFiles), StateDir: t.TempDir(), Embedder: "hash"})
	if err != nil {
		t.Fatal(err)
	}
	var hold sync.Once
	progress := func(done, total int, path string) {
		hold.Do(func() {
			select {
			case <-release:
			case <-time.After(20 * time.Second):
			}
		})
	}
	syncDone := make(chan error, 1)
	go func() { syncDone <- ix.Sync(context.Background(), progress) }()
	var once sync.Once
	var syncErr error
	wait = func() error {
		once.Do(func() { syncErr = <-syncDone })
		return syncErr
	}
	t.Cleanup(func() {
		_ = wait()
		ix.Close()
	})
	for ix.Status().State != "indexing" {
		time.Sleep(time.Millisecond)
	}
	return ix, wait
}

// TestFirstSyncProgress calls search_context while the first sync runs: the
// call waits for it, reports progress against the request's token, and then
// answers from the complete index. The sync is held until the client has
// seen a progress notification, so the last file is indexed only after the
// call began waiting.
func TestFirstSyncProgress(t *testing.T) {
	t.Parallel()
	seen := make(chan struct{})
	ix, wait := heldSync(t, seen)
	srv := tooltest.Server(t, tool.Env{Index: ix, FirstSyncWait: time.Minute}, Tool)
	c := tooltest.Connect(t, srv, mcp.ProtocolVersion20251125)
	var mu sync.Mutex
	var progress []float64
	c.OnNotification(func(n mcp.JSONRPCNotification) {
		if n.Method == "notifications/progress" {
			mu.Lock()
			defer mu.Unlock()
			if p, ok := n.Params.AdditionalFields["progress"].(float64); ok {
				if len(progress) == 0 {
					close(seen)
				}
				progress = append(progress, p)
			}
		}
	})
	last := fmt.Sprintf("Handler%d", repoFiles-1)
	var call mcp.CallToolRequest
	call.Params.Name = ToolName
	call.Params.Arguments = map[string]any{"query": last}
	call.Params.Meta = &mcp.Meta{ProgressToken: "tok-1"}
	res, err := c.CallTool(t.Context(), call)
	if err != nil || res.IsError {
		t.Fatalf("call: %v %+v", err, res)
	}
	if err := wait(); err != nil {
		t.Fatal(err)
	}
	text := res.Content[0].(mcp.TextContent).Text
	if !strings.Contains(text, last) {
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

// TestFirstSyncWaitHonoursCancel: a caller that gives up stops waiting. The
// sync is held until the call has returned, so it cannot finish first.
func TestFirstSyncWaitHonoursCancel(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	ix, _ := heldSync(t, release)
	defer close(release)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	b, err := Tool.Binding(tool.Env{Index: ix, FirstSyncWait: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	var req mcp.CallToolRequest
	req.Params.Name, req.Params.Arguments = ToolName, map[string]any{"query": "Handler1"}
	start := time.Now()
	res, err := b.Handler(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if !res.IsError {
		t.Fatalf("the call answered while the first sync was held: %+v", res)
	}
	if time.Since(start) > 10*time.Second {
		t.Errorf("waited %s after the caller gave up", time.Since(start))
	}
}

// TestFiltersOverMCP calls search_context with each filter shape an
// assistant sends. Every one of them once failed on a synced index
// ("field stat for bm25 not present *") while the unfiltered query passed.
func TestFiltersOverMCP(t *testing.T) {
	t.Parallel()
	ix := openShop(t)
	c := tooltest.Connect(t, tooltest.Server(t, tool.Env{Index: ix}, Tool), mcp.ProtocolVersion20251125)
	tests := []struct {
		name     string
		args     map[string]any
		wantPath string // every hit's path starts with it
	}{
		{"code and tests", map[string]any{"kinds": []any{"code", "test"}}, "internal/"},
		{"a folder", map[string]any{"path": "internal/sessions"}, "internal/sessions/"},
		{"a file", map[string]any{"path": "internal/sessions/janitor.go"}, "internal/sessions/janitor.go"},
		{"a glob of several files", map[string]any{"path": "internal/*/janitor*.go"}, "internal/sessions/janitor"},
		{"code in a folder", map[string]any{"path": "internal/**/*.go", "kinds": []any{"code"}}, "internal/"},
		{"logs since a day", map[string]any{"kinds": []any{"log"}, "since": "2026-11-23", "until": "2026-11-25"}, "logs/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.args["query"] = "session janitor expired"
			res := tooltest.Call(t, c, ToolName, tt.args)
			if res.IsError {
				t.Fatalf("isError: %+v", res.Content)
			}
			var out Output
			if err := tooltest.Structured(res, &out); err != nil {
				t.Fatal(err)
			}
			if len(out.Hits) == 0 {
				t.Fatalf("no hits")
			}
			for _, h := range out.Hits {
				if !strings.HasPrefix(h.Path, tt.wantPath) {
					t.Errorf("hit %s is outside %s", h.Path, tt.wantPath)
				}
			}
		})
	}
}
