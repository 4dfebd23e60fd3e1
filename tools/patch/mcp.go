package patch

// This file is the MCP binding of propose_patch. Annotations and schema
// portability are set where every tool is declared, in cmd/devai.

import (
	"context"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/tools/tool"
)

// ToolName is the stable name of the tool.
const ToolName = "propose_patch"

// Tool declares propose_patch with its input and output schemas.
func Tool() mcp.Tool {
	return mcp.NewTool(ToolName,
		mcp.WithToolTitle("Propose a patch for review"),
		mcp.WithDescription("Turns edits into a reviewable proposal without touching the user's files: the edits "+
			"(search/replace blocks whose search text occurs exactly once, a unified diff, whole files, deletions) are applied "+
			"in memory to a base commit (default HEAD), all or nothing; a failed edit says which one, where, and the nearest text. "+
			"Returns the proposal id, a unified git diff, the files and symbols touched, the tests that reference them, the "+
			"requirements involved, checks (the diff applies, Go files parse and are gofmt-formatted, and where the server "+
			"allows running code: go build and the impacted tests, in a scratch copy with a timeout) and a risk note. "+
			"Stored as devai://proposals/{id}. With options.branch it also creates the branch devai/proposal-<id> "+
			"(one commit on base; the working tree, index and HEAD stay as they are; never pushed): humans approve by merging."),
		mcp.WithInputSchema[Input](),
		mcp.WithOutputSchema[Output](),
	)
}

// Handler answers propose_patch calls over ix with the server's options.
func Handler(ix *memory.Index, opts RunOptions) server.ToolHandlerFunc {
	return func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		var in Input
		if err := req.BindArguments(&in); err != nil {
			return mcp.NewToolResultErrorf("propose_patch: the arguments do not fit the schema (%v): pass {\"title\": \"…\", \"edits\": [{\"path\": \"…\", \"search\": \"…\", \"replace\": \"…\"}]}", err), nil
		}
		if ix == nil {
			return mcp.NewToolResultError("propose_patch: the index is not open; restart devai serve and check its log"), nil
		}
		out, err := Run(ctx, ix, in, opts)
		if err != nil {
			if tool.IsInputError(err) {
				return mcp.NewToolResultError("propose_patch: " + err.Error()), nil
			}
			return mcp.NewToolResultErrorf("propose_patch failed: %v. Nothing was written to the working tree. Try again; if it persists, check the server log.", err), nil
		}
		return mcp.NewToolResultStructured(out, Markdown(out)), nil
	}
}
