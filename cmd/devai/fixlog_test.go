package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/fixture"
	"github.com/devaiops/devai/tools/tool/tooltest"
	"github.com/devaiops/devai/tools/trace"
)

// TestTraceRootCauseThroughClient: "why does this crash?" with the shop's
// real panic pasted, over MCP, on the fixture with its git history.
func TestTraceRootCauseThroughClient(t *testing.T) {
	t.Parallel()
	dir, commits := fixture.GitRepo(t)
	ctx := context.Background()
	ix, err := memory.Open(ctx, memory.Options{Repo: dir, StateDir: t.TempDir(), Embedder: "hash", Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ix.Close() })
	if err := ix.Sync(ctx, nil); err != nil {
		t.Fatal(err)
	}
	panicText, err := os.ReadFile(filepath.Join(dir, "logs", "panic.log"))
	if err != nil {
		t.Fatal(err)
	}
	for _, version := range []string{mcp.ProtocolVersion20251125, "2025-06-18"} {
		c := tooltest.Connect(t, newTestServer(t, ix, toolTable()), version)
		res := tooltest.Call(t, c, trace.ToolName, map[string]any{"text": string(panicText)})
		if res.IsError {
			t.Fatalf("%s: isError: %+v", version, res.Content)
		}
		raw, err := json.Marshal(res.StructuredContent)
		if err != nil {
			t.Fatal(err)
		}
		var out trace.Output
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatal(err)
		}
		if len(out.Suspects) == 0 || out.Suspects[0].Symbol != "auth.Service.recordLastSeen" {
			t.Fatalf("%s: suspects %+v", version, out.Suspects)
		}
		top := out.Suspects[0]
		blamed := false
		for _, b := range top.Blame {
			blamed = blamed || (b.Line == top.Line && b.Hash == commits["bug"])
		}
		if !blamed {
			t.Errorf("%s: blame %+v does not name the bug commit %s", version, top.Blame, commits["bug"])
		}
		text := res.Content[0].(mcp.TextContent).Text
		if !strings.Contains(text, "auth.Service.recordLastSeen") || !strings.Contains(text, commits["bug"][:10]) {
			t.Errorf("%s: markdown: %s", version, text)
		}
	}
	// Mistakes come back as isError results that say what to do.
	c := tooltest.Connect(t, newTestServer(t, ix, toolTable()), mcp.ProtocolVersion20251125)
	for args, want := range map[string]string{
		`{}`:                                "nothing to analyse",
		`{"path": "/etc/passwd"}`:           "outside the repository",
		`{"text": "x", "max_suspects": 50}`: "max_suspects",
	} {
		var a map[string]any
		if err := json.Unmarshal([]byte(args), &a); err != nil {
			t.Fatal(err)
		}
		res := tooltest.Call(t, c, trace.ToolName, a)
		if !res.IsError || !strings.Contains(res.Content[0].(mcp.TextContent).Text, want) {
			t.Errorf("%s: %+v, want an isError result with %q", args, res.Content, want)
		}
	}
}

func TestFixLogCommand(t *testing.T) {
	t.Parallel()
	dir, commits := fixture.GitRepo(t)
	state := t.TempDir()
	var stdout, stderr bytes.Buffer
	if code := run([]string{"fix-log", "--repo", dir, "--state-dir", state, "--embedder", "hash", "--json", filepath.Join(dir, "logs", "worker.log")}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var out trace.Output
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatalf("--json output: %v\n%s", err, stdout.String())
	}
	if out.Source != "logs/worker.log" || len(out.Suspects) == 0 || out.Suspects[0].Commits[0].Hash != commits["bug"] {
		t.Fatalf("output: %+v", out)
	}
	// stdin, Markdown
	panicText, err := os.ReadFile(filepath.Join(dir, "logs", "panic.log"))
	if err != nil {
		t.Fatal(err)
	}
	md, _, err := runCommand(fixLogCommand, bytes.NewReader(panicText), "-", "--max-suspects", "2", "--repo", dir, "--state-dir", state, "--embedder", "hash", "--log-level", "off")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md, "## 1. `auth.Service.recordLastSeen`") || strings.Contains(md, "## 3.") {
		t.Errorf("markdown:\n%s", md)
	}
	// --max-tokens bounds the answer on the command line too (which
	// otherwise lifts the budget): fewer suspects, and it says why.
	whole, _, err := runCommand(fixLogCommand, bytes.NewReader(panicText), "-", "--max-suspects", "20", "--repo", dir, "--state-dir", state, "--embedder", "hash", "--log-level", "off")
	if err != nil {
		t.Fatal(err)
	}
	cut, _, err := runCommand(fixLogCommand, bytes.NewReader(panicText), "-", "--max-suspects", "20", "--max-tokens", "2500", "--repo", dir, "--state-dir", state, "--embedder", "hash", "--log-level", "off")
	if err != nil {
		t.Fatal(err)
	}
	if len(cut) >= len(whole) || !strings.Contains(cut, "## 1. `auth.Service.recordLastSeen`") || !strings.Contains(cut, "budget") {
		t.Errorf("--max-tokens 2500: %d bytes of Markdown against %d without:\n%s", len(cut), len(whole), cut)
	}
	// A file outside the repository is the user's own: read as its text.
	outside := filepath.Join(t.TempDir(), "crash.log")
	if err := os.WriteFile(outside, panicText, 0o644); err != nil {
		t.Fatal(err)
	}
	stdout.Reset()
	stderr.Reset()
	if code := run([]string{"fix-log", "--repo", dir, "--state-dir", state, "--embedder", "hash", "--max-suspects", "2", "--log-level", "off", outside}, &stdout, &stderr); code != 0 || !strings.Contains(stdout.String(), "## 1. `auth.Service.recordLastSeen`") {
		t.Errorf("outside file: exit %d, %s\n%s", code, stderr.String(), stdout.String())
	}
	stderr.Reset()
	if code := run([]string{"fix-log", "--repo", dir, "--state-dir", state, "--embedder", "hash", filepath.Join(t.TempDir(), "missing.log")}, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), "missing.log") {
		t.Errorf("missing file: exit %d, %s", code, stderr.String())
	}
}

func TestReadTail(t *testing.T) {
	in := strings.Repeat("noise line\n", 100000) + "panic: boom\n"
	got, cut, err := readTail(strings.NewReader(in), 1000)
	if err != nil || !cut || !strings.HasSuffix(got, "panic: boom\n") || len(got) > 1000 || !strings.HasPrefix(got, "noise line\n") {
		t.Errorf("cut %v err %v len %d head %q", cut, err, len(got), got[:min(len(got), 20)])
	}
	got, cut, err = readTail(strings.NewReader("short\n"), 1000)
	if err != nil || cut || got != "short\n" {
		t.Errorf("%q %v %v", got, cut, err)
	}
}

// TestFixLogTimeWindow: --since/--until read the indexed logs' events in a
// time range; mistakes are usage errors (exit 2) that say what to do.
func TestFixLogTimeWindow(t *testing.T) {
	t.Parallel()
	dir, _ := fixture.GitRepo(t)
	state := t.TempDir()
	base := []string{"fix-log", "--repo", dir, "--state-dir", state, "--embedder", "hash"}
	var stdout, stderr bytes.Buffer
	args := append(append([]string(nil), base...), "--json", "--since", "2026-11-23T21:45:30Z", "--until", "2026-11-23T21:46:00Z", "--log-glob", "logs/*.log")
	if code := run(args, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var out trace.Output
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatalf("--json output: %v\n%s", err, stdout.String())
	}
	if out.Window == nil || out.Window.Since != "2026-11-23T21:45:30Z" || len(out.Suspects) == 0 || out.Suspects[0].Symbol != "auth.Service.recordLastSeen" {
		t.Fatalf("output: window %+v, suspects %+v", out.Window, out.Suspects)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"inverted", []string{"--since", "2026-11-23T21:46:00Z", "--until", "2026-11-23T21:45:00Z"}, "swap them"},
		{"not a time", []string{"--since", "noon"}, "is not a time"},
		{"file and window", []string{"--since", "15m", "logs/worker.log"}, "not both"},
		{"glob alone", []string{"--log-glob", "logs/*.log"}, "--log-glob narrows a time range"},
		{"nothing", nil, "--since/--until"},
		{"empty window", []string{"--since", "2025-01-01", "--until", "2025-01-02"}, "The indexed logs cover 2026-11-23T21:44:50.738Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout.Reset()
			stderr.Reset()
			if code := run(append(append([]string(nil), base...), tt.args...), &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr.String(), tt.want)
			}
		})
	}
}

// TestFixLogReadsPipedStdin: with no FILE, a pipe on stdin is the log to
// read (pbpaste | devai fix-log); with nothing piped it is a usage error.
func TestFixLogReadsPipedStdin(t *testing.T) {
	t.Parallel()
	dir, _ := fixture.GitRepo(t)
	state := t.TempDir()
	panicText, err := os.ReadFile(filepath.Join(dir, "logs", "panic.log"))
	if err != nil {
		t.Fatal(err)
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		pw.Write(panicText)
		pw.Close()
	}()
	defer pr.Close()
	md, _, err := runCommand(fixLogCommand, pr, "--max-suspects", "1", "--repo", dir, "--state-dir", state, "--embedder", "hash", "--log-level", "off")
	if err != nil || !strings.Contains(md, "## 1. `auth.Service.recordLastSeen`") {
		t.Fatalf("piped stdin: %v\n%s", err, md)
	}
	if _, _, err := runCommand(fixLogCommand, bytes.NewReader(panicText), "--repo", dir, "--state-dir", state, "--embedder", "hash"); err == nil || !strings.Contains(err.Error(), "- to read stdin") {
		t.Errorf("no FILE and no pipe: %v, want the usage error", err)
	}
}
