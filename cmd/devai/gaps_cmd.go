package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/tools/gaps"
)

func gapsCommand(stdout, stderr io.Writer) *command {
	var format string
	var runTests bool
	var runTimeout time.Duration
	return toolCommand(gaps.Tool, toolFace[gaps.Input, gaps.Output]{
		name:    "gaps",
		summary: "Find what the tests do not verify, riskiest first (what find_test_gaps answers).",
		usage:   "[flags]",
		details: `
Untested symbols, code that coverage shows never ran, requirements no test
names and tests citing requirements that no longer exist, each with the test
file to write in, a test to model on and a suggested name.
--coverage files may be anywhere; without it the usual names are found in
the tree. The index is synced first (only changed files are read), unless
--no-sync. With --json (or --format json) the output is exactly
find_test_gaps's structured output; --format sarif writes SARIF 2.1.0 for CI
and code review.`,
		flags: func(fs *flag.FlagSet, _ *callOptions) {
			fs.StringVar(&format, "format", "", "output `format`: markdown, json or sarif (default markdown; --json means json)")
			fs.BoolVar(&runTests, "run", false, "run `go test -coverprofile` in the repository first and read that profile")
			fs.DurationVar(&runTimeout, "run-timeout", 5*time.Minute, "give up on --run after this `duration`")
		},
		args: func(r *commandRun, args []string, in *gaps.Input) error {
			if len(args) != 0 {
				return usagef("devai gaps takes no arguments, only flags (got %q)", args)
			}
			switch format {
			case "":
				format = "markdown"
				if r.cfg.JSON {
					format = "json"
				}
			case "markdown", "json", "sarif":
			default:
				return usagef("--format %q: use markdown, json or sarif", format)
			}
			for i, p := range in.Coverage {
				in.Coverage[i] = repoPath(r.cfg.Repo, p)
			}
			return nil
		},
		before: func(ctx context.Context, r *commandRun, in *gaps.Input) error {
			if !runTests {
				return nil
			}
			state, err := memory.StateDir(r.cfg.memoryOptions())
			if err != nil {
				return err
			}
			profile, err := gaps.RunGoCover(ctx, r.cfg.Repo, state, runTimeout, r.stderr)
			if err != nil {
				return err
			}
			in.Coverage = append(in.Coverage, profile)
			return nil
		},
		print: func(r *commandRun, _ gaps.Input, ans toolAnswer[gaps.Output]) error {
			switch format {
			case "json":
				return writeJSON(r.stdout, ans.Structured)
			case "sarif":
				raw, err := gaps.SARIF(ans.Out, version())
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(r.stdout, "%s\n", raw)
				return err
			}
			return printAnswer(r, ans)
		},
	}, nil, stdout, stderr)
}
