package trace

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/chunk"
	"github.com/devaiops/devai/memory/drain"
	"github.com/devaiops/devai/memory/logparse"
	"github.com/devaiops/devai/memory/stack"
)

// Precursor is a rare kind of log event that came shortly before every
// failure: often the request or state change that set it up.
type Precursor struct {
	Template string `json:"template"`
	Example  string `json:"example"` // the occurrence closest before a failure, as logged
	URI      string `json:"uri"`     // its line
	Before   int    `json:"before"`  // failures it preceded within the window
	Count    int    `json:"count"`   // its occurrences in the indexed logs
	Lead     string `json:"lead"`    // how long before the first failure it came
}

// Bounds of the precursor search: the window before a failure, the log
// bytes read, and how many precursors are shown.
const (
	precursorWindow = 90 * time.Second
	precursorBytes  = 64 << 20
	maxPrecursors   = 3
)

// failureTimes gives each trace's time: the first timestamped line just
// after it (the process exit, the next start), else the last one before it.
func failureTimes(lines []string, traces []stack.Trace) []time.Time {
	var out []time.Time
	for _, t := range traces {
		if t.Type == "goroutine" {
			continue
		}
		var at time.Time
		for i := t.EndLine; i < len(lines) && i < t.EndLine+3 && at.IsZero(); i++ {
			at = logparse.ParseLine(lines[i]).Time
		}
		for i := t.StartLine - 2; i >= 0 && i >= t.StartLine-1-reproMargin && at.IsZero(); i-- {
			at = logparse.ParseLine(lines[i]).Time
		}
		if !at.IsZero() {
			out = append(out, at)
		}
	}
	return out
}

// precursors mines the indexed logs' templates and keeps those that came
// within the window before every failure and are about as rare as the
// failures (a template logged all the time precedes everything).
func precursors(ix *memory.Index, failures []time.Time) []Precursor {
	if len(failures) == 0 {
		return []Precursor{}
	}
	type occ struct {
		at   time.Time
		path string
		line int
		text string
	}
	m := drain.New(drain.Options{})
	byCluster := map[int][]occ{}
	budget := int64(precursorBytes)
	seen := map[string]bool{}
	for _, c := range ix.Chunks(func(c memory.ChunkInfo) bool { return c.Kind == chunk.Log }) {
		if seen[c.Path] || budget <= 0 {
			continue
		}
		seen[c.Path] = true
		f, err := os.Open(repoPath(ix, c.Path))
		if err != nil {
			continue
		}
		sc := logparse.NewScanner(f, budget)
		for sc.Scan() {
			r := sc.Record()
			if r.Time.IsZero() {
				continue
			}
			cl := m.Add(r.Pattern())
			byCluster[cl.ID] = append(byCluster[cl.ID], occ{r.Time, c.Path, r.Line, strings.SplitN(r.Text, "\n", 2)[0]})
		}
		budget -= sc.Bytes()
		f.Close()
	}
	var out []Precursor
	for _, cl := range m.Clusters() {
		occs := byCluster[cl.ID]
		if len(occs) == 0 || len(occs) > 2*len(failures) {
			continue
		}
		before := 0
		var closest occ
		var lead time.Duration
		for fi, ft := range failures {
			hit := false
			for _, o := range occs {
				if d := ft.Sub(o.at); d >= 0 && d <= precursorWindow {
					hit = true
					if fi == 0 && (closest.path == "" || d < lead) {
						closest, lead = o, d
					}
				}
			}
			if hit {
				before++
			}
		}
		if before < len(failures) || closest.path == "" {
			continue
		}
		out = append(out, Precursor{Template: cl.Template(), Example: trim(closest.text, 300),
			URI: chunk.URI(chunk.Log, closest.path, closest.line, closest.line), Before: before, Count: len(occs),
			Lead: fmt.Sprintf("%.0fs", lead.Seconds())})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Count < out[j].Count })
	if len(out) > maxPrecursors {
		out = out[:maxPrecursors]
	}
	if out == nil {
		out = []Precursor{}
	}
	return out
}
