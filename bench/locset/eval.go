package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/devaiops/devai/bench/internal/locset"
	"github.com/devaiops/devai/bench/internal/progress"
	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/chunk"
)

// evalReport is the --json output.
type evalReport struct {
	Set       string              `json:"set"`
	Snapshot  string              `json:"snapshot"`
	Tree      string              `json:"tree"`
	Embedder  string              `json:"embedder"`
	Kinds     []chunk.Kind        `json:"kinds"`
	Files     int                 `json:"files"`
	Chunks    int                 `json:"chunks"`
	IndexTook time.Duration       `json:"index_took_ns"`
	Modes     []locset.ModeReport `json:"modes"`
}

func runEval(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	setPath := fs.String("set", "", "set file written by build; required")
	tree := fs.String("tree", "", "source tree at the set's snapshot")
	gitDir := fs.String("git", "", "repository to extract the snapshot tree from, instead of --tree")
	stateDir := fs.String("state-dir", "", "index state directory (default: a temporary one, removed afterwards)")
	modes := fs.String("modes", "text,vector,hybrid", "retrieval modes to score, comma-separated")
	kinds := fs.String("kinds", "code", "kinds searched, comma-separated (empty: all)")
	embedder := fs.String("embedder", "builtin", "embedder of the index")
	exactWeight := fs.Float64("exact-weight", memory.DefaultWeights.Exact, "weight of verbatim matches (0: the channel is off)")
	vectorWeight := fs.Float64("vector-weight", memory.DefaultWeights.Vector, "weight of the vector channel in hybrid fusion (text is 1)")
	weightsFlag := fs.String("weights", "", "other weights, NAME=VALUE comma-separated (memory.WeightNames), over the defaults")
	perQuery := fs.String("per-query", "", "also write every query's ranking to this JSON-lines file")
	rulesFlag := fs.String("rules", "default", "long-query rules: default, none, or any of strip,hints,strong")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *setPath == "" || (*tree == "") == (*gitDir == "") {
		return errors.New("eval needs --set and exactly one of --tree and --git")
	}
	set, err := readSet(*setPath)
	if err != nil {
		return err
	}
	opts := locset.EvalOptions{}
	if opts.Modes, err = parseModes(*modes); err != nil {
		return err
	}
	if containsMode(opts.Modes, modeGrep) && *gitDir == "" {
		return errors.New("--modes grep needs --git")
	}
	if opts.Kinds, err = parseKinds(*kinds); err != nil {
		return err
	}
	rules, err := parseRules(*rulesFlag)
	if err != nil {
		return err
	}

	if *gitDir != "" {
		dir, err := os.MkdirTemp("", "locset-tree-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		n, missing, err := locset.Extract(ctx, *gitDir, set[0].Snapshot, dir)
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "locset: extracted %d files of %.12s into %s; %d blobs absent from the repository: %v\n",
			n, set[0].Snapshot, dir, len(missing), missing)
		*tree = dir
	}
	if *stateDir == "" {
		dir, err := os.MkdirTemp("", "locset-state-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		*stateDir = dir
	}

	if absent := missingAnswers(*tree, set); absent > 0 {
		fmt.Fprintf(os.Stderr, "locset: warning: %d queries expect files absent from %s; they cannot score\n", absent, *tree)
	}

	start := time.Now()
	weights := memory.DefaultWeights
	weights.Vector = *vectorWeight
	weights.Exact = *exactWeight
	if err := setWeights(&weights, *weightsFlag); err != nil {
		return err
	}
	ix, err := memory.Open(ctx, memory.Options{Repo: *tree, StateDir: *stateDir, Embedder: *embedder, Weights: &weights, Rules: &rules, Logger: progress.Logger("locset")})
	if err != nil {
		return fmt.Errorf("open index over %s: %w", *tree, err)
	}
	defer ix.Close()
	if err := ix.Sync(ctx, progress.Printer(os.Stderr, "index", 5*time.Second)); err != nil {
		return fmt.Errorf("index %s: %w", *tree, err)
	}
	if err := ix.WaitIdle(ctx); err != nil {
		return err
	}
	st := ix.Status()
	report := evalReport{Set: *setPath, Snapshot: set[0].Snapshot, Tree: *tree, Embedder: st.Embedder, Kinds: opts.Kinds,
		Files: st.Files, Chunks: st.Chunks, IndexTook: time.Since(start)}
	fmt.Fprintf(os.Stderr, "locset: indexed %d files, %d chunks in %s; asking %d queries × %d modes\n",
		st.Files, st.Chunks, report.IndexTook.Round(time.Millisecond), len(set), len(opts.Modes))

	var results []locset.QueryResult
	report.Modes, results, err = locset.Evaluate(ctx, grepOrIndex{index: ix, gitDir: *gitDir, commit: set[0].Snapshot}, set, opts)
	if err != nil {
		return err
	}
	if *perQuery != "" {
		if err := writePerQuery(*perQuery, results); err != nil {
			return err
		}
	}
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(report)
	}
	printTable(os.Stdout, report)
	return nil
}

func readSet(path string) ([]locset.Query, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open set: %w", err)
	}
	defer f.Close()
	set, err := locset.ReadSet(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(set) == 0 {
		return nil, fmt.Errorf("%s holds no queries", path)
	}
	for _, q := range set[1:] {
		if q.Snapshot != set[0].Snapshot {
			return nil, fmt.Errorf("%s mixes snapshots %.12s and %.12s; one index cannot answer both", path, set[0].Snapshot, q.Snapshot)
		}
	}
	return set, nil
}

// missingAnswers counts queries with an expected file not in tree.
func missingAnswers(tree string, set []locset.Query) int {
	n := 0
	for _, q := range set {
		for _, f := range q.Files {
			if _, err := os.Stat(filepath.Join(tree, filepath.FromSlash(f))); err != nil {
				n++
				break
			}
		}
	}
	return n
}

func parseModes(s string) ([]memory.Mode, error) {
	var modes []memory.Mode
	for _, m := range splitList(s) {
		switch mode := memory.Mode(m); mode {
		case memory.ModeText, memory.ModeVector, memory.ModeHybrid, modeGrep:
			modes = append(modes, mode)
		default:
			return nil, fmt.Errorf("unknown mode %q (want text, vector, hybrid or grep)", m)
		}
	}
	if len(modes) == 0 {
		return nil, errors.New("--modes names no mode")
	}
	return modes, nil
}

func containsMode(modes []memory.Mode, m memory.Mode) bool {
	for _, x := range modes {
		if x == m {
			return true
		}
	}
	return false
}

func parseKinds(s string) ([]chunk.Kind, error) {
	var kinds []chunk.Kind
	for _, k := range splitList(s) {
		kind, ok := chunk.ParseKind(k)
		if !ok {
			return nil, fmt.Errorf("unknown kind %q (want spec, code, test or log)", k)
		}
		kinds = append(kinds, kind)
	}
	return kinds, nil
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

func writePerQuery(path string, results []locset.QueryResult) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create per-query file: %w", err)
	}
	enc := json.NewEncoder(f)
	for _, r := range results {
		if err := enc.Encode(r); err != nil {
			f.Close()
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	return f.Close()
}

// printTable prints a Markdown table, ready to paste into bench/README.md.
func printTable(w io.Writer, r evalReport) {
	fmt.Fprintf(w, "snapshot %.12s, %d files, %d chunks, embedder %s, kinds %v, indexed in %s\n\n",
		r.Snapshot, r.Files, r.Chunks, r.Embedder, r.Kinds, r.IndexTook.Round(100*time.Millisecond))
	fmt.Fprintln(w, "| mode | queries | Acc@1 | Acc@5 | MRR | nDCG@10 | R@10 | p50 | p95 |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, m := range r.Modes {
		s := m.Scores
		fmt.Fprintf(w, "| %s | %d | %.3f | %.3f | %.3f | %.3f | %.3f | %s | %s |\n", m.Mode, m.Queries,
			s.Acc1, s.Acc5, s.RR, s.NDCG10, s.Recall, ms(m.P50), ms(m.P95))
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }
