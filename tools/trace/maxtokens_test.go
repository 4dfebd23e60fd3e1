package trace

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/devaiops/devai/memory/budget"
	"github.com/devaiops/devai/tools/tool"
	"github.com/devaiops/devai/tools/tool/tooltest"
)

// TestMaxTokensBoundsTheAnswer calls trace_root_cause through the MCP
// binding: without max_tokens the answer keeps to about 4k tokens, a call
// may ask for less or more (up to the tool's budget), and a cut answer
// still names the bug first and says that it was cut.
func TestMaxTokensBoundsTheAnswer(t *testing.T) {
	t.Parallel()
	ix, _ := openShop(t)
	panicText, err := os.ReadFile(filepath.Join(ix.Repo(), "logs", "panic.log"))
	if err != nil {
		t.Fatal(err)
	}
	c := tooltest.Connect(t, tooltest.Server(t, tool.Env{Index: ix}, Tool), mcp.ProtocolVersion20251125)
	size := func(args map[string]any) (int, Output) {
		res := tooltest.Call(t, c, ToolName, args)
		if res.IsError {
			t.Fatalf("%v: %s", args, res.Content[0].(mcp.TextContent).Text)
		}
		var out Output
		raw, _ := json.Marshal(res.StructuredContent)
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatal(err)
		}
		return budget.WireSize(res), out
	}
	text := string(panicText) + strings.Repeat("worker: retrying after panic in recordLastSeen\n", 200)
	rows := []struct {
		name   string
		tokens int // 0: the default
	}{
		{"default", 0},
		{"less", MinMaxTokens},
		{"more", MaxMaxTokens},
	}
	var sizes []int
	for _, r := range rows {
		args := map[string]any{"text": text, "max_suspects": 20}
		if r.tokens != 0 {
			args["max_tokens"] = r.tokens
		}
		got, out := size(args)
		limit := (r.tokens + DefaultMaxTokens*boolInt(r.tokens == 0)) * budget.BytesPerToken
		if got > limit {
			t.Errorf("%s: the answer takes %d bytes, over the %d that %d tokens allow", r.name, got, limit, limit/budget.BytesPerToken)
		}
		if len(out.Suspects) == 0 || out.Suspects[0].Symbol != "auth.Service.recordLastSeen" {
			t.Errorf("%s: the bug is not first after the cut: %+v", r.name, out.Suspects)
		}
		sizes = append(sizes, got)
	}
	if !(sizes[1] < sizes[0] && sizes[0] < sizes[2]) {
		t.Errorf("sizes for 2500, 4000 and 12000 tokens: %v; want them to grow with max_tokens", sizes)
	}
	res := tooltest.Call(t, c, ToolName, map[string]any{"text": text, "max_tokens": 10})
	if !res.IsError || !strings.Contains(res.Content[0].(mcp.TextContent).Text, "max_tokens 10 is out of range") {
		t.Errorf("max_tokens 10: %+v", res.Content)
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
