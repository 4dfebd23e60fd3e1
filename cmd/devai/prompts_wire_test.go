package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/devaiops/devai/memory/decisions"
	"github.com/devaiops/devai/prompts"
	"github.com/devaiops/devai/tools/tool/tooltest"
)

// promptRoles are the six roles with their arguments; required ones end in "!".
var promptRoles = map[string][]string{
	"plan":          {"request!", "format"},
	"design":        {"spec", "request"},
	"pr":            {"goal!", "trace", "spec"},
	"test-gaps":     {"path", "kind"},
	"fix-log":       {"log!"},
	"release-notes": {"since", "until"},
}

func getPrompt(c *client.Client, name string, args map[string]string) (*mcp.GetPromptResult, error) {
	var req mcp.GetPromptRequest
	req.Params.Name, req.Params.Arguments = name, args
	return c.GetPrompt(context.Background(), req)
}

// metaPrompt reads {"name","version","hash"} out of a _meta.
func metaPrompt(m *mcp.Meta) map[string]any {
	if m == nil {
		return nil
	}
	v, _ := m.AdditionalFields[prompts.MetaKey].(map[string]any)
	return v
}

func TestPromptsListedWithArgumentsAndVersions(t *testing.T) {
	embedded, errs := prompts.Load("")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	// No tools at all (as with --tools naming none that write, or
	// --read-only): the prompts are still served.
	s, err := newMCPServer(serverConfig{Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	for _, version := range protocolVersions {
		t.Run(version, func(t *testing.T) {
			c := tooltest.Connect(t, s, version)
			list, err := c.ListPrompts(context.Background(), mcp.ListPromptsRequest{})
			if err != nil {
				t.Fatal(err)
			}
			if len(list.Prompts) != len(promptRoles) {
				t.Errorf("%d prompts listed, want %d", len(list.Prompts), len(promptRoles))
			}
			for _, p := range list.Prompts {
				want, ok := promptRoles[p.Name]
				if !ok {
					t.Errorf("unexpected prompt %s", p.Name)
					continue
				}
				var got []string
				for _, a := range p.Arguments {
					if a.Description == "" {
						t.Errorf("%s: argument %s has no description", p.Name, a.Name)
					}
					got = append(got, a.Name+map[bool]string{true: "!"}[a.Required])
				}
				if !slices.Equal(got, want) {
					t.Errorf("%s: arguments %v, want %v", p.Name, got, want)
				}
				e, _ := embedded.Get(p.Name)
				meta := metaPrompt(p.Meta)
				if meta["version"] != e.Version || meta["hash"] != e.Hash || meta["name"] != p.Name {
					t.Errorf("%s: _meta %v, want version %s hash %s", p.Name, meta, e.Version, e.Hash)
				}
				if !strings.HasSuffix(p.Description, "("+e.Tag()+")") || p.Title == "" {
					t.Errorf("%s: description %q title %q", p.Name, p.Description, p.Title)
				}
			}
		})
	}
}

func TestPromptGetRendersAndRefusesMissingArguments(t *testing.T) {
	s, err := newMCPServer(serverConfig{Logger: testLogger(t), Tools: toolTable()})
	if err != nil {
		t.Fatal(err)
	}
	c := tooltest.Connect(t, s, mcp.ProtocolVersion20251125)
	res, err := getPrompt(c, "plan", map[string]string{"request": "add rate limiting to the login endpoint", "format": "kiro"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Messages) != 1 || res.Messages[0].Role != mcp.RoleUser {
		t.Fatalf("messages %+v", res.Messages)
	}
	text := res.Messages[0].Content.(mcp.TextContent).Text
	for _, w := range []string{"add rate limiting to the login endpoint", `format: "kiro"`, "draft_spec", "write: true", "STOP"} {
		if !strings.Contains(text, w) {
			t.Errorf("rendered plan lacks %q", w)
		}
	}
	if m := metaPrompt(res.Meta); m["name"] != "plan" || m["hash"] == "" {
		t.Errorf("result _meta %v", res.Meta)
	}
	for _, bad := range []struct {
		name string
		args map[string]string
		want string
	}{
		{"plan", map[string]string{"format": "kiro"}, `required argument "request" is missing`},
		{"plan", map[string]string{"request": "x", "format": "markdown"}, "not one of: devai, spec-kit, kiro"},
		{"nope", nil, "not found"},
	} {
		if _, err := getPrompt(c, bad.name, bad.args); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("get %s %v: error %v, want %q", bad.name, bad.args, err, bad.want)
		}
	}
}

// TestPromptAttributionInDecisionLog fetches plan, then calls a tool
// without any _meta: the call's record names plan's version and hash,
// marked inferred. A call that names a prompt itself keeps that one, and
// another session's call is not attributed.
func TestPromptAttributionInDecisionLog(t *testing.T) {
	t.Parallel()
	for _, version := range protocolVersions {
		t.Run(version, func(t *testing.T) {
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
			plan, _ := loadEmbeddedPrompt(t, "plan")
			c := tooltest.Connect(t, s, version)
			other := tooltest.Connect(t, s, version)

			tooltest.Call(t, other, "search_context", map[string]any{"query": "before any prompt"})
			if _, err := getPrompt(c, "plan", map[string]string{"request": "add rate limiting to login"}); err != nil {
				t.Fatal(err)
			}
			tooltest.Call(t, c, "search_context", map[string]any{"query": "login rate limit"})
			var req mcp.CallToolRequest
			req.Params.Name, req.Params.Arguments = "find_test_gaps", map[string]any{}
			req.Params.Meta = &mcp.Meta{AdditionalFields: map[string]any{promptMetaKey: map[string]any{"name": "own", "version": "9.9.9", "hash": "abc"}}}
			if _, err := c.CallTool(context.Background(), req); err != nil {
				t.Fatal(err)
			}
			tooltest.Call(t, other, "search_context", map[string]any{"query": "other session"})

			recs, err := decisions.List(decisions.Dir(state), decisions.Filter{})
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) != 5 {
				t.Fatalf("%d records, want 5: %+v", len(recs), recs)
			}
			want := decisions.Prompt{Name: "plan", Version: plan.Version, Hash: plan.Hash}
			fetch, call, own, otherCall := recs[1], recs[2], recs[3], recs[4]
			if fetch.Tool != "prompt:plan" || fetch.Prompt == nil || *fetch.Prompt != want || fetch.Outcome != decisions.OutcomeOK || fetch.ResultSHA256 == "" ||
				!strings.Contains(string(fetch.Arguments), "add rate limiting to login") {
				t.Errorf("fetch record %+v prompt %+v", fetch, fetch.Prompt)
			}
			inferred := want
			inferred.Inferred = true
			if call.Tool != "search_context" || call.Prompt == nil || *call.Prompt != inferred {
				t.Errorf("tool call after the prompt: prompt %+v, want %+v", call.Prompt, inferred)
			}
			if own.Prompt == nil || own.Prompt.Name != "own" || own.Prompt.Inferred {
				t.Errorf("a call naming its prompt: %+v", own.Prompt)
			}
			if recs[0].Prompt != nil || otherCall.Prompt != nil {
				t.Errorf("another session's calls attributed: %+v %+v", recs[0].Prompt, otherCall.Prompt)
			}
			if call.Client.Session == "" || call.Client.Session == otherCall.Client.Session {
				t.Errorf("sessions %q and %q", call.Client.Session, otherCall.Client.Session)
			}
			if rep, err := decisions.Verify(decisions.Dir(state)); err != nil || !rep.OK() {
				t.Errorf("chain: %v %+v", err, rep)
			}
		})
	}
}

func loadEmbeddedPrompt(t *testing.T, name string) (prompts.Prompt, bool) {
	t.Helper()
	set, errs := prompts.Load("")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	return set.Get(name)
}

func TestPromptFetchFailureIsRecordedNotRemembered(t *testing.T) {
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
	if _, err := getPrompt(c, "fix-log", nil); err == nil {
		t.Fatal("fix-log without its log rendered")
	}
	tooltest.Call(t, c, "search_context", map[string]any{"query": "x"})
	recs, err := decisions.List(decisions.Dir(state), decisions.Filter{})
	if err != nil || len(recs) != 2 {
		t.Fatalf("%d records, %v", len(recs), err)
	}
	if recs[0].Tool != "prompt:fix-log" || recs[0].Outcome != decisions.OutcomeError || !strings.Contains(recs[0].Error, `"log" is missing`) {
		t.Errorf("failed fetch record %+v", recs[0])
	}
	if recs[1].Prompt != nil {
		t.Errorf("a failed fetch became the session's prompt: %+v", recs[1].Prompt)
	}
}

func TestPromptTrackerWindow(t *testing.T) {
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	tr := newPromptTracker()
	tr.now = func() time.Time { return now }
	p := decisions.Prompt{Name: "pr", Version: "1.0.0", Hash: "abc"}
	tr.remember("s1", p)
	tr.remember("", p) // no session: nothing to key on
	if got := tr.current("s1"); got == nil || got.Name != "pr" || !got.Inferred {
		t.Fatalf("current %+v", got)
	}
	if tr.current("s2") != nil || tr.current("") != nil {
		t.Error("a session that fetched nothing has a prompt")
	}
	now = now.Add(promptSessionWindow - time.Second)
	if tr.current("s1") == nil {
		t.Error("forgotten inside the window")
	}
	now = now.Add(2 * time.Second)
	if tr.current("s1") != nil {
		t.Error("still attributed after the window")
	}
	tr.remember("s2", p) // prunes s1
	if _, kept := tr.last["s1"]; kept || len(tr.last) != 1 {
		t.Errorf("expired sessions kept: %v", tr.last)
	}
}

// syncBuffer is a log sink that the server may write while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestPromptRepositoryOverrideServed(t *testing.T) {
	repo := t.TempDir()
	dir := filepath.Join(repo, prompts.OverrideDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	override := "---\nname: plan\nversion: 7.0.0\ndescription: Our planning.\narguments:\n  - {name: request, description: What, required: true}\n---\nPlan {{.request}} with our template.\n"
	files := map[string]string{"plan.md": override, "broken.md": "---\nname: broken\nversion: one\n---\nx\n"}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var logs syncBuffer
	logger := hclog.NewInterceptLogger(&hclog.LoggerOptions{Name: "test", Level: hclog.Info, Output: &logs})
	s, err := newMCPServer(serverConfig{Logger: logger, Repo: repo})
	if err != nil {
		t.Fatal(err)
	}
	if l := logs.String(); !strings.Contains(l, "broken.md") || !strings.Contains(l, "not semver") || !strings.Contains(l, "plan.md") {
		t.Errorf("log does not name the skipped file and the override:\n%s", l)
	}
	c := tooltest.Connect(t, s, mcp.ProtocolVersion20251125)
	list, err := c.ListPrompts(context.Background(), mcp.ListPromptsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Prompts) != len(promptRoles) {
		t.Errorf("%d prompts, want the six (broken skipped, plan replaced)", len(list.Prompts))
	}
	res, err := getPrompt(c, "plan", map[string]string{"request": "caching"})
	if err != nil {
		t.Fatal(err)
	}
	if text := res.Messages[0].Content.(mcp.TextContent).Text; text != "Plan caching with our template.\n" {
		t.Errorf("override rendered %q", text)
	}
	if m := metaPrompt(res.Meta); m["version"] != "7.0.0" || m["hash"] != prompts.HashOf([]byte(override)) {
		t.Errorf("override _meta %v", m)
	}
}

func TestPromptArgumentCompletion(t *testing.T) {
	t.Parallel()
	ix := openShopIndex(t)
	s := newTestServer(t, ix, toolTable())
	c := tooltest.Connect(t, s, mcp.ProtocolVersion20251125)
	complete := func(prompt, arg, value string) []string {
		t.Helper()
		var req mcp.CompleteRequest
		req.Params.Ref = mcp.PromptReference{Type: "ref/prompt", Name: prompt}
		req.Params.Argument = mcp.CompleteArgument{Name: arg, Value: value}
		res, err := c.Complete(context.Background(), req)
		if err != nil {
			t.Fatalf("complete %s.%s: %v", prompt, arg, err)
		}
		return res.Completion.Values
	}
	if got := complete("plan", "format", ""); !slices.Equal(got, []string{"devai", "spec-kit", "kiro"}) {
		t.Errorf("plan format: %v", got)
	}
	if got := complete("plan", "format", "k"); !slices.Equal(got, []string{"kiro"}) {
		t.Errorf("plan format k: %v", got)
	}
	if got := complete("test-gaps", "kind", "un"); !slices.Equal(got, []string{"untested", "uncovered", "unverified"}) {
		t.Errorf("test-gaps kind un: %v", got)
	}
	if got := complete("plan", "request", "a"); len(got) != 0 {
		t.Errorf("free text completed: %v", got)
	}
	specs := complete("design", "spec", "")
	if len(specs) == 0 {
		t.Fatal("no spec paths offered")
	}
	for _, p := range specs {
		if !strings.HasSuffix(p, ".md") && !strings.HasSuffix(p, ".feature") && !strings.HasSuffix(p, ".yaml") && !strings.HasSuffix(p, ".yml") {
			t.Errorf("spec completion offers %s", p)
		}
	}
	first := specs[0]
	if got := complete("pr", "spec", "devai://spec/"+first[:3]); !slices.Contains(got, first) {
		t.Errorf("a devai://spec/ prefix does not complete to %s: %v", first, got)
	}
	if got := complete("fix-log", "log", "logs/"); len(got) == 0 {
		t.Error("no log paths offered")
	}
}

// TestPromptAttributionOverHTTP: over streamable HTTP the session is the
// Mcp-Session-Id, so a legacy client's calls after a prompts/get are
// attributed to it. A 2026-07-28 client over HTTP, and any client with
// --stateless, has no session id to key on (measured: the record's session
// is empty), so nothing is inferred rather than guessed across clients.
func TestPromptAttributionOverHTTP(t *testing.T) {
	cases := []struct {
		version   string
		stateless bool
		inferred  bool
	}{
		{mcp.ProtocolVersion20251125, false, true},
		{mcp.ProtocolVersion20250618, false, true},
		{mcp.ProtocolVersion20260728, false, false},
		{mcp.ProtocolVersion20251125, true, false},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s stateless=%v", c.version, c.stateless), func(t *testing.T) {
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
			ts := httptest.NewServer(newHTTPHandler(s, httpConfig{MaxBodyBytes: 1 << 20, Stateless: c.stateless}, nil))
			defer ts.Close()
			cl, err := connectHTTP(t, ts.URL+"/mcp", "", c.version)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := getPrompt(cl, "test-gaps", map[string]string{"kind": "untested"}); err != nil {
				t.Fatal(err)
			}
			tooltest.Call(t, cl, "find_test_gaps", map[string]any{})
			recs, err := decisions.List(decisions.Dir(state), decisions.Filter{})
			if err != nil || len(recs) != 2 {
				t.Fatalf("%d records, %v", len(recs), err)
			}
			got := recs[1].Prompt
			t.Logf("session %q, prompt %+v", recs[1].Client.Session, got)
			if c.inferred != (got != nil && got.Name == "test-gaps" && got.Inferred) {
				t.Errorf("call after prompts/get: prompt %+v, want inferred=%v", got, c.inferred)
			}
		})
	}
}
