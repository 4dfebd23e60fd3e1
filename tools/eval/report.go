package eval

import (
	"fmt"
	"strings"
)

// Config is one configuration's run over the set.
type Config struct {
	Name     string        `json:"name"`     // "baseline" or the --compare text
	Settings string        `json:"settings"` // embedder and weights, for the record
	Summary  Summary       `json:"summary"`
	Queries  []QueryResult `json:"queries"`
}

// Report is the answer of devai eval: one configuration, or two side by
// side, and the thresholds the first one failed.
type Report struct {
	Set      string   `json:"set"`
	Repo     string   `json:"repo"`
	Limit    int      `json:"limit"`
	Configs  []Config `json:"configs"`
	Failures []string `json:"failures"`
}

// rows are the figures of the Markdown table, in reading order.
var rows = []struct {
	label string
	get   func(Summary) float64
	unit  string
}{
	{"Acc@1", func(s Summary) float64 { return s.Acc1 }, ""},
	{"Acc@5", func(s Summary) float64 { return s.Acc5 }, ""},
	{"Recall@5", func(s Summary) float64 { return s.Recall5 }, ""},
	{"Recall@10", func(s Summary) float64 { return s.Recall10 }, ""},
	{"MRR", func(s Summary) float64 { return s.MRR }, ""},
	{"nDCG@10", func(s Summary) float64 { return s.NDCG10 }, ""},
	{"Contextual precision", func(s Summary) float64 { return s.ContextualPrecision }, ""},
	{"Contextual recall", func(s Summary) float64 { return s.ContextualRecall }, ""},
	{"Tokens per query (mean)", func(s Summary) float64 { return s.TokensMean }, "n"},
	{"Latency p50", func(s Summary) float64 { return s.LatencyP50MS }, "ms"},
	{"Latency p95", func(s Summary) float64 { return s.LatencyP95MS }, "ms"},
}

// Markdown renders r for a terminal or a CI log.
func Markdown(r Report) string {
	var b strings.Builder
	first := r.Configs[0].Summary
	fmt.Fprintf(&b, "## devai eval: %s\n\n%d queries over %s, file level, top %d.\n\n", r.Set, first.Queries, r.Repo, r.Limit)
	b.WriteString("| figure |")
	for _, c := range r.Configs {
		fmt.Fprintf(&b, " %s |", c.Name)
	}
	if len(r.Configs) == 2 {
		b.WriteString(" change |")
	}
	b.WriteString("\n|---|")
	for range r.Configs {
		b.WriteString("---:|")
	}
	if len(r.Configs) == 2 {
		b.WriteString("---:|")
	}
	b.WriteString("\n")
	for _, row := range rows {
		fmt.Fprintf(&b, "| %s |", row.label)
		for _, c := range r.Configs {
			fmt.Fprintf(&b, " %s |", format(row.get(c.Summary), row.unit))
		}
		if len(r.Configs) == 2 {
			d := row.get(r.Configs[1].Summary) - row.get(r.Configs[0].Summary)
			fmt.Fprintf(&b, " %s |", signed(d, row.unit))
		}
		b.WriteString("\n")
	}
	for _, c := range r.Configs {
		fmt.Fprintf(&b, "\n%s: %s.", c.Name, c.Settings)
	}
	b.WriteString("\n")
	misses := 0
	for _, q := range r.Configs[0].Queries {
		if q.Rank == 0 {
			if misses == 0 {
				fmt.Fprintf(&b, "\nQueries with no expected file in the top %d (%s):\n", r.Limit, r.Configs[0].Name)
			}
			misses++
			if misses <= 10 {
				fmt.Fprintf(&b, "- line %d: %q expects %s; got %s\n", q.Line, oneLine(q.Query), strings.Join(q.Expect, ", "), strings.Join(head(q.Returned, 3), ", "))
			}
		}
	}
	if misses > 10 {
		fmt.Fprintf(&b, "- … and %d more (--json lists every query)\n", misses-10)
	}
	if len(r.Failures) > 0 {
		b.WriteString("\n**Thresholds failed:**\n")
		for _, f := range r.Failures {
			fmt.Fprintf(&b, "- %s\n", f)
		}
	}
	return b.String()
}

func format(v float64, unit string) string {
	switch unit {
	case "ms":
		return fmt.Sprintf("%.1f ms", v)
	case "n":
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.3f", v)
}

func signed(d float64, unit string) string {
	switch unit {
	case "ms":
		return fmt.Sprintf("%+.1f ms", d)
	case "n":
		return fmt.Sprintf("%+.0f", d)
	}
	return fmt.Sprintf("%+.3f", d)
}

func oneLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return s
}

func head(s []string, n int) []string {
	if len(s) == 0 {
		return []string{"nothing"}
	}
	return s[:min(n, len(s))]
}
