package resources

// This file is the one path by which every devai resource reaches mcp-go:
// it bounds each answer to Budget, measured as the wire carries it, and
// answers a resource that does not exist with MCP's resource-not-found
// code instead of an internal error.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/devaiops/devai/memory/budget"
)

// Budget is the most one resource answer takes on the wire, the JSON-RPC
// response included: the tools' default budget (memory/budget). A list
// longer than that keeps its newest items and says how many it left out
// and which URI reads them; any other answer is cut at a line and says
// where the rest is.
const Budget = budget.Default

// answer is a resource read before the budget applies: its contents, or a
// list the budget may shorten (contents are then rendered from it).
type answer struct {
	contents []mcp.ResourceContents
	list     *listing
}

// readFunc reads one resource. A resource that does not exist is a
// notFoundError, which the client receives as resource-not-found.
type readFunc func(ctx context.Context, req mcp.ReadResourceRequest) (answer, error)

// notFoundError says that uri names nothing, and how to find what exists.
type notFoundError struct {
	uri  string
	hint string
	err  error
}

func (e *notFoundError) Error() string {
	return fmt.Sprintf("no such resource: %s; %s", e.uri, e.hint)
}

func (e *notFoundError) Unwrap() error { return e.err }

// notFound is the error of a read of uri that names nothing: err says why,
// hint how to list what exists.
func notFound(uri string, err error, hint string) error {
	if err != nil {
		hint = err.Error() + "; " + hint
	}
	return &notFoundError{uri: uri, hint: hint, err: err}
}

// route is one resource, or one template of resources, and its reader.
type route struct {
	resource *mcp.Resource         // a fixed URI, or
	template *mcp.ResourceTemplate // a URI template
	read     readFunc
	// rest says how to read what a cut answer left out, given the URI read
	// and the lines shown of how many; optional.
	rest func(uri string, shown, total int) string
}

func (r route) matches(uri string) bool {
	if r.resource != nil {
		return r.resource.URI == uri
	}
	return r.template.URITemplate.Regexp().MatchString(uri)
}

// readKey is where the hook hands a read's answer to the handler that
// mcp-go calls next. Its value is of a type of this package, which no
// client's JSON can produce.
const readKey = "devai/read"

type handedOver struct {
	contents []mcp.ResourceContents
}

// add registers routes on s: each answer goes through fit, and a read
// that finds nothing is turned into mcp-go's resource-not-found.
//
// mcp-go v1.2.1 turns every error a resource handler returns into
// -32603 (handlerError checks only for a URL elicitation); only a URI that
// no resource or template matches gets -32002 (-32602 for 2026-07-28
// clients). So the read runs in a before-read hook: when it finds nothing,
// the hook rewrites the request's URI to the not-found message, which no
// route matches, and mcp-go answers with its own not-found code and a
// message that names the URI and says how to list what exists. Otherwise
// the hook hands the answer to the registered handler, so that nothing is
// read twice. Without the hook (a server whose hooks were replaced) the
// handler reads itself, and a missing resource is an internal error.
func add(s *server.MCPServer, routes ...route) {
	hooks := s.GetHooks()
	if hooks == nil {
		hooks = &server.Hooks{}
		server.WithHooks(hooks)(s)
	}
	hooks.AddBeforeReadResource(func(ctx context.Context, _ any, req *mcp.ReadResourceRequest) {
		for _, r := range routes {
			if r.matches(req.Params.URI) {
				readAhead(ctx, r, req)
				return
			}
		}
	})
	for _, r := range routes {
		h := handler(r)
		if r.resource != nil {
			s.AddResource(*r.resource, h)
		} else {
			s.AddResourceTemplate(*r.template, server.ResourceTemplateHandlerFunc(h))
		}
	}
}

// readAhead reads req in the hook: see add.
func readAhead(ctx context.Context, r route, req *mcp.ReadResourceRequest) {
	contents, err := readFitted(ctx, r, *req)
	var nf *notFoundError
	switch {
	case errors.As(err, &nf):
		req.Params.URI = nf.Error()
	case err == nil:
		meta := &mcp.Meta{AdditionalFields: map[string]any{}}
		if req.Params.Meta != nil {
			meta.ProgressToken = req.Params.Meta.ProgressToken
			for k, v := range req.Params.Meta.AdditionalFields {
				meta.AdditionalFields[k] = v
			}
		}
		meta.AdditionalFields[readKey] = &handedOver{contents: contents}
		req.Params.Meta = meta
	}
	// Any other error: the handler reads again and reports it.
}

func handler(r route) server.ResourceHandlerFunc {
	return func(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
		if req.Params.Meta != nil {
			if h, ok := req.Params.Meta.AdditionalFields[readKey].(*handedOver); ok {
				return h.contents, nil
			}
		}
		return readFitted(ctx, r, req)
	}
}

// readFitted reads req and fits the answer to the budget.
func readFitted(ctx context.Context, r route, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
	a, err := r.read(ctx, req)
	if err != nil {
		return nil, err
	}
	return fit(a, Budget, func(shown, total int) string {
		if r.rest == nil {
			return "read a narrower URI, or use the devai command line, which has no budget"
		}
		return r.rest(req.Params.URI, shown, total)
	})
}

// wireSize is how many bytes contents take on the wire.
func wireSize(contents []mcp.ResourceContents) int {
	return budget.WireSize(mcp.ReadResourceResult{Contents: contents})
}

// fit makes an answer fit in limit bytes: a list drops its oldest items,
// saying how many and how to read them; anything else is cut at a line,
// saying where the rest is (rest).
func fit(a answer, limit int, rest func(shown, total int) string) ([]mcp.ResourceContents, error) {
	if a.list != nil {
		return a.list.fit(limit)
	}
	if wireSize(a.contents) <= limit || len(a.contents) != 1 {
		return a.contents, nil
	}
	c, ok := a.contents[0].(mcp.TextResourceContents)
	if !ok {
		return a.contents, nil
	}
	return []mcp.ResourceContents{cutText(c, limit, rest)}, nil
}

// cutText keeps the first lines of c that fit in limit bytes with a last
// line that says what was cut and where the rest is. A cut JSON answer is
// no longer JSON, so it is served as text.
func cutText(c mcp.TextResourceContents, limit int, rest func(shown, total int) string) mcp.TextResourceContents {
	lines := strings.SplitAfter(c.Text, "\n")
	total := len(lines)
	if strings.HasSuffix(c.Text, "\n") {
		total-- // SplitAfter's empty last element
	}
	whole := len(c.Text)
	shown := total
	for shown > 0 {
		shown = shown * 9 / 10
		out := c
		out.MIMEType = "text/plain"
		out.Text = strings.Join(lines[:shown], "") + fmt.Sprintf(
			"\n[devai: lines 1-%d of %d shown (%d of %d bytes): the answer is cut to the resource budget of %d bytes; %s]\n",
			shown, total, len(strings.Join(lines[:shown], "")), whole, limit, rest(shown, total))
		if wireSize([]mcp.ResourceContents{out}) <= limit {
			return out
		}
	}
	c.MIMEType = "text/plain"
	c.Text = fmt.Sprintf("[devai: the answer is %d bytes, over the resource budget of %d bytes; %s]\n", whole, limit, rest(0, total))
	return c
}

// listing is a JSON list answer, oldest item first, that the budget may
// shorten from the oldest end.
type listing struct {
	uri   string
	key   string // the items' key in the answer: "decisions"
	items []any
	// older is how many items exist before items that this answer does
	// not hold (a page, or the default limit).
	older int
	// id names item i, for the URI that reads what was left out.
	id func(i int) string
	// more says how to read the omitted items older than the item named
	// firstShown.
	more   func(omitted int, firstShown string) string
	fields map[string]any // the answer's other fields
}

// fit renders the list with as many of its newest items as fit in limit.
func (l *listing) fit(limit int) ([]mcp.ResourceContents, error) {
	render := func(shown int) ([]mcp.ResourceContents, error) {
		v := map[string]any{}
		for k, f := range l.fields {
			v[k] = f
		}
		first := len(l.items) - shown
		v[l.key] = l.items[first:]
		omitted := l.older + first
		v["shown"], v["omitted"] = shown, omitted
		if omitted > 0 {
			firstShown := ""
			if shown > 0 {
				firstShown = l.id(first)
			}
			v["more"] = l.more(omitted, firstShown)
		}
		return jsonContents(l.uri, v)
	}
	// The largest count of newest items that fits: sizes grow with the
	// count, so a binary search finds it.
	lo, hi := 0, len(l.items)
	if c, err := render(hi); err != nil || wireSize(c) <= limit {
		return c, err
	}
	for lo < hi-1 {
		mid := (lo + hi) / 2
		c, err := render(mid)
		if err != nil {
			return nil, err
		}
		if wireSize(c) <= limit {
			lo = mid
		} else {
			hi = mid
		}
	}
	return render(lo)
}

func jsonContents(uri string, v any) ([]mcp.ResourceContents, error) {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("%s: encode: %w", uri, err)
	}
	return []mcp.ResourceContents{mcp.TextResourceContents{URI: uri, MIMEType: "application/json", Text: string(data)}}, nil
}

// contentsOf is the answer of ready contents.
func contentsOf(c []mcp.ResourceContents) answer { return answer{contents: c} }
