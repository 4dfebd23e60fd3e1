package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/devaiops/devai/tools/spec"
)

func planCommand(stdout, stderr io.Writer) *command {
	return toolCommand(spec.Tool, toolFace[spec.Input, spec.Output]{
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
With --chat (ollama or openai) a chat model writes the prose; when a running
devai serve holds the index, its own --chat decides.
With --json the output is exactly draft_spec's structured output.`,
		flags: func(fs *flag.FlagSet, opts *callOptions) {
			opts.Chat = &chatConfig{}
			opts.Chat.register(fs)
		},
		args: func(r *commandRun, args []string, in *spec.Input) error {
			in.Request = strings.Join(args, " ")
			if in.Path != "" {
				in.Path = repoPath(r.cfg.Repo, in.Path)
			}
			return nil
		},
		print: func(r *commandRun, _ spec.Input, ans toolAnswer[spec.Output]) error {
			for _, w := range ans.Out.Writes {
				fmt.Fprintf(r.stderr, "devai plan: wrote %s\n", w.Ref)
			}
			return printAnswer(r, ans)
		},
	}, nil, stdout, stderr)
}
