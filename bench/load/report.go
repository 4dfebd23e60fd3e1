package main

import (
	"fmt"
	"io"
	"runtime"
	"slices"
	"sort"
	"time"
)

// printReport writes every round, then the medians per server and session
// count, then each server's scaling: req/s at each N over req/s at N = 1.
func printReport(w io.Writer, c config, nQueries int, levels []level) {
	target := c.url
	if target == "" {
		target = c.repo
	}
	fmt.Fprintf(w, "# devai serve --http under load: %s, %d queries, %d CPU cores, %d round(s)\n\n", target, nQueries, runtime.NumCPU(), c.rounds)
	fmt.Fprintln(w, "## every round")
	fmt.Fprintln(w)
	printTable(w, levels, true)
	if c.rounds > 1 {
		fmt.Fprintln(w)
		fmt.Fprintf(w, "## median of %d rounds\n\n", c.rounds)
		printTable(w, medians(levels), false)
	}
	fmt.Fprintln(w)
	printScaling(w, medians(levels))
	for _, l := range levels {
		if l.firstErr != "" {
			fmt.Fprintf(w, "\nfirst error (%s, round %d, %d sessions): %s\n", l.label, l.round, l.sessions, l.firstErr)
			break
		}
	}
}

func printTable(w io.Writer, levels []level, withRound bool) {
	fmt.Fprintln(w, "| server | round | N | calls | req/s | p50 ms | p99 ms | errors | server CPU ms/req | server run-queue wait ms/req | server cores | client cores |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|---|---|")
	for _, l := range levels {
		round := "median"
		if withRound {
			round = fmt.Sprint(l.round)
		}
		fmt.Fprintf(w, "| %s | %s | %d | %d | %.1f | %s | %s | %d | %s | %s | %s | %.2f |\n",
			l.label, round, l.sessions, l.calls, l.rate(), ms(l.p50), ms(l.p99), l.errors,
			perCall(l, l.serverCPU), perCall(l, l.serverRQ), cores(l.serverCPU, l.wall), l.clientCPU.Seconds()/l.wall.Seconds())
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d)/float64(time.Millisecond)) }

func perCall(l level, total time.Duration) string {
	if total == 0 || l.calls == 0 {
		return "-"
	}
	return ms(total / time.Duration(l.calls))
}

func cores(cpu, wall time.Duration) string {
	if cpu == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f", cpu.Seconds()/wall.Seconds())
}

// medians folds the rounds of each (server, N) into one level: the round
// of median rate (its rate, wall and CPU), with p50, p99 and errors each the
// median of the rounds'.
func medians(levels []level) []level {
	type key struct {
		label string
		n     int
	}
	var order []key
	groups := map[key][]level{}
	for _, l := range levels {
		k := key{l.label, l.sessions}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], l)
	}
	var out []level
	for _, k := range order {
		out = append(out, medianLevel(groups[k]))
	}
	return out
}

func medianLevel(g []level) level {
	sort.Slice(g, func(i, j int) bool { return g[i].rate() < g[j].rate() })
	m := g[len(g)/2] // the median-rate round
	p50s, p99s := make([]time.Duration, len(g)), make([]time.Duration, len(g))
	for i, l := range g {
		p50s[i], p99s[i] = l.p50, l.p99
	}
	m.p50, m.p99 = medianOf(p50s), medianOf(p99s)
	m.errors = medianInt(g, func(l level) int { return l.errors })
	return m
}

func medianOf(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func medianInt(g []level, f func(level) int) int {
	v := make([]int, len(g))
	for i, l := range g {
		v[i] = f(l)
	}
	slices.Sort(v)
	return v[len(v)/2]
}

// printScaling says how much each server's throughput grows with sessions:
// the target is at least 1.7× at 50 sessions on 2 cores.
func printScaling(w io.Writer, levels []level) {
	single := map[string]float64{}
	for _, l := range levels {
		if l.sessions == 1 {
			single[l.label] = l.rate()
		}
	}
	for _, l := range levels {
		if l.sessions == 1 || single[l.label] == 0 {
			continue
		}
		fmt.Fprintf(w, "%s: %d sessions give %.2f× the req/s of one sequential session\n", l.label, l.sessions, l.rate()/single[l.label])
	}
}
