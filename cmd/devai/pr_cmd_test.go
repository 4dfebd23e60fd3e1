package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/fixture"
	"github.com/devaiops/devai/memory/proposals"
	"github.com/devaiops/devai/resources"
	"github.com/devaiops/devai/tools/patch"
	"github.com/devaiops/devai/tools/tool/tooltest"
)

// runPR runs `devai pr args…` the way run does, for the pr command alone.
func runPR(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	c := prCommand(strings.NewReader(stdin), &out, &errb)
	rest, err := parseCommand(c, args, &out)
	if errors.Is(err, errHelpShown) {
		return 0, out.String(), errb.String()
	}
	if err != nil {
		return 2, out.String(), err.Error()
	}
	if err := c.run(rest); err != nil {
		var ue usageError
		if errors.As(err, &ue) {
			return 2, out.String(), err.Error()
		}
		return 1, out.String(), err.Error()
	}
	return 0, out.String(), errb.String()
}

// TestPRCommand: the fixture's bug fixed from the command line with a JSON
// edits file, then the same kind of change as a unified diff on stdin;
// list and show review them; the working tree stays as it was.
func TestPRCommand(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go is not installed")
	}
	repo, _ := fixture.GitRepo(t)
	state := t.TempDir()
	base := []string{"--repo", repo, "--state-dir", state, "--embedder", "none", "--log-level", "warn"}
	headBefore := gitOutput(t, repo, "rev-parse", "HEAD")
	statusBefore := gitOutput(t, repo, "status", "--porcelain")

	edits := []patch.Edit{{
		Path:    fixture.BugFile,
		Search:  "\tu := s.users.ByID(sess.UserID)\n",
		Replace: "\tu := s.users.ByID(sess.UserID)\n\tif u == nil {\n\t\treturn // deleted account\n\t}\n",
	}}
	raw, _ := json.Marshal(edits)
	editsFile := filepath.Join(t.TempDir(), "fix.json")
	if err := os.WriteFile(editsFile, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runPR(t, "", append(base, "--title", "auth: skip deleted accounts", "--edits", editsFile, "--branch", "--allow-exec", "--requirements", "FR-011", "--json")...)
	if code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, stderr, stdout)
	}
	var out patch.Output
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("--json is not the structured output: %v\n%s", err, stdout)
	}
	checks := map[string]string{}
	for _, c := range out.Checks {
		checks[c.Name] = c.Status
	}
	if checks[patch.CheckApply] != patch.StatusPass || checks[patch.CheckBuild] != patch.StatusPass || checks[patch.CheckTest] != patch.StatusPass {
		t.Errorf("checks %v", checks)
	}
	if out.Branch == "" || gitOutput(t, repo, "rev-parse", out.Branch+"^") != headBefore {
		t.Errorf("branch %q is not one commit on HEAD", out.Branch)
	}

	// A unified diff on stdin, static checks only.
	diff := "--- a/internal/auth/service.go\n+++ b/internal/auth/service.go\n@@ -158,2 +158,2 @@\n func (s *Service) recordLastSeen(sess sessions.Session) {\n-\tu := s.users.ByID(sess.UserID)\n+\tu := s.users.ByID(sess.UserID) // may be nil\n"
	code, stdout, stderr = runPR(t, diff, append(base, "--title", "note", "--edits", "-", "--no-sync")...)
	if code != 0 || !strings.Contains(stdout, "static checks only") || !strings.Contains(stdout, "+\tu := s.users.ByID(sess.UserID) // may be nil") {
		t.Fatalf("diff on stdin: exit %d: %s\n%s", code, stderr, stdout)
	}

	code, stdout, _ = runPR(t, "", append(base, "list")...)
	if code != 0 || strings.Count(stdout, "\n    ") != 2 || !strings.Contains(stdout, out.ID) || !strings.Contains(stdout, "["+out.Branch+"]") {
		t.Errorf("list: exit %d:\n%s", code, stdout)
	}
	code, stdout, _ = runPR(t, "", append(base, "show", out.ID)...)
	if code != 0 || !strings.Contains(stdout, "# Proposal "+out.ID) || !strings.Contains(stdout, "+\tif u == nil {") || !strings.Contains(stdout, "**test**: pass") {
		t.Errorf("show: exit %d:\n%s", code, stdout)
	}
	code, stdout, _ = runPR(t, "", append(base, "show", out.ID, "--json")...)
	var shown patch.Output
	if code != 0 || json.Unmarshal([]byte(stdout), &shown) != nil || shown.Diff != out.Diff {
		t.Errorf("show --json: exit %d", code)
	}

	// Mistakes: exit 2 for the command line, 1 for edits that do not apply.
	for _, tc := range []struct {
		stdin string
		args  []string
		code  int
		want  string
	}{
		{"", []string{"--title", "x"}, 2, "--edits is required"},
		{"[]", []string{"--edits", "-"}, 2, "--title is required"},
		{"not json", []string{"--title", "x", "--edits", "-"}, 2, "neither JSON"},
		{"Here is the fix:\n```diff\n--- a/internal/auth/service.go\n+++ b/internal/auth/service.go\n@@ -1,1 +1,1 @@\n-no such line\n+x\n```\n", []string{"--title", "x", "--edits", "-", "--no-sync"}, 1, "internal/auth/service.go"},
		{`[{"path": "internal/auth/service.go", "search": "no such text", "replace": "y"}]`, []string{"--title", "x", "--edits", "-", "--no-sync"}, 1, "does not occur"},
		{"", []string{"show", "20990101-000000-abcdef"}, 1, "no such proposal"},
		{"", []string{"frobnicate"}, 2, "unexpected arguments"},
	} {
		code, _, stderr := runPR(t, tc.stdin, append(append([]string(nil), base...), tc.args...)...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d (%s), want %d with %q", tc.args, code, stderr, tc.code, tc.want)
		}
	}
	if gitOutput(t, repo, "rev-parse", "HEAD") != headBefore || gitOutput(t, repo, "status", "--porcelain") != statusBefore {
		t.Errorf("HEAD or the working tree changed")
	}
}

func gitOutput(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Stderr = io.Discard
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git %v: %v", args, err)
	}
	return strings.TrimSpace(string(out))
}

// TestProposalStoresNoSecret: a credential in propose_patch's title and
// rationale is redacted where the proposal is written, so meta.json,
// devai://proposals/{id}, devai pr show and list, and the branch's commit
// message never hold it; the proposal's files are the owner's alone (0600
// in 0700 folders). Issue 11, row 2.
func TestProposalStoresNoSecret(t *testing.T) {
	t.Parallel()
	const secret, titleSecret = "hunter2-correct-horse", "Wq8zLr2vTx"
	repo, _ := fixture.GitRepo(t)
	state := t.TempDir()
	ctx := context.Background()
	ix, err := memory.Open(ctx, memory.Options{Repo: repo, StateDir: state, Embedder: "none", Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ix.Close() })
	if err := ix.Sync(ctx, nil); err != nil {
		t.Fatal(err)
	}
	c := tooltest.Connect(t, newTestServer(t, ix, toolTable()), mcp.ProtocolVersion20251125)
	res := tooltest.Call(t, c, patch.ToolName, map[string]any{
		"title":     "auth: skip deleted accounts (db --password " + titleSecret + ")",
		"rationale": "password=" + secret,
		"edits":     []map[string]any{{"path": fixture.BugFile, "search": "\tu := s.users.ByID(sess.UserID)\n", "replace": "\tu := s.users.ByID(sess.UserID) // may be nil\n"}},
		"options":   map[string]any{"checks": []string{"apply"}, "branch": true},
	})
	if res.IsError {
		t.Fatalf("propose_patch: %s", resultText(res))
	}
	var reply patch.Output
	if err := tooltest.Structured(res, &reply); err != nil || reply.ID == "" {
		t.Fatalf("reply: %v %+v", err, reply)
	}
	leaks := func(where, text string) {
		t.Helper()
		for _, s := range []string{secret, titleSecret} {
			if strings.Contains(text, s) {
				t.Errorf("%s holds %q:\n%s", where, s, text)
			}
		}
	}

	dir := filepath.Join(state, proposals.DirName, reply.ID)
	meta, err := os.ReadFile(filepath.Join(dir, proposals.MetaFile))
	if err != nil {
		t.Fatal(err)
	}
	leaks("meta.json", string(meta))
	if !strings.Contains(string(meta), `"rationale": "password=[REDACTED:`) {
		t.Errorf("meta.json lost the rationale instead of redacting it:\n%s", meta)
	}
	for path, want := range map[string]os.FileMode{
		filepath.Join(state, proposals.DirName): 0o700, dir: 0o700,
		filepath.Join(dir, proposals.MetaFile): 0o600, filepath.Join(dir, proposals.PatchFile): 0o600,
	} {
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v (%v), want %v", path, fi.Mode().Perm(), err, want)
		}
	}

	for _, uri := range []string{resources.ProposalsURI, resources.ProposalsURI + "/" + reply.ID} {
		var read mcp.ReadResourceRequest
		read.Params.URI = uri
		rr, err := c.ReadResource(ctx, read)
		if err != nil {
			t.Fatalf("%s: %v", uri, err)
		}
		leaks(uri, rr.Contents[0].(mcp.TextResourceContents).Text)
	}

	base := []string{"--repo", repo, "--state-dir", state, "--log-level", "warn"}
	for _, args := range [][]string{{"show", reply.ID}, {"show", reply.ID, "--json"}, {"list"}} {
		code, stdout, stderr := runPR(t, "", append(append([]string(nil), base...), args...)...)
		if code != 0 || !strings.Contains(stdout, reply.ID) {
			t.Fatalf("devai pr %v: exit %d: %s\n%s", args, code, stderr, stdout)
		}
		leaks(fmt.Sprintf("devai pr %v", args), stdout)
	}

	if reply.Branch == "" {
		t.Fatal("no branch was made")
	}
	leaks("the branch's commit message", gitOutput(t, repo, "log", "-1", "--format=%B", reply.Branch))
}

// TestPRShowsProgress: with a progress writer (stderr on a terminal), the
// build and each test package of devai pr --allow-exec are said while they
// run, through the tool's MCP progress notifications.
func TestPRShowsProgress(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go is not installed")
	}
	repo, _ := fixture.GitRepo(t)
	cfg := &commonConfig{Repo: repo, StateDir: t.TempDir(), Embedder: "none", LogLevel: "off"}
	if err := cfg.validate(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s, err := openToolSession(ctx, cfg, callOptions{AllowExec: true}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	in := patch.Input{Title: "auth: a comment", Edits: []patch.Edit{{Path: fixture.BugFile, Search: "package auth", Replace: "// Package auth signs users in.\npackage auth"}},
		Options: patch.Options{Checks: []string{"build", "test"}}}
	var progress bytes.Buffer
	var mu sync.Mutex
	if _, err := invokeTool[patch.Input, patch.Output](ctx, s, patch.ToolName, in, lockedWriter{&mu, &progress}); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, want := range []string{"devai: build: go build ./...", "devai: test: go test", "devai: ok  \t"} {
		if !strings.Contains(progress.String(), want) {
			t.Errorf("progress lacks %q:\n%s", want, progress.String())
		}
	}
}

// lockedWriter guards a buffer that notifications write from another
// goroutine.
type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
