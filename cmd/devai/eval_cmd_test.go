package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/devaiops/devai/tools/eval"
)

// TestEvalCommand runs devai eval on the shipped golden set the way CI does:
// the JSON report, a comparison, and thresholds that pass and fail.
func TestEvalCommand(t *testing.T) {
	t.Parallel()
	repo, state := shopRepo(t), t.TempDir()
	set := filepath.Join(repoRoot(t), "testdata", "golden", "shop.jsonl")
	common := []string{"--repo", repo, "--state-dir", state, "--embedder", "hash", "--log-level", "warn"}

	var out, errb bytes.Buffer
	args := append([]string{"eval", set, "--json", "--compare", "weights.vector=1", "--min-mrr", "0.5"}, common...)
	if code := run(args, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var rep eval.Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("--json is not a report: %v\n%s", err, out.String())
	}
	if len(rep.Configs) != 2 || rep.Configs[0].Name != "baseline" || rep.Configs[1].Name != "weights.vector=1" {
		t.Fatalf("configs %+v, want baseline and weights.vector=1", rep.Configs)
	}
	if !strings.Contains(rep.Configs[1].Settings, "vector 1,") || !strings.Contains(rep.Configs[0].Settings, "vector 0.3,") {
		t.Errorf("settings do not show the weights: %q / %q", rep.Configs[0].Settings, rep.Configs[1].Settings)
	}
	s := rep.Configs[0].Summary
	if s.Queries < 20 || s.MRR < 0.5 || s.TokensMean <= 0 || s.LatencyP50MS <= 0 || len(rep.Configs[0].Queries) != s.Queries {
		t.Errorf("summary %+v with %d query results: want every figure measured", s, len(rep.Configs[0].Queries))
	}

	out.Reset()
	errb.Reset()
	args = append([]string{"eval", set, "--min-mrr", "0.99", "--min-acc1", "0.1", "--no-sync"}, common...)
	if code := run(args, &out, &errb); code != 1 {
		t.Fatalf("an unmet threshold: exit %d, want 1; stderr %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "| MRR |") || !strings.Contains(out.String(), "mrr ") || strings.Contains(errb.String(), "acc_at_1") {
		t.Errorf("the report or the failure is wrong:\n%s\nstderr: %s", out.String(), errb.String())
	}
}

func TestEvalCommandBadInput(t *testing.T) {
	repo := shopRepo(t)
	bad := filepath.Join(t.TempDir(), "bad.jsonl")
	if err := os.WriteFile(bad, []byte("{\"query\": \"q\", \"expect\": [\"a\"]}\n{\"query\": \"\"}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no file", []string{"eval"}, "give one golden set file"},
		{"missing file", []string{"eval", "/no/such.jsonl"}, "open the golden set"},
		{"bad line", []string{"eval", bad}, "line 2: query is empty"},
		{"bad compare", []string{"eval", bad, "--compare", "colour=blue"}, `unknown key "colour"`},
		{"bad limit", []string{"eval", bad, "--limit", "0"}, "--limit 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			if code := run(append(tt.args, "--repo", repo, "--state-dir", t.TempDir()), &out, &errb); code != 2 {
				t.Fatalf("exit %d, want 2; stderr %s", code, errb.String())
			}
			if !strings.Contains(errb.String(), tt.want) {
				t.Errorf("stderr %q lacks %q", errb.String(), tt.want)
			}
		})
	}
}
