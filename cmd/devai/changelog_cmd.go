package main

import (
	"context"
	"errors"
	"flag"
	"io"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/resources"
	"github.com/devaiops/devai/tools/changelog"
)

func changelogCommand(stdout, stderr io.Writer) *command {
	format := "markdown"
	return toolCommand(changelog.Tool, toolFace[changelog.Input, changelog.Output]{
		name:    "changelog",
		summary: "Write the changelog between two revisions from git history (what generate_changelog answers).",
		usage:   "[--since REV] [--until REV] [flags]",
		details: `
Conventional Commits go to Keep a Changelog sections (breaking changes first); other commits are
classified by their first word or listed under "Other changes"; merge commits are left out. The
index links requirement IDs (FR-012) to the specs that define them: it is synced first unless
--no-sync.`,
		flags: func(fs *flag.FlagSet, _ *callOptions) {
			fs.StringVar(&format, "format", "markdown", "markdown or json (json is what --json prints: the tool's structured output)")
		},
		args: func(r *commandRun, args []string, _ *changelog.Input) error {
			if len(args) > 0 {
				return usagef("unexpected arguments %q: pass revisions with --since and --until", args)
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
