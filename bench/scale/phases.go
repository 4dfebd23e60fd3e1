package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/devaiops/devai/bench/internal/progress"
	"github.com/devaiops/devai/memory"
	metrics "github.com/devaiops/devai/memory/evalmetrics"
)

// seed fixes the queries and the edited files, so runs are comparable.
const seed = 3

// coldResult is what the cold phase reports.
type coldResult struct {
	Open         time.Duration `json:"open_ns"`
	Sync         time.Duration `json:"sync_ns"`
	Close        time.Duration `json:"close_ns"`
	Files        int           `json:"files"`
	Chunks       int           `json:"chunks"`
	Skipped      int           `json:"skipped"`
	IndexedBytes int64         `json:"indexed_bytes"`
	Embedder     string        `json:"embedder"`
}

// Total is the cold index time: from nothing to a closed, persisted index.
func (r coldResult) Total() time.Duration { return r.Open + r.Sync + r.Close }

// warmResult is what the warm phase reports.
type warmResult struct {
	Open          time.Duration   `json:"open_ns"`
	FirstSearch   time.Duration   `json:"first_search_ns"`
	Queries       int             `json:"queries"`
	EmptyResults  int             `json:"empty_results"`
	SearchP50     time.Duration   `json:"search_p50_ns"`
	SearchP99     time.Duration   `json:"search_p99_ns"`
	IdentifierP50 time.Duration   `json:"identifier_p50_ns"`
	QuestionP50   time.Duration   `json:"question_p50_ns"`
	NoChangeSync  time.Duration   `json:"no_change_sync_ns"`
	Updates       []time.Duration `json:"updates_ns"`
	UpdateMisses  int             `json:"update_misses"` // edits whose token was not found right after Sync
	UpdateMedian  time.Duration   `json:"update_median_ns"`

	WatchedUpdates      []time.Duration `json:"watched_updates_ns"` // the same edits through SyncPaths, the watcher's path
	WatchedUpdateMedian time.Duration   `json:"watched_update_median_ns"`
	SampleQueries       []benchQuery    `json:"sample_queries"`
	UpdatedExample      string          `json:"updated_example"`
}

func openIndex(ctx context.Context, c config) (*memory.Index, error) {
	ix, err := memory.Open(ctx, memory.Options{Repo: c.tree, StateDir: c.state, Embedder: c.embedder, Logger: progress.Logger("scale")})
	if err != nil {
		return nil, fmt.Errorf("open index over %s: %w", c.tree, err)
	}
	return ix, nil
}

// coldPhase indexes the tree from nothing.
func coldPhase(ctx context.Context, c config) (coldResult, error) {
	var r coldResult
	t := time.Now()
	ix, err := openIndex(ctx, c)
	if err != nil {
		return r, err
	}
	r.Open = time.Since(t)
	t = time.Now()
	if err := ix.Sync(ctx, progress.Printer(os.Stderr, "cold index", 5*time.Second)); err != nil {
		ix.Close()
		return r, fmt.Errorf("cold sync: %w", err)
	}
	if err := ix.WaitIdle(ctx); err != nil {
		ix.Close()
		return r, err
	}
	r.Sync = time.Since(t)
	st := ix.Status()
	r.Files, r.Chunks, r.Skipped, r.Embedder = st.Files, st.Chunks, len(st.Skipped), st.Embedder
	for _, p := range ix.Paths("", "", 0) {
		if fi, err := os.Stat(filepath.Join(c.tree, filepath.FromSlash(p))); err == nil {
			r.IndexedBytes += fi.Size()
		}
	}
	t = time.Now()
	if err := ix.Close(); err != nil {
		return r, fmt.Errorf("close after cold sync: %w", err)
	}
	r.Close = time.Since(t)
	return r, nil
}

// warmPhase reopens the index, times searches, then edits files one at a
// time and times how long until each edit is searchable.
func warmPhase(ctx context.Context, c config) (warmResult, error) {
	var r warmResult
	scan, err := scanTree(c.tree)
	if err != nil {
		return r, fmt.Errorf("scan %s for queries: %w", c.tree, err)
	}
	rng := rand.New(rand.NewPCG(seed, seed))
	queries := pickQueries(scan, c.queries, rng)
	if len(queries) == 0 {
		return r, fmt.Errorf("%s has no Go functions to draw queries from", c.tree)
	}
	targets := shuffled(slices.Clone(scan.goFiles), rng)[:min(c.updates, len(scan.goFiles))]

	t := time.Now()
	ix, err := openIndex(ctx, c)
	if err != nil {
		return r, err
	}
	defer ix.Close()
	r.Open = time.Since(t)
	t = time.Now()
	if _, err := ix.Search(ctx, memory.Query{Text: queries[0].Text}); err != nil {
		return r, fmt.Errorf("first search: %w", err)
	}
	r.FirstSearch = time.Since(t)

	var all, idents, questions []time.Duration
	for _, q := range queries {
		t := time.Now()
		res, err := ix.Search(ctx, memory.Query{Text: q.Text, Limit: 10})
		took := time.Since(t)
		if err != nil {
			return r, fmt.Errorf("search %q: %w", q.Text, err)
		}
		if len(res.Hits) == 0 {
			r.EmptyResults++
		}
		all = append(all, took)
		if q.Class == "identifier" {
			idents = append(idents, took)
		} else {
			questions = append(questions, took)
		}
	}
	r.Queries = len(all)
	r.SearchP50, r.SearchP99 = metrics.Percentile(all, 50), metrics.Percentile(all, 99)
	r.IdentifierP50, r.QuestionP50 = metrics.Percentile(idents, 50), metrics.Percentile(questions, 50)
	r.SampleQueries = queries[:min(6, len(queries))]

	t = time.Now()
	if err := ix.Sync(ctx, nil); err != nil {
		return r, fmt.Errorf("no-change sync: %w", err)
	}
	r.NoChangeSync = time.Since(t)

	for i, rel := range targets {
		token := fmt.Sprintf("devaiProbe%d%08x", i, rng.Uint32())
		took, found, err := updateOne(ctx, ix, c.tree, rel, token, false)
		if err != nil {
			return r, err
		}
		r.Updates = append(r.Updates, took)
		if !found {
			r.UpdateMisses++
		}
		r.UpdatedExample = rel + ": " + token
	}
	r.UpdateMedian = metrics.Percentile(r.Updates, 50)
	// The same edits through the watcher's path: SyncPaths of the saved file.
	for i, rel := range targets {
		token := fmt.Sprintf("devaiWatched%d%08x", i, rng.Uint32())
		took, found, err := updateOne(ctx, ix, c.tree, rel, token, true)
		if err != nil {
			return r, err
		}
		r.WatchedUpdates = append(r.WatchedUpdates, took)
		if !found {
			r.UpdateMisses++
		}
	}
	r.WatchedUpdateMedian = metrics.Percentile(r.WatchedUpdates, 50)
	return r, nil
}

// updateOne appends a function named token to the file rel, syncs (the
// whole tree, or with watched only rel, as the file watcher does), and
// searches for token; it returns the time from the write to the answer and
// whether the answer named the file.
func updateOne(ctx context.Context, ix *memory.Index, tree, rel, token string, watched bool) (time.Duration, bool, error) {
	t := time.Now()
	f, err := os.OpenFile(filepath.Join(tree, filepath.FromSlash(rel)), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return 0, false, fmt.Errorf("edit %s: %w", rel, err)
	}
	_, werr := fmt.Fprintf(f, "\n// %s marks an edit made by bench/scale.\nfunc %s() {}\n", token, token)
	if err := f.Close(); werr == nil {
		werr = err
	}
	if werr != nil {
		return 0, false, fmt.Errorf("edit %s: %w", rel, werr)
	}
	sync := func() error { return ix.Sync(ctx, nil) }
	if watched {
		sync = func() error { return ix.SyncPaths(ctx, []string{rel}) }
	}
	if err := sync(); err != nil {
		return 0, false, fmt.Errorf("sync after editing %s: %w", rel, err)
	}
	res, err := ix.Search(ctx, memory.Query{Text: token, Limit: 5})
	took := time.Since(t)
	if err != nil {
		return 0, false, fmt.Errorf("search %s: %w", token, err)
	}
	for _, h := range res.Hits {
		if h.Path == rel {
			return took, true, nil
		}
	}
	return took, false, nil
}

// emit prints a phase's result as JSON on stdout for the parent.
func emit[T any](v T, err error) error {
	if err != nil {
		return err
	}
	return json.NewEncoder(os.Stdout).Encode(v)
}
