package locset

import (
	"context"
	"fmt"
	"time"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/chunk"
	metrics "github.com/devaiops/devai/memory/evalmetrics"
)

// Searcher is the part of *memory.Index an evaluation needs.
type Searcher interface {
	Search(ctx context.Context, q memory.Query) (memory.Result, error)
}

// EvalOptions choose how the set is asked.
type EvalOptions struct {
	Modes []memory.Mode // each is scored separately
	Kinds []chunk.Kind  // empty: every kind
	Limit int           // files ranked per query; 0 means 10
	// Chunks scores the hits as search_context returns them (chunks, a
	// file as often as it has hits) instead of ranking files, and keeps
	// each hit's kind and symbol in the results.
	Chunks bool
}

// ModeReport is the outcome of one mode over the whole set.
type ModeReport struct {
	Mode    memory.Mode    `json:"mode"`
	Queries int            `json:"queries"`
	Scores  metrics.Scores `json:"scores"`
	P50     time.Duration  `json:"latency_p50_ns"`
	P95     time.Duration  `json:"latency_p95_ns"`
}

// QueryResult is one query in one mode, kept for looking at failures.
type QueryResult struct {
	Mode    memory.Mode    `json:"mode"`
	Commit  string         `json:"commit"`
	Files   []string       `json:"files"`
	Ranked  []string       `json:"ranked"`
	Hits    []HitBrief     `json:"hits,omitempty"` // with EvalOptions.Chunks
	Scores  metrics.Scores `json:"scores"`
	Latency time.Duration  `json:"latency_ns"`
}

// HitBrief is what a question set's scoring needs of one hit.
type HitBrief struct {
	Path   string     `json:"path"`
	Kind   chunk.Kind `json:"kind"`
	Symbol string     `json:"symbol,omitempty"`
}

// Evaluate asks every query of set in every mode at file level and scores
// the ranked paths against the files the commit changed. It stops at the
// first failed search: a partial score would look like a real one.
func Evaluate(ctx context.Context, s Searcher, set []Query, opts EvalOptions) ([]ModeReport, []QueryResult, error) {
	if opts.Limit <= 0 {
		opts.Limit = 10
	}
	var reports []ModeReport
	var results []QueryResult
	for _, mode := range opts.Modes {
		scores := make([]metrics.Scores, 0, len(set))
		latencies := make([]time.Duration, 0, len(set))
		for _, q := range set {
			start := time.Now()
			res, err := s.Search(ctx, memory.Query{Text: q.Query, Kinds: opts.Kinds, Limit: opts.Limit, FileLevel: !opts.Chunks, Mode: mode})
			took := time.Since(start)
			if err != nil {
				return nil, nil, fmt.Errorf("search %s for commit %s: %w", mode, q.Commit, err)
			}
			ranked := make([]string, 0, len(res.Hits))
			var briefs []HitBrief
			for _, h := range res.Hits {
				ranked = append(ranked, h.Path)
				if opts.Chunks {
					briefs = append(briefs, HitBrief{Path: h.Path, Kind: h.Kind, Symbol: h.Symbol})
				}
			}
			sc := metrics.Score(ranked, q.Files)
			if opts.Chunks {
				sc = metrics.ScoreHits(ranked, q.Files)
			}
			scores = append(scores, sc)
			latencies = append(latencies, took)
			results = append(results, QueryResult{Mode: mode, Commit: q.Commit, Files: q.Files, Ranked: ranked, Hits: briefs, Scores: sc, Latency: took})
		}
		reports = append(reports, ModeReport{
			Mode:    mode,
			Queries: len(set),
			Scores:  metrics.Mean(scores),
			P50:     metrics.Percentile(latencies, 50),
			P95:     metrics.Percentile(latencies, 95),
		})
	}
	return reports, results, nil
}
