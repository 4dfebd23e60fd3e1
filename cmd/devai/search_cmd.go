package main

import (
	"io"
	"strings"

	"github.com/devaiops/devai/tools/search"
)

func searchCommand(stdout, stderr io.Writer) *command {
	return toolCommand(search.Tool, toolFace[search.Input, search.Output]{
		name:    "search",
		summary: "Search the project's specs, code, tests and logs (what search_context answers).",
		usage:   "QUERY [flags]",
		details: `
The index is synced first (only changed files are read), unless --no-sync.
With --json the output is exactly search_context's structured output.`,
		args: func(_ *commandRun, args []string, in *search.Input) error {
			if len(args) == 0 {
				return usagef("give a query, e.g. devai search \"session expiry\"")
			}
			in.Query = strings.Join(args, " ")
			return nil
		},
	}, nil, stdout, stderr)
}
