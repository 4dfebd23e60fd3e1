package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/devaiops/devai/memory/rusage"
)

// report is the --json output and the source of the table.
type report struct {
	Src        string        `json:"src"`
	CPUs       int           `json:"cpus"`
	TreeFiles  int           `json:"tree_files"`
	TreeBytes  int64         `json:"tree_bytes"`
	RG         time.Duration `json:"rg_ns"`   // 0 when ripgrep is not installed
	LoadAvg    string        `json:"loadavg"` // /proc/loadavg before the cold phase: others' work skews wall times
	Cold       coldResult    `json:"cold"`
	ColdUsage  usage         `json:"cold_usage"`
	Warm       warmResult    `json:"warm"`
	WarmUsage  usage         `json:"warm_usage"`
	IndexBytes int64         `json:"index_bytes"`
}

// usage is what the kernel says a phase's process used.
type usage struct {
	PeakRSS int64         `json:"peak_rss_bytes"`
	CPU     time.Duration `json:"cpu_ns"` // user + system
}

func measure(ctx context.Context, c config) error {
	if c.work == "" {
		dir, err := os.MkdirTemp("", "devai-scale-")
		if err != nil {
			return err
		}
		c.work = dir
	}
	if !c.keep {
		defer os.RemoveAll(c.work)
	}
	c.tree, c.state = filepath.Join(c.work, "tree"), filepath.Join(c.work, "state")
	if _, err := os.Stat(c.tree); err == nil {
		return fmt.Errorf("%s already exists; give an empty --work", c.tree)
	}
	r := report{Src: c.src, CPUs: runtime.NumCPU()}
	var err error
	fmt.Fprintf(os.Stderr, "scale: copying %s\n", c.src)
	if r.TreeFiles, r.TreeBytes, err = copyTree(c.src, c.tree); err != nil {
		return err
	}
	if r.RG, err = timeRipgrep(ctx, c.tree); err != nil {
		return err
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		r.LoadAvg = strings.TrimSpace(string(b))
	}
	fmt.Fprintf(os.Stderr, "scale: cold index of %d files\n", r.TreeFiles)
	if r.ColdUsage, err = runPhase(ctx, c, "cold", &r.Cold); err != nil {
		return err
	}
	if r.IndexBytes, err = dirSize(c.state); err != nil {
		return fmt.Errorf("size of %s: %w", c.state, err)
	}
	fmt.Fprintln(os.Stderr, "scale: reopen, searches, updates")
	if r.WarmUsage, err = runPhase(ctx, c, "warm", &r.Warm); err != nil {
		return err
	}
	if c.asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	printReport(os.Stdout, r)
	return nil
}

// timeRipgrep reads every line of the tree with ripgrep, the floor for any
// tool that must read the files. It returns 0 when rg is not installed.
func timeRipgrep(ctx context.Context, tree string) (time.Duration, error) {
	rg, err := exec.LookPath("rg")
	if err != nil {
		fmt.Fprintln(os.Stderr, "scale: rg not installed; no I/O floor (apt-get install ripgrep)")
		return 0, nil
	}
	cmd := exec.CommandContext(ctx, rg, "-c", "--no-ignore", "--hidden", ".", tree)
	cmd.Stdout = io.Discard
	t := time.Now()
	// rg exits 1 when nothing matches, which is not a failure here.
	if err := cmd.Run(); err != nil && cmd.ProcessState.ExitCode() != 1 {
		return 0, fmt.Errorf("rg over %s: %w", tree, err)
	}
	return time.Since(t), nil
}

// runPhase runs this binary with --phase and decodes its JSON into out. It
// returns the child's peak resident set size and CPU time.
func runPhase(ctx context.Context, c config, phase string, out any) (usage, error) {
	var u usage
	self, err := os.Executable()
	if err != nil {
		return u, fmt.Errorf("find own binary: %w", err)
	}
	cmd := exec.CommandContext(ctx, self, "--phase", phase, "--tree", c.tree, "--state", c.state,
		"--embedder", c.embedder, "--queries", fmt.Sprint(c.queries), "--updates", fmt.Sprint(c.updates))
	var stdout bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return u, fmt.Errorf("%s phase: %w", phase, err)
	}
	if err := json.Unmarshal(stdout.Bytes(), out); err != nil {
		return u, fmt.Errorf("%s phase printed %.200q: %w", phase, stdout.String(), err)
	}
	u.PeakRSS = -1 // Windows keeps no peak RSS
	if b, ok := rusage.PeakRSS(cmd.ProcessState); ok {
		u.PeakRSS = b
	}
	u.CPU = rusage.ChildCPU(cmd.ProcessState)
	return u, nil
}
