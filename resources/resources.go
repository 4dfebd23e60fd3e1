// Package resources serves read-only MCP views of devai's memory: every
// indexed file by kind (devai://spec/…, devai://code/…, devai://test/…,
// devai://log/…, with an optional #Lx-Ly range), the index status
// (devai://index), and completion of paths for clients that offer it.
package resources

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/devaiops/devai/memory"
)

// IndexURI is the status resource.
const IndexURI = "devai://index"

// Kinds are the file kinds served as templates, in a fixed order.
var Kinds = []string{"spec", "code", "test", "log"}

// maxCompletions is the protocol's cap on completion values.
const maxCompletions = 100

// TemplateURI is the URI template of a kind, e.g. devai://spec/{+path}.
func TemplateURI(kind string) string { return "devai://" + kind + "/{+path}" }

var kindTitles = map[string]string{
	"spec": "Specs: requirements, designs, API descriptions, features",
	"code": "Source code",
	"test": "Tests",
	"log":  "Logs",
}

// Register adds the templates and devai://index to s. ix may be nil (the
// server still lists them; reads then say that the index is not open).
func Register(s *server.MCPServer, ix *memory.Index) {
	routes := make([]route, 0, len(Kinds)+1)
	for _, kind := range Kinds {
		routes = append(routes, route{
			template: ptr(mcp.NewResourceTemplate(TemplateURI(kind), kind,
				mcp.WithTemplateDescription(kindTitles[kind]+" in the index. Append #L10-L40 for a line range; the path completes."),
				mcp.WithTemplateMIMEType("text/plain"),
				mcp.WithTemplateAnnotations([]mcp.Role{mcp.RoleAssistant, mcp.RoleUser}, 0.5, ""),
			)),
			read: readHandler(ix, kind),
			rest: restOfFile,
		})
	}
	routes = append(routes, route{
		resource: ptr(mcp.NewResource(IndexURI, "index",
			mcp.WithResourceDescription("What devai has indexed: state, sync progress, files by kind and language, skipped files and why, embedder."),
			mcp.WithMIMEType("application/json"),
		)),
		read: func(ctx context.Context, req mcp.ReadResourceRequest) (answer, error) {
			if ix == nil {
				return answer{}, errors.New("devai://index: the index is not open; check the server log")
			}
			return indexStatus(ix.Status())
		},
	})
	add(s, routes...)
}

// indexStatus is the status as a list of its skipped files, the rest as
// fields, so that a repository with thousands of skipped files still
// fits: skipped_by_reason counts them all.
func indexStatus(st memory.Status) (answer, error) {
	data, err := json.Marshal(st)
	if err != nil {
		return answer{}, fmt.Errorf("devai://index: encode status: %w", err)
	}
	fields := map[string]any{}
	if err := json.Unmarshal(data, &fields); err != nil {
		return answer{}, fmt.Errorf("devai://index: encode status: %w", err)
	}
	delete(fields, "skipped")
	items := make([]any, len(st.Skipped))
	for i, sk := range st.Skipped {
		items[i] = sk
	}
	return answer{list: &listing{
		uri: IndexURI, key: "skipped", items: items, fields: fields,
		id: func(i int) string { return st.Skipped[i].Path },
		more: func(omitted int, _ string) string {
			return fmt.Sprintf("%d more skipped files not shown; skipped_by_reason counts them all", omitted)
		},
	}}, nil
}

// restOfFile says which URI reads the lines of a file resource that a cut
// answer left out: the same path from the first line not shown.
func restOfFile(uri string, shown, total int) string {
	base, frag, _ := strings.Cut(uri, "#")
	first := 1
	if m := lineRange.FindStringSubmatch(frag); m != nil {
		first, _ = strconv.Atoi(m[1])
	}
	from, to := first+shown, first+total-1
	return fmt.Sprintf("read %s#L%d-L%d for the rest", base, from, to)
}

var lineRange = regexp.MustCompile(`^L(\d+)(?:-L?\d+)?$`)

func readHandler(ix *memory.Index, kind string) readFunc {
	return func(ctx context.Context, req mcp.ReadResourceRequest) (answer, error) {
		if ix == nil {
			return answer{}, fmt.Errorf("%s: the index is not open; check the server log", req.Params.URI)
		}
		doc, err := ix.Read(req.Params.URI)
		if err != nil {
			if errors.Is(err, memory.ErrNotFound) {
				return answer{}, notFound(req.Params.URI, nil, "it is not in the index: check the path (resources/templates complete it), the kind (spec, code, test, log), or search_context for it")
			}
			return answer{}, fmt.Errorf("read %s: %w", req.Params.URI, err)
		}
		if doc.Kind != "" && doc.Kind != kind {
			return answer{}, notFound(req.Params.URI, nil, fmt.Sprintf("it is indexed as %s, not %s: read devai://%s/%s", doc.Kind, kind, doc.Kind, doc.Path))
		}
		mime := doc.MIMEType
		if mime == "" {
			mime = "text/plain"
		}
		return contentsOf([]mcp.ResourceContents{mcp.TextResourceContents{URI: req.Params.URI, MIMEType: mime, Text: doc.Text}}), nil
	}
}

// CompletionProvider completes the {path} of the kind templates from the
// indexed paths. Pass it to server.WithResourceCompletionProvider.
type CompletionProvider struct {
	Index *memory.Index
}

// CompleteResourceArgument implements server.ResourceCompletionProvider.
func (p CompletionProvider) CompleteResourceArgument(ctx context.Context, uri string, arg mcp.CompleteArgument, _ mcp.CompleteContext) (*mcp.Completion, error) {
	empty := &mcp.Completion{Values: []string{}}
	if p.Index == nil || arg.Name != "path" {
		return empty, nil
	}
	kind, ok := kindOfTemplate(uri)
	if !ok {
		return empty, nil
	}
	paths := p.Index.Paths(kind, arg.Value, maxCompletions+1)
	out := &mcp.Completion{Values: paths}
	if out.Values == nil {
		out.Values = []string{}
	}
	if len(out.Values) > maxCompletions {
		out.Values, out.HasMore = out.Values[:maxCompletions], true
	}
	return out, nil
}

// kindOfTemplate finds the kind of a template URI (or a concrete URI).
func kindOfTemplate(uri string) (string, bool) {
	rest, ok := strings.CutPrefix(uri, "devai://")
	if !ok {
		return "", false
	}
	kind, _, _ := strings.Cut(rest, "/")
	for _, k := range Kinds {
		if k == kind {
			return k, true
		}
	}
	return "", false
}
