package search

// This file is the MCP binding of search_context: the tool's declaration and
// a handler that waits (briefly, with progress) for the first sync before
// answering. Annotations and schema portability are set where every tool is
// declared, in cmd/devai.

import (
	"context"
	"fmt"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/tools/tool"
)

// ToolName is the stable name of the tool.
const ToolName = "search_context"

// DefaultFirstSyncWait bounds how long a call waits for the first sync.
const DefaultFirstSyncWait = 20 * time.Second

// progressEvery is how often a waiting call reports progress.
const progressEvery = 250 * time.Millisecond

// Tool declares search_context with its input and output schemas.
func Tool() mcp.Tool {
	return mcp.NewTool(ToolName,
		mcp.WithToolTitle("Search the project's memory"),
		mcp.WithDescription("Hybrid (full-text + semantic) search over the project's specs, code, tests and logs. "+
			"Filter by kinds, a path glob, language, and a time range for logs; the snippets fit a token budget. "+
			"Every hit has a devai:// URI with its line range (readable as a resource), the symbol it is in, a score and why it matched. "+
			"Use it before answering questions about this codebase, and cite the URIs."),
		mcp.WithInputSchema[Input](),
		mcp.WithOutputSchema[Output](),
	)
}

// Handler answers search_context calls over ix. While the first sync runs it
// waits up to wait (or until the client cancels), sending progress
// notifications when the request carries a progress token; after that it
// answers with what is indexed so far.
func Handler(ix *memory.Index, wait time.Duration) server.ToolHandlerFunc {
	return func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		var in Input
		if err := req.BindArguments(&in); err != nil {
			return mcp.NewToolResultErrorf("search_context: the arguments do not fit the schema (%v): pass {\"query\": \"...\"} and optional filters", err), nil
		}
		if _, err := ToQuery(in); err != nil {
			return mcp.NewToolResultError(err.Error()), nil
		}
		if ix == nil {
			return mcp.NewToolResultError("search_context: the index is not open; restart devai serve and check its log"), nil
		}
		if err := waitFirstSync(ctx, ix, req, wait); err != nil {
			return mcp.NewToolResultErrorf("search_context: cancelled while waiting for the first index sync: %v", err), nil
		}
		out, err := Run(ctx, ix, in)
		if err != nil {
			if tool.IsInputError(err) {
				return mcp.NewToolResultError(err.Error()), nil
			}
			return mcp.NewToolResultErrorf("search_context failed: %v. Try again; if it persists, check devai://index and the server log.", err), nil
		}
		if st := ix.Status(); st.State == "indexing" && out.Index == "ready" {
			out.Index = fmt.Sprintf("indexing %d%%", int(st.Progress*100))
		}
		return mcp.NewToolResultStructured(out, Markdown(in.Query, out)), nil
	}
}

// waitFirstSync blocks while the index has never finished a sync, up to
// wait. It returns an error only when the caller's ctx ends.
func waitFirstSync(ctx context.Context, ix *memory.Index, req mcp.CallToolRequest, wait time.Duration) error {
	st := ix.Status()
	if st.State != "indexing" || !st.LastSync.IsZero() || wait <= 0 {
		return nil
	}
	waitCtx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = ix.WaitIdle(waitCtx)
	}()
	var token mcp.ProgressToken
	if req.Params.Meta != nil {
		token = req.Params.Meta.ProgressToken
	}
	srv := server.ServerFromContext(ctx)
	tick := time.NewTicker(progressEvery)
	defer tick.Stop()
	last := -1.0
	for {
		select {
		case <-done:
			return ctx.Err()
		case <-tick.C:
			p := ix.Status().Progress * 100
			if token == nil || srv == nil || p <= last {
				continue // progress must increase, per the spec
			}
			last = p
			_ = srv.SendNotificationToClient(ctx, "notifications/progress", map[string]any{
				"progressToken": token, "progress": p, "total": 100.0,
				"message": fmt.Sprintf("indexing the repository: %.0f%%", p),
			})
		}
	}
}
