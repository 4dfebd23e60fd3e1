package main

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/devaiops/devai/tools/tool"
)

// FuzzToolArguments sends any JSON as the arguments of every tool, through
// the handler each tool is served with (no index open, so nothing runs
// past validation and nothing is written). Binding and validating must
// never panic, and every answer is a tool error with a message to act on
// (or, from a tool that reads only its input, an answer),
// the same each time; a protocol error is for protocol faults only.
func FuzzToolArguments(f *testing.F) {
	for _, s := range []string{
		`{"query":"lockout","kinds":["code","log"],"path":"internal/**","since":"2024-05-01","until":"2024-05-02T00:00:00Z","limit":5,"max_tokens":900}`,
		`{"text":"panic: x\n\ngoroutine 1 [running]:\nmain.main()\n\t/a/main.go:3 +0x1"}`,
		`{"path":"logs/app.log","since":"15m","logs":"logs/*.log"}`,
		`{"kinds":["untested","uncovered"],"path":"internal/**","min_risk":50,"limit":10}`,
		`{"request":"add rate limiting to the login endpoint","format":"kiro","write":true,"overwrite":true,"path":"docs/x.md"}`,
		`{"title":"fix","base":"HEAD","edits":[{"path":"a.go","search":"b","replace":"c"},{"diff":"--- a/x\n+++ b/x\n"},{"path":"n","content":"x"}]}`,
		`{"since":"v1.2.0","until":"HEAD"}`,
		`[]`, `"query"`, `null`, `{"limit":1e400}`, `{"limit":-1,"query":7}`, `{"kinds":"code"}`, `{"query":"\u0000\ud800"}`,
	} {
		f.Add([]byte(s))
	}
	table := toolTable()
	f.Fuzz(func(t *testing.T, args []byte) {
		if !json.Valid(args) {
			return // the JSON-RPC layer refuses it before any tool sees it
		}
		for _, d := range table {
			name := d.Info().Name
			first := callUnindexed(t, d, name, args)
			if again := callUnindexed(t, d, name, args); !reflect.DeepEqual(first, again) {
				t.Fatalf("%s: answers differ for the same arguments:\n%+v\n%+v", name, first, again)
			}
		}
	})
}

// answersWithoutIndex are the tools that answer some arguments (pasted
// text) with no index open.
var answersWithoutIndex = map[string]bool{"summarize_log": true}

func callUnindexed(t *testing.T, d tool.Tool, name string, args []byte) *mcp.CallToolResult {
	t.Helper()
	var req mcp.CallToolRequest
	req.Params.Name = name
	req.Params.Arguments = json.RawMessage(args)
	b, err := d.Binding(tool.Env{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := b.Handler(context.Background(), req)
	if err != nil || res == nil {
		t.Fatalf("%s(%s): protocol error %v, result %v", name, args, err, res)
	}
	if (!res.IsError && !answersWithoutIndex[name]) || len(res.Content) == 0 {
		t.Fatalf("%s(%s): not a tool error: %+v", name, args, res)
	}
	if tc, ok := res.Content[0].(mcp.TextContent); !ok || tc.Text == "" {
		t.Fatalf("%s(%s): the answer says nothing: %+v", name, args, res.Content)
	}
	return res
}
