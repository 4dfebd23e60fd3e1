package patch

import (
	"fmt"
	"strings"

	"github.com/devaiops/devai/memory/proposals"
)

func checkLine(checks []CheckResult) string {
	var parts []string
	for _, c := range checks {
		parts = append(parts, c.Name+" "+c.Status)
	}
	return strings.Join(parts, ", ")
}

// Markdown renders a proposal for a reviewer.
func Markdown(o Output) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Proposal %s: %s\n\n", o.ID, o.Title)
	if o.Rationale != "" {
		fmt.Fprintf(&b, "%s\n\n", strings.TrimSpace(o.Rationale))
	}
	if o.Caller != nil {
		fmt.Fprintf(&b, "Asked for by %s (%s). ", o.Caller.Name, o.Caller.Via)
	}
	fmt.Fprintf(&b, "Base: %s (%s). ", short(o.Base), o.BaseRef)
	if o.Branch != "" {
		fmt.Fprintf(&b, "Branch: `%s` (commit %s); review with `git diff %s...%s`, approve by merging it.\n", o.Branch, short(o.BranchCommit), short(o.Base), o.Branch)
	} else if proposals.InFiles(o.Path) {
		fmt.Fprintf(&b, "No branch; apply with `git apply %s/%s`.\n", o.Path, proposals.PatchFile)
	} else {
		fmt.Fprintf(&b, "No branch; the diff is kept in the shared store (`devai pr show %s --json` prints it).\n", o.ID)
	}
	fmt.Fprintf(&b, "\n## Files\n\n")
	for _, f := range o.Files {
		fmt.Fprintf(&b, "- %s (%s, +%d −%d)\n", f.Path, f.Status, f.Added, f.Removed)
	}
	if len(o.Symbols) > 0 {
		fmt.Fprintf(&b, "\n## Symbols touched\n\n")
		for _, s := range o.Symbols {
			fmt.Fprintf(&b, "- %s (%s, %s:%d-%d)\n", s.Symbol, s.Kind, s.Path, s.StartLine, s.EndLine)
		}
	}
	fmt.Fprintf(&b, "\n## Impacted tests\n\n")
	if len(o.Tests) == 0 {
		fmt.Fprintf(&b, "None references the touched symbols.\n")
	}
	for _, t := range o.Tests {
		fmt.Fprintf(&b, "- %s (%s:%d): %s\n", t.Name, t.Path, t.Line, t.Why)
	}
	if len(o.Requirements) > 0 {
		fmt.Fprintf(&b, "\nRequirements: %s\n", strings.Join(o.Requirements, ", "))
	}
	if o.Links.Trace != "" {
		fmt.Fprintf(&b, "Trace: devai://decisions/%s\n", o.Links.Trace)
	}
	fmt.Fprintf(&b, "\n## Checks\n\n%s\n\n", o.Exec)
	for _, c := range o.Checks {
		fmt.Fprintf(&b, "- **%s**: %s (%s)", c.Name, c.Status, c.Duration)
		if c.Command != "" {
			fmt.Fprintf(&b, " `%s`", c.Command)
		}
		b.WriteString("\n")
		if c.Status == StatusFail && c.Output != "" {
			fmt.Fprintf(&b, "\n```\n%s\n```\n", strings.TrimSpace(c.Output))
		}
	}
	fmt.Fprintf(&b, "\n## Risk: %s\n\n%s\n", o.Risk.Level, o.Risk.Note)
	for _, n := range o.Notes {
		fmt.Fprintf(&b, "\nNote: %s\n", n)
	}
	fmt.Fprintf(&b, "\n## Review\n\nA person reviews it: the verdict (approve, request_changes, reject) and the reviewer's comment appear in "+
		"devai://proposals/%s under review. To revise it after changes are requested, call propose_patch again with options.links.revises: %q.\n", o.ID, o.ID)
	fmt.Fprintf(&b, "\n## Diff\n\n```diff\n%s```\n", o.Diff)
	return b.String()
}
