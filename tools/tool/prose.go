package tool

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// proseID names the sampling request of a multi-round-trip call.
const proseID = "prose"

// errAskClient ends the first round of a call whose prose the client's
// model will write: the prompt is captured, the answer comes in round two.
var errAskClient = errors.New("asking the client's model")

// proseRound is how one call gets its prose. A configured chat endpoint
// wins (it works for every client and for the command line). Otherwise the
// client's own model: a client on protocol 2026-07-28 or later is asked
// through a multi-round-trip input request (SEP-2322), which the tool's Run
// meets twice, first to capture the prompt, then with the answer; an older
// client through sampling/createMessage in the call itself, which lets a
// failed or declined sample fall back to the skeleton. No model: nil.
type proseRound struct {
	write          ProseFunc
	by             string
	system, prompt string // captured in round one
}

func newProseRound(ctx context.Context, env Env, req mcp.CallToolRequest) *proseRound {
	switch {
	case env.Prose != nil:
		return &proseRound{write: env.Prose, by: env.ProseBy}
	case server.SamplingResponse(req.Params.InputResponses, proseID) != nil:
		return answeredRound(req)
	case modernClientSamples(ctx):
		r := &proseRound{by: "the client's model"}
		r.write = func(_ context.Context, system, prompt string) (string, error) {
			r.system, r.prompt = system, prompt
			return "", errAskClient
		}
		return r
	case legacyClientSamples(ctx):
		return &proseRound{write: legacySampler(ctx), by: "the client's model"}
	}
	return &proseRound{}
}

// answeredRound is round two: the client's answer to the prompt of round
// one, if the prompt is still the same.
func answeredRound(req mcp.CallToolRequest) *proseRound {
	res := server.SamplingResponse(req.Params.InputResponses, proseID)
	return &proseRound{by: "the client's model", write: func(_ context.Context, system, prompt string) (string, error) {
		if promptState(system, prompt) != req.Params.RequestState {
			return "", errors.New("the skeleton changed between the two rounds (the index was synced in between)")
		}
		return textOf(res.Content)
	}}
}

// pending is the input request of round one, or nil when Run asked for no
// prose.
func (r *proseRound) pending() *mcp.CallToolResult {
	if r.prompt == "" {
		return nil
	}
	return server.NewInputRequestBuilder(promptState(r.system, r.prompt)).Sample(proseID, mcp.CreateMessageParams{
		Messages:     []mcp.SamplingMessage{{Role: mcp.RoleUser, Content: mcp.NewTextContent(r.prompt)}},
		SystemPrompt: r.system, MaxTokens: 4000, Temperature: 0.2,
	}).ToolResult()
}

// promptState ties round two to round one's prompt: the retry may come
// after a sync, or to another replica.
func promptState(system, prompt string) string {
	h := sha256.Sum256([]byte(system + "\x00" + prompt))
	return "prose/1:" + hex.EncodeToString(h[:8])
}

// modernClientSamples reports whether a 2026-07-28 client declared
// sampling on this request (capabilities travel with every request).
func modernClientSamples(ctx context.Context) bool {
	info := server.RequestProtocolInfoFromContext(ctx)
	return info != nil && info.Modern && info.ClientCapabilities != nil && info.ClientCapabilities.Sampling != nil
}

// legacyClientSamples reports whether an older client declared sampling in
// its session (or is an in-process client with a sampling handler).
func legacyClientSamples(ctx context.Context) bool {
	if server.IsModernRequest(ctx) {
		return false
	}
	if server.InProcessSamplingHandlerFromContext(ctx) != nil {
		return true
	}
	s, ok := server.ClientSessionFromContext(ctx).(server.SessionWithClientInfo)
	return ok && s.GetClientCapabilities().Sampling != nil
}

// legacySampler asks an older client's model through sampling/createMessage.
func legacySampler(reqCtx context.Context) ProseFunc {
	return func(ctx context.Context, system, prompt string) (string, error) {
		srv := server.ServerFromContext(reqCtx)
		if srv == nil {
			return "", errors.New("no MCP server in the request context")
		}
		var req mcp.CreateMessageRequest
		req.Messages = []mcp.SamplingMessage{{Role: mcp.RoleUser, Content: mcp.NewTextContent(prompt)}}
		req.SystemPrompt = system
		req.MaxTokens = 4000
		req.Temperature = 0.2
		//lint:ignore SA1019 only for clients before 2026-07-28, which speak sampling/createMessage; unlike the input-request bridge, a failed sample here falls back to the skeleton instead of failing the call.
		res, err := srv.RequestSampling(ctx, req)
		if err != nil {
			return "", err
		}
		return textOf(res.Content)
	}
}

func textOf(content any) (string, error) {
	switch c := content.(type) {
	case mcp.TextContent:
		return c.Text, nil
	case *mcp.TextContent:
		return c.Text, nil
	case []mcp.Content:
		var parts []string
		for _, x := range c {
			if t, ok := x.(mcp.TextContent); ok {
				parts = append(parts, t.Text)
			}
		}
		return strings.Join(parts, "\n"), nil
	case map[string]any:
		if t, ok := c["text"].(string); ok {
			return t, nil
		}
	}
	return "", fmt.Errorf("the model answered with %T, not text", content)
}
