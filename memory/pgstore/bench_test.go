package pgstore_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/devaiops/devai/memory/decisions"
	"github.com/devaiops/devai/memory/pgstore"
	"github.com/devaiops/devai/memory/pgstore/pgtest"
)

// BenchmarkDecisionAppend compares the file log (fsync, group commit) with
// the PostgreSQL log (fsync on, as in production; loopback) in one run,
// from 1 and from 20 writers at once: ns/op is wall time per record, and
// p50/p99 are one append's latency.
//
//	go test -run '^$' -bench DecisionAppend -benchtime 2000x ./memory/pgstore/
func BenchmarkDecisionAppend(b *testing.B) {
	pg := pgtest.StartWith(b, pgtest.Options{Durable: true})
	st, err := pgstore.Open(context.Background(), pg.URL, pgstore.Options{MaxConns: 32})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	key := filepath.Join(b.TempDir(), "decisions.key")
	for _, writers := range []int{1, 20} {
		b.Run(fmt.Sprintf("files/writers=%d", writers), func(b *testing.B) {
			l, err := decisions.Open(filepath.Join(b.TempDir(), "decisions"), decisions.Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer l.Close()
			appendAll(b, l, writers)
		})
		b.Run(fmt.Sprintf("postgres/writers=%d", writers), func(b *testing.B) {
			l, err := st.Decisions(context.Background(), fmt.Sprintf("bench-%d-%d", writers, b.N), pgstore.DecisionOptions{KeyFile: key})
			if err != nil {
				b.Fatal(err)
			}
			appendAll(b, l, writers)
		})
	}
}

// appendAll makes b.N appends of a typical search_context record from
// writers goroutines and reports the latency percentiles.
func appendAll(b *testing.B, l decisions.Appender, writers int) {
	var next atomic.Int64
	lat := make([]time.Duration, b.N)
	ctx := context.Background()
	var wg sync.WaitGroup
	b.ResetTimer()
	for range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= b.N {
					return
				}
				start := time.Now()
				_, err := l.Append(ctx, decisions.Entry{
					Tool:      "search_context",
					Arguments: map[string]any{"query": "session expiry after failed logins", "kinds": []string{"code", "test"}, "limit": 10},
					Client:    decisions.Client{Name: "claude-code", Version: "2.1.0", Session: "b7c1d0e2-5a9f-4c33-8e0a-1f2d3c4b5a69"},
					Summary:   fmt.Sprintf("%d hits for session expiry", i%10),
					Result:    map[string]any{"hits": i},
					Duration:  9 * time.Millisecond,
				})
				if err != nil {
					b.Error(err)
					return
				}
				lat[i] = time.Since(start)
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "appends/s")
}
