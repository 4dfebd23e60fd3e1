package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
)

// TestToolOutputIsRedacted pastes a log with a credential into
// trace_root_cause, which echoes log lines back as evidence: neither the
// text nor the structured result may carry the credential.
func TestToolOutputIsRedacted(t *testing.T) {
	const token = "ghp_R8mQ2vX7kL4pN9sT1wY6zB3cF5hJ0dG2aE8u"
	ix := openShopIndex(t)
	c := connect(t, newTestServer(t, ix, toolTable()), mcp.ProtocolVersion20251125)
	log := "2026-11-23T10:00:00Z ERROR push failed token=" + token + "\n" +
		"panic: runtime error: invalid memory address or nil pointer dereference [recovered]\n" +
		"\tpanic: push with " + token + "\n\ngoroutine 1 [running]:\nmain.main()\n\t/app/main.go:10 +0x1d\n"
	res := callTool(t, c, "trace_root_cause", map[string]any{"text": log})
	structured, _ := json.Marshal(res.StructuredContent)
	if strings.Contains(resultText(res), token) || strings.Contains(string(structured), token) {
		t.Fatalf("the credential reached the client:\n%s\n%s", resultText(res), structured)
	}
}

func TestFixLogPrintsNoCredential(t *testing.T) {
	const token = "ghp_R8mQ2vX7kL4pN9sT1wY6zB3cF5hJ0dG2aE8u"
	repo, state := shopRepo(t), t.TempDir()
	log := "panic: push with " + token + "\n\ngoroutine 1 [running]:\nmain.main()\n\t/app/main.go:10 +0x1d\n"
	for _, asJSON := range []bool{false, true} {
		cfg := &fixLogConfig{MaxSuspects: 2}
		cfg.Repo, cfg.StateDir, cfg.Embedder, cfg.LogLevel, cfg.JSON = repo, state, "hash", "off", asJSON
		var out, errb bytes.Buffer
		if err := runFixLog(context.Background(), cfg, "-", strings.NewReader(log), &out, &errb); err != nil {
			t.Fatalf("fix-log: %v", err)
		}
		if strings.Contains(out.String(), token) {
			t.Errorf("fix-log (json %v) printed the credential:\n%s", asJSON, out.String())
		}
	}
}
