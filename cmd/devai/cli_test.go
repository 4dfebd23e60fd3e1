package main

import (
	"bytes"
	"flag"
	"strings"
	"testing"
)

func TestApplyEnvFlagsWin(t *testing.T) {
	env := map[string]string{"DEVAI_STATE_DIR": "/from/env", "DEVAI_LOG_LEVEL": "debug", "DEVAI_LOGS": "a.log,b.log", "DEVAI_MAX_FILE_SIZE": "12"}
	var cfg commonConfig
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	cfg.register(fs)
	if err := fs.Parse([]string{"--log-level", "warn"}); err != nil {
		t.Fatal(err)
	}
	if err := applyEnv(fs, func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	if cfg.StateDir != "/from/env" || cfg.LogLevel != "warn" || strings.Join(cfg.Logs, "|") != "a.log|b.log" || cfg.MaxFileSize != 12 {
		t.Errorf("got %+v", cfg)
	}
	fs = flag.NewFlagSet("t", flag.ContinueOnError)
	cfg.register(fs)
	_ = fs.Parse(nil)
	if err := applyEnv(fs, func(k string) string { return map[string]string{"DEVAI_MAX_FILE_SIZE": "big"}[k] }); err == nil || !strings.Contains(err.Error(), "DEVAI_MAX_FILE_SIZE") {
		t.Errorf("bad env value: err = %v", err)
	}
}

func TestCLI(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		code     int
		inStdout []string
		inStderr string
	}{
		{"help", []string{"--help"}, 0, []string{"serve", "index", "search", "version"}, ""},
		{"serve help lists every flag and env", []string{"serve", "--help"}, 0, []string{"--http", "DEVAI_HTTP", "--auth-token-file", "DEVAI_AUTH_TOKEN", "--read-only", "--tools", "--stateless", "--allowed-origins", "--max-body-bytes", "--no-watch", "--repo", "DEVAI_STATE_DIR", "--logs", "--embedder", "DEVAI_EMBED_API_KEY"}, ""},
		{"search help", []string{"search", "--help"}, 0, []string{"--kinds", "--since", "--file-level", "DEVAI_LIMIT"}, ""},
		{"version", []string{"version"}, 0, []string{"devai "}, ""},
		{"unknown command", []string{"frobnicate"}, 2, nil, "unknown command"},
		{"unknown flag", []string{"serve", "--nope"}, 2, nil, "--help"},
		{"unknown tool", []string{"serve", "--tools", "nope"}, 2, nil, `unknown tool "nope"; valid tools: ` + strings.Join(toolNames(toolTable()), ", ")},
		{"open http without token", []string{"serve", "--http", "0.0.0.0:0"}, 2, nil, "--auth-token"},
		{"bad embedder", []string{"index", "--embedder", "magic"}, 2, nil, "builtin, hash, none, ollama, openai"},
		{"search without query", []string{"search"}, 2, nil, "give a query"},
		{"search bad kind", []string{"search", "x", "--kinds", "docs"}, 2, nil, `unknown kind "docs"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(tt.args, &out, &errb)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tt.code, errb.String())
			}
			for _, s := range tt.inStdout {
				if !strings.Contains(out.String(), s) {
					t.Errorf("stdout lacks %q:\n%s", s, out.String())
				}
			}
			if !strings.Contains(errb.String(), tt.inStderr) {
				t.Errorf("stderr %q lacks %q", errb.String(), tt.inStderr)
			}
		})
	}
}

func TestIndexAndSearchCommands(t *testing.T) {
	t.Parallel()
	repo, state := shopRepo(t), t.TempDir()
	var out, errb bytes.Buffer
	if code := run([]string{"index", "--repo", repo, "--state-dir", state, "--embedder", "hash", "--log-level", "warn"}, &out, &errb); code != 0 {
		t.Fatalf("index: exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "Indexed ") {
		t.Errorf("index summary: %s", out.String())
	}
	out.Reset()
	if code := run([]string{"search", "lockout", "--repo", repo, "--state-dir", state, "--embedder", "hash", "--json", "--limit", "2", "--log-level", "warn"}, &out, &errb); code != 0 {
		t.Fatalf("search: exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), `"hits"`) || !strings.Contains(out.String(), "devai://") {
		t.Errorf("search --json: %s", out.String())
	}
}

// TestSearchAnEmptyIndex: --no-sync on an index that holds nothing (never
// built, or set aside because an older devai wrote it) says so and how to
// build it, rather than "No hits".
func TestSearchAnEmptyIndex(t *testing.T) {
	t.Parallel()
	repo, state := shopRepo(t), t.TempDir()
	base := []string{"search", "lockout", "--repo", repo, "--state-dir", state, "--embedder", "none", "--no-sync", "--log-level", "warn"}
	var out, errb bytes.Buffer
	if code := run(base, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "the index is empty") || !strings.Contains(out.String(), "devai index") {
		t.Errorf("markdown does not say the index is empty: %s", out.String())
	}
	out.Reset()
	if code := run(append(base, "--json"), &out, &errb); code != 0 {
		t.Fatalf("--json: exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), `"index": "empty"`) {
		t.Errorf("--json: %s", out.String())
	}
}
