package main

import (
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
