package main

import (
	"fmt"
	"io"
	"time"
)

// Targets from issue 3, on 2 cores.
const (
	targetCold   = 30 * time.Second
	targetReopen = time.Second
	targetUpdate = 300 * time.Millisecond
	targetP50    = 20 * time.Millisecond
	targetP99    = 100 * time.Millisecond
	targetRSS    = 1 << 30
)

// printReport prints a Markdown table, ready to paste into bench/README.md.
func printReport(w io.Writer, r report) {
	mb := func(b int64) float64 { return float64(b) / (1 << 20) }
	cold := r.Cold.Total()
	secs := cold.Seconds()
	fmt.Fprintf(w, "%s: %d files, %.1f MiB copied; indexed %d files (%.1f MiB), %d chunks, %d skipped; embedder %s; %d CPUs, load average %s\n\n",
		r.Src, r.TreeFiles, mb(r.TreeBytes), r.Cold.Files, mb(r.Cold.IndexedBytes), r.Cold.Chunks, r.Cold.Skipped, r.Cold.Embedder, r.CPUs, r.LoadAvg)
	fmt.Fprintln(w, "| measure | value | target | |")
	fmt.Fprintln(w, "|---|---:|---:|---|")
	row := func(name, value, target string, ok bool) {
		mark := "ok"
		if !ok {
			mark = "MISSED"
		}
		if target == "" {
			mark = ""
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s |\n", name, value, target, mark)
	}
	row("cold index (open + sync + close)", dur(cold), "≤ 30 s", cold <= targetCold)
	row("  of which sync", dur(r.Cold.Sync), "", true)
	row("  CPU time of the cold phase (user + sys)", dur(r.ColdUsage.CPU), "", true)
	row("throughput", fmt.Sprintf("%.0f files/s, %.2f MB/s, %.0f chunks/s",
		float64(r.Cold.Files)/secs, float64(r.Cold.IndexedBytes)/1e6/secs, float64(r.Cold.Chunks)/secs), "", true)
	if r.RG > 0 {
		row("rg -c --no-ignore --hidden . (I/O floor)", dur(r.RG), "", true)
		row("cold index / rg", fmt.Sprintf("%.0f×", cold.Seconds()/r.RG.Seconds()), "", true)
	}
	reopen := r.Warm.Open + r.Warm.FirstSearch
	row("reopen (open + first search)", fmt.Sprintf("%s (%s + %s)", dur(reopen), dur(r.Warm.Open), dur(r.Warm.FirstSearch)), "≤ 1 s", reopen <= targetReopen)
	row(fmt.Sprintf("one-file update → searchable (median of %d)", len(r.Warm.Updates)), dur(r.Warm.UpdateMedian), "≤ 300 ms",
		r.Warm.UpdateMedian <= targetUpdate && r.Warm.UpdateMisses == 0 && len(r.Warm.Updates) > 0)
	row("  the same, as the watcher syncs a saved file (SyncPaths)", dur(r.Warm.WatchedUpdateMedian), "", true)
	if r.Warm.UpdateMisses > 0 {
		row("  edits not found after sync", fmt.Sprint(r.Warm.UpdateMisses), "0", false)
	}
	row("  sync with nothing changed", dur(r.Warm.NoChangeSync), "", true)
	row(fmt.Sprintf("search p50 (%d queries)", r.Warm.Queries), dur(r.Warm.SearchP50), "≤ 20 ms", r.Warm.SearchP50 <= targetP50)
	row("search p99", dur(r.Warm.SearchP99), "≤ 100 ms", r.Warm.SearchP99 <= targetP99)
	row("  p50 identifiers / questions", dur(r.Warm.IdentifierP50)+" / "+dur(r.Warm.QuestionP50), "", true)
	if r.Warm.EmptyResults > 0 {
		row("  searches with no hit", fmt.Sprint(r.Warm.EmptyResults), "", true)
	}
	row("peak RSS, cold index", rssMiB(r.ColdUsage.PeakRSS), "≤ 1 GiB", r.ColdUsage.PeakRSS >= 0 && r.ColdUsage.PeakRSS <= targetRSS)
	row("peak RSS, reopen + search + updates", rssMiB(r.WarmUsage.PeakRSS), "≤ 1 GiB", r.WarmUsage.PeakRSS >= 0 && r.WarmUsage.PeakRSS <= targetRSS)
	row("CPU time of the warm phase (user + sys)", dur(r.WarmUsage.CPU), "", true)
	row("index size on disk", fmt.Sprintf("%.1f MiB (%.2f× the indexed bytes)", mb(r.IndexBytes),
		float64(r.IndexBytes)/max(float64(r.Cold.IndexedBytes), 1)), "", true)
}

// rssMiB is a peak RSS in MiB, or why there is none (-1: Windows keeps no
// peak RSS of a finished process).
func rssMiB(b int64) string {
	if b < 0 {
		return "n/a on this OS"
	}
	return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20))
}

func dur(d time.Duration) string {
	switch {
	case d >= time.Second:
		return fmt.Sprintf("%.2f s", d.Seconds())
	default:
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	}
}
