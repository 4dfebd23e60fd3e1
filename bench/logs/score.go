package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/devaiops/devai/memory/drain"
)

// Grouping accuracy (GA), as in Zhu et al., "Tools and Benchmarks for
// Automated Log Parsing" (ICSE-SEIP 2019): a line is parsed correctly iff
// the set of lines the parser grouped with it equals the set of lines its
// ground-truth label groups it with; GA is the share of such lines.
func groupingAccuracy(truth []string, got []int) float64 {
	if len(truth) == 0 {
		return 0
	}
	truthSize := map[string]int{}
	for _, t := range truth {
		truthSize[t]++
	}
	type cluster struct {
		size  int
		label string
		mixed bool
	}
	clusters := map[int]*cluster{}
	for i, id := range got {
		c := clusters[id]
		if c == nil {
			c = &cluster{label: truth[i]}
			clusters[id] = c
		}
		c.size++
		c.mixed = c.mixed || c.label != truth[i]
	}
	correct := 0
	for _, c := range clusters {
		if !c.mixed && truthSize[c.label] == c.size {
			correct += c.size
		}
	}
	return float64(correct) / float64(len(truth))
}

// dataset is one labelled log file and its labels.
type dataset struct {
	name   string // e.g. postgres.test
	log    []byte
	labels []string
}

// loadDatasets reads DIR/*.log with their .labels files.
func loadDatasets(dir, split string) ([]dataset, error) {
	logs, err := filepath.Glob(filepath.Join(dir, "*."+split+".log"))
	if err != nil {
		return nil, err
	}
	if len(logs) == 0 {
		return nil, fmt.Errorf("no *.%s.log files in %s (run: go run ./bench/logs build)", split, dir)
	}
	sort.Strings(logs)
	var out []dataset
	for _, p := range logs {
		raw, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		lab, err := os.ReadFile(strings.TrimSuffix(p, ".log") + ".labels")
		if err != nil {
			return nil, fmt.Errorf("labels of %s: %w", p, err)
		}
		labels := strings.Split(strings.TrimSuffix(string(lab), "\n"), "\n")
		if n := bytes.Count(raw, []byte("\n")); n != len(labels) {
			return nil, fmt.Errorf("%s: %d lines, %d labels", p, n, len(labels))
		}
		out = append(out, dataset{name: strings.TrimSuffix(filepath.Base(p), ".log"), log: raw, labels: labels})
	}
	return out, nil
}

// score runs the miner devai logs uses over one dataset and returns GA and
// the number of templates it found.
func score(d dataset, opts drain.Options) (ga float64, templates int, err error) {
	s, err := drain.Summarize(bytes.NewReader(d.log), drain.SummaryOptions{Drain: opts, Lines: true})
	if err != nil {
		return 0, 0, err
	}
	if len(s.LineTemplates) != len(d.labels) {
		return 0, 0, fmt.Errorf("%s: %d line templates for %d labels", d.name, len(s.LineTemplates), len(d.labels))
	}
	return groupingAccuracy(d.labels, s.LineTemplates), len(s.Templates), nil
}

// truthGroups is the number of distinct labels.
func truthGroups(labels []string) int {
	seen := map[string]bool{}
	for _, l := range labels {
		seen[l] = true
	}
	return len(seen)
}
