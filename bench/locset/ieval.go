package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/devaiops/devai/bench/internal/locset"
	"github.com/devaiops/devai/bench/internal/progress"
	"github.com/devaiops/devai/memory"
	metrics "github.com/devaiops/devai/memory/evalmetrics"
)

// arm is one way of asking: a retrieval mode, the long-query rules and,
// for the plain baseline, weights of its own.
type arm struct {
	name    string
	mode    memory.Mode
	rules   memory.QueryRules
	weights *memory.Weights // nil: the run's weights
}

// setArmWeight reads one "name=value" part of an arm ("hybrid+other-kind=0"):
// the arm ranks with the run's weights but that one.
func setArmWeight(a *arm, name, value string) error {
	v, err := strconv.ParseFloat(value, 64)
	if err != nil {
		return fmt.Errorf("weight %s=%s is not a number", name, value)
	}
	if a.weights == nil {
		w := memory.DefaultWeights
		a.weights = &w
	}
	return a.weights.Set(name, v)
}

// plainBM25 ranks by BM25 alone: no verbatim, symbol, requirement, graph
// or hint signal — the naive baseline a question set is measured against.
var plainBM25 = memory.Weights{Text: 1}

// parseArms reads "bm25,text,vector,hybrid,hybrid+strip,hybrid+hints+strong,
// hybrid+noexact,hybrid+other-kind=0": a mode, then any of the rules strip,
// hints and strong, weights as name=value (memory.WeightNames), and noexact
// for exact=0. A bare mode uses no rule at all, so that it is the baseline
// whatever the defaults are; bm25 is the text channel with every other
// signal off.
func parseArms(s string) ([]arm, error) {
	var arms []arm
	for _, name := range splitList(s) {
		if name == "bm25" {
			arms = append(arms, arm{name: name, mode: memory.ModeText, weights: &plainBM25})
			continue
		}
		parts := strings.Split(name, "+")
		a := arm{name: name, mode: memory.Mode(parts[0])}
		switch a.mode {
		case memory.ModeText, memory.ModeVector, memory.ModeHybrid:
		default:
			return nil, fmt.Errorf("arm %q: unknown mode %q (want text, vector or hybrid)", name, parts[0])
		}
		var ruleNames []string
		for _, p := range parts[1:] {
			if p == "noexact" {
				p = "exact=0" // the verbatim channel off, what eval's --exact-weight 0 does
			}
			k, v, isWeight := strings.Cut(p, "=")
			if !isWeight {
				ruleNames = append(ruleNames, p)
				continue
			}
			if err := setArmWeight(&a, k, v); err != nil {
				return nil, fmt.Errorf("arm %q: %w", name, err)
			}
		}
		if err := addRules(&a.rules, ruleNames); err != nil {
			return nil, fmt.Errorf("arm %q: %w", name, err)
		}
		arms = append(arms, a)
	}
	if len(arms) == 0 {
		return nil, errors.New("--arms names no arm")
	}
	return arms, nil
}

// runEvalIssues scores an issue set, whose queries each have their own
// snapshot (the fix's parent) in their own repository: each snapshot is
// extracted from its mirror and indexed once, then every arm asks its
// queries (the index is reopened with the arm's rules, not rebuilt).
// Scores are reported per split of the split file, tune first.
func runEvalIssues(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("eval-issues", flag.ContinueOnError)
	setPath := fs.String("set", "", "issue set written by `locset issues`; required")
	mirrors := fs.String("mirrors", "/work/.mirror", "folder of bare mirrors named owner+name/repo")
	splits := fs.String("splits", "bench/locset/issuesets/splits.txt", "repositories and their split")
	arms := fs.String("arms", "text,vector,hybrid,hybrid+strip,hybrid+hints,hybrid+strong,hybrid+strip+hints+strong", "arms to score, comma-separated: bm25 (plain BM25), or a mode then any of +strip, +hints, +strong, +noexact (verbatim channel off), +NAME=VALUE (a weight, see memory.WeightNames)")
	kinds := fs.String("kinds", "code", "kinds searched, comma-separated (empty: all)")
	perQuery := fs.String("per-query", "", "also write every query's ranking to this JSON-lines file")
	signals := fs.String("signals", "", "also write, per query and arm, every candidate chunk's fusion signals (memory.Signals) to this JSON-lines file, for fitting weights offline")
	hintWeight := fs.Float64("hint-weight", memory.DefaultWeights.Hint, "weight of a file the query names (rule hints)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *setPath == "" {
		return errors.New("eval-issues needs --set")
	}
	weights := memory.DefaultWeights
	weights.Hint = *hintWeight
	set, err := readAnySet(*setPath)
	if err != nil {
		return err
	}
	split, err := readSplits(*splits)
	if err != nil {
		return err
	}
	armList, err := parseArms(*arms)
	if err != nil {
		return err
	}
	opts := locset.EvalOptions{}
	if opts.Kinds, err = parseKinds(*kinds); err != nil {
		return err
	}
	var sig *signalWriter
	if *signals != "" {
		if sig, err = createSignalWriter(*signals, split); err != nil {
			return err
		}
		defer sig.close()
	}
	all, err := askAll(ctx, *mirrors, set, armList, opts, weights, *perQuery, split, sig)
	if err != nil {
		return err
	}
	printArmTable(os.Stdout, all, armList, split)
	printRepoTable(os.Stdout, all, armList, split)
	return nil
}

// askAll asks every query of set in every arm, one snapshot at a time,
// and writes the per-query file when perQuery names one.
func askAll(ctx context.Context, mirrors string, set []locset.Query, arms []arm, opts locset.EvalOptions,
	weights memory.Weights, perQuery string, split splitFile, sig *signalWriter) ([]armResult, error) {
	var all []armResult
	for _, group := range groupBySnapshot(set) {
		res, err := evalSnapshot(ctx, mirrors, group, arms, opts, weights, sig)
		if err != nil {
			return nil, err
		}
		all = append(all, res...)
	}
	if perQuery != "" {
		if err := writeArmResults(perQuery, all, split); err != nil {
			return nil, err
		}
	}
	return all, nil
}

// armResult is one query asked by one arm.
type armResult struct {
	locset.QueryResult
	arm, repo string
}

// writeArmResults writes one JSON line per query and arm, with its split.
func writeArmResults(path string, all []armResult, split splitFile) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create per-query file: %w", err)
	}
	enc := json.NewEncoder(f)
	for _, r := range all {
		rec := struct {
			Arm   string `json:"arm"`
			Repo  string `json:"repo"`
			Split string `json:"split"`
			locset.QueryResult
		}{r.arm, r.repo, split.of[r.repo], r.QueryResult}
		if err := enc.Encode(rec); err != nil {
			f.Close()
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	return f.Close()
}

func readAnySet(path string) ([]locset.Query, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open set: %w", err)
	}
	defer f.Close()
	set, err := locset.ReadSet(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	for _, q := range set {
		if q.Repo == "" {
			return nil, fmt.Errorf("%s: query %s names no repository; eval-issues reads sets written by `locset issues`", path, q.Commit)
		}
	}
	return set, nil
}

func groupBySnapshot(set []locset.Query) [][]locset.Query {
	byKey := map[string][]locset.Query{}
	var keys []string
	for _, q := range set {
		k := q.Repo + "@" + q.Snapshot
		if byKey[k] == nil {
			keys = append(keys, k)
		}
		byKey[k] = append(byKey[k], q)
	}
	sort.Strings(keys)
	out := make([][]locset.Query, 0, len(keys))
	for _, k := range keys {
		out = append(out, byKey[k])
	}
	return out
}

// evalSnapshot extracts and indexes one snapshot, then asks its queries
// in every arm.
func evalSnapshot(ctx context.Context, mirrors string, group []locset.Query, arms []arm, opts locset.EvalOptions, weights memory.Weights, sig *signalWriter) ([]armResult, error) {
	repo, snap := group[0].Repo, group[0].Snapshot
	tree, err := os.MkdirTemp("", "locset-tree-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tree)
	state, err := os.MkdirTemp("", "locset-state-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(state)
	if _, _, err := locset.Extract(ctx, mirrorDir(mirrors, repo), snap, tree); err != nil {
		return nil, err
	}
	if err := locset.AttachHistory(ctx, mirrorDir(mirrors, repo), snap, tree); err != nil {
		return nil, err
	}
	start := time.Now()
	var out []armResult
	for i, a := range arms {
		rules, w := a.rules, weights
		if a.weights != nil {
			w = *a.weights
		}
		ix, err := memory.Open(ctx, memory.Options{Repo: tree, StateDir: state, Rules: &rules, Weights: &w, Logger: progress.Logger("locset")})
		if err != nil {
			return nil, fmt.Errorf("open index of %s@%.12s: %w", repo, snap, err)
		}
		if err = ix.Sync(ctx, nil); err == nil {
			err = ix.WaitIdle(ctx)
		}
		if err != nil {
			ix.Close()
			return nil, fmt.Errorf("index %s@%.12s: %w", repo, snap, err)
		}
		if i == 0 {
			st := ix.Status()
			fmt.Fprintf(os.Stderr, "locset: %s@%.12s: %d files, %d chunks in %s; %d queries × %d arms\n",
				repo, snap, st.Files, st.Chunks, time.Since(start).Round(time.Millisecond), len(group), len(arms))
		}
		opts.Modes = []memory.Mode{a.mode}
		_, results, err := locset.Evaluate(ctx, ix, group, opts)
		if err == nil && sig != nil {
			err = sig.write(ctx, ix, a, repo, group, opts)
		}
		ix.Close()
		if err != nil {
			return nil, err
		}
		for _, r := range results {
			out = append(out, armResult{QueryResult: r, arm: a.name, repo: repo})
		}
	}
	return out, nil
}

// printArmTable prints, per split, one Markdown row per arm.
func printArmTable(w io.Writer, all []armResult, arms []arm, split splitFile) {
	for _, part := range []string{"tune", "held-out"} {
		repos := map[string]bool{}
		n := 0
		for _, r := range all {
			if split.of[r.repo] == part && r.arm == arms[0].name {
				repos[r.repo] = true
				n++
			}
		}
		fmt.Fprintf(w, "\n%s: %d issues, %d repositories\n\n", part, n, len(repos))
		fmt.Fprintln(w, "| arm | Acc@1 | Acc@5 | MRR | R@10 | p50 | p95 |")
		fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|")
		for _, a := range arms {
			var scores []metrics.Scores
			var lat []time.Duration
			for _, r := range all {
				if r.arm == a.name && split.of[r.repo] == part {
					scores = append(scores, r.Scores)
					lat = append(lat, r.Latency)
				}
			}
			if len(scores) == 0 {
				continue
			}
			s := metrics.Mean(scores)
			fmt.Fprintf(w, "| %s | %.3f | %.3f | %.3f | %.3f | %s | %s |\n", a.name, s.Acc1, s.Acc5, s.RR, s.Recall,
				ms(metrics.Percentile(lat, 50)), ms(metrics.Percentile(lat, 95)))
		}
	}
}

// printRepoTable prints one Markdown row per repository of the split file
// that has queries, with Acc@1 / Acc@5 / MRR of every arm side by side, so
// that a gain on one repository and a loss on another are both seen.
func printRepoTable(w io.Writer, all []armResult, arms []arm, split splitFile) {
	byRepoArm := map[string][]metrics.Scores{}
	for _, r := range all {
		byRepoArm[r.repo+"\x00"+r.arm] = append(byRepoArm[r.repo+"\x00"+r.arm], r.Scores)
	}
	fmt.Fprint(w, "\nper repository, Acc@1 / Acc@5 / MRR\n\n| repository | split | queries |")
	for _, a := range arms {
		fmt.Fprintf(w, " %s |", a.name)
	}
	fmt.Fprint(w, "\n|---|---|---:|"+strings.Repeat("---|", len(arms))+"\n")
	for _, repo := range split.order {
		if len(byRepoArm[repo+"\x00"+arms[0].name]) == 0 {
			continue
		}
		fmt.Fprintf(w, "| %s | %s | %d |", repo, split.of[repo], len(byRepoArm[repo+"\x00"+arms[0].name]))
		for _, a := range arms {
			s := metrics.Mean(byRepoArm[repo+"\x00"+a.name])
			fmt.Fprintf(w, " %.2f / %.2f / %.3f |", s.Acc1, s.Acc5, s.RR)
		}
		fmt.Fprintln(w)
	}
}

// parseRules reads --rules: "default", "none", or rule names joined by
// commas or pluses.
func parseRules(s string) (memory.QueryRules, error) {
	switch s {
	case "default", "":
		return memory.DefaultQueryRules, nil
	case "none":
		return memory.QueryRules{}, nil
	}
	var r memory.QueryRules
	err := addRules(&r, strings.FieldsFunc(s, func(c rune) bool { return c == ',' || c == '+' }))
	return r, err
}

func addRules(r *memory.QueryRules, names []string) error {
	for _, n := range names {
		switch n {
		case "strip":
			r.Strip = true
		case "hints":
			r.Hints = true
		case "strong":
			r.Strong = true
		default:
			return fmt.Errorf("unknown rule %q (want strip, hints or strong)", n)
		}
	}
	return nil
}
