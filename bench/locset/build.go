package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"sort"

	"github.com/devaiops/devai/bench/internal/locset"
)

func runBuild(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("build", flag.ContinueOnError)
	var opts locset.BuildOptions
	fs.StringVar(&opts.GitDir, "git", "", "repository or bare mirror to read history from (never modified)")
	fs.StringVar(&opts.Snapshot, "snapshot", "", "commit the index will be built at; queries come from commits after it")
	fs.StringVar(&opts.Head, "head", "HEAD", "newest commit whose history is used")
	fs.IntVar(&opts.N, "n", 200, "queries wanted (0: all that qualify)")
	fs.IntVar(&opts.MaxFiles, "max-files", 5, "most non-test source files a kept commit may change")
	fs.BoolVar(&opts.FirstParent, "first-parent", false, "walk only the first-parent line (for squash-merge repositories)")
	repo := fs.String("repo", "", "owner/name written into every query, so that eval-issues can score several repositories' sets by split")
	out := fs.String("o", "", "output set file (JSON lines); required")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if opts.GitDir == "" || opts.Snapshot == "" || *out == "" {
		return errors.New("build needs --git, --snapshot and -o")
	}
	set, stats, err := locset.Build(ctx, opts)
	if err != nil {
		return err
	}
	for i := range set {
		set[i].Repo = *repo
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
	fmt.Printf("snapshot %s: %d commits read, %d queries kept → %s\n", stats.Snapshot, stats.Seen, stats.Kept, *out)
	reasons := make([]string, 0, len(stats.Skipped))
	for r := range stats.Skipped {
		reasons = append(reasons, r)
	}
	sort.Slice(reasons, func(i, j int) bool { return stats.Skipped[reasons[i]] > stats.Skipped[reasons[j]] })
	for _, r := range reasons {
		fmt.Printf("  skipped %4d  %s\n", stats.Skipped[r], r)
	}
	if opts.N > 0 && stats.Kept < opts.N {
		fmt.Fprintf(os.Stderr, "locset: only %d of %d queries qualify; pick an older --snapshot for more\n", stats.Kept, opts.N)
	}
	return nil
}
