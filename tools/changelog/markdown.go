package changelog

import (
	"fmt"
	"strings"
)

// Markdown renders out as a Keep a Changelog release section, for a person
// (devai changelog, a CHANGELOG.md) or the assistant (the tool's text).
// Requirement links point at the spec file by its repository path, which
// renders as a link on code hosts; proposal links are devai:// URIs.
func Markdown(out Output) string {
	var b strings.Builder
	title := out.Title
	if title == "" {
		title = "Unreleased"
	}
	fmt.Fprintf(&b, "## [%s]", title)
	if out.Date != "" {
		fmt.Fprintf(&b, " - %s", out.Date)
	}
	b.WriteString("\n\n")
	span := "since the first commit"
	if out.Since != "" {
		span = "since " + out.Since
	}
	if out.Until != "" && out.Until != "HEAD" && out.Until != title {
		span += ", up to " + out.Until
	}
	fmt.Fprintf(&b, "_%s %s", plural(out.Commits, "change", "changes"), span)
	if out.Skipped > 0 {
		fmt.Fprintf(&b, "; %s without a description left out", plural(out.Skipped, "merge", "merges"))
	}
	b.WriteString("._\n")
	if out.Truncated {
		b.WriteString("\n_Only the newest commits are listed: pass a later since (or a larger max_commits) for the rest._\n")
	}
	if out.Commits == 0 {
		b.WriteString("\nNo changes in this range.\n")
		return b.String()
	}
	for _, s := range out.Sections {
		fmt.Fprintf(&b, "\n### %s\n\n", s.Title)
		for _, e := range s.Entries {
			b.WriteString("- ")
			if e.Scope != "" {
				fmt.Fprintf(&b, "**%s:** ", e.Scope)
			}
			b.WriteString(e.Text)
			short := e.Hash
			if len(short) > 7 {
				short = short[:7]
			}
			if s.Title == SectionMaintenance && e.Type != "" {
				fmt.Fprintf(&b, " (%s, %s)", e.Type, short)
			} else {
				fmt.Fprintf(&b, " (%s)", short)
			}
			if len(e.Links) > 0 {
				parts := make([]string, len(e.Links))
				for i, l := range e.Links {
					switch {
					case l.Path != "":
						parts[i] = fmt.Sprintf("[%s](%s)", l.ID, l.Path)
					case l.Kind == "proposal":
						parts[i] = fmt.Sprintf("[proposal %s](%s)", l.ID, l.URI)
					default:
						parts[i] = fmt.Sprintf("[%s](%s)", l.ID, l.URI)
					}
				}
				fmt.Fprintf(&b, " · %s", strings.Join(parts, ", "))
			}
			b.WriteString("\n")
			if e.BreakingNote != "" {
				fmt.Fprintf(&b, "  %s\n", e.BreakingNote)
			}
		}
	}
	return b.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
