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
