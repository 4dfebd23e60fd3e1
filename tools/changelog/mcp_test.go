package changelog

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/fixture"
	"github.com/devaiops/devai/tools/tool"
	"github.com/devaiops/devai/tools/tool/tooltest"
)

// call runs generate_changelog through mcp-go's in-process client, with the
// server validating the structured output against the declared schema.
func call(t *testing.T, ix *memory.Index, args map[string]any) *mcp.CallToolResult {
	t.Helper()
	c := tooltest.Connect(t, tooltest.Server(t, tool.Env{Index: ix}, Tool), mcp.ProtocolVersion20251125)
	return tooltest.Call(t, c, ToolName, args)
}

func TestToolThroughClient(t *testing.T) {
	t.Parallel()
	_, ix, commits := sharedShop(t)
	res := call(t, ix, map[string]any{"until": fixture.Tag})
	if res.IsError {
		t.Fatalf("isError: %+v", res.Content)
	}
	raw, _ := json.Marshal(res.StructuredContent)
	var out Output
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	if out.Title != fixture.Tag || out.Commits != 7 || out.Sections[len(out.Sections)-1].Entries[0].Hash != commits[fixture.CommitLockoutFix] {
		t.Errorf("structured output: %s", raw)
	}
	text := res.Content[0].(mcp.TextContent).Text
	if !strings.HasPrefix(text, "## [v0.1.0] - 2026-11-06") {
		t.Errorf("text content:\n%s", text)
	}

	for _, tt := range []struct {
		args map[string]any
		want string
	}{
		{map[string]any{"since": "v7"}, `since "v7" is not a revision`},
		{map[string]any{"max_commits": -3}, "max_commits -3 is out of range"},
	} {
		res := call(t, ix, tt.args)
		if !res.IsError || !strings.Contains(res.Content[0].(mcp.TextContent).Text, tt.want) {
			t.Errorf("%v: want an isError result saying %q, got %+v", tt.args, tt.want, res.Content)
		}
	}
}

func TestToolOutsideGit(t *testing.T) {
	t.Parallel()
	ix, err := memory.Open(context.Background(), memory.Options{Repo: t.TempDir(), StateDir: t.TempDir(), Embedder: "none"})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	res := call(t, ix, map[string]any{})
	if !res.IsError || !strings.Contains(res.Content[0].(mcp.TextContent).Text, "not in a git repository") {
		t.Errorf("want an isError result about git, got %+v", res.Content)
	}
}
