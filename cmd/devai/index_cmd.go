package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/devaiops/devai/memory"
)

func indexCommand(stdout, stderr io.Writer) *command {
	cfg := &commonConfig{}
	fs := flag.NewFlagSet("index", flag.ContinueOnError)
	cfg.register(fs)
	c := &command{
		name:    "index",
		summary: "Build or refresh the index of the repository, then print a summary.",
		usage:   "[flags]",
		details: `
Only files that changed since the last sync are read again. A progress bar
(files/s and ETA) goes to stderr when it is a terminal, plain lines otherwise.
With --json the summary is the index status as JSON (the devai://index resource).`,
		flags: fs,
	}
	c.run = func(args []string) error {
		if len(args) > 0 {
			return usagef("unexpected arguments %q", args)
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		return runIndex(ctx, cfg, stdout, stderr)
	}
	return c
}

func runIndex(ctx context.Context, cfg *commonConfig, stdout, stderr io.Writer) error {
	ix, _, closeIndex, err := openIndex(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer closeIndex()

	bar := newProgressBar(stderr, isTerminal(stderr))
	start := time.Now()
	err = ix.Sync(ctx, bar.update)
	bar.finish()
	if err != nil {
		return fmt.Errorf("sync %s: %w", cfg.Repo, err)
	}
	st := ix.Status()
	if cfg.JSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(st)
	}
	fmt.Fprint(stdout, summary(st, time.Since(start)))
	return nil
}

// summary is the human-readable report of `devai index`.
func summary(st memory.Status, took time.Duration) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Indexed %d files, %d chunks in %s (%s).\n", st.Files, st.Chunks, took.Round(time.Millisecond), st.Repo)
	var kinds []string
	for _, k := range []string{"spec", "code", "test", "log"} {
		for kind, n := range st.ByKind {
			if string(kind) == k {
				kinds = append(kinds, fmt.Sprintf("%s %d", k, n))
			}
		}
	}
	if len(kinds) > 0 {
		fmt.Fprintf(&b, "By kind: %s.\n", strings.Join(kinds, ", "))
	}
	if len(st.ByLanguage) > 0 {
		langs := make([]string, 0, len(st.ByLanguage))
		for l := range st.ByLanguage {
			langs = append(langs, l)
		}
		sort.Slice(langs, func(i, j int) bool {
			return st.ByLanguage[langs[i]] > st.ByLanguage[langs[j]] || st.ByLanguage[langs[i]] == st.ByLanguage[langs[j]] && langs[i] < langs[j]
		})
		parts := make([]string, len(langs))
		for i, l := range langs {
			parts[i] = fmt.Sprintf("%s %d", l, st.ByLanguage[l])
		}
		fmt.Fprintf(&b, "By language: %s.\n", strings.Join(parts, ", "))
	}
	if st.Symbols > 0 {
		fmt.Fprintf(&b, "Symbols: %d, references: %d.\n", st.Symbols, st.Edges)
	}
	if len(st.SkippedBy) > 0 {
		reasons := make([]string, 0, len(st.SkippedBy))
		for r, n := range st.SkippedBy {
			reasons = append(reasons, fmt.Sprintf("%s %d", r, n))
		}
		sort.Strings(reasons)
		fmt.Fprintf(&b, "Skipped: %s (devai index --json lists them).\n", strings.Join(reasons, ", "))
	}
	const maxCutLines = 5
	for i, c := range st.Cut {
		if i == maxCutLines {
			fmt.Fprintf(&b, "Cut: %d more logs (devai index --json lists them).\n", len(st.Cut)-maxCutLines)
			break
		}
		fmt.Fprintf(&b, "Cut: %s: %s.\n", c.Path, c.Note)
	}
	fmt.Fprintf(&b, "Embedder: %s. State: %s.\n", st.Embedder, st.StateDir)
	return b.String()
}
