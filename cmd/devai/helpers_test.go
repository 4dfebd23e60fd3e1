package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/fixture/fixtureindex"
	"github.com/devaiops/devai/tools/tool"
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
func newTestServer(t *testing.T, ix *memory.Index, table []tool.Tool) *server.MCPServer {
	t.Helper()
	s, err := newMCPServer(serverConfig{Index: ix, Logger: testLogger(t), Tools: table, FirstSyncWait: 2 * time.Second})
	if err != nil {
		t.Fatalf("newMCPServer: %v", err)
	}
	return s
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

// shop is testdata/shop with the hash embedder, indexed once for the tests
// that only read it.
var shop = fixtureindex.Shared{Embedder: "hash"}

func TestMain(m *testing.M) { fixtureindex.Main(m, &shop) }

// openShopIndex is the shared index of testdata/shop: read it, do not sync
// it or write to its state directory.
func openShopIndex(t testing.TB) *memory.Index {
	t.Helper()
	return shop.Index(t)
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

// testOutput is the answer of a test tool.
type testOutput struct {
	Text string `json:"text"`
}

// testTool declares a tool that needs no index and answers what run says.
func testTool(name string, hints tool.Hints, run func(ctx context.Context) (string, error)) tool.Tool {
	return &tool.Def[struct{}, testOutput]{
		Name: name, Description: name, Hints: hints, Example: "{}", WithoutIndex: true,
		Run: func(ctx context.Context, _ tool.Env, _ struct{}) (testOutput, error) {
			text, err := run(ctx)
			return testOutput{Text: text}, err
		},
		Render: func(_ struct{}, out testOutput) string { return out.Text },
	}
}

// runCommand runs one command line of c, built over stdin, the way run
// does: parse (flags, then the environment), then run.
func runCommand(c func(stdin io.Reader, stdout, stderr io.Writer) *command, stdin io.Reader, args ...string) (string, string, error) {
	var out, errb bytes.Buffer
	cmd := c(stdin, &out, &errb)
	rest, err := parseCommand(cmd, args, &out)
	if err != nil {
		return out.String(), errb.String(), err
	}
	err = cmd.run(rest)
	return out.String(), errb.String(), err
}
