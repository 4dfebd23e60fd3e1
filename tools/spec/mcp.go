package spec

// This file declares draft_spec; tools/tool binds it to MCP and the CLI.

import (
	"context"
	"time"

	"github.com/devaiops/devai/tools/tool"
)

// ToolName is the stable name of the tool.
const ToolName = "draft_spec"

// proseTimeout bounds how long a call waits for a model to write the prose
// before it answers with the skeleton.
const proseTimeout = 30 * time.Second

// Tool declares draft_spec. Destructive: with overwrite:true a write
// replaces an existing spec file, which is not an additive change.
var Tool = &tool.Def[Input, Output]{
	Name:  ToolName,
	Title: "Draft a spec from a request",
	Description: "Turns a natural-language request into a spec a person can approve, grounded in the project: " +
		"existing specs on the subject (possible duplicates and contradictions called out), the code that would change, " +
		"the tests to extend and the logs that show today's behaviour, each cited by a devai:// URI that exists in the index. " +
		"Returns user stories with priorities, EARS requirements with stable IDs (kept when the same spec is re-drafted), " +
		"Given/When/Then acceptance criteria, measurable success criteria, unchanged behaviour, a test plan with " +
		"verifies: tags, at most three open questions with options, and lint findings. Prose the tool cannot know is " +
		"marked TODO(assistant); when the client offers sampling its model writes it. A one-word request gets " +
		"clarifying questions instead of a draft. Writes docs/specs/NNN-slug.md (or the spec-kit/kiro layout) only with " +
		"write: true, never over an existing file without overwrite: true; show the draft to the user first.",
	Hints:          tool.Hints{Destructive: true},
	Example:        `{"request": "add rate limiting to the login endpoint"}`,
	Budget:         64 << 10,
	NeedsFirstSync: true,
	Check:          Validate,
	Run: func(ctx context.Context, env tool.Env, in Input) (Output, error) {
		timeout := env.ProseTimeout
		if timeout == 0 {
			timeout = proseTimeout
		}
		return Run(ctx, env.Index, in, Options{Prose: env.Prose, ProseBy: env.ProseBy, ProseTimeout: timeout})
	},
	Render: func(_ Input, out Output) string { return Markdown(out) },
	Writes: func(out Output) []tool.Write { return out.Writes },
	Shrink: shrink,
}
