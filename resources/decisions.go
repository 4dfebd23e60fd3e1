package resources

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/devaiops/devai/memory/decisions"
)

// Decision log URIs. devai://decisions?before=d000120&limit=20 pages back
// through the log.
const (
	DecisionsURI          = "devai://decisions"
	DecisionsPageTemplate = "devai://decisions{?before,limit}"
	DecisionTemplateURI   = "devai://decisions/{id}"
	decisionsRecentLimit  = 50
)

// RegisterDecisions adds devai://decisions (the most recent records),
// its pages (devai://decisions?before=<id>&limit=<n>) and
// devai://decisions/{id} (one record), read from log (files or the shared
// store).
func RegisterDecisions(s *server.MCPServer, log decisions.Reader) {
	list := func(ctx context.Context, req mcp.ReadResourceRequest) (answer, error) {
		return decisionsPage(ctx, log, req.Params.URI)
	}
	add(s,
		route{
			resource: ptr(mcp.NewResource(DecisionsURI, "decisions",
				mcp.WithResourceDescription(fmt.Sprintf("The decision log: the %d most recent tool calls (tool, redacted arguments, client, outcome, what was written), newest last, hash-chained. Older ones: devai://decisions?before=<id>&limit=<n>.", decisionsRecentLimit)),
				mcp.WithMIMEType("application/json"),
			)),
			read: list,
		},
		route{
			template: ptr(mcp.NewResourceTemplate(DecisionsPageTemplate, "decisions page",
				mcp.WithTemplateDescription(fmt.Sprintf("A page of the decision log: the records before the id named (d000120), the limit most recent of them (default %d), newest last.", decisionsRecentLimit)),
				mcp.WithTemplateMIMEType("application/json"),
			)),
			read: list,
		},
		route{
			template: ptr(mcp.NewResourceTemplate(DecisionTemplateURI, "decision",
				mcp.WithTemplateDescription("One decision record by id (d000042), with the records of the same session before and after it."),
				mcp.WithTemplateMIMEType("application/json"),
			)),
			read: func(ctx context.Context, req mcp.ReadResourceRequest) (answer, error) {
				return decision(ctx, log, req.Params.URI)
			},
		},
	)
}

// decisionsPage is the list at uri: devai://decisions with an optional
// before and limit.
func decisionsPage(ctx context.Context, log decisions.Reader, uri string) (answer, error) {
	before, limit, err := pageQuery(uri, decisionsRecentLimit)
	if err != nil {
		return answer{}, err
	}
	recs, err := log.List(ctx, decisions.Filter{})
	if err != nil {
		return answer{}, fmt.Errorf("%s: %w", uri, err)
	}
	var keep func(decisions.Record) bool
	if before != "" {
		seq, err := decisions.ParseID(before)
		if err != nil {
			return answer{}, fmt.Errorf("%s: before: %w", uri, err)
		}
		keep = func(r decisions.Record) bool { return r.Seq < seq }
	}
	return pageOf(uri, "decisions", "records", recs, keep, limit, func(r decisions.Record) string { return r.ID },
		", or devai://decisions/<id> for one"), nil
}

// pageOf is the newest limit items of all (oldest first) that keep accepts
// (nil: all), as a listing whose "more" line names the next page of uri.
func pageOf[T any](uri, key, what string, all []T, keep func(T) bool, limit int, id func(T) string, also string) answer {
	if keep != nil {
		n := 0
		for n < len(all) && keep(all[n]) {
			n++
		}
		all = all[:n]
	}
	older := max(0, len(all)-limit)
	all = all[older:]
	items := make([]any, len(all))
	for i, x := range all {
		items[i] = x
	}
	base, _, _ := strings.Cut(uri, "?")
	return answer{list: &listing{
		uri: uri, key: key, items: items, older: older,
		id: func(i int) string { return id(all[i]) },
		more: func(omitted int, firstShown string) string {
			if firstShown == "" {
				return fmt.Sprintf("%d older %s not shown; read %s?before=<id>&limit=<n>%s", omitted, what, base, also)
			}
			return fmt.Sprintf("%d older %s not shown; read %s?before=%s for them%s", omitted, what, base, firstShown, also)
		},
	}}
}

// pageQuery reads ?before=<id>&limit=<n> from uri.
func pageQuery(uri string, defaultLimit int) (before string, limit int, err error) {
	_, query, _ := strings.Cut(uri, "?")
	q, err := url.ParseQuery(query)
	if err != nil {
		return "", 0, fmt.Errorf("%s: the query: %w; use ?before=<id>&limit=<n>", uri, err)
	}
	limit = defaultLimit
	if s := q.Get("limit"); s != "" {
		if limit, err = strconv.Atoi(s); err != nil || limit < 1 {
			return "", 0, fmt.Errorf("%s: limit must be a positive whole number, not %q", uri, s)
		}
	}
	return q.Get("before"), limit, nil
}

func decision(ctx context.Context, log decisions.Reader, uri string) (answer, error) {
	id := strings.TrimPrefix(uri, DecisionsURI+"/")
	rec, err := log.Get(ctx, id)
	if err != nil {
		if _, perr := decisions.ParseID(id); perr != nil || errors.Is(err, decisions.ErrNotFound) {
			return answer{}, notFound(uri, err, "read "+DecisionsURI+" for the recent ids")
		}
		return answer{}, fmt.Errorf("%s: %w", uri, err)
	}
	var session []decisions.Record
	if rec.Client.Session != "" {
		if session, err = log.List(ctx, decisions.Filter{Session: rec.Client.Session}); err != nil {
			return answer{}, fmt.Errorf("%s: %w", uri, err)
		}
	}
	c, err := jsonContents(uri, map[string]any{"decision": rec, "session": sessionSteps(session)})
	return contentsOf(c), err
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

func ptr[T any](v T) *T { return &v }
