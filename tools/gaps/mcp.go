package gaps

// This file is the MCP binding of find_test_gaps. Annotations and schema
// portability are set where every tool is declared, in cmd/devai.

import (
	"context"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/tools/tool"
)

// ToolName is the stable name of the tool.
const ToolName = "find_test_gaps"

// Tool declares find_test_gaps with its input and output schemas.
func Tool() mcp.Tool {
	return mcp.NewTool(ToolName,
		mcp.WithToolTitle("Find what the tests do not verify"),
		mcp.WithDescription("Finds the holes in the project's tests, riskiest first: symbols no test reaches (symbol graph, "+
			"checked against coverage files when present), code that coverage shows never ran (e.g. an error branch), "+
			"requirements in the specs that no test names, and tests citing requirements that no longer exist. "+
			"Coverage files (Go coverprofile, LCOV, Cobertura, JaCoCo, coverage.py JSON) are found in the tree or named. "+
			"Each gap has a devai:// URI and lines, why it is a gap, a risk score with the factors that drove it, "+
			"the test file to put a new test in, a similar test to model it on and a suggested test name; "+
			"the summary gives symbols tested, requirements verified and line/branch coverage, with a traceability matrix."),
		mcp.WithInputSchema[Input](),
		mcp.WithOutputSchema[Output](),
	)
}

// Handler answers find_test_gaps calls over ix. While the first sync runs
// it waits up to wait for it, since gaps over half an index mislead.
func Handler(ix *memory.Index, wait time.Duration) server.ToolHandlerFunc {
	return func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		var in Input
		if err := req.BindArguments(&in); err != nil {
			return mcp.NewToolResultErrorf("find_test_gaps: the arguments do not fit the schema (%v): pass {} or filters such as {\"kinds\": [\"untested\"], \"path\": \"internal/**\"}", err), nil
		}
		if err := Validate(&in); err != nil {
			return mcp.NewToolResultError(err.Error()), nil
		}
		if ix == nil {
			return mcp.NewToolResultError("find_test_gaps: the index is not open; restart devai serve and check its log"), nil
		}
		if st := ix.Status(); st.State == "indexing" && st.LastSync.IsZero() && wait > 0 {
			waitCtx, cancel := context.WithTimeout(ctx, wait)
			_ = ix.WaitIdle(waitCtx)
			cancel()
			if ctx.Err() != nil {
				return mcp.NewToolResultErrorf("find_test_gaps: cancelled while waiting for the first index sync: %v", ctx.Err()), nil
			}
		}
		out, err := Run(ctx, ix, in, Options{})
		if err != nil {
			if tool.IsInputError(err) {
				return mcp.NewToolResultError(err.Error()), nil
			}
			return mcp.NewToolResultErrorf("find_test_gaps failed: %v. Try again; if it persists, check devai://index and the server log.", err), nil
		}
		return mcp.NewToolResultStructured(out, Markdown(out)), nil
	}
}
