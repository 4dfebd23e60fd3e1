package main

import (
	"context"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/devaiops/devai/tools/tool"
	"github.com/devaiops/devai/tools/tool/tooltest"
)

// panicky is a tool that panics, to prove a handler panic becomes an error
// result and the server keeps serving.
var panicky = testTool("test_panic", tool.Hints{ReadOnly: true}, func(context.Context) (string, error) { panic("boom") })

// TestSessionsAcrossVersions drives the real server in-process, pinned to
// each protocol version, through listing, bad input and recovery. It needs
// no index: every answer here comes before a search would run.
func TestSessionsAcrossVersions(t *testing.T) {
	for _, v := range protocolVersions {
		t.Run(v, func(t *testing.T) {
			ctx := context.Background()
			c := tooltest.Connect(t, newTestServer(t, nil, append(toolTable(), panicky)), v)

			tools, err := c.ListTools(ctx, mcp.ListToolsRequest{})
			if err != nil || len(tools.Tools) != len(toolTable())+1 {
				t.Fatalf("list tools: %v %+v", err, tools)
			}
			bad := []struct {
				name string
				args map[string]any
				want string
			}{
				{"empty query", map[string]any{"query": "  "}, "query is empty"},
				{"missing query", map[string]any{"kinds": []string{"code"}}, "query"},
				{"wrong type", map[string]any{"query": 42}, "query"},
				{"unknown key", map[string]any{"query": "x", "colour": "red"}, "colour"},
				{"bad kind", map[string]any{"query": "x", "kinds": []string{"docs"}}, `unknown kind "docs"`},
				{"bad time", map[string]any{"query": "x", "since": "yesterday"}, "RFC 3339"},
				{"limit too big", map[string]any{"query": "x", "limit": 500}, "limit 500"},
				{"no index", map[string]any{"query": "x"}, "index is not open"},
			}
			for _, b := range bad {
				res := tooltest.Call(t, c, "search_context", b.args)
				if !res.IsError || !strings.Contains(resultText(res), b.want) {
					t.Errorf("%s: isError=%v text=%q, want an isError result mentioning %q", b.name, res.IsError, resultText(res), b.want)
				}
			}

			res := tooltest.Call(t, c, "test_panic", nil)
			if !res.IsError || !strings.Contains(resultText(res), "boom") {
				t.Errorf("panic: want an isError result, got %+v", res)
			}

			var unknown mcp.CallToolRequest
			unknown.Params.Name = "no_such_tool"
			if res, err := c.CallTool(ctx, unknown); err == nil && !res.IsError {
				t.Errorf("unknown tool: want an error, got %+v", res)
			}

			// Still serving after all of the above.
			templates, err := c.ListResourceTemplates(ctx, mcp.ListResourceTemplatesRequest{})
			if err != nil || len(templates.ResourceTemplates) != 4 {
				t.Fatalf("resource templates after bad calls: %v %+v", err, templates)
			}
			var rr mcp.ReadResourceRequest
			rr.Params.URI = "devai://nothing/here"
			if _, err := c.ReadResource(ctx, rr); err == nil {
				t.Error("reading an unknown URI: want an error")
			}
		})
	}
}
