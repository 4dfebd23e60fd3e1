// Package progress reports a long sync on stderr without flooding it, and
// gives the bench tools a quiet logger, so stdout carries only results.
package progress

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/devaiops/devai/memory"
)

// Printer returns a memory.Progress that writes "label: done/total files" to
// w at most once per interval, and once more when done reaches total.
func Printer(w io.Writer, label string, interval time.Duration) memory.Progress {
	var mu sync.Mutex
	var last time.Time
	start := time.Now()
	return func(done, total int, _ string) {
		mu.Lock()
		defer mu.Unlock()
		if done < total && time.Since(last) < interval {
			return
		}
		last = time.Now()
		rate := float64(done) / max(time.Since(start).Seconds(), 1e-3)
		fmt.Fprintf(w, "%s: %d/%d files (%.0f files/s)\n", label, done, total, rate)
	}
}

// Logger logs warnings and errors of the index to stderr.
func Logger(name string) hclog.Logger {
	return hclog.New(&hclog.LoggerOptions{Name: name, Level: hclog.Warn, Output: os.Stderr})
}
