package main

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/devaiops/devai/memory/budget"
)

// tokens is the usual rough count: four bytes a token.
func tokens(bytes int) int { return budget.Tokens(bytes) }

func printRepo(w io.Writer, r repoResult) {
	fmt.Fprintf(w, "### %s — %s %s\n\n", r.Name, r.Module, r.Version)
	if r.Fatal != nil && r.Index.State == "" {
		fmt.Fprintf(w, "Not measured: %v\n\n", r.Fatal)
		return
	}
	fmt.Fprintf(w, "%d commits; index: %d files, %d chunks, %d symbols; first sync (start to ready, as the client saw it) %s.\n\n",
		r.Commits, r.Index.Files, r.Index.Chunks, r.Index.Symbols, r.FirstSync.Round(100*time.Millisecond))

	fmt.Fprintln(w, "| list | bytes | ~tokens | items |")
	fmt.Fprintln(w, "|---|---:|---:|---:|")
	for _, l := range r.Lists {
		more := ""
		if l.More {
			more = " (more pages)"
		}
		fmt.Fprintf(w, "| %s | %d | %d | %d%s |\n", l.Method, l.Bytes, tokens(l.Bytes), l.Items, more)
	}
	fmt.Fprintln(w)

	fmt.Fprintln(w, "| tool | call | items | total B | text B | structured B | ~tokens | budget B | within budget | isError | time |")
	fmt.Fprintln(w, "|---|---|---:|---:|---:|---:|---:|---:|---|---|---:|")
	for _, m := range r.Calls {
		b := r.budgets[m.Call.Tool]
		if m.Err != nil {
			fmt.Fprintf(w, "| %s | %s | – | – | – | – | – | %s | – | **no answer** | %s |\n", m.Call.Tool, m.Call.Label, budgetCell(b), m.Took.Round(time.Millisecond))
			continue
		}
		fmt.Fprintf(w, "| %s | %s | %s | %d | %d | %d | %d | %s | %s | %s | %s |\n", m.Call.Tool, m.Call.Label, itemsCell(m.Items),
			m.Total, m.Text, m.Structured, tokens(m.Total), budgetCell(b), within(m.Total, b), yesNo(m.IsError), m.Took.Round(time.Millisecond))
	}
	fmt.Fprintln(w)
	if f := r.failures(); len(f) > 0 {
		fmt.Fprintln(w, "Failures:")
		fmt.Fprintln(w)
		for _, line := range f {
			fmt.Fprintf(w, "- %s\n", strings.ReplaceAll(line, "\n", " "))
		}
		fmt.Fprintln(w)
	}
	if len(r.Notes) > 0 {
		fmt.Fprintln(w, "Notes:")
		fmt.Fprintln(w)
		for _, n := range r.Notes {
			fmt.Fprintf(w, "- %s\n", n)
		}
		fmt.Fprintln(w)
	}
}

func budgetCell(b int) string {
	if b == 0 {
		return "?"
	}
	return fmt.Sprint(b)
}

func within(total, budget int) string {
	switch {
	case budget == 0:
		return "?"
	case total > budget:
		return fmt.Sprintf("**OVER by %d**", total-budget)
	default:
		return fmt.Sprintf("%d%%", total*100/budget)
	}
}

func yesNo(b bool) string {
	if b {
		return "**yes**"
	}
	return "no"
}

// printSummary is the table issue 13 asks for: per tool and repository,
// the answer size (median, max) and latency (median, max).
func printSummary(w io.Writer, results []repoResult) {
	fmt.Fprintln(w, "### Per tool: answer size and latency")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| tool | repository | calls | bytes median | bytes max | time median | time max | isError | over budget |")
	fmt.Fprintln(w, "|---|---|---:|---:|---:|---:|---:|---:|---:|")
	type key struct{ tool, repo string }
	groups := map[key][]measured{}
	var order []key
	for _, r := range results {
		for _, m := range r.Calls {
			k := key{m.Call.Tool, r.Name}
			if _, ok := groups[k]; !ok {
				order = append(order, k)
			}
			groups[k] = append(groups[k], m)
		}
	}
	sort.SliceStable(order, func(i, j int) bool { return order[i].tool < order[j].tool })
	for _, k := range order {
		ms := groups[k]
		var sizes []int
		var times []time.Duration
		errs, over := 0, 0
		budget := 0
		for _, r := range results {
			if r.Name == k.repo {
				budget = r.budgets[k.tool]
			}
		}
		for _, m := range ms {
			if m.Err != nil || m.IsError {
				errs++
			}
			if m.Err != nil {
				continue
			}
			sizes = append(sizes, m.Total)
			times = append(times, m.Took)
			if budget > 0 && m.Total > budget {
				over++
			}
		}
		fmt.Fprintf(w, "| %s | %s | %d | %d | %d | %s | %s | %d | %d |\n", k.tool, k.repo, len(ms),
			median(sizes), maxOf(sizes), median(times).Round(time.Millisecond), maxOf(times).Round(time.Millisecond), errs, over)
	}
	fmt.Fprintln(w)
}

func median[T int | time.Duration](xs []T) T {
	if len(xs) == 0 {
		return 0
	}
	s := append([]T(nil), xs...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	n := len(s)
	if n%2 == 0 {
		return (s[n/2-1] + s[n/2]) / 2
	}
	return s[n/2]
}

func maxOf[T int | time.Duration](xs []T) T {
	var m T
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}

func itemsCell(n int) string {
	if n < 0 {
		return "–"
	}
	return fmt.Sprint(n)
}
