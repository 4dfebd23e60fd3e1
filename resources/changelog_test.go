package resources

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

func TestChangelogResource(t *testing.T) {
	tests := []struct {
		name    string
		write   ChangelogFunc
		want    string
		wantErr string
	}{
		{"text", func(context.Context) (string, error) { return "## [Unreleased]\n", nil }, "## [Unreleased]\n", ""},
		{"writer fails", func(context.Context) (string, error) { return "", errors.New("not a git repository") }, "", "not a git repository"},
		{"no writer", nil, "", "no changelog writer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			s := server.NewMCPServer("t", "0", server.WithResourceCapabilities(false, false))
			RegisterChangelog(s, tt.write)
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
			list, err := c.ListResources(ctx, mcp.ListResourcesRequest{})
			if err != nil || len(list.Resources) != 1 || list.Resources[0].URI != ChangelogURI || list.Resources[0].MIMEType != "text/markdown" {
				t.Fatalf("list: %v %+v", err, list)
			}
			var req mcp.ReadResourceRequest
			req.Params.URI = ChangelogURI
			res, err := c.ReadResource(ctx, req)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := res.Contents[0].(mcp.TextResourceContents).Text; got != tt.want {
				t.Errorf("text %q, want %q", got, tt.want)
			}
		})
	}
}
