package changelog

// This file declares generate_changelog; tools/tool binds it to MCP and
// the CLI.

import (
	"context"
	"fmt"

	"github.com/devaiops/devai/tools/tool"
)

// ToolName is the stable name of the tool.
const ToolName = "generate_changelog"

// Tool declares generate_changelog.
var Tool = &tool.Def[Input, Output]{
	Name:  ToolName,
	Title: "Write the changelog from git history",
	Description: "Changelog between two revisions (default: the last tag to HEAD), from the git history: " +
		"Conventional Commits grouped into Keep a Changelog sections with breaking changes first; other commits " +
		"classified by their words (Add, Fix, Remove, a verb after a leading name); release, dependency, CI, docs and test commits " +
		"grouped under Maintenance, last; merge commits left out. " +
		"Entries link to the spec sections that define the requirement IDs (FR-012) and to the proposals (devai://proposals/{id}) their messages name. Reads only.",
	Hints:   tool.Hints{ReadOnly: true, Idempotent: true},
	Example: `{} for the last tag to HEAD, or {"since": "v1.2.0", "until": "HEAD"}`,
	Run: func(ctx context.Context, env tool.Env, in Input) (Output, error) {
		return Generate(ctx, env.Index.Repo(), env.Index, in)
	},
	Render:   func(_ Input, out Output) string { return Markdown(out) },
	Count:    func(out Output) string { return fmt.Sprintf("%d commits", out.Commits) },
	Shrink:   shrink,
	FailHint: "Check that git works in the repository and try again.",
}
