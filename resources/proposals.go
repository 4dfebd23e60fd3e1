package resources

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/devaiops/devai/memory/decisions"
	"github.com/devaiops/devai/memory/proposals"
	"github.com/devaiops/devai/memory/reviews"
)

// Proposal URIs. propose_patch (tools/patch) stores each proposal through
// memory/proposals; these resources serve its meta.json (the whole
// proposal, diff included, credentials redacted) as it is stored, with its
// review state (the latest verdict from the decision log) added, so that an
// assistant sees why its patch was sent back.
const (
	ProposalsURI          = "devai://proposals"
	ProposalTemplateURI   = "devai://proposals/{id}"
	ProposalsPageTemplate = "devai://proposals{?before,limit}"
	proposalsPageLimit    = 50
)

// AddProposals adds devai://proposals (the stored proposals, in short,
// the newest that fit), its pages (devai://proposals?before=<id>&limit=<n>)
// and devai://proposals/{id} (one proposal: diff, checks, impacted tests,
// risk), read from store, each with its review state read from the
// reviewers' verdicts in log.
func AddProposals(s *server.MCPServer, store proposals.Store, log decisions.Reader) {
	list := func(ctx context.Context, req mcp.ReadResourceRequest) (answer, error) {
		return proposalsPage(ctx, store, log, req.Params.URI)
	}
	add(s,
		route{
			resource: ptr(mcp.NewResource(ProposalsURI, "proposals",
				mcp.WithResourceDescription(fmt.Sprintf("Patches proposed through propose_patch, the %d newest, oldest first: id, title, base, branch, check results, review state. Read devai://proposals/{id} for one, devai://proposals?before=<id> for older ones.", proposalsPageLimit)),
				mcp.WithMIMEType("application/json"),
			)),
			read: list,
		},
		route{
			template: ptr(mcp.NewResourceTemplate(ProposalsPageTemplate, "proposals page",
				mcp.WithTemplateDescription(fmt.Sprintf("A page of the proposals: those before the id named, the limit newest of them (default %d), oldest first.", proposalsPageLimit)),
				mcp.WithTemplateMIMEType("application/json"),
			)),
			read: list,
		},
		route{
			template: ptr(mcp.NewResourceTemplate(ProposalTemplateURI, "proposal",
				mcp.WithTemplateDescription("One proposed patch by id: the unified diff against its base commit, files and symbols touched, impacted tests, requirements, checks with results, risk note, its branch if one was made, and review: the reviewer's verdict (pending, approve, request_changes, reject) and comment."),
				mcp.WithTemplateMIMEType("application/json"),
			)),
			read: func(ctx context.Context, req mcp.ReadResourceRequest) (answer, error) {
				id := strings.TrimPrefix(req.Params.URI, ProposalsURI+"/")
				data, err := store.Meta(ctx, id)
				if errors.Is(err, proposals.ErrNotFound) {
					return answer{}, notFound(req.Params.URI, err, "read "+ProposalsURI+" for the ids")
				}
				if err != nil {
					return answer{}, fmt.Errorf("%s: %w", req.Params.URI, err)
				}
				if data, err = withReview(ctx, log, id, data); err != nil {
					return answer{}, fmt.Errorf("%s: %w", req.Params.URI, err)
				}
				return contentsOf([]mcp.ResourceContents{mcp.TextResourceContents{URI: req.Params.URI, MIMEType: "application/json", Text: string(data)}}), nil
			},
		},
	)
}

// proposalsPage is the list at uri: devai://proposals with an optional
// before and limit.
func proposalsPage(ctx context.Context, store proposals.Store, log decisions.Reader, uri string) (answer, error) {
	before, limit, err := pageQuery(uri, proposalsPageLimit)
	if err != nil {
		return answer{}, err
	}
	list, err := listProposals(ctx, store, log)
	if err != nil {
		return answer{}, fmt.Errorf("%s: %w", uri, err)
	}
	var keep func(proposalSummary) bool
	if before != "" {
		keep = func(p proposalSummary) bool { return p.ID < before }
	}
	return pageOf(uri, "proposals", "proposals", list, keep, limit, func(p proposalSummary) string { return p.ID }, ""), nil
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
	URI    string `json:"uri"`
	Review string `json:"review"` // pending, approve, request_changes, reject
}

func listProposals(ctx context.Context, store proposals.Store, log decisions.Reader) ([]proposalSummary, error) {
	ids, err := store.IDs(ctx)
	if err != nil {
		return nil, err
	}
	verdicts, err := reviews.Read(ctx, log)
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
		v, ok := verdicts[id]
		p.Review = reviews.State(v, ok)
		out = append(out, p)
	}
	return out, nil
}

// review is a proposal's review state as the resources show it.
type review struct {
	State string `json:"state"` // pending, approve, request_changes, reject
	*reviews.Verdict
}

// withReview adds "review" to the stored meta.json object, leaving the
// stored text before it as it is.
func withReview(ctx context.Context, log decisions.Reader, id string, meta []byte) ([]byte, error) {
	v, ok, err := reviews.Of(ctx, log, id)
	if err != nil {
		return nil, err
	}
	r := review{State: reviews.State(v, ok)}
	if ok {
		r.Verdict = &v
	}
	add, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("encode the review of %s: %w", id, err)
	}
	body := bytes.TrimRight(meta, " \t\r\n")
	if !bytes.HasSuffix(body, []byte("}")) || len(bytes.TrimSpace(body[:len(body)-1])) <= 1 {
		return nil, fmt.Errorf("proposal %s: meta.json is not a JSON object", id)
	}
	out := append(append([]byte{}, bytes.TrimRight(body[:len(body)-1], " \t\r\n")...), ",\n  \"review\": "...)
	return append(append(out, add...), "\n}\n"...), nil
}
