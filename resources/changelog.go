package resources

import (
	"context"
	"fmt"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// ChangelogURI is the changelog resource: the changes since the last tag,
// as generate_changelog writes them with its defaults.
const ChangelogURI = "devai://changelog"

// ChangelogFunc writes the changelog as Markdown. cmd/devai passes
// tools/changelog's, because resources may import memory but not a tool.
type ChangelogFunc func(ctx context.Context) (string, error)

// RegisterChangelog adds devai://changelog to s, read through write.
func RegisterChangelog(s *server.MCPServer, write ChangelogFunc) {
	add(s, route{
		resource: ptr(mcp.NewResource(ChangelogURI, "changelog",
			mcp.WithResourceDescription("The changelog since the last tag (Keep a Changelog sections, breaking changes first), from the git history. "+
				"Call generate_changelog for another range or for JSON."),
			mcp.WithMIMEType("text/markdown"),
		)),
		read: func(ctx context.Context, req mcp.ReadResourceRequest) (answer, error) {
			if write == nil {
				return answer{}, fmt.Errorf("%s: no changelog writer is configured; check the server log", ChangelogURI)
			}
			text, err := write(ctx)
			if err != nil {
				return answer{}, fmt.Errorf("%s: %w", ChangelogURI, err)
			}
			return contentsOf([]mcp.ResourceContents{mcp.TextResourceContents{URI: ChangelogURI, MIMEType: "text/markdown", Text: text}}), nil
		},
		rest: func(string, int, int) string {
			return "call generate_changelog with a narrower range (from, to) for the rest"
		},
	})
}
