package main

import (
	"context"

	"github.com/hashicorp/go-hclog"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/devaiops/devai/memory/redact"
)

// redactToolOutput passes every tool result through the credential
// redactor: its text parts and its structured content. The index already
// holds no secrets, but tools also read logs and pasted text that it never
// saw, and a secret must not reach the assistant from any of them.
func redactToolOutput(r *redact.Redactor, logger hclog.Logger) server.ToolHandlerMiddleware {
	return func(next server.ToolHandlerFunc) server.ToolHandlerFunc {
		return func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			res, err := next(ctx, req)
			if err != nil || res == nil {
				return res, err
			}
			for i, c := range res.Content {
				if t, ok := c.(mcp.TextContent); ok {
					t.Text = r.String(t.Text)
					res.Content[i] = t
				}
			}
			if res.StructuredContent != nil {
				clean, rerr := r.JSON(res.StructuredContent)
				if rerr != nil {
					if logger != nil {
						logger.Warn("cannot redact a structured result; withholding it", "tool", req.Params.Name, "error", rerr)
					}
					return mcp.NewToolResultErrorf("%s: its result could not be checked for credentials (%v)", req.Params.Name, rerr), nil
				}
				res.StructuredContent = clean
			}
			return res, nil
		}
	}
}
