package spec

// This file is the MCP binding of draft_spec. Annotations and schema
// portability are set where every tool is declared, in cmd/devai.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/tools/tool"
)

// ToolName is the stable name of the tool.
const ToolName = "draft_spec"

// Tool declares draft_spec with its input and output schemas.
func Tool() mcp.Tool {
	return mcp.NewTool(ToolName,
		mcp.WithToolTitle("Draft a spec from a request"),
		mcp.WithDescription("Turns a natural-language request into a spec a person can approve, grounded in the project: "+
			"existing specs on the subject (possible duplicates and contradictions called out), the code that would change, "+
			"the tests to extend and the logs that show today's behaviour, each cited by a devai:// URI that exists in the index. "+
			"Returns user stories with priorities, EARS requirements with stable IDs (kept when the same spec is re-drafted), "+
			"Given/When/Then acceptance criteria, measurable success criteria, unchanged behaviour, a test plan with "+
			"verifies: tags, at most three open questions with options, and lint findings. Prose the tool cannot know is "+
			"marked TODO(assistant); when the client offers sampling its model writes it. A one-word request gets "+
			"clarifying questions instead of a draft. Writes docs/specs/NNN-slug.md (or the spec-kit/kiro layout) only with "+
			"write: true, never over an existing file without overwrite: true; show the draft to the user first."),
		mcp.WithInputSchema[Input](),
		mcp.WithOutputSchema[Output](),
	)
}

// Handler answers draft_spec calls over ix. When the client declared
// sampling, its model is asked to write the prose (bounded by proseTimeout;
// 0 means 90 s); otherwise the skeleton comes back with its gaps marked.
func Handler(ix *memory.Index, wait, proseTimeout time.Duration) server.ToolHandlerFunc {
	return func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		var in Input
		if err := req.BindArguments(&in); err != nil {
			return mcp.NewToolResultErrorf("draft_spec: the arguments do not fit the schema (%v): pass {\"request\": \"add rate limiting to the login endpoint\"}", err), nil
		}
		if err := Validate(&in); err != nil {
			return mcp.NewToolResultError(err.Error()), nil
		}
		if ix == nil {
			return mcp.NewToolResultError("draft_spec: the index is not open; restart devai serve and check its log"), nil
		}
		if st := ix.Status(); st.State == "indexing" && st.LastSync.IsZero() && wait > 0 {
			waitCtx, cancel := context.WithTimeout(ctx, wait)
			_ = ix.WaitIdle(waitCtx)
			cancel()
			if ctx.Err() != nil {
				return mcp.NewToolResultErrorf("draft_spec: cancelled while waiting for the first index sync: %v", ctx.Err()), nil
			}
		}
		opts := Options{ProseTimeout: proseTimeout}
		if canSample(ctx) {
			opts.Prose = sampler(ctx)
		}
		out, err := Run(ctx, ix, in, opts)
		if err != nil {
			if tool.IsInputError(err) {
				return mcp.NewToolResultError(err.Error()), nil
			}
			return mcp.NewToolResultErrorf("draft_spec failed: %v. Try again; if it persists, check devai://index and the server log.", err), nil
		}
		return mcp.NewToolResultStructured(out, Markdown(out)), nil
	}
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
