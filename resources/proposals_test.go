package resources

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/devaiops/devai/memory/decisions"
	"github.com/devaiops/devai/memory/proposals"
	"github.com/devaiops/devai/memory/reviews"
)

func TestProposalResources(t *testing.T) {
	state := t.TempDir()
	id := "20261124-001530-a1b2c3"
	dir := filepath.Join(state, "proposals", id)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	meta := `{"id": "` + id + `", "title": "auth: fix", "base": "abc", "branch": "devai/proposal-` + id + `", "diff": "diff --git a/x b/x\n", "checks": [{"name": "apply", "status": "pass"}]}`
	if err := os.WriteFile(filepath.Join(dir, "meta.json"), []byte(meta), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s := server.NewMCPServer("t", "0", server.WithResourceCapabilities(false, false))
	AddProposals(s, proposals.Files{StateDir: state}, decisions.Files{Dir: decisions.Dir(state)})
	c, err := client.NewInProcessClient(s)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.ProtocolVersion20251125
	if _, err := c.Initialize(ctx, init); err != nil {
		t.Fatal(err)
	}
	read := func(uri string) (string, error) {
		var req mcp.ReadResourceRequest
		req.Params.URI = uri
		res, err := c.ReadResource(ctx, req)
		if err != nil {
			return "", err
		}
		return res.Contents[0].(mcp.TextResourceContents).Text, nil
	}
	for _, tc := range []struct{ uri, want, wantErr string }{
		{"devai://proposals", `"uri": "devai://proposals/` + id + `"`, ""},
		{"devai://proposals/" + id, `"diff": "diff --git a/x b/x\n"`, ""},
		{"devai://proposals/20990101-000000-abcdef", "", "no such proposal"},
		{"devai://proposals/..%2F..%2Fetc", "", "not a proposal id"},
	} {
		got, err := read(tc.uri)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%s: want error %q, got %v", tc.uri, tc.wantErr, err)
			}
			continue
		}
		if err != nil || !strings.Contains(got, tc.want) {
			t.Errorf("%s: %v\n%s", tc.uri, err, got)
		}
	}
}

// TestProposalResourceShowsTheVerdict: a reviewer's verdict in the decision
// log shows in devai://proposals/{id} (state, reviewer, comment) and in the
// list, and the answer is still one JSON object.
func TestProposalResourceShowsTheVerdict(t *testing.T) {
	state := t.TempDir()
	id := "20261124-001530-a1b2c3"
	dir, err := proposals.Create(state, id)
	if err != nil {
		t.Fatal(err)
	}
	if err := proposals.WriteFile(dir, proposals.MetaFile, []byte(`{"id": "`+id+`", "title": "auth: fix"}`+"\n")); err != nil {
		t.Fatal(err)
	}
	s := server.NewMCPServer("t", "0", server.WithResourceCapabilities(false, false))
	AddProposals(s, proposals.Files{StateDir: state}, decisions.Files{Dir: decisions.Dir(state)})
	c := connect(t, s, mcp.ProtocolVersion20251125)
	one, list := readText(t, c, ProposalsURI+"/"+id), readText(t, c, ProposalsURI)
	if !strings.Contains(one, `"review": {"state":"pending"}`) || !strings.Contains(list, `"review": "pending"`) {
		t.Fatalf("before any verdict:\n%s\n%s", one, list)
	}
	log, err := decisions.Open(decisions.Dir(state), decisions.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	e, err := reviews.Entry(reviews.Args{Proposal: id, Verdict: reviews.RequestChanges, Reviewer: "ann", Comment: "also handle <nil> sessions"}, decisions.Client{Name: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := log.Append(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	one, list = readText(t, c, ProposalsURI+"/"+id), readText(t, c, ProposalsURI)
	var got struct {
		Title  string `json:"title"`
		Review struct {
			State, Reviewer, Comment, Decision string
		} `json:"review"`
	}
	if err := json.Unmarshal([]byte(one), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, one)
	}
	if got.Title != "auth: fix" || got.Review.State != reviews.RequestChanges || got.Review.Reviewer != "ann" ||
		got.Review.Comment != "also handle <nil> sessions" || got.Review.Decision != "d000001" {
		t.Fatalf("review = %+v\n%s", got, one)
	}
	if !strings.Contains(list, `"review": "request_changes"`) {
		t.Fatalf("list:\n%s", list)
	}
}

func readText(t *testing.T, c *client.Client, uri string) string {
	t.Helper()
	var req mcp.ReadResourceRequest
	req.Params.URI = uri
	res, err := c.ReadResource(context.Background(), req)
	if err != nil {
		t.Fatalf("read %s: %v", uri, err)
	}
	return res.Contents[0].(mcp.TextResourceContents).Text
}
