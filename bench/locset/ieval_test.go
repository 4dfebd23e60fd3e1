package main

import (
	"strings"
	"testing"

	"github.com/devaiops/devai/bench/internal/locset"
	"github.com/devaiops/devai/memory"
	metrics "github.com/devaiops/devai/memory/evalmetrics"
)

func TestParseArms(t *testing.T) {
	tests := []struct {
		in      string
		mode    memory.Mode
		rules   memory.QueryRules
		noExact bool
		bad     bool
	}{
		{in: "hybrid", mode: memory.ModeHybrid},
		{in: "hybrid+hints+noexact", mode: memory.ModeHybrid, rules: memory.QueryRules{Hints: true}, noExact: true},
		{in: "text+noexact", mode: memory.ModeText, noExact: true},
		{in: "vector+strong", mode: memory.ModeVector, rules: memory.QueryRules{Strong: true}},
		{in: "hybrid+other-kind=0.3", mode: memory.ModeHybrid},
		{in: "bm25", mode: memory.ModeText, noExact: true},
		{in: "hybrid+exact", bad: true},
		{in: "hybrid+exact=x", bad: true},
		{in: "hybrid+other-kind=1", bad: true},
		{in: "hybrid+speed=2", bad: true},
		{in: "grep", bad: true},
	}
	for _, tt := range tests {
		arms, err := parseArms(tt.in)
		if tt.bad {
			if err == nil {
				t.Errorf("parseArms(%q) = %+v, want an error", tt.in, arms)
			}
			continue
		}
		if err != nil {
			t.Fatalf("parseArms(%q): %v", tt.in, err)
		}
		a := arms[0]
		noExact := a.weights != nil && a.weights.Exact == 0
		if a.name != tt.in || a.mode != tt.mode || a.rules != tt.rules || noExact != tt.noExact {
			t.Errorf("parseArms(%q) = %+v, want mode %s rules %+v noExact %v", tt.in, a, tt.mode, tt.rules, tt.noExact)
		}
	}
}

// TestPrintRepoTable: each repository of the split file with queries gets
// one row, every arm's mean side by side; repositories without queries are
// left out.
func TestPrintRepoTable(t *testing.T) {
	split := splitFile{order: []string{"a/x", "b/y", "c/z"}, of: map[string]string{"a/x": "tune", "b/y": "held-out", "c/z": "tune"}}
	arms := []arm{{name: "text"}, {name: "hybrid"}}
	res := func(repo, arm string, acc1, acc5, rr float64) armResult {
		return armResult{QueryResult: locset.QueryResult{Scores: metrics.Scores{Acc1: acc1, Acc5: acc5, RR: rr}}, arm: arm, repo: repo}
	}
	all := []armResult{
		res("a/x", "text", 1, 1, 1), res("a/x", "text", 0, 1, 0.5),
		res("a/x", "hybrid", 0, 0, 0), res("a/x", "hybrid", 0, 1, 0.25),
		res("b/y", "text", 1, 1, 1), res("b/y", "hybrid", 0, 1, 0.5),
	}
	var b strings.Builder
	printRepoTable(&b, all, arms, split)
	for _, want := range []string{
		"| a/x | tune | 2 | 0.50 / 1.00 / 0.750 | 0.00 / 0.50 / 0.125 |\n",
		"| b/y | held-out | 1 | 1.00 / 1.00 / 1.000 | 0.00 / 1.00 / 0.500 |\n",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("table lacks row %q:\n%s", want, b.String())
		}
	}
	if strings.Contains(b.String(), "c/z") {
		t.Errorf("a repository without queries has a row:\n%s", b.String())
	}
}
