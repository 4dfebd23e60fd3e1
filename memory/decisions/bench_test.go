package decisions

import (
	"context"
	"fmt"
	"runtime"
	"sort"
	"testing"
	"time"
)

// BenchmarkAppend measures one fsynced append of a typical search_context
// record and reports its latency p50 and p99.
func BenchmarkAppend(b *testing.B) {
	l := openLog(b, logDir(b), Options{})
	lat := make([]time.Duration, 0, b.N)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		_, err := l.Append(ctx, Entry{
			Tool:      "search_context",
			Arguments: map[string]any{"query": "session expiry after failed logins", "kinds": []string{"code", "test"}, "limit": 10},
			Client:    Client{Name: "claude-code", Version: "2.1.0", Session: "b7c1d0e2-5a9f-4c33-8e0a-1f2d3c4b5a69"},
			Summary:   fmt.Sprintf("%d hits for session expiry", i%10),
			Result:    map[string]any{"hits": i},
			Duration:  9 * time.Millisecond,
		})
		if err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}

// BenchmarkAppendParallel is BenchmarkAppend from 50 goroutines at once,
// as 50 MCP sessions append: ns/op is wall time per record, so its ratio to
// BenchmarkAppend's is the speed-up concurrency buys. With one fsync per
// record under the lock it bought none (issue 11); with group commit the
// records written during one fsync share the next.
func BenchmarkAppendParallel(b *testing.B) {
	l := openLog(b, logDir(b), Options{})
	ctx := context.Background()
	b.SetParallelism(max(1, 50/runtime.GOMAXPROCS(0)))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			i++
			if _, err := l.Append(ctx, Entry{
				Tool:      "search_context",
				Arguments: map[string]any{"query": "session expiry after failed logins", "limit": 10},
				Client:    Client{Name: "claude-code", Version: "2.1.0", Session: "b7c1d0e2-5a9f-4c33-8e0a-1f2d3c4b5a69"},
				Summary:   fmt.Sprintf("%d hits for session expiry", i%10),
				Result:    map[string]any{"hits": i},
				Duration:  9 * time.Millisecond,
			}); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkVerify100k times Verify over a log of 100,000 records (written
// without fsync to build it quickly; the files are the same).
func BenchmarkVerify100k(b *testing.B) {
	if testing.Short() {
		b.Skip("writes 100k records")
	}
	dir := logDir(b)
	l := openLog(b, dir, Options{NoSync: true})
	ctx := context.Background()
	for i := 0; i < 100_000; i++ {
		if _, err := l.Append(ctx, Entry{Tool: "search_context", Arguments: map[string]any{"query": fmt.Sprintf("query %d", i), "limit": 10}, Client: Client{Name: "bench"}, Summary: "10 hits", Result: i}); err != nil {
			b.Fatal(err)
		}
	}
	l.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rep, err := Verify(dir)
		if err != nil || !rep.OK() || rep.Records != 100_000 {
			b.Fatalf("verify: %v %+v", err, rep)
		}
	}
}
