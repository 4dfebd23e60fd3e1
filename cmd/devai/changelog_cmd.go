package main

import (
	"context"
	"errors"
	"flag"
	"io"
	"strings"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/resources"
	"github.com/devaiops/devai/tools/changelog"
)

func changelogCommand(stdout, stderr io.Writer) *command {
	format := "markdown"
	return toolCommand(changelog.Tool, toolFace[changelog.Input, changelog.Output]{
		name:    "changelog",
		summary: "Write the changelog between two revisions from git history (what generate_changelog answers).",
		usage:   "[SINCE [UNTIL] | SINCE..UNTIL] [--since REV] [--until REV] [flags]",
		details: `
Conventional Commits go to Keep a Changelog sections (breaking changes first); other commits are
classified by their first word or listed under "Other changes"; merge commits are left out. The
index links requirement IDs (FR-012) to the specs that define them: it is synced first unless
--no-sync. The revisions may also be given as arguments, as git log takes them:
'devai changelog v1.2.0 v1.3.0' or 'devai changelog v1.2.0..v1.3.0'.`,
		flags: func(fs *flag.FlagSet, _ *callOptions) {
			fs.StringVar(&format, "format", "markdown", "markdown or json (json is what --json prints: the tool's structured output)")
		},
		args: func(r *commandRun, args []string, in *changelog.Input) error {
			if err := revisionArgs(args, in); err != nil {
				return err
			}
			switch format {
			case "markdown", "md":
			case "json":
				r.cfg.JSON = true
			default:
				return usagef("--format %q: use markdown or json", format)
			}
			return nil
		},
	}, nil, stdout, stderr)
}

// revisionArgs reads the range as arguments: SINCE, SINCE UNTIL or
// SINCE..UNTIL, each side also settable by --since and --until, not both.
func revisionArgs(args []string, in *changelog.Input) error {
	if len(args) == 1 {
		if since, until, ok := strings.Cut(args[0], ".."); ok {
			args = []string{since, until}
		}
	}
	if len(args) > 2 {
		return usagef("unexpected arguments %q: give at most two revisions, SINCE and UNTIL (or SINCE..UNTIL)", args)
	}
	for i, flagName := range []string{"--since", "--until"} {
		if i >= len(args) || args[i] == "" {
			continue
		}
		field := []*string{&in.Since, &in.Until}[i]
		if *field != "" && *field != args[i] {
			return usagef("%s %q and the argument %q name two revisions: give one", flagName, *field, args[i])
		}
		*field = args[i]
	}
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
