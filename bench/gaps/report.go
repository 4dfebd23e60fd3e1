package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// moduleResult is everything measured on one module.
type moduleResult struct {
	Module    string `json:"module"`
	Split     string `json:"split"`
	Functions int    `json:"functions"` // instrumented functions
	Untested  int    `json:"untested"`  // of which none ran
	Rows      []row  `json:"rows"`
}

// row is one method (a devai build, or the baseline) on one module.
type row struct {
	Method string `json:"method"`
	Score  scores `json:"score"`
	Timing timing `json:"timing"`
	Listed int    `json:"listed,omitempty"` // gaps devai returned (at most 500)
	Total  int    `json:"total,omitempty"`  // gaps devai found
}

func writeJSON(w io.Writer, results []moduleResult) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(results)
}

func writeMarkdown(w io.Writer, results []moduleResult, noScore bool) {
	if noScore {
		fmt.Fprintln(w, "| module | build | index s | gaps s (median) | untested listed |")
		fmt.Fprintln(w, "|---|---|---:|---:|---:|")
		for _, r := range results {
			for _, x := range r.Rows {
				fmt.Fprintf(w, "| %s | %s | %.1f | %.2f | %d |\n", r.Module, x.Method, x.Timing.IndexSeconds, x.Timing.GapsSeconds, x.Total)
			}
		}
		return
	}
	fmt.Fprintln(w, "| split | module (functions, truly untested) | method | listed | P@10 | P@20 | P@all | recall | gaps s |")
	fmt.Fprintln(w, "|---|---|---|---:|---:|---:|---:|---:|---:|")
	for _, r := range results {
		for _, x := range r.Rows {
			secs := ""
			if strings.HasPrefix(x.Method, "devai") {
				secs = fmt.Sprintf("%.2f", x.Timing.GapsSeconds)
			}
			fmt.Fprintf(w, "| %s | %s (%d, %d) | %s | %d | %.2f | %.2f | %.2f | %.2f | %s |\n", r.Split, r.Module, r.Functions, r.Untested,
				x.Method, x.Score.Scored, x.Score.P10, x.Score.P20, x.Score.PAll, x.Score.Recall, secs)
		}
	}
	writeMeans(w, results)
	fmt.Fprintln(w)
	fmt.Fprintln(w, "First listed symbols that tests do run (false positives, in rank order):")
	for _, r := range results {
		for _, x := range r.Rows {
			if strings.HasPrefix(x.Method, "devai") && len(x.Score.FalsePos) > 0 {
				fmt.Fprintf(w, "- %s, %s: %s\n", r.Module, x.Method, strings.Join(x.Score.FalsePos, ", "))
			}
		}
	}
}

// writeMeans averages each method over the modules of each split.
func writeMeans(w io.Writer, results []moduleResult) {
	type key struct{ split, method string }
	sums := map[key]*scores{}
	counts := map[key]int{}
	var order []key
	for _, r := range results {
		for _, x := range r.Rows {
			k := key{r.Split, x.Method}
			if sums[k] == nil {
				sums[k] = &scores{}
				order = append(order, k)
			}
			s := sums[k]
			s.P10 += x.Score.P10
			s.P20 += x.Score.P20
			s.PAll += x.Score.PAll
			s.Recall += x.Score.Recall
			counts[k]++
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| split | method | modules | mean P@10 | mean P@20 | mean P@all | mean recall |")
	fmt.Fprintln(w, "|---|---|---:|---:|---:|---:|---:|")
	for _, k := range order {
		s, n := sums[k], float64(counts[k])
		fmt.Fprintf(w, "| %s | %s | %d | %.2f | %.2f | %.2f | %.2f |\n", k.split, k.method, counts[k], s.P10/n, s.P20/n, s.PAll/n, s.Recall/n)
	}
}
