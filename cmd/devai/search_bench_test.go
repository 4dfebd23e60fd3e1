package main

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/devaiops/devai/memory/decisions"
	"github.com/devaiops/devai/memory/rusage"
	"github.com/devaiops/devai/tools/tool/tooltest"
)

// BenchmarkSearchContextSessions calls search_context through the whole MCP
// server (middlewares, output redaction, the decision log with its fsync)
// over the shop index, from one session in sequence and from 50 sessions at
// once. ns/op is wall time per call, so sessions=1's over sessions=50's is
// what concurrency buys; issue 11 found it bought nothing (a record's fsync
// ran under the decision log's lock). bench/load measures the same over
// HTTP.
func BenchmarkSearchContextSessions(b *testing.B) {
	ix := openShopIndex(b)
	dlog, err := decisions.Open(decisions.Dir(b.TempDir()), decisions.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = dlog.Close() })
	s, err := newMCPServer(serverConfig{Index: ix, Logger: testLogger(b), Tools: toolTable(), FirstSyncWait: 2 * time.Second, Decisions: dlog})
	if err != nil {
		b.Fatal(err)
	}
	queries := loadQueries(b)
	search := func(c *client.Client, i int) error {
		var req mcp.CallToolRequest
		req.Params.Name, req.Params.Arguments = "search_context", map[string]any{"query": queries[i%len(queries)]}
		res, err := c.CallTool(context.Background(), req)
		if err == nil && res.IsError {
			b.Errorf("search %q: %v", queries[i%len(queries)], res.Content)
		}
		return err
	}
	b.Run("sessions=1", func(b *testing.B) {
		c := tooltest.Connect(b, s, mcp.ProtocolVersion20251125)
		defer reportCPU(b)()
		for i := range b.N {
			if err := search(c, i); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("sessions=50", func(b *testing.B) {
		perProc := max(1, 50/runtime.GOMAXPROCS(0))
		sessions := make(chan *client.Client, perProc*runtime.GOMAXPROCS(0))
		for range cap(sessions) {
			sessions <- tooltest.Connect(b, s, mcp.ProtocolVersion20251125)
		}
		b.SetParallelism(perProc)
		b.ResetTimer()
		defer reportCPU(b)()
		b.RunParallel(func(pb *testing.PB) {
			c := <-sessions
			for i := 0; pb.Next(); i++ {
				if err := search(c, i); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}

// reportCPU starts counting this process's CPU time and returns what
// reports it per op: on a shared machine ns/op alone cannot tell a server
// that serialises from one whose cores other processes took, but CPU per
// op that stays flat from 1 to 50 sessions says nothing thrashes.
func reportCPU(b *testing.B) func() {
	start := processCPU()
	return func() {
		b.ReportMetric(float64(processCPU()-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
	}
}

func processCPU() time.Duration {
	cpu, _ := rusage.SelfCPU() // 0 where the OS keeps none: the metric reads 0
	return cpu
}

// loadQueries reads bench/load's query set for the shop fixture.
func loadQueries(b *testing.B) []string {
	raw, err := os.ReadFile(filepath.Join(repoRoot(b), "bench", "load", "queries", "shop.txt"))
	if err != nil {
		b.Fatal(err)
	}
	var out []string
	for _, line := range strings.Split(string(raw), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			out = append(out, line)
		}
	}
	return out
}
