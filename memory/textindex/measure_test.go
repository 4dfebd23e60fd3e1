package textindex

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/devaiops/devai/memory/rusage"
)

// TestMeasureCorpus is a one-off measurement, skipped unless
// DEVAI_TEXTINDEX_CORPUS names a source tree: it indexes every .go file as
// 40-line chunks in batches of 1000 and reports throughput, size on disk and
// search latency. Example:
//
//	DEVAI_TEXTINDEX_CORPUS=$(go mod download -json github.com/prometheus/prometheus@v0.316.0 | jq -r .Dir) \
//	  go test -run TestMeasureCorpus -v ./memory/textindex/
func TestMeasureCorpus(t *testing.T) {
	root := os.Getenv("DEVAI_TEXTINDEX_CORPUS")
	if root == "" {
		t.Skip("set DEVAI_TEXTINDEX_CORPUS to a source tree to measure")
	}
	docs := corpusDocs(t, root, 40)
	var bytes int
	for _, d := range docs {
		bytes += len(d.Text)
	}
	dir := filepath.Join(t.TempDir(), "text")
	cpu0 := cpuTime(t)
	start := time.Now()
	ix, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	indexAll(t, ix, docs, 1000)
	applied := time.Since(start)
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	cpu := cpuTime(t) - cpu0
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t.Logf("indexed %d chunks (%.1f MB) in %s (%s until the last batch returned): %.0f chunks/s, %.1f MB/s; "+
		"CPU %s (%.0f chunks per CPU-second); heap sys %d MB",
		len(docs), float64(bytes)/1e6, took.Round(time.Millisecond), applied.Round(time.Millisecond),
		float64(len(docs))/took.Seconds(), float64(bytes)/1e6/took.Seconds(),
		cpu.Round(time.Millisecond), float64(len(docs))/cpu.Seconds(), ms.HeapSys>>20)

	start = time.Now()
	ix, err = Open(dir, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	t.Logf("reopen read-only: %s", time.Since(start).Round(time.Microsecond))
	size, err := ix.SizeOnDisk()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("index size on disk: %.1f MB", float64(size)/1e6)

	queries := sampleQueries(docs, 95)
	ctx := context.Background()
	for _, q := range queries[:20] { // warm up
		if _, err := ix.Search(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	cpu0 = cpuTime(t)
	var lat []time.Duration
	var empty int
	type timed struct {
		q Query
		d time.Duration
	}
	var slow []timed
	for _, q := range queries {
		s := time.Now()
		hits, err := ix.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		lat = append(lat, time.Since(s))
		slow = append(slow, timed{q, lat[len(lat)-1]})
		if len(hits) == 0 {
			empty++
		}
	}
	searchCPU := (cpuTime(t) - cpu0) / time.Duration(len(queries))
	slices.SortFunc(slow, func(a, b timed) int { return int(b.d - a.d) })
	for _, s := range slow[:5] {
		t.Logf("slow: %s %q kinds=%v glob=%q", s.d.Round(time.Microsecond), s.q.Text, s.q.Kinds, s.q.PathGlob)
	}
	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[int(p*float64(len(lat)-1))] }
	t.Logf("search over %d queries: p50 %s, p90 %s, p99 %s, max %s; %s CPU per query; %d with no hit",
		len(lat), pct(0.5), pct(0.9), pct(0.99), lat[len(lat)-1], searchCPU, empty)
	for _, q := range []string{"how are idle connections closed", "appendHistogram", "write samples to the head block"} {
		hits, _ := ix.Search(ctx, Query{Text: q, Limit: 3})
		for _, h := range hits {
			t.Logf("  %q → %s %.2f %v", q, h.ID, h.Score, h.Fields)
		}
	}
}

// cpuTime is the user+system CPU time of this process so far: on a shared
// machine it says what the work costs when wall time says how busy it is.
func cpuTime(t *testing.T) time.Duration {
	cpu, err := rusage.SelfCPU()
	if err != nil {
		t.Fatal(err)
	}
	return cpu
}
