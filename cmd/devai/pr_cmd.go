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
	"regexp"
	"strings"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/tools/patch"
)

func prCommand(stdin io.Reader, stdout, stderr io.Writer) *command {
	var editsFile string
	return toolCommand(patch.Tool, toolFace[patch.Input, patch.Output]{
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
		flags: func(fs *flag.FlagSet, opts *callOptions) {
			fs.StringVar(&editsFile, "edits", "", "`file` with the edits (- for stdin): a JSON list of edits, a JSON propose_patch input, or a unified diff")
			fs.BoolVar(&opts.AllowExec, "allow-exec", false, "let the build and test checks run the repository's code (in a scratch copy)")
			fs.DurationVar(&opts.ExecTimeout, "check-timeout", patch.DefaultTimeout, "kill a build or test check after this `duration`")
		},
		subcommands: map[string]func(r *commandRun, args []string) error{
			"list": func(r *commandRun, args []string) error {
				if len(args) != 0 {
					return usagef("devai pr list takes no arguments")
				}
				return runPRList(r, r.stdout)
			},
			"show": func(r *commandRun, args []string) error {
				if len(args) != 1 {
					return usagef("give one proposal id: devai pr show ID (devai pr list shows them)")
				}
				return runPRShow(r, args[0], r.stdout)
			},
		},
		args: func(r *commandRun, args []string, in *patch.Input) error {
			if len(args) > 0 {
				return usagef("unexpected arguments %q: use devai pr --title T --edits FILE, devai pr list or devai pr show ID", args)
			}
			if editsFile == "" {
				return usagef("--edits is required: a file with the edits, or - for stdin")
			}
			data, err := readEdits(editsFile, r.cfg.Repo, r.stdin)
			if err != nil {
				return err
			}
			if err := parseEdits(data, in); err != nil {
				return usageError{err}
			}
			if strings.TrimSpace(in.Title) == "" {
				return usagef("--title is required: say in one line what the change does")
			}
			return nil
		},
		inputIsContent: true,
		print:          printProposal,
	}, stdin, stdout, stderr)
}

// printProposal prints the proposal and fails when one of its checks did.
func printProposal(r *commandRun, _ patch.Input, ans toolAnswer[patch.Output]) error {
	if err := printAnswer(r, ans); err != nil {
		return err
	}
	var failed []string
	for _, c := range ans.Out.Checks {
		if c.Status == patch.StatusFail {
			failed = append(failed, c.Name)
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("proposal %s is stored, but these checks failed: %s", ans.Out.ID, strings.Join(failed, ", "))
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
	if diffStart.Match(data) {
		// A unified diff, perhaps with a sentence or a ```diff fence around
		// it: propose_patch reads past those.
		in.Edits = append(in.Edits, patch.Edit{Diff: string(data)})
		return nil
	}
	return errors.New("the edits are neither JSON (a list of edits, or a propose_patch input) nor a unified diff (a diff --git line, or a --- line followed by +++)")
}

// diffStart finds where a unified diff begins: git's header, or a ---
// line followed by a +++ line (GNU diff -u).
var diffStart = regexp.MustCompile(`(?m)^(diff --git |--- .*\r?\n\+\+\+ )`)

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
func (r *commandRun) stateDir() (string, error) {
	state, err := memory.StateDir(r.cfg.memoryOptions())
	if err != nil {
		return "", fmt.Errorf("find the state directory of %s: %w", r.cfg.Repo, err)
	}
	return state, nil
}

func runPRList(r *commandRun, stdout io.Writer) error {
	state, err := r.stateDir()
	if err != nil {
		return err
	}
	store, closeStore, err := openProposalStore(context.Background(), &r.cfg.trustFlags, r.cfg.Repo, state)
	if err != nil {
		return err
	}
	defer closeStore()
	list, err := patch.List(context.Background(), store)
	if err != nil {
		return err
	}
	if r.cfg.JSON {
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

func runPRShow(r *commandRun, id string, stdout io.Writer) error {
	state, err := r.stateDir()
	if err != nil {
		return err
	}
	store, closeStore, err := openProposalStore(context.Background(), &r.cfg.trustFlags, r.cfg.Repo, state)
	if err != nil {
		return err
	}
	defer closeStore()
	out, err := patch.Load(context.Background(), store, id)
	if errors.Is(err, patch.ErrNotFound) {
		return fmt.Errorf("%w; devai pr list shows the ids", err)
	}
	if err != nil {
		return err
	}
	if r.cfg.JSON {
		return writeJSON(stdout, out)
	}
	fmt.Fprint(stdout, patch.Markdown(out))
	return nil
}
