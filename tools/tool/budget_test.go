package tool_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/devaiops/devai/tools/tool"
	"github.com/devaiops/devai/tools/tool/tooltest"
)

type listOut struct {
	Items []string `json:"items"`
}

// TestAnswersFitTheBudget: an answer over its tool's budget is shrunk
// until it fits, in the one binding; a caller that lifts the budget (the
// command line) gets all of it.
func TestAnswersFitTheBudget(t *testing.T) {
	const budget = 4 << 10
	long := &tool.Def[struct{}, listOut]{
		Name: "test_long", Description: "answers 200 items", Example: "{}", WithoutIndex: true, Budget: budget,
		Run: func(context.Context, tool.Env, struct{}) (listOut, error) {
			out := listOut{}
			for range 200 {
				out.Items = append(out.Items, strings.Repeat("x", 60))
			}
			return out, nil
		},
		Render: func(_ struct{}, o listOut) string { return strings.Join(o.Items, "\n") },
		Shrink: func(o *listOut) bool {
			if len(o.Items) <= 1 {
				return false
			}
			o.Items = o.Items[:len(o.Items)-1]
			return true
		},
	}
	c := tooltest.Connect(t, tooltest.Server(t, tool.Env{}, long), "")
	size := func(res *mcp.CallToolResult) (int, int) {
		raw, _ := json.Marshal(res)
		var out listOut
		data, _ := json.Marshal(res.StructuredContent)
		_ = json.Unmarshal(data, &out)
		return len(raw), len(out.Items)
	}
	n, items := size(tooltest.Call(t, c, "test_long", nil))
	if n > budget+512 || items == 0 || items == 200 {
		t.Errorf("budgeted answer: %d bytes with %d items, want about %d bytes", n, items, budget)
	}
	var req mcp.CallToolRequest
	req.Params.Name = "test_long"
	req.Params.Meta = mcp.NewMetaFromMap(map[string]any{tool.BudgetKey: "none"})
	res, err := c.CallTool(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if _, items := size(res); items != 200 {
		t.Errorf("budget lifted: %d items, want all 200", items)
	}
}

// TestArgumentMistakesSayWhatToDo: a misspelt, missing or mistyped
// argument gets a message that names it, suggests the right name and shows
// valid arguments, not a validator's schema paths.
func TestArgumentMistakesSayWhatToDo(t *testing.T) {
	type in struct {
		Query string `json:"query"`
		Limit int    `json:"limit,omitempty"`
	}
	echo := &tool.Def[in, listOut]{
		Name: "test_args", Description: "echoes", Example: `{"query": "..."}`, WithoutIndex: true,
		Run: func(_ context.Context, _ tool.Env, i in) (listOut, error) {
			return listOut{Items: []string{i.Query}}, nil
		},
		Render: func(_ in, o listOut) string { return strings.Join(o.Items, "") },
	}
	c := tooltest.Connect(t, tooltest.Server(t, tool.Env{}, echo), "")
	for _, tt := range []struct {
		args map[string]any
		want []string
	}{
		{map[string]any{"qury": "x"}, []string{`test_args: `, `unknown argument "qury" (did you mean "query"?)`, `missing argument "query"`, `Pass {"query": "..."}`}},
		{map[string]any{"query": "x", "limit": "three"}, []string{`argument "limit" is a string; it must be integer`}},
		{map[string]any{"query": "x"}, nil},
	} {
		res := tooltest.Call(t, c, "test_args", tt.args)
		text := res.Content[0].(mcp.TextContent).Text
		if tt.want == nil {
			if res.IsError {
				t.Errorf("%v: %s", tt.args, text)
			}
			continue
		}
		for _, w := range tt.want {
			if !res.IsError || !strings.Contains(text, w) {
				t.Errorf("%v: %q lacks %q", tt.args, text, w)
			}
		}
	}
}
