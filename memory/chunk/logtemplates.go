package chunk

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/devaiops/devai/memory/drain"
	"github.com/devaiops/devai/memory/logparse"
)

// Each log chunk carries, as its Signature, the templates of its events
// (mined with Drain over the whole file) with their count in the file,
// levels and first and last time. The signature is indexed and returned
// with every hit, so a search for a template phrase ("failed to connect
// to") finds the events and says at once how often that message came and
// when, without a second kind of chunk whose text lives nowhere in the file.

// Bounds of a chunk's template signature.
const (
	maxChunkTemplates = 8
	maxTemplateLen    = 200
)

// templateStat is what a log file says of one template.
type templateStat struct {
	cluster     *drain.Cluster
	levels      map[string]int
	first, last time.Time
}

// mineTemplates returns each event's template, mined over all of them.
func mineTemplates(s *source, events []logEvent) []*templateStat {
	m := drain.New(drain.Options{})
	byCluster := map[*drain.Cluster]*templateStat{}
	out := make([]*templateStat, len(events))
	for i, e := range events {
		pattern := logparse.ParseLine(s.line(e.start)).Pattern()
		if strings.TrimSpace(pattern) == "" {
			pattern = e.msg
		}
		cl := m.Add(pattern)
		st := byCluster[cl]
		if st == nil {
			st = &templateStat{cluster: cl, levels: map[string]int{}}
			byCluster[cl] = st
		}
		st.levels[e.level]++
		if !e.time.IsZero() {
			if st.first.IsZero() || e.time.Before(st.first) {
				st.first = e.time
			}
			if e.time.After(st.last) {
				st.last = e.time
			}
		}
		out[i] = st
	}
	return out
}

// templateSignature lists the distinct templates of a chunk's events, in
// order of first appearance, one a line.
func templateSignature(stats []*templateStat) string {
	var lines []string
	seen := map[*templateStat]bool{}
	more := 0
	for _, st := range stats {
		if st == nil || seen[st] {
			continue
		}
		seen[st] = true
		if len(lines) == maxChunkTemplates {
			more++
			continue
		}
		lines = append(lines, st.describe())
	}
	if more > 0 {
		lines = append(lines, fmt.Sprintf("(%d more templates)", more))
	}
	return strings.Join(lines, "\n")
}

// describe is one template line: "template: failed to connect to <*>
// (×12 in this file; error 12; 2026-11-23T21:45:18Z … 2026-11-23T21:46:00Z)".
func (st *templateStat) describe() string {
	var b strings.Builder
	b.WriteString("template: ")
	b.WriteString(truncate(st.cluster.Template(), maxTemplateLen))
	fmt.Fprintf(&b, " (×%d in this file", st.cluster.Count)
	levels := make([]string, 0, len(st.levels))
	for lv := range st.levels {
		levels = append(levels, lv)
	}
	sort.Slice(levels, func(i, j int) bool { return levelRank[levels[i]] > levelRank[levels[j]] })
	for _, lv := range levels {
		name := lv
		if name == "" {
			name = "no level"
		}
		fmt.Fprintf(&b, "; %s %d", name, st.levels[lv])
	}
	if !st.first.IsZero() {
		b.WriteString("; " + st.first.UTC().Format(time.RFC3339))
		if st.last.After(st.first) {
			b.WriteString(" … " + st.last.UTC().Format(time.RFC3339))
		}
	}
	b.WriteString(")")
	return b.String()
}
