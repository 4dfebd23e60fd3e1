package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/decisions"
	"github.com/devaiops/devai/memory/fixture"
	"github.com/devaiops/devai/tools/tool/tooltest"
)

// TestTracePatchSpecFlow is the session the issues describe, through the
// real server and an in-process client: trace_root_cause finds the
// fixture's bug, propose_patch fixes it on a proposal branch citing the
// trace's decision, draft_spec follows up on the proposal. The decision log
// ties the three together, its chain verifies, and the user's working
// tree, index and HEAD are as they were.
func TestTracePatchSpecFlow(t *testing.T) {
	t.Parallel()
	repo, _ := fixture.GitRepo(t)
	state := t.TempDir()
	ctx := context.Background()
	ix, err := memory.Open(ctx, memory.Options{Repo: repo, StateDir: state, Embedder: "hash", Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ix.Close() })
	if err := ix.Sync(ctx, nil); err != nil {
		t.Fatal(err)
	}
	dlog, err := decisions.Open(decisions.Dir(state), decisions.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer dlog.Close()
	s, err := newMCPServer(serverConfig{Index: ix, Logger: testLogger(t), Tools: toolTable(), Decisions: dlog})
	if err != nil {
		t.Fatal(err)
	}
	c := tooltest.Connect(t, s, mcp.ProtocolVersion20251125)
	headBefore := gitOut(t, repo, "rev-parse", "HEAD")
	statusBefore := gitOut(t, repo, "status", "--porcelain")
	indexBefore, err := os.ReadFile(filepath.Join(repo, ".git", "index"))
	if err != nil {
		t.Fatal(err)
	}

	panicLog, err := os.ReadFile(filepath.Join(repo, "logs", "panic.log"))
	if err != nil {
		t.Fatal(err)
	}
	traced := tooltest.Call(t, c, "trace_root_cause", map[string]any{"text": string(panicLog)})
	if traced.IsError || !strings.Contains(resultText(traced), "recordLastSeen") {
		t.Fatalf("trace_root_cause: %s", resultText(traced))
	}

	proposed := tooltest.Call(t, c, "propose_patch", map[string]any{
		"title": "auth: skip deleted accounts in recordLastSeen",
		"edits": []any{map[string]any{
			"path":    fixture.BugFile,
			"search":  "\tu := s.users.ByID(sess.UserID)\n",
			"replace": "\tu := s.users.ByID(sess.UserID)\n\tif u == nil {\n\t\treturn // the account was deleted while the session lived\n\t}\n",
		}},
		"options": map[string]any{"branch": true, "links": map[string]any{"trace": "d000001"}},
	})
	if proposed.IsError {
		t.Fatalf("propose_patch: %s", resultText(proposed))
	}
	var proposal struct {
		ID     string `json:"id"`
		Branch string `json:"branch"`
	}
	raw, _ := json.Marshal(proposed.StructuredContent)
	if err := json.Unmarshal(raw, &proposal); err != nil || proposal.ID == "" || proposal.Branch == "" {
		t.Fatalf("proposal %s: %v", raw, err)
	}

	drafted := tooltest.Call(t, c, "draft_spec", map[string]any{
		"request": "sessions of deleted accounts must expire without a crash, as proposal " + proposal.ID + " does",
	})
	if drafted.IsError {
		t.Fatalf("draft_spec: %s", resultText(drafted))
	}

	var out, errb bytes.Buffer
	if code := run([]string{"decisions", "show", "d000002", "--repo", repo, "--state-dir", state}, &out, &errb); code != 0 {
		t.Fatalf("decisions show: %s", errb.String())
	}
	for _, want := range []string{"propose_patch", "trace_root_cause   cites d000001", "draft_spec         uses proposal " + proposal.ID, "branch   " + proposal.Branch} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("decisions show d000002 lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	if code := run([]string{"decisions", "verify", "--repo", repo, "--state-dir", state}, &out, &errb); code != 0 {
		t.Errorf("decisions verify: %s %s", out.String(), errb.String())
	}

	if got := gitOut(t, repo, "rev-parse", "HEAD"); got != headBefore {
		t.Errorf("HEAD moved: %s → %s", headBefore, got)
	}
	if got := gitOut(t, repo, "status", "--porcelain"); got != statusBefore {
		t.Errorf("the working tree changed:\n%s\nwas:\n%s", got, statusBefore)
	}
	if indexAfter, _ := os.ReadFile(filepath.Join(repo, ".git", "index")); !bytes.Equal(indexAfter, indexBefore) {
		t.Error(".git/index changed")
	}
	if got := gitOut(t, repo, "rev-parse", "--verify", proposal.Branch); got == "" {
		t.Errorf("no branch %s", proposal.Branch)
	}
}

func gitOut(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git %v: %v", args, err)
	}
	return strings.TrimSpace(string(out))
}
