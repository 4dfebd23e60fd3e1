package eval

import (
	"context"
	"fmt"
	"time"

	"github.com/devaiops/devai/memory/evalmetrics"
)

// DefaultLimit is how many files each query asks for: enough for nDCG@10.
const DefaultLimit = 10

// Retrieved is what one search returned: the files, best first, and the
// snippet tokens handed to the assistant.
type Retrieved struct {
	Paths  []string
	Tokens int
}

// Searcher answers one case with at most limit files. devai eval passes a
// function that calls search_context's plain API (tools/search.Run) with
// file_level set, so the set measures exactly what assistants get.
type Searcher func(ctx context.Context, c Case, limit int) (Retrieved, error)

// QueryResult is the outcome of one case.
type QueryResult struct {
	Line      int      `json:"line"`
	Query     string   `json:"query"`
	Kinds     []string `json:"kinds,omitempty"`
	Expect    []string `json:"expect"`
	Returned  []string `json:"returned"`
	Rank      int      `json:"rank"` // of the first expected file; 0: not returned
	Tokens    int      `json:"tokens"`
	LatencyMS float64  `json:"latency_ms"`
	evalmetrics.Scores
	Recall5 float64 `json:"recall_at_5"`
	evalmetrics.Contextual
}

// Summary is the mean over a set, plus tokens and latency.
type Summary struct {
	Queries             int     `json:"queries"`
	Acc1                float64 `json:"acc_at_1"`
	Acc5                float64 `json:"acc_at_5"`
	Recall5             float64 `json:"recall_at_5"`
	Recall10            float64 `json:"recall_at_10"`
	MRR                 float64 `json:"mrr"`
	NDCG10              float64 `json:"ndcg_at_10"`
	ContextualPrecision float64 `json:"contextual_precision"`
	ContextualRecall    float64 `json:"contextual_recall"`
	TokensMean          float64 `json:"tokens_mean"`
	TokensMax           int     `json:"tokens_max"`
	LatencyP50MS        float64 `json:"latency_p50_ms"`
	LatencyP95MS        float64 `json:"latency_p95_ms"`
	Misses              int     `json:"misses"` // queries that returned no expected file
}

// Run asks every case in turn, timing each search, and scores the answers.
// The first case is asked once more, untimed, before the others.
// Latency is the searcher's wall time, so it includes what search_context
// itself does around the index (validation, conversion).
func Run(ctx context.Context, cases []Case, search Searcher, limit int) (Summary, []QueryResult, error) {
	if limit <= 0 {
		limit = DefaultLimit
	}
	results := make([]QueryResult, 0, len(cases))
	if len(cases) > 0 {
		// One untimed query first, so the first configuration of a
		// comparison does not pay alone for cold caches.
		if _, err := search(ctx, cases[0], limit); err != nil {
			return Summary{}, nil, fmt.Errorf("line %d %q: %w", cases[0].Line, cases[0].Query, err)
		}
	}
	for _, c := range cases {
		if err := ctx.Err(); err != nil {
			return Summary{}, nil, err
		}
		start := time.Now()
		got, err := search(ctx, c, limit)
		took := time.Since(start)
		if err != nil {
			return Summary{}, nil, fmt.Errorf("line %d %q: %w", c.Line, c.Query, err)
		}
		results = append(results, score(c, got, took))
	}
	return Summarize(results), results, nil
}

func score(c Case, got Retrieved, took time.Duration) QueryResult {
	r := QueryResult{Line: c.Line, Query: c.Query, Kinds: c.Kinds, Expect: c.Expect,
		Returned: got.Paths, Tokens: got.Tokens, LatencyMS: float64(took.Microseconds()) / 1000}
	if r.Returned == nil {
		r.Returned = []string{}
	}
	r.Scores = evalmetrics.Score(got.Paths, c.Expect)
	r.Recall5 = evalmetrics.RecallAt(got.Paths, c.Expect, 5)
	r.Contextual = evalmetrics.ContextualScores(got.Paths, c.Expect)
	if r.RR > 0 {
		r.Rank = int(1/r.RR + 0.5)
	}
	return r
}

// Summarize averages per-query results.
func Summarize(results []QueryResult) Summary {
	s := Summary{Queries: len(results)}
	if len(results) == 0 {
		return s
	}
	scores := make([]evalmetrics.Scores, len(results))
	lat := make([]time.Duration, len(results))
	n := float64(len(results))
	for i, r := range results {
		scores[i] = r.Scores
		lat[i] = time.Duration(r.LatencyMS * float64(time.Millisecond))
		s.Recall5 += r.Recall5 / n
		s.ContextualPrecision += r.Precision / n
		s.ContextualRecall += r.Contextual.Recall / n
		s.TokensMean += float64(r.Tokens) / n
		s.TokensMax = max(s.TokensMax, r.Tokens)
		if r.Rank == 0 {
			s.Misses++
		}
	}
	m := evalmetrics.Mean(scores)
	s.Acc1, s.Acc5, s.Recall10, s.MRR, s.NDCG10 = m.Acc1, m.Acc5, m.Recall, m.RR, m.NDCG10
	s.LatencyP50MS = ms(evalmetrics.Percentile(lat, 50))
	s.LatencyP95MS = ms(evalmetrics.Percentile(lat, 95))
	return s
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
