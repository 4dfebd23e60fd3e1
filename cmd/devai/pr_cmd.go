package main

import (
	"bytes"
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
	"github.com/devaiops/devai/tools/patch"
	"github.com/devaiops/devai/tools/tool"
)

// prConfig is `devai pr`: propose_patch from the command line, and the
// review of stored proposals.
type prConfig struct {
	commonConfig
	in        patch.Input
	Edits     string
	AllowExec bool
	Timeout   time.Duration
	NoSync    bool
}

func prCommand(stdin io.Reader, stdout, stderr io.Writer) *command {
	cfg := &prConfig{}
	fs := flag.NewFlagSet("pr", flag.ContinueOnError)
	cfg.commonConfig.register(fs)
	fs.StringVar(&cfg.in.Title, "title", "", "one line saying what the change does (required unless the edits file has a title)")
	fs.StringVar(&cfg.in.Rationale, "rationale", "", "why: the bug, the evidence, the requirement")
	fs.StringVar(&cfg.Edits, "edits", "", "`file` with the edits (- for stdin): a JSON list of edits, a JSON propose_patch input, or a unified diff")
	fs.StringVar(&cfg.in.Base, "base", "", "the `commit` the edits apply to (default HEAD)")
	fs.Var(listFlag{&cfg.in.Options.Checks}, "checks", "checks to run: apply, format, build, test (comma `list`; default all)")
	fs.BoolVar(&cfg.in.Options.Branch, "branch", false, "also create the branch devai/proposal-<id> (working tree, index and HEAD untouched; never pushed)")
	fs.Var(listFlag{&cfg.in.Options.Links.Requirements}, "requirements", "requirement `IDs` the change serves, e.g. FR-011")
	fs.StringVar(&cfg.in.Options.Links.Trace, "trace", "", "decision `id` of the trace that motivated the change, e.g. d000042")
	fs.BoolVar(&cfg.AllowExec, "allow-exec", false, "let the build and test checks run the repository's code (in a scratch copy)")
	fs.DurationVar(&cfg.Timeout, "check-timeout", patch.DefaultTimeout, "kill a build or test check after this `duration`")
	fs.BoolVar(&cfg.NoSync, "no-sync", false, "use the index as it is, without syncing changed files first")
	c := &command{
		name:    "pr",
		summary: "Propose a patch for review, list proposals, show one (what propose_patch does).",
		usage:   "--title T --edits FILE|- [flags] | list | show ID",
		details: `
The edits apply in memory to the base commit, all or nothing; the working
tree, the index and the current branch are never touched. The proposal (diff,
touched symbols, impacted tests, requirements, checks, risk) is stored under
.devai/proposals/<id>/; --branch also creates devai/proposal-<id>, which a
human approves by merging.

  devai pr --title "auth: skip deleted users" --edits fix.json --branch
  git diff | devai pr --title "…" --edits -      a unified diff works too
  devai pr list                                   the stored proposals
  devai pr show 20261124-001530-a1b2c3            one proposal with its diff

An edits file is a JSON list of edits, each one of {"path", "search",
"replace"}, {"diff"}, {"path", "content"} or {"path", "delete": true}; or a
whole propose_patch input {"title", "edits", ...}; or a unified diff.
Build and test run the repository's code, so they need --allow-exec
(DEVAI_ALLOW_EXEC=1); without it only the static checks run. The command
exits 1 when a check fails (the proposal is stored all the same).`,
		flags: fs,
	}
	c.run = func(args []string) error {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		switch {
		case len(args) == 0:
			return runPropose(ctx, cfg, stdin, stdout, stderr)
		case args[0] == "list" && len(args) == 1:
			return runPRList(cfg, stdout)
		case args[0] == "show" && len(args) == 2:
			return runPRShow(cfg, args[1], stdout)
		default:
			return usagef("unexpected arguments %q: use devai pr --title T --edits FILE, devai pr list or devai pr show ID", args)
		}
	}
	return c
}

func runPropose(ctx context.Context, cfg *prConfig, stdin io.Reader, stdout, stderr io.Writer) error {
	if cfg.Edits == "" {
		return usagef("--edits is required: a file with the edits, or - for stdin")
	}
	if err := cfg.validate(); err != nil {
		return usageError{err}
	}
	data, err := readEdits(cfg.Edits, cfg.Repo, stdin)
	if err != nil {
		return err
	}
	if err := parseEdits(data, &cfg.in); err != nil {
		return usageError{err}
	}
	if strings.TrimSpace(cfg.in.Title) == "" {
		return usagef("--title is required: say in one line what the change does")
	}
	ix, logger, closeIndex, err := openIndex(ctx, &cfg.commonConfig, stderr)
	if errors.Is(err, memory.ErrLocked) {
		if cfg.AllowExec {
			fmt.Fprintln(stderr, "devai pr: a running devai serve holds the index; it runs the proposal, and its own --allow-exec decides whether build and tests run")
		}
		out, err := callHolder[patch.Input, patch.Output](ctx, &cfg.commonConfig, patch.ToolName, cfg.in, err)
		if err != nil {
			return err
		}
		return printProposal(stdout, cfg.JSON, out)
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
	out, err := patch.Run(ctx, ix, cfg.in, patch.RunOptions{AllowExec: cfg.AllowExec, Timeout: cfg.Timeout})
	recordCLICall(ctx, ix.StateDir(), cfg.decisionTrust(), logger, patch.ToolName, cfg.in, out, err, start)
	if err != nil {
		if tool.IsInputError(err) {
			return err // the edits are wrong, not the command line: exit 1 with the reason
		}
		return fmt.Errorf("propose the patch: %w", err)
	}
	return printProposal(stdout, cfg.JSON, out)
}

// printProposal prints the proposal and fails when one of its checks did.
func printProposal(stdout io.Writer, asJSON bool, out patch.Output) error {
	if asJSON {
		if err := writeJSON(stdout, out); err != nil {
			return err
		}
	} else {
		fmt.Fprint(stdout, patch.Markdown(out))
	}
	var failed []string
	for _, c := range out.Checks {
		if c.Status == patch.StatusFail {
			failed = append(failed, c.Name)
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("proposal %s is stored, but these checks failed: %s", out.ID, strings.Join(failed, ", "))
	}
	return nil
}

// readEdits reads the edits file, or stdin for "-", up to the size a
// proposal may carry.
func readEdits(name, repo string, stdin io.Reader) ([]byte, error) {
	var r io.Reader = stdin
	if name != "-" {
		f, err := os.Open(repoPath(repo, name))
		if err != nil {
			return nil, usagef("--edits: %v", err)
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, patch.MaxDiffBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read the edits: %w", err)
	}
	if len(data) > patch.MaxDiffBytes {
		return nil, usagef("--edits: more than %d bytes; split the change into smaller proposals", patch.MaxDiffBytes)
	}
	return data, nil
}

// parseEdits fills in from an edits file: a unified diff, a JSON list of
// edits, one edit, or a whole input (whose fields the flags override).
func parseEdits(data []byte, in *patch.Input) error {
	trimmed := bytes.TrimSpace(data)
	switch {
	case len(trimmed) == 0:
		return errors.New("the edits are empty")
	case bytes.HasPrefix(trimmed, []byte("diff --git")) || bytes.HasPrefix(trimmed, []byte("--- ")):
		in.Edits = append(in.Edits, patch.Edit{Diff: string(data)})
		return nil
	case trimmed[0] == '[':
		var edits []patch.Edit
		if err := strictJSON(trimmed, &edits); err != nil {
			return fmt.Errorf("the edits are not a JSON list of edits: %w", err)
		}
		in.Edits = append(in.Edits, edits...)
		return nil
	case trimmed[0] == '{':
		var probe map[string]json.RawMessage
		if err := json.Unmarshal(trimmed, &probe); err != nil {
			return fmt.Errorf("the edits are not valid JSON: %w", err)
		}
		if _, ok := probe["edits"]; !ok {
			var e patch.Edit
			if err := strictJSON(trimmed, &e); err != nil {
				return fmt.Errorf("the edits file is neither an edit nor a propose_patch input: %w", err)
			}
			in.Edits = append(in.Edits, e)
			return nil
		}
		var file patch.Input
		if err := strictJSON(trimmed, &file); err != nil {
			return fmt.Errorf("the edits file is not a propose_patch input: %w", err)
		}
		mergeInput(in, file)
		return nil
	}
	return errors.New("the edits are neither JSON (a list of edits, or a propose_patch input) nor a unified diff (starting with diff --git or ---)")
}

func strictJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// mergeInput takes what the flags left empty from the file's input.
func mergeInput(in *patch.Input, file patch.Input) {
	in.Edits = append(in.Edits, file.Edits...)
	if in.Title == "" {
		in.Title = file.Title
	}
	if in.Rationale == "" {
		in.Rationale = file.Rationale
	}
	if in.Base == "" {
		in.Base = file.Base
	}
	o, f := &in.Options, file.Options
	if len(o.Checks) == 0 {
		o.Checks = f.Checks
	}
	o.Branch = o.Branch || f.Branch
	o.Links.Requirements = append(o.Links.Requirements, f.Links.Requirements...)
	if o.Links.Trace == "" {
		o.Links.Trace = f.Links.Trace
	}
}

// stateDir finds the state directory without opening the index, so list
// and show run beside a `devai serve`.
func (c *prConfig) stateDir() (string, error) {
	if err := c.validate(); err != nil {
		return "", usageError{err}
	}
	state, err := memory.StateDir(c.memoryOptions())
	if err != nil {
		return "", fmt.Errorf("find the state directory of %s: %w", c.Repo, err)
	}
	return state, nil
}

func runPRList(cfg *prConfig, stdout io.Writer) error {
	state, err := cfg.stateDir()
	if err != nil {
		return err
	}
	list, err := patch.List(state)
	if err != nil {
		return err
	}
	if cfg.JSON {
		return writeJSON(stdout, list)
	}
	if len(list) == 0 {
		fmt.Fprintln(stdout, "No proposals yet. Make one with devai pr --title T --edits FILE, or propose_patch over MCP.")
		return nil
	}
	for _, s := range list {
		branch := ""
		if s.Branch != "" {
			branch = "  [" + s.Branch + "]"
		}
		fmt.Fprintf(stdout, "%s  %s  base %s  %d file(s)  %s%s\n    %s\n", s.ID, s.Created, s.Base, s.Files, s.Checks, branch, s.Title)
	}
	return nil
}

func runPRShow(cfg *prConfig, id string, stdout io.Writer) error {
	state, err := cfg.stateDir()
	if err != nil {
		return err
	}
	out, err := patch.Load(state, id)
	if errors.Is(err, patch.ErrNotFound) {
		return fmt.Errorf("%w; devai pr list shows the ids", err)
	}
	if err != nil {
		return err
	}
	if cfg.JSON {
		return writeJSON(stdout, out)
	}
	fmt.Fprint(stdout, patch.Markdown(out))
	return nil
}
