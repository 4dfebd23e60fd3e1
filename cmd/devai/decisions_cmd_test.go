package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/devaiops/devai/memory/decisions"
	"github.com/devaiops/devai/tools/tool"
	"github.com/devaiops/devai/tools/tool/tooltest"
)

// TestDecisionLogThroughMCP drives the real server through an in-process
// client: every tool call, failed ones included, leaves a record naming
// the client from the handshake; the resources serve them; `devai
// decisions verify` passes, and fails naming the record once the file is
// edited by hand.
func TestDecisionLogThroughMCP(t *testing.T) {
	t.Parallel()
	ix := openShopIndex(t)
	state := t.TempDir()
	dlog, err := decisions.Open(decisions.Dir(state), decisions.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer dlog.Close()
	s, err := newMCPServer(serverConfig{Index: ix, Logger: testLogger(t), Tools: toolTable(), FirstSyncWait: 0, Decisions: dlog})
	if err != nil {
		t.Fatal(err)
	}
	c := tooltest.Connect(t, s, mcp.ProtocolVersion20251125)
	ctx := context.Background()

	ok := tooltest.Call(t, c, "search_context", map[string]any{"query": "account lockout after failed logins", "limit": 2})
	if ok.IsError {
		t.Fatalf("search: %s", resultText(ok))
	}
	bad := tooltest.Call(t, c, "search_context", map[string]any{"query": "lockout", "path": "[", "limit": 2})
	if !bad.IsError {
		t.Fatalf("a bad glob should be an isError result: %s", resultText(bad))
	}

	invalid := tooltest.Call(t, c, "search_context", map[string]any{"query": "lockout", "limit": "three"})
	if !invalid.IsError {
		t.Fatalf("a string limit should fail the input schema: %s", resultText(invalid))
	}

	recs, err := decisions.List(decisions.Dir(state), decisions.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 {
		t.Fatalf("%d records, want 3 (ok, isError, schema failure): %+v", len(recs), recs)
	}
	if recs[2].Outcome != decisions.OutcomeError || !strings.Contains(recs[2].Error, `argument "limit" is a string; it must be integer`) || recs[2].Client.Name != "devai-test" {
		t.Errorf("record 3 (schema failure): %+v", recs[2])
	}
	r := recs[0]
	if r.Tool != "search_context" || r.Client.Name != "devai-test" || r.Client.Version != "1" || r.Client.Session == "" {
		t.Errorf("record 1 client/tool: %+v", r)
	}
	if r.Outcome != decisions.OutcomeOK || r.Summary == "" || r.ResultSHA256 == "" || !strings.Contains(string(r.Arguments), "account lockout") {
		t.Errorf("record 1 content: %+v", r)
	}
	if recs[1].Outcome != decisions.OutcomeError || recs[1].Error == "" || recs[1].PrevHash != r.Hash {
		t.Errorf("record 2 (isError): %+v", recs[1])
	}
	if !strings.Contains(resultText(ok), "devai://") {
		t.Errorf("the result changed on its way through the log: %s", resultText(ok))
	}

	var rr mcp.ReadResourceRequest
	rr.Params.URI = "devai://decisions"
	got, err := c.ReadResource(ctx, rr)
	if err != nil {
		t.Fatal(err)
	}
	if text := got.Contents[0].(mcp.TextResourceContents).Text; !strings.Contains(text, `"d000003"`) || !strings.Contains(text, "devai-test") {
		t.Errorf("devai://decisions: %s", text)
	}
	rr.Params.URI = "devai://decisions/d000001"
	got, err = c.ReadResource(ctx, rr)
	if err != nil {
		t.Fatal(err)
	}
	var one struct {
		Decision decisions.Record
		Session  []struct{ ID, Tool string }
	}
	if err := json.Unmarshal([]byte(got.Contents[0].(mcp.TextResourceContents).Text), &one); err != nil || one.Decision.Hash != r.Hash || len(one.Session) != 3 {
		t.Errorf("devai://decisions/d000001: %v %+v", err, one)
	}
	rr.Params.URI = "devai://decisions/d000099"
	if _, err := c.ReadResource(ctx, rr); err == nil || !strings.Contains(err.Error(), "no such decision") {
		t.Errorf("unknown id: %v", err)
	}

	repo := shopRepo(t)
	var out, errb bytes.Buffer
	if code := run([]string{"decisions", "verify", "--repo", repo, "--state-dir", state}, &out, &errb); code != 0 || !strings.Contains(out.String(), "ok: the chain holds: 3 records") {
		t.Fatalf("verify: %d %s %s", code, out.String(), errb.String())
	}
	out.Reset()
	if code := run([]string{"decisions", "--repo", repo, "--state-dir", state, "--outcome", "error", "--json"}, &out, &errb); code != 0 {
		t.Fatalf("list: %s", errb.String())
	}
	var listed []decisions.Record
	if err := json.Unmarshal(out.Bytes(), &listed); err != nil || len(listed) != 2 || listed[0].ID != "d000002" || listed[1].ID != "d000003" {
		t.Errorf("list --outcome error: %v %s", err, out.String())
	}
	out.Reset()
	if code := run([]string{"decisions", "show", "d1", "--repo", repo, "--state-dir", state}, &out, &errb); code != 0 || !strings.Contains(out.String(), "Decision d000001") || !strings.Contains(out.String(), "devai-test") {
		t.Errorf("show: %d %s %s", code, out.String(), errb.String())
	}
	if local := decisions.LocalCaller(); !strings.Contains(out.String(), "caller    "+local.Name+" (local") {
		t.Errorf("show: no line naming the local user %s as the caller:\n%s", local.Name, out.String())
	}

	// Edit the first record's summary by hand.
	path := filepath.Join(decisions.Dir(state), "decisions-000001.jsonl")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	enc, _ := json.Marshal(r.Summary)
	edited := bytes.Replace(data, enc, []byte(`"nothing to see here"`), 1)
	if bytes.Equal(edited, data) {
		t.Fatal("edit changed nothing")
	}
	if err := os.WriteFile(path, edited, 0o600); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	errb.Reset()
	if code := run([]string{"decisions", "verify", "--repo", repo, "--state-dir", state}, &out, &errb); code != 1 || !strings.Contains(errb.String(), "line 1 (d000001)") || !strings.Contains(errb.String(), "edited") {
		t.Fatalf("verify after an edit: code %d stdout %q stderr %q", code, out.String(), errb.String())
	}
}

// TestSearchCommandRecordsADecision checks the CLI face: devai search
// appends a devai-cli record to the log under its state dir.
func TestSearchCommandRecordsADecision(t *testing.T) {
	t.Parallel()
	repo, state := shopRepo(t), t.TempDir()
	var out, errb bytes.Buffer
	if code := run([]string{"search", "lockout", "--repo", repo, "--state-dir", state, "--embedder", "hash", "--json", "--limit", "2", "--log-level", "warn"}, &out, &errb); code != 0 {
		t.Fatalf("search: %s", errb.String())
	}
	recs, err := decisions.List(decisions.Dir(state), decisions.Filter{})
	if err != nil || len(recs) != 1 {
		t.Fatalf("records: %v %+v", err, recs)
	}
	r := recs[0]
	if r.Tool != "search_context" || r.Client.Name != cliClient || r.Outcome != decisions.OutcomeOK || !strings.Contains(r.Summary, "hits") || !strings.Contains(string(r.Arguments), `"lockout"`) {
		t.Errorf("record: %+v", r)
	}
}

// TestRecordedWritesComeFromTheTypedAnswer: what a call wrote reaches its
// decision record through the tool's Writes, whatever its output's JSON
// names are: renaming a field cannot drop a write from the log.
func TestRecordedWritesComeFromTheTypedAnswer(t *testing.T) {
	type made struct {
		Files []string `json:"files_made"`
	}
	writer := &tool.Def[struct{}, made]{
		Name: "test_writer", Description: "writes two files", Example: "{}", WithoutIndex: true,
		Run: func(context.Context, tool.Env, struct{}) (made, error) {
			return made{Files: []string{"a.md", "b.md"}}, nil
		},
		Render: func(_ struct{}, m made) string { return strings.Join(m.Files, ", ") },
		Writes: func(m made) []tool.Write {
			var w []tool.Write
			for _, f := range m.Files {
				w = append(w, tool.Write{Kind: "file", Ref: f})
			}
			return w
		},
		Count: func(m made) string { return fmt.Sprintf("%d files", len(m.Files)) },
	}
	state := t.TempDir()
	dlog, err := decisions.Open(decisions.Dir(state), decisions.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dlog.Close() })
	s, err := newMCPServer(serverConfig{Logger: testLogger(t), Tools: []tool.Tool{writer}, Decisions: dlog})
	if err != nil {
		t.Fatal(err)
	}
	tooltest.Call(t, tooltest.Connect(t, s, mcp.ProtocolVersion20251125), "test_writer", map[string]any{})
	recs, err := decisions.List(decisions.Dir(state), decisions.Filter{})
	if err != nil || len(recs) != 1 {
		t.Fatalf("records: %v %+v", err, recs)
	}
	if got := fmtWrites(recs[0].Writes); got != "[{file a.md} {file b.md}]" {
		t.Errorf("writes = %s", got)
	}
	if !strings.HasPrefix(recs[0].Summary, "2 files: ") {
		t.Errorf("summary = %q, want the typed count first", recs[0].Summary)
	}
}

// TestPromptFromMeta: a call whose _meta names the devai prompt it came
// from keeps that prompt in its record.
func TestPromptFromMeta(t *testing.T) {
	state := t.TempDir()
	dlog, err := decisions.Open(decisions.Dir(state), decisions.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer dlog.Close()
	s, err := newMCPServer(serverConfig{Logger: testLogger(t), Tools: toolTable(), Decisions: dlog})
	if err != nil {
		t.Fatal(err)
	}
	c := tooltest.Connect(t, s, mcp.ProtocolVersion20250618)
	var req mcp.CallToolRequest
	req.Params.Name = "search_context"
	req.Params.Arguments = map[string]any{"query": "lockout"}
	req.Params.Meta = &mcp.Meta{AdditionalFields: map[string]any{promptMetaKey: map[string]any{"name": "trace-bug", "version": "3", "hash": "abc"}}}
	if _, err := c.CallTool(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	recs, err := decisions.List(decisions.Dir(state), decisions.Filter{})
	if err != nil || len(recs) != 1 {
		t.Fatalf("%v %+v", err, recs)
	}
	if p := recs[0].Prompt; p == nil || p.Name != "trace-bug" || p.Version != "3" || p.Hash != "abc" {
		t.Errorf("prompt: %+v", p)
	}
	// No index: the call fails as an isError result, and is still recorded.
	if recs[0].Outcome != decisions.OutcomeError {
		t.Errorf("outcome %s", recs[0].Outcome)
	}
}

// TestDecisionsShowLinks: a patch that names the trace's decision id, and a
// spec drafted from the proposal, show up tied to each other in `show`.
func TestDecisionsShowLinks(t *testing.T) {
	repo, state := t.TempDir(), t.TempDir()
	dlog, err := decisions.Open(decisions.Dir(state), decisions.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	sess := decisions.Client{Name: "claude-code", Session: "s1"}
	for _, e := range []decisions.Entry{
		{Tool: "trace_root_cause", Arguments: map[string]any{"text": "panic: boom"}, Client: sess},
		{Tool: "propose_patch", Arguments: map[string]any{"title": "fix", "links": map[string]any{"trace": "d000001"}}, Client: sess,
			Writes: []decisions.Write{{Kind: "proposal", Ref: "p20261124-0001"}}},
		{Tool: "draft_spec", Arguments: map[string]any{"request": "guard the janitor, see proposal p20261124-0001"}, Client: sess,
			Writes: []decisions.Write{{Kind: "spec", Ref: "docs/specs/005-janitor.md"}}},
	} {
		if _, err := dlog.Append(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	dlog.Close()

	var out, errb bytes.Buffer
	if code := run([]string{"decisions", "show", "d000002", "--repo", repo, "--state-dir", state}, &out, &errb); code != 0 {
		t.Fatalf("show: %s", errb.String())
	}
	for _, want := range []string{
		"Led to this\n  d000001  trace_root_cause   cites d000001",
		"Led from this\n  d000003  draft_spec         uses proposal p20261124-0001",
		"devai://proposals/p20261124-0001",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("show lacks %q:\n%s", want, out.String())
		}
	}
}

// TestDecisionsVerifyCatchesAForger is the CLI face of issue 11 row 7:
// `devai decisions verify` exits 1 and says how the log broke when someone
// rehashes it without the key, cuts off its end, or removes the anchor or
// the key, and finds the key where --decisions-key-file (or its variable)
// points.
func TestDecisionsVerifyCatchesAForger(t *testing.T) {
	cases := []struct {
		name   string
		tamper func(t *testing.T, state string) []string // extra verify flags
		code   int
		want   string
	}{
		{"untouched", func(*testing.T, string) []string { return nil }, 0, "ok: the chain holds: 6 records in 1 files, last d000006"},
		{"edit d000003 and rehash to the end", func(t *testing.T, state string) []string {
			rehashFrom(t, state, 2)
			return nil
		}, 1, "line 3 (d000003): edited: its content does not match its MAC"},
		{"cut off the last 2", func(t *testing.T, state string) []string {
			path := filepath.Join(decisions.Dir(state), "decisions-000001.jsonl")
			data, _ := os.ReadFile(path)
			lines := strings.SplitAfter(string(data), "\n")
			must(t, os.WriteFile(path, []byte(strings.Join(lines[:4], "")), 0o600))
			return nil
		}, 1, "truncated: the anchor names 6 records"},
		{"delete the anchor", func(t *testing.T, state string) []string {
			must(t, os.Remove(filepath.Join(state, "decisions.anchor")))
			return nil
		}, 1, "anchor-missing"},
		{"delete the key", func(t *testing.T, state string) []string {
			must(t, os.Remove(filepath.Join(state, "decisions.key")))
			return nil
		}, 1, "key-missing"},
		{"another key", func(t *testing.T, state string) []string {
			other := filepath.Join(t.TempDir(), "other.key")
			must(t, os.WriteFile(other, []byte(strings.Repeat("ab", 32)+"\n"), 0o600))
			return []string{"--decisions-key-file", other}
		}, 1, "wrong-key"},
		{"the key moved elsewhere, named by the variable", func(t *testing.T, state string) []string {
			moved := filepath.Join(t.TempDir(), "vault.key")
			must(t, os.Rename(filepath.Join(state, "decisions.key"), moved))
			t.Setenv("DEVAI_DECISIONS_KEY_FILE", moved)
			return nil
		}, 0, "ok: the chain holds: 6 records"},
	}
	repo := shopRepo(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			state := t.TempDir()
			dlog, err := decisions.Open(decisions.Dir(state), decisions.Options{})
			must(t, err)
			for i := 0; i < 6; i++ {
				_, err := dlog.Append(context.Background(), decisions.Entry{Tool: "search_context", Summary: "hits", Arguments: map[string]any{"i": i}})
				must(t, err)
			}
			must(t, dlog.Close())
			args := append([]string{"decisions", "verify", "--repo", repo, "--state-dir", state}, c.tamper(t, state)...)
			var out, errb bytes.Buffer
			code := run(args, &out, &errb)
			if code != c.code || !strings.Contains(out.String()+errb.String(), c.want) {
				t.Fatalf("exit %d (want %d), want %q in\nstdout %s\nstderr %s", code, c.code, c.want, out.String(), errb.String())
			}
		})
	}
}

// rehashFrom edits the summary of record index k in the state's log and
// recomputes every hash from there to the end with plain SHA-256, as
// someone without the key would.
func rehashFrom(t *testing.T, state string, k int) {
	t.Helper()
	path := filepath.Join(decisions.Dir(state), "decisions-000001.jsonl")
	data, err := os.ReadFile(path)
	must(t, err)
	var out []byte
	prev := ""
	for i, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var r decisions.Record
		must(t, json.Unmarshal([]byte(line), &r))
		if i == k {
			r.Summary = "nothing to see here"
		}
		if i >= k {
			r.PrevHash, r.Hash = prev, ""
			raw, _ := json.Marshal(r)
			sum := sha256.Sum256(raw)
			r.Hash = hex.EncodeToString(sum[:])
		}
		prev = r.Hash
		raw, _ := json.Marshal(r)
		out = append(append(out, raw...), '\n')
	}
	must(t, os.WriteFile(path, out, 0o600))
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func fmtWrites(w []decisions.Write) string {
	parts := make([]string, len(w))
	for i, x := range w {
		parts[i] = "{" + x.Kind + " " + x.Ref + "}"
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// TestTwoRoundCallIsOneRecord: a call that asks a 2026-07-28 client's
// model for prose takes two rounds; the decision log keeps one record, of
// the answer.
func TestTwoRoundCallIsOneRecord(t *testing.T) {
	asking := &tool.Def[struct{}, testOutput]{
		Name: "test_asks", Description: "asks the client's model", Example: "{}", WithoutIndex: true,
		Run: func(ctx context.Context, env tool.Env, _ struct{}) (testOutput, error) {
			if env.Prose == nil {
				return testOutput{Text: "no model"}, nil
			}
			text, err := env.Prose(ctx, "system", "write it")
			return testOutput{Text: text}, err
		},
		Render: func(_ struct{}, out testOutput) string { return out.Text },
	}
	state := t.TempDir()
	dlog, err := decisions.Open(decisions.Dir(state), decisions.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dlog.Close() })
	s, err := newMCPServer(serverConfig{Logger: testLogger(t), Tools: []tool.Tool{asking}, Decisions: dlog})
	if err != nil {
		t.Fatal(err)
	}
	c := tooltest.Connect(t, s, mcp.ProtocolVersion20260728, client.WithSamplingHandler(samplingReply("the model's prose")))
	res := tooltest.Call(t, c, "test_asks", map[string]any{})
	if res.IsError || !strings.Contains(resultText(res), "the model's prose") {
		t.Fatalf("answer: %+v", res.Content)
	}
	recs, err := decisions.List(decisions.Dir(state), decisions.Filter{})
	if err != nil || len(recs) != 1 || !strings.Contains(recs[0].Summary, "the model's prose") {
		t.Fatalf("records: %v %+v", err, recs)
	}
}

// samplingReply is a client model that always answers text.
type samplingReply string

func (r samplingReply) CreateMessage(context.Context, mcp.CreateMessageRequest) (*mcp.CreateMessageResult, error) {
	return &mcp.CreateMessageResult{Model: "test", StopReason: "endTurn",
		SamplingMessage: mcp.SamplingMessage{Role: mcp.RoleAssistant, Content: mcp.NewTextContent(string(r))}}, nil
}
