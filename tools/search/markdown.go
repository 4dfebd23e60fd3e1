package search

import (
	"fmt"
	"strings"

	"github.com/devaiops/devai/memory"
)

// Markdown renders out for a reader: the assistant (as the text content of
// the tool result) or a person at a terminal (`devai search`).
func Markdown(query string, out Output) string {
	var b strings.Builder
	fmt.Fprintf(&b, "## search_context: %q\n\n", query)
	switch out.Index {
	case "", "ready":
	case "empty":
		fmt.Fprintf(&b, "_Index: %s_\n\n", memory.EmptyIndexNote)
	default:
		fmt.Fprintf(&b, "_Index: %s; results may be incomplete. Ask again in a moment for more._\n\n", out.Index)
	}
	if len(out.Hits) == 0 {
		b.WriteString("No hits. Try other words, fewer filters, or check `devai://index` for what is indexed.\n")
		return b.String()
	}
	fmt.Fprintf(&b, "%d of %d candidates, %d tokens.\n", len(out.Hits), out.Total, out.Tokens)
	for i, h := range out.Hits {
		fmt.Fprintf(&b, "\n### %d. %s (lines %d-%d)\n", i+1, h.Path, h.StartLine, h.EndLine)
		fmt.Fprintf(&b, "- uri: %s\n- kind: %s", h.URI, h.Kind)
		if h.Language != "" {
			fmt.Fprintf(&b, ", %s", h.Language)
		}
		if h.Symbol != "" {
			fmt.Fprintf(&b, "; symbol: `%s`", h.Symbol)
			if h.SymbolKind != "" {
				fmt.Fprintf(&b, " (%s)", h.SymbolKind)
			}
		}
		fmt.Fprintf(&b, "\n- score: %.3f; why: %s\n", h.Score, h.Why)
		if len(h.Requirements) > 0 {
			fmt.Fprintf(&b, "- requirements: %s\n", strings.Join(h.Requirements, ", "))
		}
		if h.Time != "" {
			fmt.Fprintf(&b, "- time: %s %s\n", h.Time, h.Level)
		}
		for _, t := range h.Templates {
			fmt.Fprintf(&b, "- %s\n", t)
		}
		fence := "```"
		for strings.Contains(h.Snippet, fence) {
			fence += "`"
		}
		fmt.Fprintf(&b, "\n%s%s\n%s\n%s\n", fence, fenceLang(h.Language), strings.TrimRight(h.Snippet, "\n"), fence)
		if h.Truncated {
			b.WriteString("_(snippet truncated to fit the token budget; read the URI for the rest)_\n")
		}
	}
	return b.String()
}

// fenceLang maps an index language name to a Markdown fence info string.
func fenceLang(language string) string {
	switch l := strings.ToLower(language); l {
	case "", "log":
		return ""
	case "openapi":
		return "yaml"
	default:
		return strings.ReplaceAll(l, " ", "")
	}
}
