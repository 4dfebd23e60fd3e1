package tool_test

import (
	"context"
	"encoding/json"
	"sync/atomic"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/devaiops/devai/tools/tool"
	"github.com/devaiops/devai/tools/tool/tooltest"
)

// proseOut is what the prose test tool answers: the model's text, or why
// there was none.
type proseOut struct {
	Text string `json:"text"`
	By   string `json:"by"`
}

// proseTool asks env.Prose once per run, as draft_spec does.
func proseTool(runs *atomic.Int32) *tool.Def[struct{}, proseOut] {
	return &tool.Def[struct{}, proseOut]{
		Name: "test_prose", Description: "asks a model", Example: "{}", WithoutIndex: true,
		Run: func(ctx context.Context, env tool.Env, _ struct{}) (proseOut, error) {
			runs.Add(1)
			if env.Prose == nil {
				return proseOut{Text: "no model"}, nil
			}
			text, err := env.Prose(ctx, "system", "write it")
			if err != nil {
				return proseOut{Text: "skeleton: " + err.Error()}, nil
			}
			return proseOut{Text: text, By: env.ProseBy}, nil
		},
		Render: func(_ struct{}, o proseOut) string { return o.Text },
	}
}

type echoModel struct{ calls atomic.Int32 }

func (m *echoModel) CreateMessage(_ context.Context, req mcp.CreateMessageRequest) (*mcp.CreateMessageResult, error) {
	m.calls.Add(1)
	return &mcp.CreateMessageResult{Model: "test", StopReason: "endTurn",
		SamplingMessage: mcp.SamplingMessage{Role: mcp.RoleAssistant, Content: mcp.NewTextContent("written by the client")}}, nil
}

func decode(t *testing.T, res *mcp.CallToolResult) proseOut {
	t.Helper()
	if res.IsError {
		t.Fatalf("isError: %+v", res.Content)
	}
	raw, _ := json.Marshal(res.StructuredContent)
	var out proseOut
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestProseReachesTheModelOfEveryEra: a client on 2026-07-28 is asked
// through an input request (two rounds, Run twice), an older one through
// sampling in the call (one round); a client without sampling gets no
// model, and a configured endpoint wins over the client's model.
func TestProseReachesTheModelOfEveryEra(t *testing.T) {
	configured := func(context.Context, string, string) (string, error) { return "written by the endpoint", nil }
	for _, tt := range []struct {
		name      string
		version   string
		sampling  bool
		env       tool.Env
		want      string
		runs      int32
		modelAsks int32
	}{
		{"2026-07-28 with sampling", mcp.ProtocolVersion20260728, true, tool.Env{}, "written by the client", 2, 1},
		{"2025-11-25 with sampling", mcp.ProtocolVersion20251125, true, tool.Env{}, "written by the client", 1, 1},
		{"2025-06-18 with sampling", mcp.ProtocolVersion20250618, true, tool.Env{}, "written by the client", 1, 1},
		{"no sampling", mcp.ProtocolVersion20260728, false, tool.Env{}, "no model", 1, 0},
		{"configured endpoint", mcp.ProtocolVersion20260728, true, tool.Env{Prose: configured, ProseBy: "ollama:x"}, "written by the endpoint", 1, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var runs atomic.Int32
			m := &echoModel{}
			var opts []client.ClientOption
			if tt.sampling {
				opts = append(opts, client.WithSamplingHandler(m))
			}
			c := tooltest.Connect(t, tooltest.Server(t, tt.env, proseTool(&runs)), tt.version, opts...)
			out := decode(t, tooltest.Call(t, c, "test_prose", map[string]any{}))
			if out.Text != tt.want || runs.Load() != tt.runs || m.calls.Load() != tt.modelAsks {
				t.Errorf("answer %q (by %q), %d runs, model asked %d times; want %q, %d runs, %d asks",
					out.Text, out.By, runs.Load(), m.calls.Load(), tt.want, tt.runs, tt.modelAsks)
			}
		})
	}
}

// TestProseRoundTwoMustMatchRoundOne: an answer whose request state does
// not match the prompt (the index changed between the rounds, or a client
// made it up) is not taken as the model's prose.
func TestProseRoundTwoMustMatchRoundOne(t *testing.T) {
	var runs atomic.Int32
	b, err := proseTool(&runs).Binding(tool.Env{})
	if err != nil {
		t.Fatal(err)
	}
	var req mcp.CallToolRequest
	req.Params.Name = "test_prose"
	req.Params.RequestState = "prose/1:0000000000000000"
	req.Params.InputResponses = mcp.InputResponses{"prose": mcp.NewSamplingInputResponse(mcp.CreateMessageResult{
		SamplingMessage: mcp.SamplingMessage{Role: mcp.RoleAssistant, Content: mcp.NewTextContent("made up")}})}
	res, err := b.Handler(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if out := decode(t, res); out.Text == "made up" {
		t.Errorf("a made-up answer was taken: %+v", out)
	}
}
