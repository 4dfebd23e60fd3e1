package main

import (
	"bytes"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/devaiops/devai/memory/drain"
)

// explain prints, for one dataset, each template that is not exactly one
// true group: the labels it mixed, or the label it split with others.
func explain(w io.Writer, d dataset, opts drain.Options) error {
	s, err := drain.Summarize(bytes.NewReader(d.log), drain.SummaryOptions{Drain: opts, Lines: true})
	if err != nil {
		return err
	}
	text := map[int]string{}
	for _, t := range s.Templates {
		text[t.ID] = t.Template
	}
	byLabel := map[string]map[int]int{}
	byTpl := map[int]map[string]int{}
	for i, id := range s.LineTemplates {
		l := d.labels[i]
		if byLabel[l] == nil {
			byLabel[l] = map[int]int{}
		}
		byLabel[l][id]++
		if byTpl[id] == nil {
			byTpl[id] = map[string]int{}
		}
		byTpl[id][l]++
	}
	var out []string
	for id, ls := range byTpl {
		if len(ls) > 1 {
			out = append(out, fmt.Sprintf("  MIXED %q: %v", text[id], ls))
		}
	}
	for l, ids := range byLabel {
		if len(ids) > 1 {
			var ts []string
			for id, n := range ids {
				ts = append(ts, fmt.Sprintf("%d× %q", n, text[id]))
			}
			sort.Strings(ts)
			out = append(out, fmt.Sprintf("  SPLIT %s: %s", l, strings.Join(ts, " | ")))
		}
	}
	sort.Strings(out)
	fmt.Fprintf(w, "%s\n%s\n", d.name, strings.Join(out, "\n"))
	return nil
}
