package main

import (
	"context"
	"encoding/json"
	"os/user"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/decisions"
	"github.com/devaiops/devai/memory/fixture"
	"github.com/devaiops/devai/memory/proposals"
	"github.com/devaiops/devai/tools/patch"
	"github.com/devaiops/devai/tools/tool/tooltest"
)

// proposeFix asks propose_patch for the fixture's fix through c and
// returns the stored proposal.
func proposeFix(t *testing.T, ix *memory.Index, call func(args map[string]any) *mcp.CallToolResult) patch.Output {
	t.Helper()
	res := call(map[string]any{
		"title":   "auth: skip deleted accounts",
		"edits":   []map[string]any{{"path": fixture.BugFile, "search": "\tu := s.users.ByID(sess.UserID)\n", "replace": "\tu := s.users.ByID(sess.UserID) // may be nil\n"}},
		"options": map[string]any{"checks": []string{"apply"}},
	})
	if res.IsError {
		t.Fatalf("propose_patch: %s", resultText(res))
	}
	var reply patch.Output
	raw, _ := json.Marshal(res.StructuredContent)
	if err := json.Unmarshal(raw, &reply); err != nil || reply.ID == "" {
		t.Fatalf("reply: %v %s", err, raw)
	}
	stored, err := patch.Load(context.Background(), proposals.Files{StateDir: ix.StateDir()}, reply.ID)
	if err != nil {
		t.Fatal(err)
	}
	return stored
}

func openFixtureIndex(t *testing.T) *memory.Index {
	t.Helper()
	repo, _ := fixture.GitRepo(t)
	ctx := context.Background()
	ix, err := memory.Open(ctx, memory.Options{Repo: repo, StateDir: t.TempDir(), Embedder: "none", Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ix.Close() })
	if err := ix.Sync(ctx, nil); err != nil {
		t.Fatal(err)
	}
	return ix
}

// TestProposalNamesItsCaller (issue 14): a proposal made over HTTP with a
// named token is stored with that caller, and so is its decision record;
// one made in process (stdio, the command line) names the local user.
func TestProposalNamesItsCaller(t *testing.T) {
	ix := openFixtureIndex(t)
	ts := newTeamServerOn(t, httpConfig{NamedTokens: []namedToken{{"bob", "bob-token-0123456789abc"}}}, ix)
	c, err := connectHTTP(t, ts.URL+"/mcp", "bob-token-0123456789abc", mcp.ProtocolVersion20251125)
	if err != nil {
		t.Fatal(err)
	}
	bob := decisions.Caller{Name: "bob", Via: decisions.ViaToken}
	p := proposeFix(t, ix, func(args map[string]any) *mcp.CallToolResult { return tooltest.Call(t, c, patch.ToolName, args) })
	if p.Caller == nil || *p.Caller != bob {
		t.Errorf("proposal caller %+v, want %+v", p.Caller, bob)
	}
	if md := patch.Markdown(p); !strings.Contains(md, "Asked for by bob (token).") {
		t.Errorf("the proposal's text does not say who asked for it:\n%s", md)
	}
	if got := ts.lastCaller(t); got != bob {
		t.Errorf("record caller %+v, want %+v", got, bob)
	}

	u, err := user.Current()
	if err != nil {
		t.Skip("no current user:", err)
	}
	local := decisions.Caller{Name: u.Username, Via: decisions.ViaLocal, Subject: u.Uid}
	in := tooltest.Connect(t, ts.mcpServer, mcp.ProtocolVersion20251125)
	p = proposeFix(t, ix, func(args map[string]any) *mcp.CallToolResult { return tooltest.Call(t, in, patch.ToolName, args) })
	if p.Caller == nil || *p.Caller != local {
		t.Errorf("in-process proposal caller %+v, want %+v", p.Caller, local)
	}
	if got := ts.lastCaller(t); got != local {
		t.Errorf("in-process record caller %+v, want %+v", got, local)
	}
}
