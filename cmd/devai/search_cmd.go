package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/tools/search"
)

type searchConfig struct {
	commonConfig
	in     search.Input
	NoSync bool
}

func searchCommand(stdout, stderr io.Writer) *command {
	cfg := &searchConfig{}
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	cfg.commonConfig.register(fs)
	fs.Var(listFlag{&cfg.in.Kinds}, "kinds", "only these kinds: spec, code, test, log (comma `list`)")
	fs.StringVar(&cfg.in.Path, "path", "", "only paths matching this `glob`, e.g. internal/**/*.go")
	fs.StringVar(&cfg.in.Language, "language", "", "only this `language`, e.g. Go, Markdown, Log")
	fs.StringVar(&cfg.in.Since, "since", "", "logs only: events at or after this `time`: RFC 3339, a date or an age (2h, 7d)")
	fs.StringVar(&cfg.in.Until, "until", "", "logs only: events before this `time`, in the same forms")
	fs.IntVar(&cfg.in.Limit, "limit", search.DefaultLimit, fmt.Sprintf("hits to show, 1 to %d", search.MaxLimit))
	fs.IntVar(&cfg.in.MaxTokens, "max-tokens", search.DefaultMaxTokens, "token budget for all snippets together")
	fs.BoolVar(&cfg.in.FileLevel, "file-level", false, "one hit per file instead of one per chunk")
	fs.BoolVar(&cfg.NoSync, "no-sync", false, "search the index as it is, without syncing changed files first")
	c := &command{
		name:    "search",
		summary: "Search the project's specs, code, tests and logs (what search_context answers).",
		usage:   "QUERY [flags]",
		details: `
The index is synced first (only changed files are read), unless --no-sync.
With --json the output is exactly search_context's structured output.`,
		flags: fs,
	}
	c.run = func(args []string) error {
		if len(args) == 0 {
			return usagef("give a query, e.g. devai search \"session expiry\"")
		}
		cfg.in.Query = strings.Join(args, " ")
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		return runSearch(ctx, cfg, stdout, stderr)
	}
	return c
}

func runSearch(ctx context.Context, cfg *searchConfig, stdout, stderr io.Writer) error {
	if err := cfg.validate(); err != nil {
		return usageError{err}
	}
	if _, err := search.ToQuery(cfg.in); err != nil {
		return usageError{err}
	}
	ix, logger, closeIndex, err := openIndex(ctx, &cfg.commonConfig, stderr)
	if errors.Is(err, memory.ErrLocked) {
		out, err := callHolder[search.Input, search.Output](ctx, &cfg.commonConfig, search.ToolName, cfg.in, err)
		if err != nil {
			return err
		}
		return printSearch(stdout, cfg, out)
	}
	if err != nil {
		return err
	}
	defer closeIndex()
	if !cfg.NoSync {
		if err := syncBeforeAnswer(ctx, ix, cfg.Repo, logger, stderr); err != nil {
			return err
		}
	}
	start := time.Now()
	out, err := search.Run(ctx, ix, cfg.in)
	recordCLICall(ctx, ix.StateDir(), cfg.decisionTrust(), logger, search.ToolName, cfg.in, out, err, start)
	if err != nil {
		return err
	}
	return printSearch(stdout, cfg, out)
}

// printSearch prints hits as Markdown, or as the tool's structured output.
func printSearch(stdout io.Writer, cfg *searchConfig, out search.Output) error {
	if cfg.JSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	fmt.Fprint(stdout, search.Markdown(cfg.in.Query, out))
	return nil
}
