package main

import (
	"context"
	"fmt"
	"runtime/debug"

	"github.com/hashicorp/go-hclog"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// recoverToolPanics turns a panic in a tool handler into an isError result
// (mcp-go's WithRecovery would answer a JSON-RPC internal error), logging
// the stack, so one bad input never takes a session down and the assistant
// sees what failed.
func recoverToolPanics(logger hclog.Logger) server.ToolHandlerMiddleware {
	return func(next server.ToolHandlerFunc) server.ToolHandlerFunc {
		return func(ctx context.Context, req mcp.CallToolRequest) (res *mcp.CallToolResult, err error) {
			defer func() {
				if r := recover(); r != nil {
					if logger != nil {
						logger.Error("tool handler panicked", "tool", req.Params.Name, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
					}
					res, err = mcp.NewToolResultErrorf("%s failed with an internal error (%v); this is a bug in devai, please report it with the arguments you used", req.Params.Name, r), nil
				}
			}()
			return next(ctx, req)
		}
	}
}
