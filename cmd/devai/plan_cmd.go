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
	"github.com/devaiops/devai/tools/spec"
	"github.com/devaiops/devai/tools/tool"
)

type planConfig struct {
	commonConfig
	in     spec.Input
	NoSync bool
}

func planCommand(stdout, stderr io.Writer) *command {
	cfg := &planConfig{}
	fs := flag.NewFlagSet("plan", flag.ContinueOnError)
	cfg.commonConfig.register(fs)
	fs.StringVar(&cfg.in.Format, "format", spec.FormatDevai, "spec `format`: devai (docs/specs/NNN-slug.md), spec-kit (specs/NNN-name/spec.md) or kiro (.kiro/specs/name/requirements.md)")
	fs.StringVar(&cfg.in.Title, "title", "", "`title` of the spec (default: from the request); re-drafting a spec with the same title keeps its IDs")
	fs.StringVar(&cfg.in.System, "system", "", "the `name` in THE <system> SHALL (default: what the repository's specs use, else the module name)")
	fs.BoolVar(&cfg.in.Write, "write", false, "write the spec file (default: only print it)")
	fs.StringVar(&cfg.in.Path, "path", "", "write to this `file` inside the repository instead of the format's own place (with --write)")
	fs.BoolVar(&cfg.in.Overwrite, "overwrite", false, "replace an existing spec file at the target (with --write)")
	fs.BoolVar(&cfg.NoSync, "no-sync", false, "use the index as it is, without syncing changed files first")
	c := &command{
		name:    "plan",
		summary: "Draft a spec from a request, grounded in the project (what draft_spec answers).",
		usage:   `"REQUEST" [flags]`,
		details: `
REQUEST says what should change, in plain words, e.g.
  devai plan "add rate limiting to the login endpoint"
The draft cites the existing specs on the subject (duplicates and
contradictions called out), the code that would change, the tests to extend
and the logs that show today's behaviour; its EARS requirements get IDs after
the highest the repository uses, and a lint says what is still weak. Prose
devai cannot know is marked TODO(assistant). A one-word request gets
clarifying questions instead. Nothing is written without --write, and an
existing file is replaced only with --overwrite.
The index is synced first (only changed files are read), unless --no-sync.
With --json the output is exactly draft_spec's structured output.`,
		flags: fs,
	}
	c.run = func(args []string) error {
		cfg.in.Request = strings.Join(args, " ")
		if cfg.in.Path != "" {
			if err := cfg.validate(); err != nil {
				return usageError{err}
			}
			cfg.in.Path = repoPath(cfg.Repo, cfg.in.Path)
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		return runPlan(ctx, cfg, stdout, stderr)
	}
	return c
}

func runPlan(ctx context.Context, cfg *planConfig, stdout, stderr io.Writer) error {
	if err := cfg.validate(); err != nil {
		return usageError{err}
	}
	if err := spec.Validate(&cfg.in); err != nil {
		return usageError{err}
	}
	ix, logger, closeIndex, err := openIndex(ctx, &cfg.commonConfig, stderr)
	if errors.Is(err, memory.ErrLocked) {
		out, err := callHolder[spec.Input, spec.Output](ctx, &cfg.commonConfig, spec.ToolName, cfg.in, err)
		if err != nil {
			return err
		}
		return printPlan(stdout, stderr, cfg.JSON, out)
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
	out, err := spec.Run(ctx, ix, cfg.in, spec.Options{})
	recordCLICall(ctx, ix.StateDir(), cfg.decisionTrust(), logger, spec.ToolName, cfg.in, out, err, start)
	if err != nil {
		if tool.IsInputError(err) {
			return usageError{err}
		}
		return err
	}
	return printPlan(stdout, stderr, cfg.JSON, out)
}

func printPlan(stdout, stderr io.Writer, asJSON bool, out spec.Output) error {
	out, err := redacted(out)
	if err != nil {
		return err
	}
	for _, w := range out.Writes {
		fmt.Fprintf(stderr, "devai plan: wrote %s\n", w.Ref)
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	fmt.Fprint(stdout, spec.Markdown(out))
	return nil
}
