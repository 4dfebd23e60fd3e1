// Package evalmetrics scores ranked retrieval results against a set of expected
// items (file-level localization) and summarizes latencies. The definitions
// are spelled out here because papers disagree on them, and the numbers in
// bench/README.md mean exactly what this file computes.
package evalmetrics

import (
	"math"
	"slices"
	"time"
)

// Scores are the per-query figures for one ranked list.
type Scores struct {
	Acc1   float64 `json:"acc_at_1"`     // 1 if an expected item is ranked first
	Acc5   float64 `json:"acc_at_5"`     // 1 if any expected item is in the top 5 (hit rate, not "all")
	RR     float64 `json:"mrr"`          // 1/rank of the first expected item, 0 if none is ranked
	NDCG10 float64 `json:"ndcg_at_10"`   // binary-relevance nDCG over the top 10
	Recall float64 `json:"recall_at_10"` // share of expected items found in the top 10
}

// Score rates one ranked list. Repeated items in ranked count once, at their
// first position, so a retriever cannot score twice with the same file.
// An empty expected set scores zero everywhere.
func Score(ranked, expected []string) Scores {
	if len(expected) == 0 {
		return Scores{}
	}
	want := make(map[string]bool, len(expected))
	for _, e := range expected {
		want[e] = true
	}
	seen := make(map[string]bool, len(ranked))
	var s Scores
	var dcg float64
	found := 0
	rank := 0
	for _, r := range ranked {
		if seen[r] {
			continue
		}
		seen[r] = true
		rank++
		if !want[r] {
			continue
		}
		if s.RR == 0 {
			s.RR = 1 / float64(rank)
		}
		if rank == 1 {
			s.Acc1 = 1
		}
		if rank <= 5 {
			s.Acc5 = 1
		}
		if rank <= 10 {
			dcg += 1 / math.Log2(float64(rank)+1)
			found++
		}
	}
	var idcg float64
	for i := 1; i <= min(len(want), 10); i++ {
		idcg += 1 / math.Log2(float64(i)+1)
	}
	s.NDCG10 = dcg / idcg
	s.Recall = float64(found) / float64(len(want))
	return s
}

// ScoreHits rates a list of hits as a reader meets them: a file may come
// back several times (one hit per chunk) and every hit takes a position, so
// Acc@5 means "among the first five hits", not "among the first five
// distinct files". An expected file is relevant at its first position only.
func ScoreHits(hits, expected []string) Scores {
	if len(expected) == 0 {
		return Scores{}
	}
	want := make(map[string]bool, len(expected))
	for _, e := range expected {
		want[e] = true
	}
	found := map[string]bool{}
	var s Scores
	var dcg float64
	for i, h := range hits {
		pos := i + 1
		if pos > 10 {
			break
		}
		if !want[h] || found[h] {
			continue
		}
		found[h] = true
		if s.RR == 0 {
			s.RR = 1 / float64(pos)
			s.Acc1 = b2f(pos == 1)
			s.Acc5 = b2f(pos <= 5)
		}
		dcg += 1 / math.Log2(float64(pos)+1)
	}
	var idcg float64
	for i := 1; i <= min(len(want), 10); i++ {
		idcg += 1 / math.Log2(float64(i)+1)
	}
	s.NDCG10 = dcg / idcg
	s.Recall = float64(len(found)) / float64(len(want))
	return s
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// Mean averages per-query scores; the mean of RR is MRR.
func Mean(all []Scores) Scores {
	var m Scores
	if len(all) == 0 {
		return m
	}
	for _, s := range all {
		m.Acc1 += s.Acc1
		m.Acc5 += s.Acc5
		m.RR += s.RR
		m.NDCG10 += s.NDCG10
		m.Recall += s.Recall
	}
	n := float64(len(all))
	m.Acc1 /= n
	m.Acc5 /= n
	m.RR /= n
	m.NDCG10 /= n
	m.Recall /= n
	return m
}

// Percentile returns the nearest-rank p-th percentile (0 < p <= 100) of ds:
// the smallest value with at least p% of the samples at or below it.
// It returns 0 for no samples and does not reorder ds.
func Percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	sorted := slices.Clone(ds)
	slices.Sort(sorted)
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	rank = max(1, min(rank, len(sorted)))
	return sorted[rank-1]
}
