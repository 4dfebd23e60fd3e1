package trace

// This file is the MCP binding of trace_root_cause. Annotations are set
// where every tool is declared, in cmd/devai.

import (
	"context"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/tools/tool"
)

// ToolName is the stable name of the tool.
const ToolName = "trace_root_cause"

// Tool declares trace_root_cause with its input and output schemas.
func Tool() mcp.Tool {
	return mcp.NewTool(ToolName,
		mcp.WithToolTitle("Find the root cause of a crash or error log"),
		mcp.WithDescription("Give it a pasted stack trace or failing log lines (Go panics and race reports, Python tracebacks, "+
			"Java/Kotlin exceptions, Node.js errors, Rust panics; JSON or logfmt logs around them), a log file in the repository, "+
			"or a time range over the indexed logs (since/until: RFC 3339 or an age such as 15m; logs: a path glob), whose errors are read first. "+
			"Request and trace IDs in the failure (request_id, trace_id, traceparent, …) gather that request's events from every indexed log into a timeline. "+
			"It parses the errors and frames, maps frames to this repository's files and symbols, and ranks suspects, "+
			"each with git blame of the lines and recent commits, the tests that reach it, related specs, similar past log events, "+
			"a score that says where it came from, a hypothesis and the test to write. Cite the URIs; read them to confirm."),
		mcp.WithInputSchema[Input](),
		mcp.WithOutputSchema[Output](),
	)
}

// firstSyncWait bounds how long a call waits for the first sync.
const firstSyncWait = 20 * time.Second

// Handler answers trace_root_cause calls over ix.
func Handler(ix *memory.Index) server.ToolHandlerFunc {
	return func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		var in Input
		if err := req.BindArguments(&in); err != nil {
			return mcp.NewToolResultErrorf("trace_root_cause: the arguments do not fit the schema (%v): pass {\"text\": \"<stack trace or log lines>\"}, {\"path\": \"logs/app.log\"} or {\"since\": \"15m\"}", err), nil
		}
		if ix == nil {
			return mcp.NewToolResultError("trace_root_cause: the index is not open; restart devai serve and check its log"), nil
		}
		if st := ix.Status(); st.State == "indexing" && st.LastSync.IsZero() {
			// Frames map to files only once they are indexed: wait for the
			// first sync, briefly.
			wctx, cancel := context.WithTimeout(ctx, firstSyncWait)
			_ = ix.WaitIdle(wctx)
			cancel()
			if ctx.Err() != nil {
				return mcp.NewToolResultErrorf("trace_root_cause: cancelled while waiting for the first index sync: %v", ctx.Err()), nil
			}
		}
		out, err := Run(ctx, ix, in)
		if err != nil {
			if tool.IsInputError(err) {
				return mcp.NewToolResultError(err.Error()), nil
			}
			return mcp.NewToolResultErrorf("trace_root_cause failed: %v. Try again; if it persists, check devai://index and the server log.", err), nil
		}
		return mcp.NewToolResultStructured(out, Markdown(out)), nil
	}
}
