package search

// This file declares search_context; tools/tool binds it to MCP and the CLI.

import (
	"context"
	"fmt"

	"github.com/devaiops/devai/tools/tool"
)

// ToolName is the stable name of the tool.
const ToolName = "search_context"

// Tool declares search_context.
var Tool = &tool.Def[Input, Output]{
	Name:  ToolName,
	Title: "Search the project's memory",
	Description: "Hybrid (full-text + semantic) search over the project's specs, code, tests and logs. " +
		"Filter by kinds, a path glob, language, and a time range for logs; the snippets fit a token budget. " +
		"Every hit has a devai:// URI with its line range (readable as a resource), the symbol it is in, a score and why it matched. " +
		"Use it before answering questions about this codebase, and cite the URIs.",
	Hints:          tool.Hints{ReadOnly: true, Idempotent: true},
	Example:        `{"query": "..."} and optional filters`,
	Budget:         40 << 10,
	NeedsFirstSync: true,
	Check: func(in *Input) error {
		_, err := ToQuery(*in)
		return err
	},
	Run: func(ctx context.Context, env tool.Env, in Input) (Output, error) {
		out, err := Run(ctx, env.Index, in)
		if err == nil && out.Index == "ready" {
			out.Index = env.Index.Status().Label()
		}
		return out, err
	},
	Render: func(in Input, out Output) string { return Markdown(in.Query, out) },
	Count:  func(out Output) string { return fmt.Sprintf("%d hits", len(out.Hits)) },
	Shrink: shrink,
}
