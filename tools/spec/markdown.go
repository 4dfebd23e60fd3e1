package spec

import (
	"fmt"
	"strings"
)

// Document renders the spec file in out.Format. Requirements carry their
// citations; prose still to write is marked <!-- TODO(assistant): … -->.
func Document(out Output) string {
	switch out.Format {
	case FormatSpecKit:
		return specKit(out)
	case FormatKiro:
		return kiro(out)
	}
	return devaiDoc(out)
}

func cites(r Requirement) string {
	var parts []string
	for _, s := range r.Sources {
		parts = append(parts, "["+s+"]("+s+")")
	}
	if r.Question != "" {
		parts = append(parts, "open question "+r.Question)
	}
	if len(parts) == 0 {
		return ""
	}
	return " (sources: " + strings.Join(parts, ", ") + ")"
}

func todo(gap string) string {
	if gap == "" {
		return ""
	}
	return " <!-- TODO(assistant): " + gap + " -->"
}

func devaiDoc(out Output) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\nStatus: draft · Drafted by devai draft_spec", out.Title)
	if len(out.Affected) > 0 {
		fmt.Fprintf(&b, " · Code: %s", quoteList(paths(out.Affected, 3)))
	}
	b.WriteString("\n\n## Summary\n\n" + out.Summary + "\n")
	b.WriteString("\n## User stories\n\n")
	for _, s := range out.Stories {
		fmt.Fprintf(&b, "- **%s (%s)** %s\n", s.ID, s.Priority, s.Text)
	}
	b.WriteString("\n## Requirements\n\n")
	for _, r := range out.Requirements {
		fmt.Fprintf(&b, "- **%s** %s%s%s\n", r.ID, r.Text, cites(r), todo(r.Gap))
	}
	b.WriteString("\n## Acceptance criteria\n\n")
	for _, c := range out.Acceptance {
		fmt.Fprintf(&b, "- **%s** (%s) Given %s, when %s, then %s.\n", c.ID, strings.Join(c.Requirements, ", "), c.Given, c.When, c.Then)
	}
	b.WriteString("\n## Success criteria\n\n")
	for _, s := range out.Success {
		fmt.Fprintf(&b, "- **%s** %s\n", s.ID, s.Text)
	}
	commonTail(&b, out)
	return b.String()
}

// commonTail is what every format ends with: unchanged behaviour, affected
// components, related specs, evidence, the test plan and open questions.
func commonTail(b *strings.Builder, out Output) {
	if len(out.Unchanged) > 0 {
		b.WriteString("\n## Unchanged behaviour\n\n")
		for _, u := range out.Unchanged {
			id := ""
			if u.ID != "" {
				id = "**" + u.ID + "** "
			}
			fmt.Fprintf(b, "- %s%s ([%s](%s))\n", id, u.Text, u.Source, u.Source)
		}
	}
	if len(out.Affected) > 0 {
		b.WriteString("\n## Affected components\n\n")
		for _, c := range out.Affected {
			sym := ""
			if len(c.Symbols) > 0 {
				sym = ": " + strings.Join(c.Symbols, ", ")
			}
			fmt.Fprintf(b, "- [`%s`](%s)%s\n", c.Path, c.URI, sym)
		}
	}
	if len(out.Related) > 0 {
		b.WriteString("\n## Related specs\n\n")
		for _, r := range out.Related {
			q := ""
			if r.Quote != "" {
				q = fmt.Sprintf(": %q", r.Quote)
			}
			fmt.Fprintf(b, "- %s: [%s](%s) (%s)%s\n", r.Relation, r.Section, r.URI, r.Why, q)
		}
	}
	if len(out.Logs) > 0 {
		b.WriteString("\n## Current behaviour in the logs\n\n")
		for _, l := range out.Logs {
			fmt.Fprintf(b, "- %s: [%s](%s)\n", l.Event, l.URI, l.URI)
		}
	}
	if len(out.TestPlan) > 0 {
		b.WriteString("\n## Test plan\n\n")
		for _, t := range out.TestPlan {
			fmt.Fprintf(b, "- [`%s`](%s) (%s)", t.Path, t.URI, t.Why)
			if len(t.Existing) > 0 {
				fmt.Fprintf(b, "; existing: %s", strings.Join(t.Existing, ", "))
			}
			b.WriteString("\n")
			for _, n := range t.New {
				fmt.Fprintf(b, "  - `%s` with `%s`\n", n.Name, n.Tag)
			}
		}
	}
	if len(out.Questions) > 0 {
		b.WriteString("\n## Open questions\n\n")
		for _, q := range out.Questions {
			fmt.Fprintf(b, "- **%s** %s Options: %s.\n", q.ID, q.Question, strings.Join(q.Options, "; "))
		}
	}
}

func specKit(out Output) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Feature Specification: %s\n\n**Status**: Draft\n**Input**: User description: %q\n\n", out.Title, firstLine(out.Summary))
	b.WriteString("## User Scenarios & Testing *(mandatory)*\n\n")
	for i, s := range out.Stories {
		fmt.Fprintf(&b, "### User Story %d - %s (Priority: %s)\n\n%s\n\n", i+1, s.ID, s.Priority, s.Text)
	}
	b.WriteString("### Acceptance Scenarios\n\n")
	for i, c := range out.Acceptance {
		fmt.Fprintf(&b, "%d. **%s** (%s) **Given** %s, **When** %s, **Then** %s\n", i+1, c.ID, strings.Join(c.Requirements, ", "), c.Given, c.When, c.Then)
	}
	b.WriteString("\n## Requirements *(mandatory)*\n\n### Functional Requirements\n\n")
	for _, r := range out.Requirements {
		fmt.Fprintf(&b, "- **%s**: %s%s%s\n", r.ID, r.Text, cites(r), todo(r.Gap))
	}
	b.WriteString("\n## Success Criteria *(mandatory)*\n\n### Measurable Outcomes\n\n")
	for _, s := range out.Success {
		fmt.Fprintf(&b, "- **%s**: %s\n", s.ID, s.Text)
	}
	commonTail(&b, out)
	return b.String()
}

func kiro(out Output) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Requirements Document\n\n## Introduction\n\n%s\n\n## Requirements\n", out.Summary)
	story := ""
	if len(out.Stories) > 0 {
		story = out.Stories[0].Text
	}
	for i, r := range out.Requirements {
		fmt.Fprintf(&b, "\n### Requirement %d\n\n**User Story:** %s\n\n#### Acceptance Criteria\n\n", i+1, story)
		fmt.Fprintf(&b, "1. %s: %s%s%s\n", r.ID, r.Text, cites(r), todo(r.Gap))
		n := 2
		for _, c := range out.Acceptance {
			if len(c.Requirements) > 0 && c.Requirements[0] == r.ID {
				fmt.Fprintf(&b, "%d. %s: Given %s, when %s, then %s.\n", n, c.ID, c.Given, c.When, c.Then)
				n++
			}
		}
	}
	commonTail(&b, out)
	return b.String()
}

func firstLine(s string) string {
	if i := strings.IndexAny(s, "\n"); i >= 0 {
		return s[:i]
	}
	return s
}

// Markdown renders out for the assistant (the tool result's text) or a
// person at a terminal (`devai plan`): what to do next, the lint findings
// and the gaps, then the spec document itself.
func Markdown(out Output) string {
	var b strings.Builder
	b.WriteString("## draft_spec\n\n")
	if out.Status == StatusClarify {
		b.WriteString("The request is too short to draft a spec from. Ask the user:\n\n")
		for _, q := range out.Clarify {
			fmt.Fprintf(&b, "- **%s** %s Options: %s.\n", q.ID, q.Question, strings.Join(q.Options, "; "))
		}
		return b.String()
	}
	fmt.Fprintf(&b, "- target: `%s`", out.Target)
	if len(out.Writes) > 0 {
		b.WriteString(" (written)")
	} else {
		b.WriteString(" (not written: show the draft to the user and call again with write: true once approved)")
	}
	b.WriteString("\n")
	if out.RedraftOf != "" {
		fmt.Fprintf(&b, "- re-drafts `%s`; its requirement IDs were kept\n", out.RedraftOf)
	}
	fmt.Fprintf(&b, "- prose: %s\n", out.Prose)
	for _, r := range out.Related {
		if r.Relation != RelRelated {
			fmt.Fprintf(&b, "- **%s**: %s: %q\n", r.Relation, r.URI, r.Quote)
		}
	}
	if len(out.Lint) > 0 {
		b.WriteString("\n### Lint\n\n")
		for _, f := range out.Lint {
			fmt.Fprintf(&b, "- %s %s: %s\n", f.Rule, f.ID, f.Message)
		}
	}
	if len(out.Gaps) > 0 {
		b.WriteString("\n### Gaps for the assistant\n\n")
		for _, g := range out.Gaps {
			fmt.Fprintf(&b, "- %s\n", g)
		}
	}
	b.WriteString("\n---\n\n")
	b.WriteString(out.Document)
	return b.String()
}
