package changelog

// This file is the MCP binding of generate_changelog. Annotations and
// schema portability are set where every tool is declared, in cmd/devai.

import (
	"context"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/tools/tool"
)

// ToolName is the stable name of the tool.
const ToolName = "generate_changelog"

// Tool declares generate_changelog with its input and output schemas.
func Tool() mcp.Tool {
	return mcp.NewTool(ToolName,
		mcp.WithToolTitle("Write the changelog from git history"),
		mcp.WithDescription("Changelog between two revisions (default: the last tag to HEAD), from the git history: "+
			"Conventional Commits grouped into Keep a Changelog sections with breaking changes first; other commits "+
			"classified by their first word (Add, Fix, Remove, …) or listed under Other changes; merge commits left out. "+
			"Entries link to the spec sections that define the requirement IDs (FR-012) and to the proposals (devai://proposals/{id}) their messages name. Reads only."),
		mcp.WithInputSchema[Input](),
		mcp.WithOutputSchema[Output](),
	)
}

// Handler answers generate_changelog calls for the repository ix indexes.
func Handler(ix *memory.Index) server.ToolHandlerFunc {
	return func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		var in Input
		if err := req.BindArguments(&in); err != nil {
			return mcp.NewToolResultErrorf("generate_changelog: the arguments do not fit the schema (%v): pass {} for the last tag to HEAD, or {\"since\": \"v1.2.0\", \"until\": \"HEAD\"}", err), nil
		}
		if ix == nil {
			return mcp.NewToolResultError("generate_changelog: the index is not open; restart devai serve and check its log"), nil
		}
		out, err := Generate(ctx, ix.Repo(), ix, in)
		if err != nil {
			if tool.IsInputError(err) {
				return mcp.NewToolResultError(err.Error()), nil
			}
			return mcp.NewToolResultErrorf("generate_changelog failed: %v. Check that git works in the repository and try again.", err), nil
		}
		return mcp.NewToolResultStructured(out, Markdown(out)), nil
	}
}
