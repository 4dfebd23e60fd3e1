package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/devaiops/devai/bench/internal/locset"
	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/chunk"
	metrics "github.com/devaiops/devai/memory/evalmetrics"
)

// runQuestions scores the developer-question set: every question asked as
// search_context asks it by default (every kind, hits as chunks), per arm,
// per split. Besides Acc@1/Acc@5 of the answer files it reports how often
// a hit in an answer file names an answer symbol in the top 5, and, for
// questions about code, how often the first hit is a test.
func runQuestions(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("questions", flag.ContinueOnError)
	dir := fs.String("dir", "bench/locset/questions", "folder of question files (*.jsonl) and splits.txt")
	mirrors := fs.String("mirrors", "/work/.mirror", "folder of bare mirrors named owner+name/repo")
	arms := fs.String("arms", "bm25,text,vector,hybrid", "arms to score, comma-separated (see eval-issues)")
	only := fs.String("half", "", "score only this half: tune or held-out")
	perQuery := fs.String("per-query", "", "also write every question's hits to this JSON-lines file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	set, err := readQuestions(*dir)
	if err != nil {
		return err
	}
	split, err := readSplits(filepath.Join(*dir, "splits.txt"))
	if err != nil {
		return err
	}
	if set, err = keepHalf(set, split, *only); err != nil {
		return err
	}
	armList, err := parseArms(*arms)
	if err != nil {
		return err
	}
	opts := locset.EvalOptions{Chunks: true, Limit: 10}
	all, err := askAll(ctx, *mirrors, set, armList, opts, memory.DefaultWeights, *perQuery, split, nil)
	if err != nil {
		return err
	}
	printQuestionTable(os.Stdout, all, armList, split, byID(set))
	return nil
}

// readQuestions reads every *.jsonl of dir and checks what scoring relies
// on: a repository, a snapshot, what is asked, and unique ids.
func readQuestions(dir string) ([]locset.Query, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	if err != nil || len(paths) == 0 {
		return nil, fmt.Errorf("no question files (*.jsonl) in %s", dir)
	}
	var set []locset.Query
	ids := map[string]string{}
	for _, p := range paths {
		qs, err := readAnySet(p)
		if err != nil {
			return nil, err
		}
		for _, q := range qs {
			if q.Asks != "code" && q.Asks != "test" {
				return nil, fmt.Errorf("%s: question %s: asks is %q, want code or test", p, q.Commit, q.Asks)
			}
			if len(q.Snapshot) != 40 {
				return nil, fmt.Errorf("%s: question %s: snapshot must be a full commit id", p, q.Commit)
			}
			if prev, dup := ids[q.Commit]; dup || q.Commit == "" {
				return nil, fmt.Errorf("%s: question id %q is empty or used before (in %s)", p, q.Commit, prev)
			}
			ids[q.Commit] = p
		}
		set = append(set, qs...)
	}
	return set, nil
}

// keepHalf keeps the questions of one half; every repository must have one.
func keepHalf(set []locset.Query, split splitFile, half string) ([]locset.Query, error) {
	if half != "" && half != "tune" && half != "held-out" {
		return nil, fmt.Errorf("--half %q: want tune or held-out", half)
	}
	var out []locset.Query
	for _, q := range set {
		h, ok := split.of[q.Repo]
		if !ok {
			return nil, fmt.Errorf("question %s: repository %s is not in the split file", q.Commit, q.Repo)
		}
		if half == "" || h == half {
			out = append(out, q)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("no question left to score")
	}
	return out, nil
}

func byID(set []locset.Query) map[string]locset.Query {
	m := make(map[string]locset.Query, len(set))
	for _, q := range set {
		m[q.Commit] = q
	}
	return m
}

// questionFigures are one arm's figures over some questions.
type questionFigures struct {
	n, code   int
	scores    metrics.Scores
	symbolAt5 float64 // share with a hit naming an answer symbol in the top 5
	testFirst float64 // share of code questions whose first hit is a test
	p50, p95  time.Duration
}

func figures(rs []armResult, qs map[string]locset.Query) questionFigures {
	var f questionFigures
	var scores []metrics.Scores
	var lat []time.Duration
	symbolHits, testFirst := 0, 0
	for _, r := range rs {
		q := qs[r.Commit]
		scores = append(scores, r.Scores)
		lat = append(lat, r.Latency)
		if namesAnswer(r.Hits, q, 5) {
			symbolHits++
		}
		if q.Asks == "code" {
			f.code++
			if len(r.Hits) > 0 && r.Hits[0].Kind == chunk.Test {
				testFirst++
			}
		}
	}
	f.n = len(rs)
	if f.n == 0 {
		return f
	}
	f.scores = metrics.Mean(scores)
	f.symbolAt5 = float64(symbolHits) / float64(f.n)
	if f.code > 0 {
		f.testFirst = float64(testFirst) / float64(f.code)
	}
	f.p50, f.p95 = metrics.Percentile(lat, 50), metrics.Percentile(lat, 95)
	return f
}

// namesAnswer reports whether one of the first k hits lies in an answer
// file and names an answer symbol: the hit's qualified symbol ends with
// it ("echo.Router.Find" answers "Router.Find" and "Find"). A question
// without symbols counts its answer files alone.
func namesAnswer(hits []locset.HitBrief, q locset.Query, k int) bool {
	for _, h := range hits[:min(k, len(hits))] {
		if !slices.Contains(q.Files, h.Path) {
			continue
		}
		if len(q.Symbols) == 0 {
			return true
		}
		for _, s := range q.Symbols {
			if h.Symbol == s || strings.HasSuffix(h.Symbol, "."+s) {
				return true
			}
		}
	}
	return false
}

// printQuestionTable prints, per split, one Markdown row per arm.
func printQuestionTable(w io.Writer, all []armResult, arms []arm, split splitFile, qs map[string]locset.Query) {
	for _, part := range []string{"tune", "held-out"} {
		repos := map[string]bool{}
		for _, r := range all {
			if split.of[r.repo] == part {
				repos[r.repo] = true
			}
		}
		if len(repos) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n%s: %d repositories\n\n", part, len(repos))
		fmt.Fprintln(w, "| arm | questions | Acc@1 | Acc@5 | MRR | symbol@5 | code questions, test first | p50 | p95 |")
		fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|---:|")
		for _, a := range arms {
			var rs []armResult
			for _, r := range all {
				if r.arm == a.name && split.of[r.repo] == part {
					rs = append(rs, r)
				}
			}
			f := figures(rs, qs)
			if f.n == 0 {
				continue
			}
			fmt.Fprintf(w, "| %s | %d | %.3f | %.3f | %.3f | %.3f | %.3f of %d | %s | %s |\n", a.name, f.n,
				f.scores.Acc1, f.scores.Acc5, f.scores.RR, f.symbolAt5, f.testFirst, f.code, ms(f.p50), ms(f.p95))
		}
	}
}
