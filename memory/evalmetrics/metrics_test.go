package evalmetrics

import (
	"math"
	"testing"
	"time"
)

func TestScore(t *testing.T) {
	l2 := func(rank int) float64 { return 1 / math.Log2(float64(rank)+1) }
	tests := []struct {
		name     string
		ranked   []string
		expected []string
		want     Scores
	}{
		{"first is right", []string{"a", "b", "c"}, []string{"a"},
			Scores{Acc1: 1, Acc5: 1, RR: 1, NDCG10: 1, Recall: 1}},
		{"third is right", []string{"x", "y", "a"}, []string{"a"},
			Scores{Acc5: 1, RR: 1.0 / 3, NDCG10: 0.5, Recall: 1}},
		{"sixth: outside acc5, inside top 10", []string{"1", "2", "3", "4", "5", "a"}, []string{"a"},
			Scores{RR: 1.0 / 6, NDCG10: l2(6), Recall: 1}},
		{"eleventh: counts for RR only", []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "a"}, []string{"a"},
			Scores{RR: 1.0 / 11}},
		{"two expected, one found second", []string{"x", "b", "y"}, []string{"a", "b"},
			Scores{Acc5: 1, RR: 0.5, NDCG10: l2(2) / (l2(1) + l2(2)), Recall: 0.5}},
		{"two expected at 1 and 3", []string{"a", "x", "b"}, []string{"a", "b"},
			Scores{Acc1: 1, Acc5: 1, RR: 1, NDCG10: (1 + 0.5) / (l2(1) + l2(2)), Recall: 1}},
		{"duplicates count once", []string{"x", "x", "x", "a"}, []string{"a"},
			Scores{Acc5: 1, RR: 0.5, NDCG10: l2(2), Recall: 1}},
		{"nothing found", []string{"x", "y"}, []string{"a"}, Scores{}},
		{"empty ranking", nil, []string{"a"}, Scores{}},
		{"empty expected", []string{"a"}, nil, Scores{}},
		{"repeated expected is one item", []string{"a"}, []string{"a", "a"},
			Scores{Acc1: 1, Acc5: 1, RR: 1, NDCG10: 1, Recall: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Score(tt.ranked, tt.expected)
			if !nearlyEqual(got, tt.want) {
				t.Errorf("Score(%v, %v) = %+v, want %+v", tt.ranked, tt.expected, got, tt.want)
			}
		})
	}
}

func TestMean(t *testing.T) {
	got := Mean([]Scores{
		{Acc1: 1, Acc5: 1, RR: 1, NDCG10: 1, Recall: 1},
		{Acc5: 1, RR: 0.5, NDCG10: 0.5, Recall: 0.5},
		{},
		{Acc5: 1, RR: 0.25, NDCG10: 0.25, Recall: 0.5},
	})
	want := Scores{Acc1: 0.25, Acc5: 0.75, RR: 0.4375, NDCG10: 0.4375, Recall: 0.5}
	if !nearlyEqual(got, want) {
		t.Errorf("Mean = %+v, want %+v", got, want)
	}
	if (Mean(nil) != Scores{}) {
		t.Errorf("Mean(nil) is not zero")
	}
}

func TestPercentile(t *testing.T) {
	ms := func(v ...int) []time.Duration {
		var out []time.Duration
		for _, x := range v {
			out = append(out, time.Duration(x)*time.Millisecond)
		}
		return out
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = 100 - i // 100..1, unsorted on purpose
	}
	tests := []struct {
		name string
		in   []time.Duration
		p    float64
		want time.Duration
	}{
		{"empty", nil, 50, 0},
		{"one sample", ms(7), 99, 7 * time.Millisecond},
		{"median of odd", ms(5, 1, 3), 50, 3 * time.Millisecond},
		{"median of even is the lower", ms(4, 1, 3, 2), 50, 2 * time.Millisecond},
		{"p95 of 1..100", ms(hundred...), 95, 95 * time.Millisecond},
		{"p99 of 1..100", ms(hundred...), 99, 99 * time.Millisecond},
		{"p100 is the max", ms(hundred...), 100, 100 * time.Millisecond},
		{"tiny p is the min", ms(hundred...), 0.001, 1 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := append([]time.Duration(nil), tt.in...)
			if got := Percentile(tt.in, tt.p); got != tt.want {
				t.Errorf("Percentile(p%v) = %v, want %v", tt.p, got, tt.want)
			}
			for i := range before {
				if before[i] != tt.in[i] {
					t.Fatalf("Percentile reordered its input")
				}
			}
		})
	}
}

func nearlyEqual(a, b Scores) bool {
	eq := func(x, y float64) bool { return math.Abs(x-y) < 1e-9 }
	return eq(a.Acc1, b.Acc1) && eq(a.Acc5, b.Acc5) && eq(a.RR, b.RR) && eq(a.NDCG10, b.NDCG10) && eq(a.Recall, b.Recall)
}

func TestScoreHits(t *testing.T) {
	l2 := func(rank int) float64 { return 1 / math.Log2(float64(rank)+1) }
	tests := []struct {
		name     string
		hits     []string
		expected []string
		want     Scores
	}{
		{"first hit is right", []string{"a", "a", "b"}, []string{"a"},
			Scores{Acc1: 1, Acc5: 1, RR: 1, NDCG10: 1, Recall: 1}},
		{"repeated wrong file takes positions", []string{"x", "x", "x", "x", "x", "a"}, []string{"a"},
			Scores{RR: 1.0 / 6, NDCG10: l2(6), Recall: 1}},
		{"fifth hit is inside acc5", []string{"x", "x", "y", "y", "a"}, []string{"a"},
			Scores{Acc5: 1, RR: 0.2, NDCG10: l2(5), Recall: 1}},
		{"an expected file counts once", []string{"a", "a"}, []string{"a", "b"},
			Scores{Acc1: 1, Acc5: 1, RR: 1, NDCG10: 1 / (l2(1) + l2(2)), Recall: 0.5}},
		{"eleventh hit is not scored", []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "a"}, []string{"a"}, Scores{}},
		{"empty expected", []string{"a"}, nil, Scores{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ScoreHits(tt.hits, tt.expected)
			if !nearlyEqual(got, tt.want) {
				t.Errorf("ScoreHits(%v, %v) = %+v, want %+v", tt.hits, tt.expected, got, tt.want)
			}
		})
	}
}
