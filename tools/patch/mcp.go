package patch

// This file declares propose_patch; tools/tool binds it to MCP and the CLI.

import (
	"context"

	"github.com/devaiops/devai/tools/tool"
)

// ToolName is the stable name of the tool.
const ToolName = "propose_patch"

// Tool declares propose_patch. Not destructive: a proposal and its branch
// are additions; the working tree, the index and HEAD are never touched.
var Tool = &tool.Def[Input, Output]{
	Name:  ToolName,
	Title: "Propose a patch for review",
	Description: "Turns edits into a reviewable proposal without touching the user's files: the edits " +
		"(search/replace blocks whose search text occurs exactly once, a unified diff, whole files, deletions) are applied " +
		"in memory to a base commit (default HEAD), all or nothing; a failed edit says which one, where, and the nearest text. " +
		"Returns the proposal id, a unified git diff, the files and symbols touched, the tests that reference them, the " +
		"requirements involved, checks (the diff applies, Go files parse and are gofmt-formatted, and where the server " +
		"allows running code: go build and the impacted tests, in a scratch copy with a timeout) and a risk note. " +
		"Stored as devai://proposals/{id}. With options.branch it also creates the branch devai/proposal-<id> " +
		"(one commit on base; the working tree, index and HEAD stay as they are; never pushed): humans approve by merging.",
	Hints:   tool.Hints{},
	Example: `{"title": "…", "edits": [{"path": "…", "search": "…", "replace": "…"}]}`,
	Budget:  96 << 10,
	Run: func(ctx context.Context, env tool.Env, in Input) (Output, error) {
		return Run(ctx, env.Index, in, RunOptions{AllowExec: env.AllowExec, Timeout: env.ExecTimeout, Progress: env.Progress, Store: env.Proposals, Decisions: env.Decisions})
	},
	Render:   func(_ Input, out Output) string { return Markdown(out) },
	Writes:   func(out Output) []tool.Write { return out.Writes },
	Shrink:   shrink,
	FailHint: "Nothing was written to the working tree. Try again; if it persists, check the server log.",
}
