package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/devaiops/devai/memory/decisions"
	"github.com/devaiops/devai/memory/fixture"
	"github.com/devaiops/devai/tools/spec"
)

// runPlanCLI runs `devai plan args…` the way run does for a wired command:
// parse (flags, then the environment), then run.
func runPlanCLI(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	c := planCommand(&out, &errb)
	rest, err := parseCommand(c, args, &out)
	if err != nil {
		return out.String(), errb.String(), err
	}
	err = c.run(rest)
	return out.String(), errb.String(), err
}

func TestPlanCommand(t *testing.T) {
	t.Parallel()
	repo, state := shopRepo(t), t.TempDir()
	common := []string{"--repo", repo, "--state-dir", state, "--embedder", "hash", "--log-level", "warn"}

	stdout, stderr, err := runPlanCLI(t, append([]string{"add rate limiting to the login endpoint", "--json"}, common...)...)
	if err != nil {
		t.Fatalf("%v: %s", err, stderr)
	}
	var out spec.Output
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("--json is not draft_spec's structured output: %v\n%s", err, stdout)
	}
	var cited []string
	for _, r := range out.Requirements {
		if spec.PatternOf(r.Text) == "" {
			t.Errorf("%s is not EARS: %q", r.ID, r.Text)
		}
		cited = append(cited, r.Sources...)
	}
	all := strings.Join(cited, " ")
	if !strings.Contains(all, "devai://code/internal/httpapi/handlers_auth.go#L39-L73") || !strings.Contains(all, "devai://spec/docs/specs/002-login.md#") {
		t.Errorf("requirements do not cite the login handler and the login spec: %s", all)
	}
	if len(out.TestPlan) == 0 || !strings.HasSuffix(out.TestPlan[0].Path, "_test.go") || len(out.Writes) != 0 {
		t.Errorf("test plan %+v, writes %+v", out.TestPlan, out.Writes)
	}

	// Unquoted words are one request; Markdown by default.
	stdout, stderr, err = runPlanCLI(t, append([]string{"add", "rate", "limiting", "to", "the", "login", "endpoint"}, common...)...)
	if err != nil {
		t.Fatalf("%v: %s", err, stderr)
	}
	for _, want := range []string{"## draft_spec", "# Add rate limiting to the login endpoint", "**FR-023** THE service SHALL", "internal/httpapi/server_test.go", "contradiction"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("markdown lacks %q:\n%s", want, stdout)
		}
	}

	// One word: clarifying questions, no draft, exit 0.
	stdout, _, err = runPlanCLI(t, append([]string{"login"}, common...)...)
	if err != nil || !strings.Contains(stdout, "too short") || strings.Contains(stdout, "FR-0") {
		t.Errorf("one word: %v\n%s", err, stdout)
	}
	// Mistakes are usage errors.
	for _, args := range [][]string{
		{"add a field", "--format", "jira"},
		{"add a field", "--overwrite"},
		{strings.Repeat("add a field ", 1000)},
	} {
		_, _, err := runPlanCLI(t, append(args, common...)...)
		var ue usageError
		if !errors.As(err, &ue) {
			t.Errorf("%.40q: %v, want a usage error", args, err)
		}
	}
}

func TestPlanCommandWrites(t *testing.T) {
	repo, _ := fixture.GitRepo(t)
	state := t.TempDir()
	common := []string{"--repo", repo, "--state-dir", state, "--embedder", "hash", "--log-level", "warn"}
	_, stderr, err := runPlanCLI(t, append([]string{"add rate limiting to the login endpoint", "--write"}, common...)...)
	if err != nil {
		t.Fatalf("%v: %s", err, stderr)
	}
	file := filepath.Join(repo, "docs", "specs", "005-add-rate-limiting-login-endpoint.md")
	first, err := os.ReadFile(file)
	if err != nil || !strings.Contains(stderr, "wrote docs/specs/005-add-rate-limiting-login-endpoint.md") {
		t.Fatalf("not written: %v; stderr %s", err, stderr)
	}
	// The decision log says what was written.
	recs, err := decisions.List(decisions.Dir(state), decisions.Filter{Tool: spec.ToolName})
	if err != nil || len(recs) != 1 || len(recs[0].Writes) != 1 || recs[0].Writes[0].Ref != "docs/specs/005-add-rate-limiting-login-endpoint.md" {
		t.Errorf("decision log: %v %+v", err, recs)
	}
	_, _, err = runPlanCLI(t, append([]string{"add rate limiting to the login endpoint", "--write"}, common...)...)
	var ue usageError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "overwrite") {
		t.Errorf("second write: %v", err)
	}
	if now, _ := os.ReadFile(file); string(now) != string(first) {
		t.Error("a refused write changed the spec")
	}
	_, _, err = runPlanCLI(t, append([]string{"add rate limiting to the login endpoint", "--write", "--path", filepath.Join(repo, "..", "escape.md")}, common...)...)
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "outside the repository") {
		t.Errorf("--path outside: %v", err)
	}
	if _, err := os.Stat(filepath.Join(repo, "..", "escape.md")); err == nil {
		t.Error("written outside the repository")
	}
	// --path is relative to the current directory, like every path flag.
	wd, _ := os.Getwd()
	t.Cleanup(func() { os.Chdir(wd) })
	if err := os.Chdir(filepath.Join(repo, "docs")); err != nil {
		t.Fatal(err)
	}
	_, stderr, err = runPlanCLI(t, append([]string{"add rate limiting to the login endpoint", "--write", "--path", "limits.md", "--format", "kiro"}, common...)...)
	if err != nil || !strings.Contains(stderr, "wrote docs/limits.md") {
		t.Errorf("--path from a subdirectory: %v %s", err, stderr)
	}
}

// TestPlanThroughHolder: while `devai serve` holds the index, devai plan
// asks it.
func TestPlanThroughHolder(t *testing.T) {
	repo, state := shopRepo(t), t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	common := []string{"--repo", repo, "--state-dir", state, "--embedder", "hash", "--log-level", "warn"}
	done := make(chan error, 1)
	up := make(chan net.Addr, 1)
	// Registered after t.TempDir, so it runs first: the server must be gone
	// before its state directory is removed.
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Error("the server did not stop")
		}
	})
	go func() {
		cfg := parseServe(t, append([]string{"--http", "127.0.0.1:0", "--no-watch"}, common...))
		done <- runServe(ctx, cfg, strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{}, func(a net.Addr) { up <- a })
	}()
	select {
	case <-up:
	case err := <-done:
		t.Fatalf("server stopped: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("server did not start")
	}
	stdout, stderr, err := runPlanCLI(t, append([]string{"add rate limiting to the login endpoint", "--json"}, common...)...)
	if err != nil {
		t.Fatalf("%v: %s", err, stderr)
	}
	if !strings.Contains(stdout, "handlers_auth.go") || !strings.Contains(stdout, `"requirements"`) {
		t.Errorf("through the holder: %s", stdout)
	}
}

// TestPlanWithAChatModel: devai plan --chat ollama has the configured
// model write the prose, over Ollama's /api/chat wire format, and says so.
func TestPlanWithAChatModel(t *testing.T) {
	var asked atomic.Int32
	ollama := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Model    string `json:"model"`
			Stream   bool   `json:"stream"`
			Messages []struct{ Role, Content string }
		}
		if r.URL.Path != "/api/chat" || json.NewDecoder(r.Body).Decode(&req) != nil || req.Model != "llama3.1:8b" || req.Stream || len(req.Messages) != 2 {
			http.Error(w, "unexpected request", http.StatusBadRequest)
			return
		}
		asked.Add(1)
		prose := `{"summary": "Limit login attempts per client address.", "requirements": [{"id": "FR-023", "text": "THE service SHALL accept at most 10 login attempts per client address per minute."}]}`
		reply, _ := json.Marshal(map[string]any{"model": req.Model, "created_at": "2026-12-04T10:00:00Z",
			"message": map[string]string{"role": "assistant", "content": prose}, "done": true, "done_reason": "stop"})
		w.Header().Set("Content-Type", "application/json")
		w.Write(reply)
	}))
	defer ollama.Close()
	repo, state := shopRepo(t), t.TempDir()
	stdout, stderr, err := runPlanCLI(t, "add rate limiting to the login endpoint", "--json", "--repo", repo, "--state-dir", state,
		"--embedder", "hash", "--log-level", "warn", "--chat", "ollama", "--chat-url", ollama.URL, "--chat-model", "llama3.1:8b")
	if err != nil {
		t.Fatalf("%v: %s", err, stderr)
	}
	var out spec.Output
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatal(err)
	}
	if asked.Load() != 1 || !strings.HasPrefix(out.Prose, "sampled: ollama:llama3.1:8b wrote the prose") || !strings.Contains(out.Summary, "Limit login attempts") {
		t.Errorf("asked %d times; prose %q, summary %q", asked.Load(), out.Prose, out.Summary)
	}
	_, _, err = runPlanCLI(t, "add rate limiting", "--repo", repo, "--state-dir", state, "--chat", "gemini")
	if err == nil || !strings.Contains(err.Error(), "--chat") {
		t.Errorf("an unknown provider: %v", err)
	}
}
