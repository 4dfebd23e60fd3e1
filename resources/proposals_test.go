package resources

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/devaiops/devai/memory/proposals"
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
	AddProposals(s, proposals.Files{StateDir: state})
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
