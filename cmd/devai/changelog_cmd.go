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
	"syscall"
	"time"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/resources"
	"github.com/devaiops/devai/tools/changelog"
	"github.com/devaiops/devai/tools/tool"
)

type changelogConfig struct {
	commonConfig
	in     changelog.Input
	Format string
	NoSync bool
}

func changelogCommand(stdout, stderr io.Writer) *command {
	cfg := &changelogConfig{}
	fs := flag.NewFlagSet("changelog", flag.ContinueOnError)
	cfg.commonConfig.register(fs)
	fs.StringVar(&cfg.in.Since, "since", "", "start after this `revision` (tag, branch, commit); default: the last tag before --until")
	fs.StringVar(&cfg.in.Until, "until", "", "end at this `revision`, included; default: HEAD")
	fs.StringVar(&cfg.Format, "format", "markdown", "markdown or json (json is what --json prints: the tool's structured output)")
	fs.IntVar(&cfg.in.MaxCommits, "max-commits", changelog.DefaultMaxCommits, fmt.Sprintf("at most this many commits, the newest (up to %d)", changelog.MaxMaxCommits))
	fs.BoolVar(&cfg.NoSync, "no-sync", false, "link requirement IDs with the index as it is, without syncing first")
	c := &command{
		name:    "changelog",
		summary: "Write the changelog between two revisions from git history (what generate_changelog answers).",
		usage:   "[--since REV] [--until REV] [flags]",
		details: `
Conventional Commits go to Keep a Changelog sections (breaking changes first); other commits are
classified by their first word or listed under "Other changes"; merge commits are left out. The
index links requirement IDs (FR-012) to the specs that define them: it is synced first unless
--no-sync, and when it cannot be opened (another devai holds it) the changelog comes without them.`,
		flags: fs,
	}
	c.run = func(args []string) error {
		if len(args) > 0 {
			return usagef("unexpected arguments %q: pass revisions with --since and --until", args)
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		return runChangelog(ctx, cfg, stdout, stderr)
	}
	return c
}

func runChangelog(ctx context.Context, cfg *changelogConfig, stdout, stderr io.Writer) error {
	if err := cfg.validate(); err != nil {
		return usageError{err}
	}
	switch cfg.Format {
	case "markdown", "md":
	case "json":
		cfg.JSON = true
	default:
		return usagef("--format %q: use markdown or json", cfg.Format)
	}
	logger, closeLog, err := newLoggerTo(cfg.LogLevel, cfg.LogFile, stderr)
	if err != nil {
		return usageError{err}
	}
	defer closeLog()
	opts := cfg.memoryOptions()
	opts.Logger = logger.Named("memory")
	ix, err := memory.Open(ctx, opts)
	if errors.Is(err, memory.ErrLocked) {
		// A running devai serve holds the index: it answers, links with its
		// index and records the call, as for every other command.
		out, err := callHolder[changelog.Input, changelog.Output](ctx, &cfg.commonConfig, changelog.ToolName, cfg.in, err)
		if err != nil {
			return err
		}
		return printChangelog(stdout, cfg.JSON, out)
	}
	if err != nil {
		logger.Warn("the index could not be opened; requirement IDs stay unlinked", "error", err)
		ix = nil
	} else {
		defer ix.Close()
		if !cfg.NoSync {
			bar := newProgressBar(stderr, isTerminal(stderr))
			err := ix.Sync(ctx, bar.update)
			bar.finish()
			if err != nil {
				logger.Warn("sync failed; linking with the index as it was", "error", err)
			}
		}
	}
	start := time.Now()
	out, err := changelog.Generate(ctx, cfg.Repo, ix, cfg.in)
	if state, serr := memory.StateDir(opts); serr == nil {
		recordCLICall(ctx, state, cfg.decisionTrust(), logger, changelog.ToolName, cfg.in, out, err, start)
	}
	if err != nil {
		if tool.IsInputError(err) {
			return usageError{err}
		}
		return err
	}
	return printChangelog(stdout, cfg.JSON, out)
}

// printChangelog prints the changelog as Markdown, or as the tool's
// structured output.
func printChangelog(stdout io.Writer, asJSON bool, out changelog.Output) error {
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	fmt.Fprint(stdout, changelog.Markdown(out))
	return nil
}

// changelogWriter serves devai://changelog: generate_changelog with its
// defaults, as Markdown.
func changelogWriter(ix *memory.Index) resources.ChangelogFunc {
	return func(ctx context.Context) (string, error) {
		if ix == nil {
			return "", errors.New("the index is not open; check the server log")
		}
		out, err := changelog.Generate(ctx, ix.Repo(), ix, changelog.Input{})
		if err != nil {
			return "", err
		}
		return changelog.Markdown(out), nil
	}
}
