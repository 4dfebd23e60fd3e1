package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/devaiops/devai/bench/internal/locset"
	"github.com/devaiops/devai/memory"
)

func runExact(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("exact", flag.ContinueOnError)
	var o locset.ExactOptions
	fs.StringVar(&o.GitDir, "git", "", "repository or bare mirror (never modified)")
	fs.StringVar(&o.Snapshot, "snapshot", "HEAD", "commit the index is built at and the answers are looked up at")
	fs.IntVar(&o.Commits, "commits", 3000, "newest commits whose messages are read")
	fs.IntVar(&o.PerKind, "per-kind", 25, "most queries of each kind (message, identifier)")
	out := fs.String("o", "", "output set file (JSON lines); required")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if o.GitDir == "" || *out == "" {
		return errors.New("exact needs --git and -o")
	}
	set, err := locset.BuildExact(ctx, o)
	if err != nil {
		return err
	}
	f, err := os.Create(*out)
	if err != nil {
		return fmt.Errorf("create set: %w", err)
	}
	if err := locset.WriteSet(f, set); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", *out, err)
	}
	kinds := map[string]int{}
	for _, q := range set {
		kinds[q.Commit[strings.LastIndexByte(q.Commit, ':')+1:]]++
	}
	fmt.Printf("%d queries (%v) → %s\n", len(set), kinds, *out)
	return nil
}

// modeGrep is the naive exact baseline: `git grep -F` of the whole query
// at the snapshot, most occurrences first. It needs --git.
const modeGrep memory.Mode = "grep"

// grepOrIndex answers modeGrep with git grep and every other mode with the
// index, so that the baseline is scored by the same code as devai.
type grepOrIndex struct {
	index  locset.Searcher
	gitDir string
	commit string
}

func (g grepOrIndex) Search(ctx context.Context, q memory.Query) (memory.Result, error) {
	if q.Mode != modeGrep {
		return g.index.Search(ctx, q)
	}
	files, err := locset.GrepFiles(ctx, g.gitDir, g.commit, q.Text)
	if err != nil {
		return memory.Result{}, err
	}
	var res memory.Result
	for i, f := range files {
		if i == q.Limit {
			break
		}
		res.Hits = append(res.Hits, memory.Hit{Path: f})
	}
	return res, nil
}
