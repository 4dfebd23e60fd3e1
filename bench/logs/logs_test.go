package main

import (
	"fmt"
	"strings"
	"testing"
)

func TestGroupingAccuracy(t *testing.T) {
	truth := []string{"a", "a", "b", "b", "c", "c"}
	for _, c := range []struct {
		got  []int
		want float64
	}{
		{[]int{1, 1, 2, 2, 3, 3}, 1},
		{[]int{1, 1, 1, 1, 3, 3}, 2.0 / 6}, // a and b merged: only c is right
		{[]int{1, 2, 3, 3, 4, 4}, 4.0 / 6}, // a split: b and c are right
		{[]int{1, 1, 2, 2, 2, 3}, 2.0 / 6},
	} {
		if got := groupingAccuracy(truth, c.got); got != c.want {
			t.Errorf("GA(%v) = %.3f, want %.3f", c.got, got, c.want)
		}
	}
}

// TestMiningAccuracyFloor scores the miner devai logs uses on the held-out
// half of the committed labelled logs (bench/README.md has the figures);
// it fails when grouping gets clearly worse than measured.
func TestMiningAccuracyFloor(t *testing.T) {
	rows, err := scoreAll("../../testdata/logs-labelled", "test")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 6 {
		t.Fatalf("%d datasets, want at least 5 formats", len(rows)-1)
	}
	floors := map[string]float64{"average": 0.84, "slog-json.test": 0.95, "nginx-access.test": 0.95, "python.test": 0.95, "postgres.test": 0.95, "hclog.test": 0.95}
	var table strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&table, "%-20s GA %.3f (plain Drain %.3f)\n", r.Dataset, r.GA, r.PlainGA)
		if f, ok := floors[r.Dataset]; ok && r.GA < f {
			t.Errorf("%s: GA %.3f below %.2f", r.Dataset, r.GA, f)
		}
	}
	t.Log("\n" + table.String())
}
