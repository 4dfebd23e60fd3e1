package tool

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// proseFor is the model a call may ask for prose: the server's configured
// one, else the client's through sampling when it offers it, else none.
func proseFor(ctx context.Context, configured ProseFunc) ProseFunc {
	if configured != nil {
		return configured
	}
	if canSample(ctx) {
		return sampler(ctx)
	}
	return nil
}

// canSample reports whether the calling client declared sampling (or is an
// in-process client with a sampling handler).
func canSample(ctx context.Context) bool {
	if server.InProcessSamplingHandlerFromContext(ctx) != nil {
		return true
	}
	s, ok := server.ClientSessionFromContext(ctx).(server.SessionWithClientInfo)
	return ok && s.GetClientCapabilities().Sampling != nil
}

// sampler asks the client's model through sampling/createMessage.
func sampler(reqCtx context.Context) func(ctx context.Context, system, prompt string) (string, error) {
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
		//nolint:staticcheck // sampling is deprecated only from 2026-07-28; hosts speak 2025-06-18/2025-11-25.
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
