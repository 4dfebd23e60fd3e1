// Command plan measures how well draft_spec grounds a draft: for requests
// whose real change is known, does the draft's "affected code" name the
// files a developer changed, and does every URI it cites exist?
//
//	plan build --git DIR [--head REF] [--since N] [--n 12] -o set.jsonl
//	plan eval  --set set.jsonl (--tree DIR | --git DIR) [--embedder hash] [--json]
//
// build takes feature commits from a repository's history ("feat…",
// "Add …", "component: add …"; not about tests or docs) that modify 1 to 4 non-test source files
// and add or delete none; the request is the commit subject, the answer the
// files it changed, and the draft is made on an index of its parent. eval
// with --tree drafts every request on one tree (the testdata project, whose
// set names the expected files by hand); with --git it extracts each case's
// parent and indexes it.
//
// Figures: affected recall@5 (share of the expected files among the first
// five affected components), hit@5 (any of them there), cite recall (share
// of the expected cited paths, e.g. the spec section and the test file, that
// some cited URI names), and the share of cited URIs the index can read
// (must be 100%).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/devaiops/devai/bench/internal/locset"
	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/tools/spec"
)

// Case is one line of a set.
type Case struct {
	Commit  string   `json:"commit,omitempty"`
	Parent  string   `json:"parent,omitempty"` // the tree the draft is made on (--git)
	Request string   `json:"request"`
	Files   []string `json:"files"`           // the files the change touches
	Cites   []string `json:"cites,omitempty"` // paths some cited URI must name
}

// Result is the score of one case.
type Result struct {
	Case
	Affected   []string `json:"affected"`
	Found      int      `json:"found"` // expected files in the first five affected
	CitesFound int      `json:"cites_found"`
	URIs       int      `json:"uris"`
	URIsExist  int      `json:"uris_exist"`
	Missing    []string `json:"missing_uris,omitempty"`
	Status     string   `json:"status"`
	Lint       int      `json:"lint"`
	Took       string   `json:"took"`
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "plan:", err)
		os.Exit(1)
	}
}

const usage = `usage:
  plan build --git DIR [--head REF] [--since N] [--n 12] -o set.jsonl
  plan eval  --set set.jsonl (--tree DIR | --git DIR) [--embedder hash] [--json]`

func run(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("no command\n%s", usage)
	}
	switch args[0] {
	case "build":
		return runBuild(ctx, args[1:])
	case "eval":
		return runEval(ctx, args[1:], stdout)
	}
	return fmt.Errorf("unknown command %q\n%s", args[0], usage)
}

// feature matches subjects that ask for something new.
var feature = regexp.MustCompile(`(?i)^(?:feat(?:\([^)]*\))?!?:|add |[\w./-]+: (?:add|feat|support|implement|introduce|allow) )`)

// notAFeature drops subjects about tests and docs: no one would request
// them as a feature of the system.
var notAFeature = regexp.MustCompile(`(?i)\btests?\b|^docs?[:(]`)

func runBuild(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("build", flag.ContinueOnError)
	gitDir := fs.String("git", "", "the repository")
	head := fs.String("head", "HEAD", "newest commit to consider")
	since := fs.Int("since", 2000, "consider the last N first-parent commits")
	n := fs.Int("n", 12, "cases to keep")
	out := fs.String("o", "", "output file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *gitDir == "" || *out == "" {
		return fmt.Errorf("build needs --git and -o\n%s", usage)
	}
	base := fmt.Sprintf("%s~%d", *head, *since)
	commits, err := locset.CommitsAfter(ctx, *gitDir, base, *head, false)
	if err != nil {
		return err
	}
	var set []Case
	for i := len(commits) - 1; i >= 0 && len(set) < *n; i-- { // newest first
		c := commits[i]
		subject := strings.TrimSpace(c.Subject())
		if len(c.Parents) != 1 || !feature.MatchString(subject) || notAFeature.MatchString(subject) {
			continue
		}
		atParent, err := locset.FilesAt(ctx, *gitDir, c.Parents[0])
		if err != nil {
			return err
		}
		q, reason := locset.Judge(c, atParent, 4)
		if reason != "" {
			continue
		}
		set = append(set, Case{Commit: c.Hash, Parent: c.Parents[0], Request: locset.CleanMessage(subject), Files: q.Files})
	}
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	defer f.Close()
	enc := json.NewEncoder(f)
	for _, c := range set {
		if err := enc.Encode(c); err != nil {
			return err
		}
	}
	fmt.Fprintf(os.Stderr, "plan build: %d cases from %d commits\n", len(set), len(commits))
	return nil
}

func readSet(file string) ([]Case, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var set []Case
	for i, line := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		var c Case
		if err := json.Unmarshal([]byte(line), &c); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", file, i+1, err)
		}
		set = append(set, c)
	}
	return set, nil
}

func runEval(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	setFile := fs.String("set", "", "the set (JSON lines)")
	tree := fs.String("tree", "", "draft every request on this tree")
	gitDir := fs.String("git", "", "extract each case's parent from this repository")
	embedder := fs.String("embedder", "builtin", "embedder: builtin, hash, none")
	asJSON := fs.Bool("json", false, "print the results as JSON")
	cache := fs.String("cache", "", "with --git: keep each parent's tree and index under this folder and reuse them")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *setFile == "" || (*tree == "") == (*gitDir == "") {
		return fmt.Errorf("eval needs --set and one of --tree, --git\n%s", usage)
	}
	set, err := readSet(*setFile)
	if err != nil {
		return err
	}
	var results []Result
	if *tree != "" {
		ix, cleanup, err := index(ctx, *tree, *embedder)
		if err != nil {
			return err
		}
		for _, c := range set {
			r, err := score(ctx, ix, c)
			if err != nil {
				cleanup()
				return err
			}
			results = append(results, r)
		}
		cleanup()
	} else {
		for i, c := range set {
			fmt.Fprintf(os.Stderr, "[%d/%d] %s at %.10s\n", i+1, len(set), c.Request, c.Parent)
			r, err := scoreAtParent(ctx, *gitDir, *cache, *embedder, c)
			if err != nil {
				return err
			}
			results = append(results, r)
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(results)
	}
	table(stdout, results)
	return nil
}

// scoreAtParent extracts the case's parent, indexes it and scores the
// draft; with a cache folder the tree and index stay for the next run.
func scoreAtParent(ctx context.Context, gitDir, cache, embedder string, c Case) (Result, error) {
	dir, state := "", ""
	if cache != "" {
		dir, state = filepath.Join(cache, c.Parent, "tree"), filepath.Join(cache, c.Parent, "state")
	} else {
		tmp, err := os.MkdirTemp("", "devai-plan-")
		if err != nil {
			return Result{}, err
		}
		defer os.RemoveAll(tmp)
		dir, state = filepath.Join(tmp, "tree"), filepath.Join(tmp, "state")
	}
	if _, err := os.Stat(dir); err != nil {
		if _, _, err := locset.Extract(ctx, gitDir, c.Parent, dir); err != nil {
			return Result{}, err
		}
	}
	ix, cleanup, err := indexAt(ctx, dir, state, embedder)
	if err != nil {
		return Result{}, err
	}
	defer cleanup()
	return score(ctx, ix, c)
}

func index(ctx context.Context, tree, embedder string) (*memory.Index, func(), error) {
	state, err := os.MkdirTemp("", "devai-plan-state-")
	if err != nil {
		return nil, nil, err
	}
	ix, cleanup, err := indexAt(ctx, tree, state, embedder)
	if err != nil {
		os.RemoveAll(state)
		return nil, nil, err
	}
	return ix, func() { cleanup(); os.RemoveAll(state) }, nil
}

func indexAt(ctx context.Context, tree, state, embedder string) (*memory.Index, func(), error) {
	abs, _ := filepath.Abs(tree)
	ix, err := memory.Open(ctx, memory.Options{Repo: abs, StateDir: state, Embedder: embedder})
	if err != nil {
		return nil, nil, err
	}
	if err := ix.Sync(ctx, nil); err != nil {
		ix.Close()
		return nil, nil, err
	}
	return ix, func() { ix.Close() }, nil
}

func score(ctx context.Context, ix *memory.Index, c Case) (Result, error) {
	start := time.Now()
	out, err := spec.Run(ctx, ix, spec.Input{Request: c.Request}, spec.Options{})
	if err != nil {
		return Result{}, fmt.Errorf("%q: %w", c.Request, err)
	}
	r := Result{Case: c, Status: out.Status, Lint: len(out.Lint), Took: time.Since(start).Round(time.Millisecond).String()}
	for i, a := range out.Affected {
		r.Affected = append(r.Affected, a.Path)
		if i < 5 && slices.Contains(c.Files, a.Path) {
			r.Found++
		}
	}
	uris := out.Cited()
	all := strings.Join(uris, " ")
	for _, want := range c.Cites {
		if strings.Contains(all, want) {
			r.CitesFound++
		}
	}
	for _, u := range uris {
		r.URIs++
		if _, err := ix.Read(u); err == nil {
			r.URIsExist++
		} else {
			r.Missing = append(r.Missing, u)
		}
	}
	return r, nil
}

func table(w io.Writer, rs []Result) {
	fmt.Fprintln(w, "| request | files | found@5 | cites | URIs exist | lint | took |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|")
	var files, found, hits, cites, citesFound, uris, exist int
	var recall float64
	for _, r := range rs {
		c := "–"
		if len(r.Cites) > 0 {
			c = fmt.Sprintf("%d/%d", r.CitesFound, len(r.Cites))
		}
		fmt.Fprintf(w, "| %.60s | %d | %d | %s | %d/%d | %d | %s |\n", r.Request, len(r.Files), r.Found, c, r.URIsExist, r.URIs, r.Lint, r.Took)
		files += len(r.Files)
		found += r.Found
		if r.Found > 0 {
			hits++
		}
		if len(r.Files) > 0 {
			recall += float64(r.Found) / float64(len(r.Files))
		}
		cites += len(r.Cites)
		citesFound += r.CitesFound
		uris += r.URIs
		exist += r.URIsExist
	}
	n := float64(max(len(rs), 1))
	fmt.Fprintf(w, "\n%d requests: affected recall@5 %.2f (mean per request; %d of %d files), hit@5 %.2f", len(rs), recall/n, found, files, float64(hits)/n)
	if cites > 0 {
		fmt.Fprintf(w, ", cite recall %.2f (%d of %d)", float64(citesFound)/float64(cites), citesFound, cites)
	}
	fmt.Fprintf(w, ", cited URIs that exist %d of %d (%.1f%%)\n", exist, uris, 100*float64(exist)/float64(max(uris, 1)))
}
