package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/devaiops/devai/memory"
)

// protocolVersions are the revisions real hosts speak plus the newest mcp-go
// speaks; every session test runs against each.
var protocolVersions = []string{mcp.ProtocolVersion20250618, mcp.ProtocolVersion20251125, mcp.ProtocolVersion20260728}

func testLogger(t testing.TB) hclog.InterceptLogger {
	t.Helper()
	return hclog.NewInterceptLogger(&hclog.LoggerOptions{Name: "test", Level: hclog.Warn, Output: testWriter{t}})
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) { w.t.Log(string(p)); return len(p), nil }

// newTestServer builds the real MCP server over ix (nil: no index) with the
// given tool table.
func newTestServer(t *testing.T, ix *memory.Index, table []toolDecl) *server.MCPServer {
	t.Helper()
	s, err := newMCPServer(serverConfig{Index: ix, Logger: testLogger(t), Tools: table, FirstSyncWait: 2 * time.Second})
	if err != nil {
		t.Fatalf("newMCPServer: %v", err)
	}
	return s
}

// connect starts an in-process client pinned to version and initializes it.
func connect(t testing.TB, s *server.MCPServer, version string) *client.Client {
	t.Helper()
	ctx := context.Background()
	c, err := client.NewInProcessClientWithOptions(s, client.WithProtocolVersion(version))
	if err != nil {
		t.Fatalf("in-process client: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	if err := c.Start(ctx); err != nil {
		t.Fatalf("start: %v", err)
	}
	var init mcp.InitializeRequest
	init.Params.ProtocolVersion = version
	init.Params.ClientInfo = mcp.Implementation{Name: "devai-test", Version: "1"}
	res, err := c.Initialize(ctx, init)
	if err != nil {
		t.Fatalf("initialize %s: %v", version, err)
	}
	if res.ProtocolVersion != version {
		t.Fatalf("negotiated %s, want %s", res.ProtocolVersion, version)
	}
	return c
}

func callTool(t testing.TB, c *client.Client, name string, args map[string]any) *mcp.CallToolResult {
	t.Helper()
	var req mcp.CallToolRequest
	req.Params.Name, req.Params.Arguments = name, args
	res, err := c.CallTool(context.Background(), req)
	if err != nil {
		t.Fatalf("call %s %v: %v", name, args, err)
	}
	return res
}

// repoRoot is the module root, found from this file's location.
func repoRoot(t testing.TB) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// shopRepo is the fixture project the end-to-end tests index.
func shopRepo(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(repoRoot(t), "testdata", "shop")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("fixture project missing: %v", err)
	}
	return dir
}

// openShopIndex opens and syncs an index of testdata/shop in a temp state dir.
func openShopIndex(t testing.TB) *memory.Index {
	t.Helper()
	return openSyncedIndex(t, shopRepo(t), "hash")
}

// openSyncedIndex opens an index of repo in a fresh state directory and
// syncs it once; the index closes when the test ends.
func openSyncedIndex(t testing.TB, repo, embedder string) *memory.Index {
	t.Helper()
	ctx := context.Background()
	ix, err := memory.Open(ctx, memory.Options{Repo: repo, StateDir: t.TempDir(), Embedder: embedder, Logger: testLogger(t)})
	if err != nil {
		t.Fatalf("open index: %v", err)
	}
	t.Cleanup(func() { _ = ix.Close() })
	if err := ix.Sync(ctx, nil); err != nil {
		t.Fatalf("sync: %v", err)
	}
	return ix
}

// buildDevai builds the binary once per test that needs it.
func buildDevai(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "devai")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("go build: %v", err)
	}
	return bin
}
