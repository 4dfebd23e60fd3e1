package memory

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/hashicorp/go-hclog"

	"github.com/devaiops/devai/memory/chunk"
)

func TestReadLogTail(t *testing.T) {
	tests := []struct {
		name      string
		content   string
		limit     int64
		want      string
		firstLine int
		from      int64
	}{
		{"under the cap", "a\nb\nc\n", 100, "a\nb\nc\n", 1, 0},
		{"at the cap", "a\nb\nc\n", 6, "a\nb\nc\n", 1, 0},
		{"cut on a line boundary", "aaa\nbbb\nccc\n", 8, "bbb\nccc\n", 2, 4},
		{"cut inside a line drops its rest", "aaa\nbbb\nccc\n", 6, "ccc\n", 3, 8},
		{"no final newline", "aaa\nbbb\nccc", 5, "ccc", 3, 8},
		{"one endless line is kept", "xxxxxxxxxx", 4, "xxxx", 1, 6},
		{"blank lines count", "\n\n\nlast\n", 5, "last\n", 4, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "x.log")
			if err := os.WriteFile(path, []byte(tt.content), 0o644); err != nil {
				t.Fatal(err)
			}
			p, err := readLogTail(path, int64(len(tt.content)), tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256([]byte(tt.content))
			if got := string(p.content); got != tt.want || p.firstLine != tt.firstLine || p.from != tt.from {
				t.Errorf("got %q from byte %d line %d; want %q from byte %d line %d", got, p.from, p.firstLine, tt.want, tt.from, tt.firstLine)
			}
			if p.hash != hex.EncodeToString(sum[:]) {
				t.Errorf("hash is not the whole file's")
			}
		})
	}
}

// TestReadLogTailStopsAtWalkSize: bytes appended after the walk saw the
// file are left to the next sync, so the hash matches the recorded size.
func TestReadLogTailStopsAtWalkSize(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.log")
	if err := os.WriteFile(path, []byte("one\ntwo\nthree\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := readLogTail(path, 8, 100)
	if err != nil {
		t.Fatal(err)
	}
	if string(p.content) != "one\ntwo\n" {
		t.Errorf("read %q, want the first 8 bytes", p.content)
	}
}

// bigLog writes about n lines: an info line names its own line number,
// and every 500th line is an error with a stack trace line under it.
func bigLog(n int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		switch {
		case i%500 == 0:
			fmt.Fprintf(&b, "2026-01-02T10:%02d:%02dZ ERROR payment failed order=ord%07d\n\tat com.shop.Pay.charge(Pay.java:%d)\n", i/60%60, i%60, i, i%97)
			i++ // the frame
		default:
			fmt.Fprintf(&b, "2026-01-02T10:%02d:%02dZ INFO request served line%07d status=200\n", i/60%60, i%60, i)
		}
	}
	return b.String()
}

// TestSyncIndexesTheTailOfABigLog: a log above the cap keeps its newest
// lines under their own line numbers, the older part is not searchable,
// and devai://index says, per file, what was cut.
func TestSyncIndexesTheTailOfABigLog(t *testing.T) {
	const lines = 20000
	log := bigLog(lines)
	repo := writeRepo(t, map[string]string{"logs/huge.log": log, "logs/small.log": "2026-01-02T10:00:00Z INFO started\n"})
	const limit = 64 << 10
	ix, err := Open(context.Background(), Options{Repo: repo, MaxFileSize: 100 << 20, MaxLogBytes: limit, Embedder: "hash"})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if err := ix.Sync(context.Background(), nil); err != nil {
		t.Fatal(err)
	}

	st := ix.Status()
	if len(st.Cut) != 1 || st.Cut[0].Path != "logs/huge.log" {
		t.Fatalf("Status().Cut = %+v, want logs/huge.log only", st.Cut)
	}
	c := st.Cut[0]
	all := strings.Split(strings.TrimSuffix(log, "\n"), "\n")
	if c.Size != int64(len(log)) || c.IndexedBytes > limit || c.IndexedBytes < limit-200 {
		t.Errorf("cut %+v: want size %d and about %d bytes indexed", c, len(log), limit)
	}
	wantFirst := len(all) - strings.Count(log[len(log)-int(c.IndexedBytes):], "\n") + 1
	if c.FirstLine != wantFirst {
		t.Errorf("first indexed line %d, want %d", c.FirstLine, wantFirst)
	}
	for _, want := range []string{"indexed the last 0.1 MiB of", fmt.Sprintf("from line %d", c.FirstLine), "--max-log-bytes"} {
		if !strings.Contains(c.Note, want) {
			t.Errorf("note %q does not say %q", c.Note, want)
		}
	}

	// The newest lines are found under their line numbers in the file.
	last := fmt.Sprintf("line%07d", lines-1) // lines is an error
	res := search(t, ix, Query{Text: last, Kinds: []chunk.Kind{chunk.Log}})
	if len(res.Hits) == 0 || res.Hits[0].Path != "logs/huge.log" {
		t.Fatalf("the last line is not found: %+v", res.Hits)
	}
	h := res.Hits[0]
	if h.StartLine < c.FirstLine || h.EndLine > len(all) || !strings.Contains(h.Snippet, last) {
		t.Errorf("hit %s lines %d-%d, snippet %q: want lines of the file's tail holding %s", h.URI, h.StartLine, h.EndLine, h.Snippet, last)
	}
	if got := strings.Join(all[h.StartLine-1:h.EndLine], "\n"); got != h.Snippet {
		t.Errorf("the snippet is not the file's lines %d-%d", h.StartLine, h.EndLine)
	}
	// The oldest are not.
	res = search(t, ix, Query{Text: "line0000002", Kinds: []chunk.Kind{chunk.Log}, Mode: ModeText})
	for _, h := range res.Hits {
		if h.StartLine < c.FirstLine {
			t.Errorf("a line before the cut is indexed: %s", h.URI)
		}
	}

	// A larger cap takes the whole file without a change to it.
	ix.Close()
	ix2, err := Open(context.Background(), Options{Repo: repo, MaxFileSize: 100 << 20, MaxLogBytes: 100 << 20, Embedder: "hash", Logger: hclog.NewNullLogger()})
	if err != nil {
		t.Fatal(err)
	}
	defer ix2.Close()
	if err := ix2.Sync(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if cut := ix2.Status().Cut; len(cut) != 0 {
		t.Errorf("after raising the cap: still cut %+v", cut)
	}
	if res := search(t, ix2, Query{Text: "line0000002", Kinds: []chunk.Kind{chunk.Log}, Mode: ModeText}); len(res.Hits) == 0 || res.Hits[0].StartLine > 2 {
		t.Errorf("after raising the cap, line 2 is not found: %+v", res.Hits)
	}
}

// TestSearchInABigLogReadsOnlyItsLines: filling the snippets of hits in a
// log reads the file as a stream from its indexed part and keeps only the
// hits' lines, instead of the whole file (a 200 MB log cost 200 MB and
// more per search).
func TestSearchInABigLogReadsOnlyItsLines(t *testing.T) {
	log := bigLog(160000) // about 10 MB
	repo := writeRepo(t, map[string]string{"logs/huge.log": log})
	ix, err := Open(context.Background(), Options{Repo: repo, MaxFileSize: 100 << 20, MaxLogBytes: 64 << 10, Embedder: "hash"})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if err := ix.Sync(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	q := Query{Text: "request served line0159998", Kinds: []chunk.Kind{chunk.Log}}
	search(t, ix, q) // warm
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	res := search(t, ix, q)
	runtime.ReadMemStats(&after)
	if len(res.Hits) == 0 || !strings.Contains(res.Hits[0].Snippet, "line0159998") {
		t.Fatalf("hits %+v", res.Hits)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > uint64(len(log))/4 {
		t.Errorf("one search allocated %d bytes for a %d-byte log", n, len(log))
	}
}
