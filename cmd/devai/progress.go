package main

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// progressBar reports sync progress on stderr: a redrawn bar with files/s
// and ETA on a terminal, a plain line every few seconds otherwise (CI logs).
type progressBar struct {
	w     io.Writer
	tty   bool
	start time.Time

	mu       sync.Mutex
	last     time.Time
	drawn    bool
	done     int
	total    int
	interval time.Duration
}

func newProgressBar(w io.Writer, tty bool) *progressBar {
	interval := 5 * time.Second
	if tty {
		interval = 100 * time.Millisecond
	}
	return &progressBar{w: w, tty: tty, start: time.Now(), interval: interval}
}

// update is a memory.Progress.
func (p *progressBar) update(done, total int, path string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done, p.total = done, total
	if time.Since(p.last) < p.interval {
		return
	}
	p.last = time.Now()
	p.drawn = true
	if p.tty {
		fmt.Fprintf(p.w, "\r\033[K%s", progressLine(done, total, time.Since(p.start), path, 40))
		return
	}
	fmt.Fprintln(p.w, progressLine(done, total, time.Since(p.start), "", 0))
}

// finish ends the bar's line.
func (p *progressBar) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case p.tty && p.drawn:
		fmt.Fprintf(p.w, "\r\033[K%s\n", progressLine(p.done, p.total, time.Since(p.start), "", 40))
	case p.drawn:
		fmt.Fprintln(p.w, progressLine(p.done, p.total, time.Since(p.start), "", 0))
	}
}

// progressLine renders "[####----] 42% 420/1000 files 120 files/s ETA 5s path".
// width 0 leaves the bar out.
func progressLine(done, total int, elapsed time.Duration, path string, width int) string {
	var b strings.Builder
	frac := 0.0
	if total > 0 {
		frac = float64(done) / float64(total)
	}
	if width > 0 {
		n := int(frac * float64(width))
		b.WriteString("[" + strings.Repeat("#", n) + strings.Repeat("-", width-n) + "] ")
	}
	fmt.Fprintf(&b, "%3.0f%% %d/%d files", frac*100, done, total)
	if secs := elapsed.Seconds(); secs > 0 && done > 0 {
		rate := float64(done) / secs
		fmt.Fprintf(&b, " %.0f files/s", rate)
		if total > done {
			eta := time.Duration(float64(total-done) / rate * float64(time.Second))
			fmt.Fprintf(&b, " ETA %s", eta.Round(time.Second))
		}
	}
	if path != "" {
		if len(path) > 40 {
			path = "…" + path[len(path)-39:]
		}
		b.WriteString(" " + path)
	}
	return b.String()
}
