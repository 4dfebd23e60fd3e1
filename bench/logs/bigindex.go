package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/devaiops/devai/memory/rusage"
)

// runBigIndex measures `devai index` on one generated log of each size
// (issue 11, row 8: a 200 MB log took 14.9 GB): peak RSS from the kernel's
// rusage of the child, wall and CPU time, chunks indexed. Each binary
// indexes its own copy of the repository, one run at a time. A run that
// passes --rss-limit or --time-limit is stopped and reported as such, so
// an unbounded build cannot take the machine down.
func runBigIndex(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("index", flag.ContinueOnError)
	sizes := fs.String("sizes", "10MB,50MB,200MB", "log sizes to generate, comma-separated (MB = 10^6 bytes)")
	dir := fs.String("dir", "testdata/logs-labelled", "labelled logs to replay")
	work := fs.String("work", "", "folder for the generated repositories (default: a temp dir, removed after)")
	rssLimit := fs.Int64("rss-limit", 6<<30, "stop a run whose RSS passes this many `bytes`")
	timeLimit := fs.Duration("time-limit", 10*time.Minute, "stop a run that takes longer")
	var bins []string
	fs.Func("bin", "a devai `binary` to measure, as NAME=PATH (repeatable; e.g. before=/tmp/devai-old)", func(v string) error {
		if !strings.Contains(v, "=") {
			return fmt.Errorf("--bin %q: want NAME=PATH", v)
		}
		bins = append(bins, v)
		return nil
	})
	if err := fs.Parse(args); err != nil {
		return err
	}
	if len(bins) == 0 {
		return errors.New("give at least one --bin NAME=PATH")
	}
	if *work == "" {
		d, err := os.MkdirTemp("", "devai-bigindex-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		*work = d
	}
	if err := os.MkdirAll(*work, 0o755); err != nil {
		return err
	}
	fmt.Printf("`devai index --max-file-size 300000000` of one generated log (JSON and text lines of Go loggers, nginx, PostgreSQL, Python with tracebacks, Go panics, Java exceptions). Peak RSS is the kernel's (rusage); CPU s is user+system.\n\n")
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		fmt.Printf("Load average at the start (others' work skews times, not RSS): %s\n\n", strings.TrimSpace(string(b)))
	}
	fmt.Printf("| log | build | peak RSS MB | wall s | CPU s | chunks | note |\n|---|---|---:|---:|---:|---:|---|\n")
	for _, sz := range strings.Split(*sizes, ",") {
		n, err := parseMB(sz)
		if err != nil {
			return err
		}
		logFile := filepath.Join(*work, fmt.Sprintf("app-%s.log", strings.TrimSpace(sz)))
		if err := genLogFile(logFile, n, *dir); err != nil {
			return err
		}
		for _, b := range bins {
			name, bin, _ := strings.Cut(b, "=")
			repo := filepath.Join(*work, "repo-"+name)
			if err := os.RemoveAll(repo); err != nil {
				return err
			}
			if err := os.MkdirAll(filepath.Join(repo, "logs"), 0o755); err != nil {
				return err
			}
			if err := os.Link(logFile, filepath.Join(repo, "logs", "app.log")); err != nil {
				return err
			}
			res, err := indexOnce(ctx, bin, repo, *rssLimit, *timeLimit)
			if err != nil {
				return fmt.Errorf("%s on %s: %w", name, sz, err)
			}
			rss := "n/a"
			if res.peakRSS >= 0 {
				rss = fmt.Sprintf("%.0f", float64(res.peakRSS)/1e6)
			}
			fmt.Printf("| %s | %s | %s | %.1f | %.1f | %s | %s |\n", sz, name, rss, res.wall.Seconds(), res.cpu.Seconds(), res.chunks, res.note)
			os.RemoveAll(repo)
		}
		os.Remove(logFile)
	}
	return nil
}

func parseMB(s string) (int64, error) {
	s = strings.TrimSpace(s)
	v, err := strconv.ParseFloat(strings.TrimSuffix(s, "MB"), 64)
	if err != nil || !strings.HasSuffix(s, "MB") || v <= 0 {
		return 0, fmt.Errorf("size %q: want e.g. 50MB", s)
	}
	return int64(v * 1e6), nil
}

func genLogFile(path string, size int64, dir string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := writeMixedLog(f, size, dir, true); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// indexRun is one measured `devai index`.
type indexRun struct {
	peakRSS   int64
	wall, cpu time.Duration
	chunks    string
	note      string
}

var indexedLine = regexp.MustCompile(`Indexed \d+ files, (\d+) chunks`)

// indexOnce runs bin index on repo, stopping it at the limits.
func indexOnce(ctx context.Context, bin, repo string, rssLimit int64, timeLimit time.Duration) (indexRun, error) {
	cmd := exec.CommandContext(ctx, bin, "index", "--repo", repo, "--max-file-size", "300000000")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return indexRun{}, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	var run indexRun
	for {
		select {
		case err := <-done:
			run.wall = time.Since(start)
			run.peakRSS = -1 // Windows keeps no peak RSS
			if b, ok := rusage.PeakRSS(cmd.ProcessState); ok {
				run.peakRSS = b
			}
			run.cpu = rusage.ChildCPU(cmd.ProcessState)
			if run.note != "" {
				return run, nil
			}
			if err != nil {
				return run, fmt.Errorf("%w: %s", err, lastLine(stderr.String()))
			}
			if m := indexedLine.FindStringSubmatch(stdout.String()); m != nil {
				run.chunks = m[1]
			}
			if i := strings.Index(stdout.String(), "Cut: "); i >= 0 {
				run.note = strings.TrimSpace(strings.SplitN(stdout.String()[i:], "\n", 2)[0])
			}
			return run, nil
		case <-tick.C:
			if run.note != "" {
				continue
			}
			rss := currentRSS(cmd.Process.Pid)
			switch {
			case rss > rssLimit:
				run.note = fmt.Sprintf("stopped: RSS passed %.1f GB after %.0f s", float64(rssLimit)/1e9, time.Since(start).Seconds())
			case time.Since(start) > timeLimit:
				run.note = fmt.Sprintf("stopped: still running after %s", timeLimit)
			default:
				continue
			}
			cmd.Process.Kill()
		}
	}
}

// currentRSS is the process's resident set now, from /proc, in bytes.
func currentRSS(pid int) int64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}
