package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/devaiops/devai/memory"
	metrics "github.com/devaiops/devai/memory/evalmetrics"
)

// signalRecord is one line of eval-issues' --signals file: what the
// fusion saw of one query in one arm.
type signalRecord struct {
	Arm     string            `json:"arm"`
	Repo    string            `json:"repo"`
	Split   string            `json:"split"`
	Commit  string            `json:"commit"`
	Files   []string          `json:"files"`
	Shape   memory.QueryShape `json:"shape"`
	Signals []memory.Signals  `json:"signals"`
}

// fitSet is one named set of queries the fit scores on: the objective is
// Acc@1 + Acc@5 averaged over the sets, so that a set with more queries
// does not outvote the others.
type fitSet struct {
	name    string
	records []signalRecord
}

// refitGrid are the values coordinate ascent tries for a weight: ranks'
// weights on an absolute scale (the text channel is 1), shares below 1.
var (
	rankGrid  = []float64{0, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 4, 5, 6, 8, 10}
	shareGrid = []float64{0, 0.1, 0.25, 0.4, 0.5, 0.6, 0.75, 0.9}
	shares    = map[string]bool{"other-kind": true, "docs": true, "non-code": true, "examples": true, "long-exact-cut": true, "statement-vector-cut": true}
)

// runRefit re-fuses the signals eval-issues wrote under other weights
// and fits them by coordinate ascent. Only the weights that act after
// the channels can be fitted this way (not title or comments, which
// change what the text channel returns, and not graph, which is left out
// of the signals).
func runRefit(_ context.Context, args []string) error {
	fs := flag.NewFlagSet("refit", flag.ContinueOnError)
	sets := fs.String("signals", "", "sets to fit on, comma-separated NAME=FILE[+FILE…] of eval-issues --signals files; required")
	check := fs.String("check", "", "eval-issues --per-query files of the same run, '+'-separated: the default weights must rank their files as they do")
	start := fs.String("weights", "", "weights to start from, NAME=VALUE comma-separated, over memory.DefaultWeights")
	fit := fs.String("fit", "vector,symbol,req,exact,hint,history,scope,other-kind,non-code,long-exact-cut", "weights to fit, comma-separated")
	rounds := fs.Int("rounds", 3, "passes over the weights")
	armName := fs.String("arm", "hybrid+hints", "the arm of the signals files to fit (a file may hold several)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *sets == "" {
		return errors.New("refit needs --signals")
	}
	all, err := readFitSets(*sets, *armName)
	if err != nil {
		return err
	}
	w := memory.DefaultWeights
	if err := setWeights(&w, *start); err != nil {
		return err
	}
	if *check != "" {
		if err := checkRefusion(all, strings.Split(*check, "+")); err != nil {
			return err
		}
	}
	report(os.Stdout, "start", w, all)
	names := strings.Split(*fit, ",")
	best := objective(w, all)
	for r := 0; r < *rounds; r++ {
		moved := false
		for _, name := range names {
			cur, _ := weightValue(w, name)
			grid := rankGrid
			if shares[name] {
				grid = shareGrid
			}
			for _, v := range grid {
				try := w
				if try.Set(name, v) != nil || v == cur {
					continue
				}
				if o := objective(try, all); o > best+1e-9 {
					best, w, cur, moved = o, try, v, true
				}
			}
			report(os.Stdout, fmt.Sprintf("round %d %s=%g", r+1, name, cur), w, all)
		}
		if !moved {
			break
		}
	}
	return nil
}

// readFitSets reads the sets of spec, keeping the records of one arm.
func readFitSets(spec, arm string) ([]fitSet, error) {
	var out []fitSet
	for _, part := range strings.Split(spec, ",") {
		name, files, ok := strings.Cut(part, "=")
		if !ok {
			return nil, fmt.Errorf("--signals %q: want NAME=FILE[+FILE…]", part)
		}
		set := fitSet{name: name}
		for _, path := range strings.Split(files, "+") {
			recs, err := readSignalRecords(path)
			if err != nil {
				return nil, err
			}
			for _, r := range recs {
				if r.Arm == arm {
					set.records = append(set.records, r)
				}
			}
		}
		if len(set.records) == 0 {
			return nil, fmt.Errorf("set %s: no queries of arm %s in %s", name, arm, files)
		}
		out = append(out, set)
	}
	return out, nil
}

func readSignalRecords(path string) ([]signalRecord, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []signalRecord
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<28)
	for line := 1; sc.Scan(); line++ {
		var r signalRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		out = append(out, r)
	}
	return out, sc.Err()
}

func setWeights(w *memory.Weights, spec string) error {
	if spec == "" {
		return nil
	}
	for _, kv := range strings.Split(spec, ",") {
		name, value, _ := strings.Cut(kv, "=")
		v, err := strconv.ParseFloat(value, 64)
		if err != nil {
			return fmt.Errorf("--weights %q: %w", kv, err)
		}
		if err := w.Set(name, v); err != nil {
			return err
		}
	}
	return nil
}

// weightValue reads a weight by name; Weights.Set is the only other
// place that knows the names, so it is asked with each candidate value.
func weightValue(w memory.Weights, name string) (float64, bool) {
	for _, v := range append(append([]float64{}, rankGrid...), shareGrid...) {
		try := w
		if try.Set(name, v) == nil && try == w {
			return v, true
		}
	}
	return -1, false
}

// checkRefusion compares the default weights' re-fusion with the rankings
// the same run wrote per query: a fit is only as good as this agreement.
func checkRefusion(sets []fitSet, perQuery []string) error {
	ranked := map[string][]string{}
	for _, path := range perQuery {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		dec := json.NewDecoder(f)
		for {
			var r struct {
				Arm, Repo, Commit string
				Ranked            []string
			}
			if err := dec.Decode(&r); err == io.EOF {
				break
			} else if err != nil {
				f.Close()
				return fmt.Errorf("%s: %w", path, err)
			}
			ranked[r.Arm+" "+r.Repo+" "+r.Commit] = r.Ranked
		}
		f.Close()
	}
	same, differ := 0, 0
	for _, s := range sets {
		for _, r := range s.records {
			want, ok := ranked[r.Arm+" "+r.Repo+" "+r.Commit]
			if !ok {
				continue
			}
			got := memory.DefaultWeights.RankFiles(r.Shape, r.Signals)
			if strings.Join(got[:min(len(got), len(want))], " ") == strings.Join(want, " ") {
				same++
			} else {
				differ++
				fmt.Fprintf(os.Stderr, "refit: %s %s: re-fused %v, the run ranked %v\n", r.Repo, r.Commit, got[:min(len(got), len(want))], want)
			}
		}
	}
	fmt.Printf("re-fusion with the default weights: %d of %d queries ranked as the run did\n", same, same+differ)
	if same == 0 {
		return errors.New("no query of the per-query files matched a signals record")
	}
	return nil
}

// scoreSet is the mean of the set's per-query scores under w.
func scoreSet(w memory.Weights, s fitSet) metrics.Scores {
	all := make([]metrics.Scores, len(s.records))
	for i, r := range s.records {
		all[i] = metrics.Score(w.RankFiles(r.Shape, r.Signals), r.Files)
	}
	return metrics.Mean(all)
}

func objective(w memory.Weights, sets []fitSet) float64 {
	var sum float64
	for _, s := range sets {
		m := scoreSet(w, s)
		sum += m.Acc1 + m.Acc5
	}
	return sum / float64(len(sets))
}

// report prints each set's figures under w, whole and by halves (queries
// at even and odd positions): a change worth keeping helps both.
func report(out io.Writer, label string, w memory.Weights, sets []fitSet) {
	fmt.Fprintf(out, "%-34s", label)
	for _, s := range sets {
		m := scoreSet(w, s)
		var halves [2]fitSet
		for i, r := range s.records {
			halves[i%2].records = append(halves[i%2].records, r)
		}
		a, b := scoreSet(w, halves[0]), scoreSet(w, halves[1])
		fmt.Fprintf(out, "  %s %.3f/%.3f (%.3f/%.3f, %.3f/%.3f)", s.name, m.Acc1, m.Acc5, a.Acc1, a.Acc5, b.Acc1, b.Acc5)
	}
	fmt.Fprintf(out, "  obj %.4f\n", objective(w, sets))
}
