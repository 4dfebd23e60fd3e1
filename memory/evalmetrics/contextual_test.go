package evalmetrics

import (
	"math"
	"testing"
)

func TestContextualScores(t *testing.T) {
	tests := []struct {
		name               string
		returned, expected []string
		precision, recall  float64
	}{
		{"relevant first", []string{"a", "b", "x", "y"}, []string{"a", "b"}, 1, 1},
		{"relevant last", []string{"x", "y", "a", "b"}, []string{"a", "b"}, (1.0/3 + 2.0/4) / 2, 1},
		{"interleaved", []string{"a", "x", "b"}, []string{"a", "b", "c"}, (1 + 2.0/3) / 2, 2.0 / 3},
		{"one of two, second", []string{"x", "a"}, []string{"a", "b"}, 0.5, 0.5},
		{"duplicates count once", []string{"x", "x", "a"}, []string{"a"}, 0.5, 1},
		{"nothing relevant", []string{"x", "y"}, []string{"a"}, 0, 0},
		{"nothing returned", nil, []string{"a"}, 0, 0},
		{"nothing expected", []string{"a"}, nil, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ContextualScores(tt.returned, tt.expected)
			if math.Abs(got.Precision-tt.precision) > 1e-9 || math.Abs(got.Recall-tt.recall) > 1e-9 {
				t.Errorf("ContextualScores(%v, %v) = %+v, want precision %.4f recall %.4f", tt.returned, tt.expected, got, tt.precision, tt.recall)
			}
		})
	}
}

func TestRecallAt(t *testing.T) {
	ranked := []string{"x", "a", "x", "y", "z", "w", "b"}
	tests := []struct {
		k    int
		want float64
	}{{0, 0}, {1, 0}, {2, 0.5}, {5, 0.5}, {6, 1}, {50, 1}}
	for _, tt := range tests {
		if got := RecallAt(ranked, []string{"a", "b"}, tt.k); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("RecallAt(k=%d) = %v, want %v", tt.k, got, tt.want)
		}
	}
	if got := RecallAt(ranked, nil, 5); got != 0 {
		t.Errorf("no expected items: %v, want 0", got)
	}
}
