package gaps

// This file declares find_test_gaps; tools/tool binds it to MCP and the CLI.

import (
	"context"
	"fmt"

	"github.com/devaiops/devai/tools/tool"
)

// ToolName is the stable name of the tool.
const ToolName = "find_test_gaps"

// Tool declares find_test_gaps. It waits for the first sync, since gaps
// over half an index mislead.
var Tool = &tool.Def[Input, Output]{
	Name:  ToolName,
	Title: "Find what the tests do not verify",
	Description: "Finds the holes in the project's tests, riskiest first: symbols no test reaches (symbol graph, " +
		"checked against coverage files when present), code that coverage shows never ran (e.g. an error branch), " +
		"requirements in the specs that no test names, and tests citing requirements that no longer exist. " +
		"Coverage files (Go coverprofile, LCOV, Cobertura, JaCoCo, coverage.py JSON) are found in the tree or named. " +
		"Each gap has a devai:// URI and lines, why it is a gap, a risk score with the factors that drove it, " +
		"the test file to put a new test in, a similar test to model it on and a suggested test name; " +
		"the summary gives symbols tested, requirements verified and line/branch coverage, with a traceability matrix.",
	Hints:          tool.Hints{ReadOnly: true, Idempotent: true},
	Example:        `{} or filters such as {"kinds": ["untested"], "path": "internal/**"}`,
	NeedsFirstSync: true,
	Check:          Validate,
	Run: func(ctx context.Context, env tool.Env, in Input) (Output, error) {
		return Run(ctx, env.Index, in, Options{AllowOutside: env.Local})
	},
	Render: func(_ Input, out Output) string { return Markdown(out) },
	Count:  func(out Output) string { return fmt.Sprintf("%d gaps", len(out.Gaps)) },
	Shrink: shrink,
}
