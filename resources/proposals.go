package resources

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// Proposal URIs. propose_patch (tools/patch) stores each proposal as
// <state>/proposals/<id>/meta.json (the whole proposal, diff included) and
// proposal.diff; these resources read those files as they are, since
// resources do not import tools.
const (
	ProposalsURI        = "devai://proposals"
	ProposalTemplateURI = "devai://proposals/{id}"
)

// proposalID is the form propose_patch gives ids: time plus random.
var proposalID = regexp.MustCompile(`^[0-9]{8}-[0-9]{6}-[0-9a-f]{6}$`)

// AddProposals adds devai://proposals (the stored proposals, in short) and
// devai://proposals/{id} (one proposal: diff, checks, impacted tests,
// risk), read from stateDir.
func AddProposals(s *server.MCPServer, stateDir string) {
	dir := filepath.Join(stateDir, "proposals")
	s.AddResource(mcp.NewResource(ProposalsURI, "proposals",
		mcp.WithResourceDescription("Patches proposed through propose_patch, oldest first: id, title, base, branch, check results. Read devai://proposals/{id} for one."),
		mcp.WithMIMEType("application/json"),
	), func(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
		list, err := listProposals(dir)
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
		if !proposalID.MatchString(id) {
			return nil, fmt.Errorf("%s: %q is not a proposal id (like 20261124-001530-a1b2c3); read %s for the ids", req.Params.URI, id, ProposalsURI)
		}
		data, err := os.ReadFile(filepath.Join(dir, id, "meta.json"))
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s: no such proposal; read %s for the ids", req.Params.URI, ProposalsURI)
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

func listProposals(dir string) ([]proposalSummary, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return []proposalSummary{}, nil
	}
	if err != nil {
		return nil, err
	}
	out := []proposalSummary{}
	for _, e := range entries {
		if !e.IsDir() || !proposalID.MatchString(e.Name()) {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name(), "meta.json"))
		if err != nil {
			continue // being written
		}
		var p proposalSummary
		if json.Unmarshal(data, &p) != nil || p.ID != e.Name() {
			continue
		}
		p.URI = ProposalsURI + "/" + p.ID
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}
