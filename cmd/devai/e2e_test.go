package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/devaiops/devai/tools/tool/tooltest"
)

// TestSearchAndResourcesEndToEnd indexes testdata/shop with the real memory
// package and drives search_context, the resources and completion through a
// client of each protocol version.
func TestSearchAndResourcesEndToEnd(t *testing.T) {
	t.Parallel()
	ix := openShopIndex(t)
	s := newTestServer(t, ix, toolTable())
	for _, v := range protocolVersions {
		t.Run(v, func(t *testing.T) {
			ctx := context.Background()
			c := tooltest.Connect(t, s, v)
			res := tooltest.Call(t, c, "search_context", map[string]any{"query": "account lockout after failed logins", "kinds": []string{"code"}, "limit": 3})
			if res.IsError {
				t.Fatalf("search: %s", resultText(res))
			}
			raw, _ := json.Marshal(res.StructuredContent)
			var out struct {
				Hits []struct {
					URI, Path, Kind string
					Snippet         string
				}
				Index string
			}
			if err := json.Unmarshal(raw, &out); err != nil {
				t.Fatal(err)
			}
			if len(out.Hits) == 0 || len(out.Hits) > 3 {
				t.Fatalf("want 1-3 hits, got %d: %s", len(out.Hits), raw)
			}
			for _, h := range out.Hits {
				if h.Kind != "code" || !strings.HasPrefix(h.URI, "devai://code/") {
					t.Errorf("hit outside kinds=[code]: %+v", h)
				}
			}
			if !strings.Contains(resultText(res), out.Hits[0].URI) {
				t.Errorf("markdown text does not cite %s", out.Hits[0].URI)
			}

			var rr mcp.ReadResourceRequest
			rr.Params.URI = out.Hits[0].URI
			got, err := c.ReadResource(ctx, rr)
			if err != nil || len(got.Contents) != 1 {
				t.Fatalf("read %s: %v", rr.Params.URI, err)
			}
			text := got.Contents[0].(mcp.TextResourceContents).Text
			firstLine := strings.SplitN(strings.TrimSpace(out.Hits[0].Snippet), "\n", 2)[0]
			if !strings.Contains(text, firstLine) {
				t.Errorf("resource text lacks the snippet's first line %q", firstLine)
			}

			rr.Params.URI = "devai://code/no/such/file.go"
			if _, err := c.ReadResource(ctx, rr); err == nil || !strings.Contains(err.Error(), "not in the index") {
				t.Errorf("unknown path: err = %v, want 'not in the index'", err)
			}

			rr.Params.URI = "devai://index"
			got, err = c.ReadResource(ctx, rr)
			if err != nil {
				t.Fatal(err)
			}
			var st struct {
				Files int    `json:"files"`
				State string `json:"state"`
			}
			if err := json.Unmarshal([]byte(got.Contents[0].(mcp.TextResourceContents).Text), &st); err != nil || st.Files == 0 {
				t.Errorf("devai://index: %v %+v", err, st)
			}

			var creq mcp.CompleteRequest
			creq.Params.Ref = mcp.ResourceReference{Type: "ref/resource", URI: "devai://code/{+path}"}
			creq.Params.Argument = mcp.CompleteArgument{Name: "path", Value: "internal/"}
			comp, err := c.Complete(ctx, creq)
			if err != nil || len(comp.Completion.Values) == 0 {
				t.Fatalf("complete: %v %+v", err, comp)
			}
			for _, p := range comp.Completion.Values {
				if !strings.HasPrefix(p, "internal/") {
					t.Errorf("completion %q does not start with the prefix", p)
				}
			}
		})
	}
}
