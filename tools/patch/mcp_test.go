package patch

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/devaiops/devai/memory/fixture"
	"github.com/devaiops/devai/memory/proposals"
	"github.com/devaiops/devai/tools/tool"
	"github.com/devaiops/devai/tools/tool/tooltest"
)

const bugSearch = `	u := s.users.ByID(sess.UserID)
	if sess.LastSeen.After(u.LastSeen) {`

const bugReplace = `	u := s.users.ByID(sess.UserID)
	if u == nil {
		return // the account was deleted while the session lived (FR-011)
	}
	if sess.LastSeen.After(u.LastSeen) {`

const regressionSearch = `// verifies: FR-005, FR-006
func TestLoginOpensSession(t *testing.T) {`

const regressionReplace = `// verifies: FR-011
func TestExpiryHookSkipsDeletedAccount(t *testing.T) {
	svc, _ := newTestService(t, Config{})
	svc.ExpiryHook()(sessions.Session{ID: "s1", UserID: "deleted-user", LastSeen: time.Now()})
}

// verifies: FR-005, FR-006
func TestLoginOpensSession(t *testing.T) {`

// TestFixFixtureBugThroughMCP is the "done when": the nil
// dereference trace_root_cause finds in recordLastSeen is fixed through
// propose_patch over MCP with exec allowed; the diff applies, the impacted
// test runs and passes, the branch exists and the working tree is as it was.
func TestFixFixtureBugThroughMCP(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go is not installed")
	}
	dir, _ := fixture.GitRepo(t)
	ix := openIndex(t, dir)
	// A dirty working tree must not matter: the proposal reads the commit.
	if err := os.WriteFile(filepath.Join(dir, "README.md"), []byte("local edits in progress\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, dir)

	s := tooltest.Server(t, tool.Env{Index: ix, AllowExec: true}, Tool)
	c, err := client.NewInProcessClient(s)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Initialize(ctx, mcp.InitializeRequest{}); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var progress []string
	c.OnNotification(func(n mcp.JSONRPCNotification) {
		if n.Method == "notifications/progress" {
			mu.Lock()
			defer mu.Unlock()
			progress = append(progress, fmt.Sprint(n.Params.AdditionalFields["message"]))
		}
	})
	var req mcp.CallToolRequest
	req.Params.Name = ToolName
	req.Params.Meta = &mcp.Meta{ProgressToken: "patch-1"}
	req.Params.Arguments = map[string]any{
		"title":     "auth: skip deleted accounts in recordLastSeen",
		"rationale": "trace_root_cause: nil dereference in (*Service).recordLastSeen when the janitor expires a session of a deleted user.",
		"edits": []any{
			map[string]any{"path": fixture.BugFile, "search": bugSearch, "replace": bugReplace},
			map[string]any{"path": "internal/auth/service_test.go", "search": regressionSearch, "replace": regressionReplace},
		},
		"options": map[string]any{"branch": true, "links": map[string]any{"requirements": []any{"FR-011"}, "trace": "d000001"}},
	}
	res, err := c.CallTool(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if res.IsError {
		t.Fatalf("propose_patch failed: %+v", res.Content)
	}
	mu.Lock()
	said := strings.Join(progress, "\n")
	mu.Unlock()
	for _, want := range []string{"scratch: ", "build: go build ./...", "test: go test", "ok  \t"} {
		if !strings.Contains(said, want) {
			t.Errorf("no progress saying %q; progress:\n%s", want, said)
		}
	}
	raw, _ := json.Marshal(res.StructuredContent)
	var out Output
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	status := map[string]string{}
	for _, ch := range out.Checks {
		status[ch.Name] = ch.Status
		if ch.Status != StatusPass {
			t.Errorf("check %s: %s\n%s", ch.Name, ch.Status, ch.Output)
		}
	}
	for _, name := range []string{CheckApply, CheckFormat, CheckBuild, CheckTest} {
		if status[name] != StatusPass {
			t.Errorf("check %s did not pass (%q)", name, status[name])
		}
	}
	var testCheck CheckResult
	for _, ch := range out.Checks {
		if ch.Name == CheckTest {
			testCheck = ch
		}
	}
	if !strings.Contains(testCheck.Command, "TestExpiryHookSkipsDeletedAccount") || !strings.Contains(testCheck.Output, "ok") {
		t.Errorf("the impacted test did not run: %+v", testCheck)
	}
	if !hasSymbol(out.Symbols, "auth.Service.recordLastSeen") {
		t.Errorf("symbols %+v lack auth.Service.recordLastSeen", out.Symbols)
	}
	if !contains(out.Requirements, "FR-011") {
		t.Errorf("requirements %v lack FR-011", out.Requirements)
	}
	if out.Branch != BranchPrefix+out.ID {
		t.Fatalf("branch %q", out.Branch)
	}
	if len(out.Writes) != 2 || out.Writes[0] != (Write{Kind: "proposal", Ref: out.ID}) || out.Writes[1] != (Write{Kind: "branch", Ref: out.Branch}) {
		t.Errorf("writes %+v", out.Writes)
	}
	assertUnchanged(t, dir, before)

	// The branch holds the fix, its parent is HEAD, and the diff applies.
	repo, err := git.PlainOpen(dir)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := repo.Reference(plumbing.NewBranchReferenceName(out.Branch), true)
	if err != nil {
		t.Fatalf("branch %s: %v", out.Branch, err)
	}
	commit, err := repo.CommitObject(ref.Hash())
	if err != nil {
		t.Fatal(err)
	}
	if commit.ParentHashes[0].String() != out.Base {
		t.Errorf("branch parent %s, want base %s", commit.ParentHashes[0], out.Base)
	}
	f, err := commit.File(fixture.BugFile)
	if err != nil {
		t.Fatal(err)
	}
	if text, _ := f.Contents(); !strings.Contains(text, "if u == nil {") {
		t.Errorf("the branch's %s lacks the fix", fixture.BugFile)
	}
	diffFile := filepath.Join(out.Path, proposals.PatchFile)
	if got := gitOut(t, dir, "diff", out.Base, out.Branch); got != out.Diff {
		t.Errorf("git diff base..branch differs from the proposal's diff:\n%s\n---\n%s", got, out.Diff)
	}
	if _, err := os.Stat(diffFile); err != nil {
		t.Errorf("proposal diff not stored: %v", err)
	}
	stored, err := Load(context.Background(), proposals.Files{StateDir: ix.StateDir()}, out.ID)
	if err != nil || stored.Diff != out.Diff {
		t.Errorf("Load: %v", err)
	}

	// An edit that does not apply is an isError result the assistant can
	// act on: which edit, why, and the text nearest to its search.
	req.Params.Arguments = map[string]any{"title": "stale", "edits": []any{
		map[string]any{"path": fixture.BugFile, "search": "u := s.users.Lookup(sess.UserID)", "replace": "x"},
	}}
	res, err = c.CallTool(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	text := res.Content[0].(mcp.TextContent).Text
	if !res.IsError || !strings.Contains(text, "edit 0 ("+fixture.BugFile+")") || !strings.Contains(text, "u := s.users.ByID(sess.UserID)") {
		t.Errorf("want an isError result naming the edit and the nearest text, got %v: %s", res.IsError, text)
	}
	assertUnchanged(t, dir, before)
}

func gitOut(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git %v: %v", args, err)
	}
	return string(out)
}

func hasSymbol(syms []Symbol, id string) bool {
	for _, s := range syms {
		if s.Symbol == id {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
