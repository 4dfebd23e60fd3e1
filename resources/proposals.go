package resources

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/devaiops/devai/memory/proposals"
)

// Proposal URIs. propose_patch (tools/patch) stores each proposal through
// memory/proposals; these resources serve its meta.json (the whole
// proposal, diff included, credentials redacted) as it is stored.
const (
	ProposalsURI        = "devai://proposals"
	ProposalTemplateURI = "devai://proposals/{id}"
)

// AddProposals adds devai://proposals (the stored proposals, in short) and
// devai://proposals/{id} (one proposal: diff, checks, impacted tests,
// risk), read from store.
func AddProposals(s *server.MCPServer, store proposals.Store) {
	s.AddResource(mcp.NewResource(ProposalsURI, "proposals",
		mcp.WithResourceDescription("Patches proposed through propose_patch, oldest first: id, title, base, branch, check results. Read devai://proposals/{id} for one."),
		mcp.WithMIMEType("application/json"),
	), func(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
		list, err := listProposals(ctx, store)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", ProposalsURI, err)
		}
		return jsonContents(ProposalsURI, map[string]any{"proposals": list})
	})
	s.AddResourceTemplate(mcp.NewResourceTemplate(ProposalTemplateURI, "proposal",
		mcp.WithTemplateDescription("One proposed patch by id: the unified diff against its base commit, files and symbols touched, impacted tests, requirements, checks with results, risk note, and its branch if one was made."),
		mcp.WithTemplateMIMEType("application/json"),
	), func(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
		id := strings.TrimPrefix(req.Params.URI, ProposalsURI+"/")
		data, err := store.Meta(ctx, id)
		if errors.Is(err, proposals.ErrNotFound) {
			return nil, fmt.Errorf("%s: %v; read %s for the ids", req.Params.URI, err, ProposalsURI)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", req.Params.URI, err)
		}
		return []mcp.ResourceContents{mcp.TextResourceContents{URI: req.Params.URI, MIMEType: "application/json", Text: string(data)}}, nil
	})
}

// proposalSummary is a proposal in short, read from its meta.json.
type proposalSummary struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Created string `json:"created"`
	Base    string `json:"base"`
	Branch  string `json:"branch,omitempty"`
	Checks  []struct {
		Name   string `json:"name"`
		Status string `json:"status"`
	} `json:"checks"`
	URI string `json:"uri"`
}

func listProposals(ctx context.Context, store proposals.Store) ([]proposalSummary, error) {
	ids, err := store.IDs(ctx)
	if err != nil {
		return nil, err
	}
	out := []proposalSummary{}
	for _, id := range ids {
		data, err := store.Meta(ctx, id)
		if err != nil {
			continue // being written
		}
		var p proposalSummary
		if json.Unmarshal(data, &p) != nil || p.ID != id {
			continue
		}
		p.URI = ProposalsURI + "/" + p.ID
		out = append(out, p)
	}
	return out, nil
}
