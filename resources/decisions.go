package resources

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/devaiops/devai/memory/decisions"
)

// Decision log URIs.
const (
	DecisionsURI         = "devai://decisions"
	DecisionTemplateURI  = "devai://decisions/{id}"
	decisionsRecentLimit = 50
)

// RegisterDecisions adds devai://decisions (the most recent records, and
// whether the chain holds) and devai://decisions/{id} (one record), read
// from log (files or the shared store).
func RegisterDecisions(s *server.MCPServer, log decisions.Reader) {
	s.AddResource(mcp.NewResource(DecisionsURI, "decisions",
		mcp.WithResourceDescription(fmt.Sprintf("The decision log: the %d most recent tool calls (tool, redacted arguments, client, outcome, what was written), newest last, hash-chained.", decisionsRecentLimit)),
		mcp.WithMIMEType("application/json"),
	), func(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
		recs, err := log.List(ctx, decisions.Filter{Limit: decisionsRecentLimit})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", DecisionsURI, err)
		}
		if recs == nil {
			recs = []decisions.Record{}
		}
		return jsonContents(DecisionsURI, map[string]any{"decisions": recs})
	})
	s.AddResourceTemplate(mcp.NewResourceTemplate(DecisionTemplateURI, "decision",
		mcp.WithTemplateDescription("One decision record by id (d000042), with the records of the same session before and after it."),
		mcp.WithTemplateMIMEType("application/json"),
	), func(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
		id := strings.TrimPrefix(req.Params.URI, DecisionsURI+"/")
		rec, err := log.Get(ctx, id)
		if errors.Is(err, decisions.ErrNotFound) {
			return nil, fmt.Errorf("%s: %w; read %s for the recent ids", req.Params.URI, err, DecisionsURI)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", req.Params.URI, err)
		}
		var session []decisions.Record
		if rec.Client.Session != "" {
			if session, err = log.List(ctx, decisions.Filter{Session: rec.Client.Session}); err != nil {
				return nil, fmt.Errorf("%s: %w", req.Params.URI, err)
			}
		}
		return jsonContents(req.Params.URI, map[string]any{"decision": rec, "session": sessionSteps(session)})
	})
}

// sessionStep is one call of a session, in short.
type sessionStep struct {
	ID      string            `json:"id"`
	Tool    string            `json:"tool"`
	Outcome string            `json:"outcome"`
	Writes  []decisions.Write `json:"writes,omitempty"`
}

func sessionSteps(recs []decisions.Record) []sessionStep {
	out := make([]sessionStep, 0, len(recs))
	for _, r := range recs {
		out = append(out, sessionStep{ID: r.ID, Tool: r.Tool, Outcome: r.Outcome, Writes: r.Writes})
	}
	return out
}

func jsonContents(uri string, v any) ([]mcp.ResourceContents, error) {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("%s: encode: %w", uri, err)
	}
	return []mcp.ResourceContents{mcp.TextResourceContents{URI: uri, MIMEType: "application/json", Text: string(data)}}, nil
}
