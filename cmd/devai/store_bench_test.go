package main

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/devaiops/devai/memory/decisions"
	"github.com/devaiops/devai/memory/pgstore"
	"github.com/devaiops/devai/memory/pgstore/pgtest"
)

// BenchmarkToolCallStore calls search_context over streamable HTTP (one
// session, in sequence) on the shop index with the team state in files
// (the decision log with its fsync, sessions in memory) and in PostgreSQL
// (fsync on, loopback: the session checked in the store, its client state
// read back, the record appended), in one run; and one bare PostgreSQL
// round trip (a ping) for scale. The difference between the two call
// latencies is what the store adds to a tool call.
//
//	go test -run '^$' -bench ToolCallStore -benchtime 300x ./cmd/devai/
func BenchmarkToolCallStore(b *testing.B) {
	ix := openShopIndex(b)
	pg := pgtest.StartWith(b, pgtest.Options{Durable: true})
	st, err := pgstore.Open(context.Background(), pg.URL, pgstore.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	queries := loadQueries(b)
	key := filepath.Join(b.TempDir(), "decisions.key")
	run := func(b *testing.B, sc serverConfig, hc httpConfig) {
		s, err := newMCPServer(sc)
		if err != nil {
			b.Fatal(err)
		}
		hc.MaxBodyBytes = 1 << 20
		ts := httptest.NewServer(newHTTPHandler(s, hc, nil))
		defer ts.Close()
		c := connectBench(b, ts.URL+"/mcp")
		defer c.Close()
		lat := make([]time.Duration, b.N)
		b.ResetTimer()
		for i := range b.N {
			var req mcp.CallToolRequest
			req.Params.Name, req.Params.Arguments = "search_context", map[string]any{"query": queries[i%len(queries)]}
			start := time.Now()
			res, err := c.CallTool(context.Background(), req)
			if err != nil || res.IsError {
				b.Fatalf("search: %v %v", err, res)
			}
			lat[i] = time.Since(start)
		}
		b.StopTimer()
		reportLatency(b, lat)
	}
	b.Run("files", func(b *testing.B) {
		dlog, err := decisions.Open(decisions.Dir(b.TempDir()), decisions.Options{})
		if err != nil {
			b.Fatal(err)
		}
		defer dlog.Close()
		run(b, serverConfig{Index: ix, Logger: testLogger(b), Tools: toolTable(), FirstSyncWait: 2 * time.Second, Decisions: dlog}, httpConfig{})
	})
	b.Run("postgres", func(b *testing.B) {
		l, err := st.Decisions(context.Background(), "shop", pgstore.DecisionOptions{KeyFile: key})
		if err != nil {
			b.Fatal(err)
		}
		defer l.Close()
		shared := &sharedSessionTable{store: st.Sessions(time.Hour), logger: testLogger(b)}
		run(b, serverConfig{Index: ix, Logger: testLogger(b), Tools: toolTable(), FirstSyncWait: 2 * time.Second, Decisions: l,
			Proposals: st.Proposals("shop"), Sessions: shared}, httpConfig{Shared: shared})
	})
	b.Run("postgres-roundtrip", func(b *testing.B) {
		lat := make([]time.Duration, b.N)
		for i := range b.N {
			start := time.Now()
			if err := st.Ping(context.Background()); err != nil {
				b.Fatal(err)
			}
			lat[i] = time.Since(start)
		}
		reportLatency(b, lat)
	})
}

func connectBench(b *testing.B, url string) *client.Client {
	c, err := client.NewStreamableHttpClient(url)
	if err != nil {
		b.Fatal(err)
	}
	if err := c.Start(context.Background()); err != nil {
		b.Fatal(err)
	}
	var init mcp.InitializeRequest
	init.Params.ProtocolVersion = mcp.ProtocolVersion20251125
	init.Params.ClientInfo = mcp.Implementation{Name: "bench", Version: "1"}
	if _, err := c.Initialize(context.Background(), init); err != nil {
		b.Fatal(err)
	}
	return c
}

func reportLatency(b *testing.B, lat []time.Duration) {
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}
