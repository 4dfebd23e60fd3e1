package gaps

import (
	"fmt"
	"strings"

	"github.com/devaiops/devai/memory"
)

// Markdown renders out for the assistant (the tool result's text) or a
// person at a terminal (`devai gaps`): the summary, what coverage was read,
// then each gap with what a test writer needs.
func Markdown(out Output) string {
	var b strings.Builder
	s := out.Summary
	b.WriteString("## find_test_gaps\n\n")
	switch out.Index {
	case "", "ready":
	case "empty":
		fmt.Fprintf(&b, "_Index: %s_\n\n", memory.EmptyIndexNote)
	default:
		fmt.Fprintf(&b, "_Index: %s; the answer may be incomplete._\n\n", out.Index)
	}
	if s.Scope != "" {
		fmt.Fprintf(&b, "Figures for `%s`; the whole project's in brackets.\n\n", s.Scope)
	}
	whole := func(pick func(Summary) (int, int)) string {
		if out.Project == nil {
			return ""
		}
		c, t := pick(*out.Project)
		if t == 0 && c == 0 {
			return " [project: none]"
		}
		return fmt.Sprintf(" [project: %d of %d]", c, t)
	}
	fmt.Fprintf(&b, "- symbols tested: %d of %d%s\n", s.SymbolsTested, s.Symbols, whole(func(s Summary) (int, int) { return s.SymbolsTested, s.Symbols }))
	fmt.Fprintf(&b, "- requirements verified: %d of %d%s\n", s.RequirementsVerified, s.Requirements, whole(func(s Summary) (int, int) { return s.RequirementsVerified, s.Requirements }))
	if s.Statements > 0 || (out.Project != nil && out.Project.Statements > 0) {
		fmt.Fprintf(&b, "- shall statements without an ID verified: %d of %d%s\n", s.StatementsVerified, s.Statements, whole(func(s Summary) (int, int) { return s.StatementsVerified, s.Statements }))
	}
	fmt.Fprintf(&b, "- tests: %d", s.Tests)
	if out.Project != nil {
		fmt.Fprintf(&b, " [project: %d]", out.Project.Tests)
	}
	b.WriteString("\n")
	if s.Lines > 0 || (out.Project != nil && out.Project.Lines > 0) {
		fmt.Fprintf(&b, "- line coverage: %d of %d (%.1f%%)%s\n", s.LinesCovered, s.Lines, pct(s.LinesCovered, s.Lines), whole(func(s Summary) (int, int) { return s.LinesCovered, s.Lines }))
	}
	if s.Branches > 0 || (out.Project != nil && out.Project.Branches > 0) {
		fmt.Fprintf(&b, "- branch coverage: %d of %d (%.1f%%)%s\n", s.BranchesCovered, s.Branches, pct(s.BranchesCovered, s.Branches), whole(func(s Summary) (int, int) { return s.BranchesCovered, s.Branches }))
	}
	fmt.Fprintf(&b, "- churn: %s\n", s.Churn)
	for _, n := range s.Notes {
		fmt.Fprintf(&b, "- note: %s\n", n)
	}
	for _, c := range out.Coverage {
		if c.Error != "" {
			fmt.Fprintf(&b, "- coverage file %s: not read: %s\n", c.Path, c.Error)
			continue
		}
		fmt.Fprintf(&b, "- coverage file %s (%s): %d source files, %s older than the newest of them\n", c.Path, c.Format, c.Files, c.Age)
		for _, p := range c.Problems {
			fmt.Fprintf(&b, "  - problem: %s\n", p)
		}
		for _, p := range c.Stale {
			fmt.Fprintf(&b, "  - stale: %s\n", p)
		}
		if len(c.Unmapped) > 0 {
			fmt.Fprintf(&b, "  - paths matching no file here (ignored): %s\n", strings.Join(c.Unmapped, ", "))
		}
	}
	if len(out.Gaps) == 0 {
		b.WriteString("\nNo gaps match. Widen the filters (kinds, path, min_risk) to see more.\n")
		return b.String()
	}
	fmt.Fprintf(&b, "\n%d of %d gaps, riskiest first (%s).\n", len(out.Gaps), out.Total, byKind(out.ByKind))
	for i, g := range out.Gaps {
		title := g.Symbol
		if g.Kind == KindUnverified {
			title = g.Requirement
			if title == "" {
				title = clipText(g.Statement, 60)
			}
		}
		fmt.Fprintf(&b, "\n### %d. %s `%s` (risk %.0f, driven by %s)\n", i+1, g.Kind, title, g.Risk, g.Driver)
		fmt.Fprintf(&b, "- where: %s\n", g.URI)
		fmt.Fprintf(&b, "- why: %s\n", g.Why)
		if len(g.Requirements) > 0 && g.Kind != KindUnverified {
			fmt.Fprintf(&b, "- requirements: %s\n", strings.Join(g.Requirements, ", "))
		}
		fmt.Fprintf(&b, "- factors: %s\n", factors(g.Factors))
		if g.SuggestedTest != "" {
			fmt.Fprintf(&b, "- write: `%s`", g.SuggestedTest)
			if g.NearestTestFile != "" {
				fmt.Fprintf(&b, " in %s", g.NearestTestFile)
			}
			b.WriteString("\n")
		}
		if g.ModelTest != "" {
			fmt.Fprintf(&b, "- model it on: `%s` (%s)\n", g.ModelTestName, g.ModelTest)
		}
	}
	return b.String()
}

func factors(fs []Factor) string {
	parts := make([]string, 0, len(fs))
	for _, f := range fs {
		parts = append(parts, fmt.Sprintf("%s %g (×%.2f)", f.Name, round2(f.Value), f.Weight))
	}
	return strings.Join(parts, ", ")
}

func byKind(m map[string]int) string {
	var parts []string
	for _, k := range allKinds {
		if m[k] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", m[k], k))
		}
	}
	return strings.Join(parts, ", ")
}

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

func round2(x float64) float64 { return float64(int(x*100+0.5)) / 100 }
