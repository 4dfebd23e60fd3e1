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
	"github.com/devaiops/devai/tools/gaps"
	"github.com/devaiops/devai/tools/tool"
)

type gapsConfig struct {
	commonConfig
	in         gaps.Input
	Format     string
	NoSync     bool
	RunTests   bool
	RunTimeout time.Duration
}

func gapsCommand(stdout, stderr io.Writer) *command {
	cfg := &gapsConfig{}
	fs := flag.NewFlagSet("gaps", flag.ContinueOnError)
	cfg.commonConfig.register(fs)
	fs.Var(listFlag{&cfg.in.Coverage}, "coverage", "coverage `file`s to read (repeatable; default: the usual names found in the tree)")
	fs.StringVar(&cfg.in.Path, "path", "", "only gaps in paths matching this `glob`, e.g. internal/**/*.go")
	fs.Var(listFlag{&cfg.in.Kinds}, "kinds", "only these gap kinds: untested, uncovered, unverified, orphan (comma `list`)")
	fs.Float64Var(&cfg.in.MinRisk, "min-risk", 0, "only gaps with at least this `risk` (0 to 100)")
	fs.IntVar(&cfg.in.Limit, "limit", gaps.DefaultLimit, fmt.Sprintf("gaps to show, 1 to %d", gaps.MaxLimit))
	fs.StringVar(&cfg.Format, "format", "", "output `format`: markdown, json or sarif (default markdown; --json means json)")
	fs.BoolVar(&cfg.NoSync, "no-sync", false, "use the index as it is, without syncing changed files first")
	fs.BoolVar(&cfg.RunTests, "run", false, "run `go test -coverprofile` in the repository first and read that profile")
	fs.DurationVar(&cfg.RunTimeout, "run-timeout", 5*time.Minute, "give up on --run after this `duration`")
	c := &command{
		name:    "gaps",
		summary: "Find what the tests do not verify, riskiest first (what find_test_gaps answers).",
		usage:   "[flags]",
		details: `
Untested symbols, code that coverage shows never ran, requirements no test
names and tests citing requirements that no longer exist, each with the test
file to write in, a test to model on and a suggested name.
The index is synced first (only changed files are read), unless --no-sync.
With --json (or --format json) the output is exactly find_test_gaps's
structured output; --format sarif writes SARIF 2.1.0 for CI and code review.`,
		flags: fs,
	}
	c.run = func(args []string) error {
		if len(args) != 0 {
			return usagef("devai gaps takes no arguments, only flags (got %q)", strings.Join(args, " "))
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		return runGaps(ctx, cfg, stdout, stderr)
	}
	return c
}

func runGaps(ctx context.Context, cfg *gapsConfig, stdout, stderr io.Writer) error {
	if err := cfg.validate(); err != nil {
		return usageError{err}
	}
	switch cfg.Format {
	case "":
		cfg.Format = "markdown"
		if cfg.JSON {
			cfg.Format = "json"
		}
	case "markdown", "json", "sarif":
	default:
		return usagef("--format %q: use markdown, json or sarif", cfg.Format)
	}
	for i, p := range cfg.in.Coverage {
		cfg.in.Coverage[i] = repoPath(cfg.Repo, p)
	}
	if err := gaps.Validate(&cfg.in); err != nil {
		return usageError{err}
	}
	ix, logger, closeIndex, err := openIndex(ctx, &cfg.commonConfig, stderr)
	if errors.Is(err, memory.ErrLocked) && !cfg.RunTests {
		out, err := callHolder[gaps.Input, gaps.Output](ctx, &cfg.commonConfig, gaps.ToolName, cfg.in, err)
		if err != nil {
			return err
		}
		return printGaps(stdout, cfg.Format, out)
	}
	if err != nil {
		return err
	}
	defer closeIndex()
	if cfg.RunTests {
		profile, err := gaps.RunGoCover(ctx, cfg.Repo, ix.StateDir(), cfg.RunTimeout, stderr)
		if err != nil {
			return err
		}
		cfg.in.Coverage = append(cfg.in.Coverage, profile)
	}
	if !cfg.NoSync {
		if err := syncBeforeAnswer(ctx, ix, cfg.Repo, logger, stderr); err != nil {
			return err
		}
	}
	start := time.Now()
	out, err := gaps.Run(ctx, ix, cfg.in, gaps.Options{AllowOutside: true})
	recordCLICall(ctx, ix.StateDir(), cfg.decisionTrust(), logger, gaps.ToolName, cfg.in, out, err, start)
	if err != nil {
		if tool.IsInputError(err) {
			return usageError{err}
		}
		return err
	}
	return printGaps(stdout, cfg.Format, out)
}

func printGaps(stdout io.Writer, format string, out gaps.Output) error {
	switch format {
	case "json":
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	case "sarif":
		raw, err := gaps.SARIF(out, version())
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(stdout, "%s\n", raw)
		return err
	}
	fmt.Fprint(stdout, gaps.Markdown(out))
	return nil
}
