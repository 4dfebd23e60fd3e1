// Package tooltest serves declared tools to a real MCP client in tests, so
// that each tool package tests its binding the way assistants reach it.
package tooltest

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/devaiops/devai/tools/tool"
)

// Server is an MCP server with tools served over env, as devai serve
// serves them: the binding checks the input against the declared schema,
// the server the output.
func Server(tb testing.TB, env tool.Env, tools ...tool.Tool) *server.MCPServer {
	tb.Helper()
	s := server.NewMCPServer("devai-test", "0", server.WithToolCapabilities(false),
		server.WithStrictInputSchemaDefault(), server.WithOutputSchemaValidation())
	for _, t := range tools {
		b, err := t.Binding(env)
		if err != nil {
			tb.Fatal(err)
		}
		s.AddTool(b.Tool, b.Handler)
	}
	return s
}

// Connect starts an in-process client on s, initialized at version
// (the latest when empty), closed when the test ends.
func Connect(tb testing.TB, s *server.MCPServer, version string, opts ...client.ClientOption) *client.Client {
	tb.Helper()
	if version == "" {
		version = mcp.LATEST_PROTOCOL_VERSION
	}
	c, err := client.NewInProcessClientWithOptions(s, append(opts, client.WithProtocolVersion(version))...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = c.Close() })
	ctx := context.Background()
	if err := c.Start(ctx); err != nil {
		tb.Fatal(err)
	}
	var init mcp.InitializeRequest
	init.Params.ProtocolVersion = version
	init.Params.ClientInfo = mcp.Implementation{Name: "devai-test", Version: "1"}
	res, err := c.Initialize(ctx, init)
	if err != nil {
		tb.Fatalf("initialize %s: %v", version, err)
	}
	if res.ProtocolVersion != version {
		tb.Fatalf("negotiated %s, want %s", res.ProtocolVersion, version)
	}
	return c
}

// Call calls the tool name with args. A tool's failure is an isError
// result; a protocol error fails the test.
func Call(tb testing.TB, c *client.Client, name string, args map[string]any) *mcp.CallToolResult {
	tb.Helper()
	var req mcp.CallToolRequest
	req.Params.Name, req.Params.Arguments = name, args
	res, err := c.CallTool(context.Background(), req)
	if err != nil {
		tb.Fatalf("%s: a tool failure must be an isError result, not a protocol error: %v", name, err)
	}
	return res
}

// Structured decodes a result's structured content into v, as a client
// that reads structuredContent does.
func Structured(res *mcp.CallToolResult, v any) error {
	raw, err := json.Marshal(res.StructuredContent)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("structured content %s: %w", raw, err)
	}
	return nil
}
