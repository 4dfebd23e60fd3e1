package spec

import (
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/tools/tool"
	"github.com/devaiops/devai/tools/tool/tooltest"
)

// model is a client-side sampling handler: what the assistant's host runs
// when the server asks its model to write.
type model struct {
	reply func(req mcp.CreateMessageRequest) (string, error)
	calls atomic.Int32
}

func (m *model) CreateMessage(ctx context.Context, req mcp.CreateMessageRequest) (*mcp.CreateMessageResult, error) {
	m.calls.Add(1)
	text, err := m.reply(req)
	if err != nil {
		return nil, err
	}
	return &mcp.CreateMessageResult{Model: "test-model", StopReason: "endTurn",
		SamplingMessage: mcp.SamplingMessage{Role: mcp.RoleAssistant, Content: mcp.NewTextContent(text)}}, nil
}

func connectTo(t *testing.T, ix *memory.Index, version string, opts ...client.ClientOption) *client.Client {
	t.Helper()
	srv := tooltest.Server(t, tool.Env{Index: ix, FirstSyncWait: time.Second, ProseTimeout: 5 * time.Second}, Tool)
	return tooltest.Connect(t, srv, version, opts...)
}

func call(t *testing.T, c *client.Client, args map[string]any) (*mcp.CallToolResult, Output) {
	t.Helper()
	var req mcp.CallToolRequest
	req.Params.Name, req.Params.Arguments = ToolName, args
	res, err := c.CallTool(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	var out Output
	if res.StructuredContent != nil {
		raw, _ := json.Marshal(res.StructuredContent)
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatal(err)
		}
	}
	return res, out
}

func TestDraftSpecWithoutSampling(t *testing.T) {
	t.Parallel()
	ix := shopIndex(t)
	for _, version := range []string{mcp.ProtocolVersion20250618, mcp.ProtocolVersion20251125} {
		c := connectTo(t, ix, version)
		res, out := call(t, c, map[string]any{"request": "add rate limiting to the login endpoint"})
		if res.IsError {
			t.Fatalf("%s: %+v", version, res.Content)
		}
		if !strings.HasPrefix(out.Prose, "skeleton") || len(out.Gaps) == 0 {
			t.Errorf("%s: prose %q, %d gaps", version, out.Prose, len(out.Gaps))
		}
		text := res.Content[0].(mcp.TextContent).Text
		for _, want := range []string{"handlers_auth.go", "docs/specs/002-login.md", "FR-023", "TODO(assistant)", "contradiction"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: the Markdown lacks %q", version, want)
			}
		}
		res, out = call(t, c, map[string]any{"request": "login"})
		if res.IsError || out.Status != StatusClarify || len(out.Clarify) == 0 {
			t.Errorf("%s: one word: %+v", version, out)
		}
		for args, want := range map[string]string{
			`{"request": "add a field", "format": "jira"}`:                                                       "unknown format",
			`{"request": "add rate limiting", "write": true, "path": "../x.md"}`:                                 "outside the repository",
			`{"request": "add rate limiting", "write": true, "path": "docs/specs/002-login.md"}`:                 "already exists",
			`{"request": "add rate limiting", "write": true, "overwrite": true, "path": ".devai/prompts/pr.md"}`: "specs may be written anywhere in the work tree outside .git and devai's state directory",
		} {
			var a map[string]any
			json.Unmarshal([]byte(args), &a)
			res, _ := call(t, c, a)
			if !res.IsError || !strings.Contains(res.Content[0].(mcp.TextContent).Text, want) {
				t.Errorf("%s: %s: %+v, want an isError result with %q", version, args, res.Content, want)
			}
		}
	}
}

// TestDraftSpecSamplesProse: a client that offers sampling gets the prose
// written by its model; what comes back is merged by ID and linted, and a
// requirement the model broke keeps the skeleton's text.
func TestDraftSpecSamplesProse(t *testing.T) {
	t.Parallel()
	ix := shopIndex(t)
	m := &model{reply: func(req mcp.CreateMessageRequest) (string, error) {
		prompt := messageText(t, req.Messages[0].Content)
		if !strings.Contains(prompt, "FR-023") || !strings.Contains(req.SystemPrompt, "EARS") {
			return "", errors.New("unexpected prompt")
		}
		return "Here is the spec:\n```json\n" + `{
  "summary": "Limit login attempts per client address so that one address cannot guess passwords across many accounts.",
  "stories": [{"id": "US-011", "text": "As a shopper, I want login attempts from one address limited, so that my password cannot be guessed from many accounts."}],
  "requirements": [
    {"id": "FR-023", "text": "THE service SHALL accept at most 10 login attempts per client address per minute."},
    {"id": "FR-024", "text": "WHEN a client sends the 11th login within a minute THE service SHALL respond 429 with a Retry-After header."},
    {"id": "FR-025", "text": "The service shall be robust and shall log it."}
  ],
  "acceptance": [{"id": "AC-004", "given": "a client address that sent 10 logins in the last minute", "when": "it sends another", "then": "the response is 429 with Retry-After"}],
  "success_criteria": [{"id": "SC-001", "text": "A test sends 11 logins from one address within 60 s and gets 429 on the 11th."}]
}` + "\n```", nil
	}}
	for _, version := range []string{mcp.ProtocolVersion20251125, mcp.ProtocolVersion20260728} {
		c := connectTo(t, ix, version, client.WithSamplingHandler(m))
		res, out := call(t, c, map[string]any{"request": "add rate limiting to the login endpoint"})
		if res.IsError {
			t.Fatalf("%s: %+v", version, res.Content)
		}
		if !strings.HasPrefix(out.Prose, "sampled") || !strings.Contains(out.Prose, "FR-025") {
			t.Errorf("%s: prose %q", version, out.Prose)
		}
		byID := map[string]Requirement{}
		for _, r := range out.Requirements {
			byID[r.ID] = r
		}
		if !strings.Contains(byID["FR-023"].Text, "10 login attempts") || !strings.Contains(byID["FR-024"].Text, "429") {
			t.Errorf("%s: the model's requirements were not taken: %+v", version, out.Requirements)
		}
		if !strings.HasPrefix(byID["FR-025"].Text, "IF ") {
			t.Errorf("%s: the broken FR-025 replaced the skeleton: %q", version, byID["FR-025"].Text)
		}
		if len(byID["FR-023"].Sources) == 0 || !strings.Contains(out.Document, "Limit login attempts per client address") {
			t.Errorf("%s: sources or summary lost", version)
		}
	}
	if m.calls.Load() != 2 {
		t.Errorf("the model was asked %d times, want 2", m.calls.Load())
	}
}

// TestDraftSpecSamplingFallsBack: a model that fails, or answers with no
// JSON, leaves the skeleton in place.
func TestDraftSpecSamplingFallsBack(t *testing.T) {
	t.Parallel()
	ix := shopIndex(t)
	for name, reply := range map[string]func(mcp.CreateMessageRequest) (string, error){
		"error":   func(mcp.CreateMessageRequest) (string, error) { return "", errors.New("user declined") },
		"no json": func(mcp.CreateMessageRequest) (string, error) { return "I cannot help with that.", nil },
	} {
		c := connectTo(t, ix, mcp.ProtocolVersion20251125, client.WithSamplingHandler(&model{reply: reply}))
		res, out := call(t, c, map[string]any{"request": "add rate limiting to the login endpoint"})
		if res.IsError {
			t.Fatalf("%s: %+v", name, res.Content)
		}
		if !strings.HasPrefix(out.Prose, "skeleton") || len(out.Requirements) < 3 || !strings.Contains(out.Requirements[0].Text, "provide rate limiting") {
			t.Errorf("%s: prose %q, requirements %+v", name, out.Prose, out.Requirements)
		}
	}
}

// TestDraftSpecSamplesOverHTTP: over streamable HTTP, a client that
// declared sampling gets the sampled prose: the server asks it mid-call on
// the client's listening (GET) stream; without that stream the request
// waits out ProseTimeout and the skeleton comes back.
func TestDraftSpecSamplesOverHTTP(t *testing.T) {
	t.Parallel()
	ix := shopIndex(t)
	srv := tooltest.Server(t, tool.Env{Index: ix, FirstSyncWait: time.Second, ProseTimeout: 20 * time.Second}, Tool)
	hs := httptest.NewServer(server.NewStreamableHTTPServer(srv))
	defer hs.Close()
	m := &model{reply: func(mcp.CreateMessageRequest) (string, error) {
		return `{"requirements": [{"id": "FR-023", "text": "THE service SHALL accept at most 10 login attempts per client address per minute."}]}`, nil
	}}
	for _, version := range []string{mcp.ProtocolVersion20250618, mcp.ProtocolVersion20251125} {
		want := "sampled"
		//lint:ignore SA1019 clients before 2026-07-28 receive sampling requests on this GET stream; real hosts open it
		tr, err := transport.NewStreamableHTTP(hs.URL, transport.WithContinuousListening())
		if err != nil {
			t.Fatal(err)
		}
		c := client.NewClient(tr, client.WithSamplingHandler(m), client.WithProtocolVersion(version))
		ctx := context.Background()
		if err := c.Start(ctx); err != nil {
			t.Fatal(err)
		}
		var init mcp.InitializeRequest
		init.Params.ProtocolVersion = version
		if _, err := c.Initialize(ctx, init); err != nil {
			t.Fatal(err)
		}
		res, out := call(t, c, map[string]any{"request": "add rate limiting to the login endpoint"})
		c.Close()
		if res.IsError || !strings.HasPrefix(out.Prose, want) {
			t.Errorf("%s: prose %q, want %s (%+v)", version, out.Prose, want, res.Content)
		}
	}
}

// messageText is the text of a sampling message's content, which arrives
// typed from a session (sampling/createMessage) and as decoded JSON from an
// input request (protocol 2026-07-28).
func messageText(t *testing.T, content any) string {
	raw, err := json.Marshal(content)
	if err != nil {
		t.Error(err)
		return ""
	}
	var tc mcp.TextContent
	if err := json.Unmarshal(raw, &tc); err != nil {
		t.Error(err)
	}
	return tc.Text
}
