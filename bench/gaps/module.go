package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"golang.org/x/tools/cover"

	"github.com/devaiops/devai/bench/internal/gomod"
	"github.com/devaiops/devai/tools/tool"
)

// workdir is one module's place in the cache: the git repository devai
// reads (tree), a second copy the tests run in (so files a test writes never
// reach the index) and the coverage profile.
type workdir struct {
	dir, tree, testTree, profile string
}

// prepare fetches m through the module proxy and makes the two copies,
// once; later runs reuse them.
func prepare(ctx context.Context, cache string, m module) (workdir, error) {
	dir := filepath.Join(cache, strings.ReplaceAll(m.Path, "/", "_")+"@"+m.Version)
	w := workdir{dir: dir, tree: filepath.Join(dir, "tree"), testTree: filepath.Join(dir, "testtree"), profile: filepath.Join(dir, "cover.out")}
	if _, err := os.Stat(filepath.Join(w.tree, ".git")); err == nil {
		return w, nil
	}
	fmt.Fprintf(os.Stderr, "gaps: fetching %s\n", m)
	src, err := gomod.Download(ctx, m.String())
	if err != nil {
		return w, err
	}
	for _, dst := range []string{w.testTree, w.tree} {
		if err := os.RemoveAll(dst); err != nil {
			return w, fmt.Errorf("clearing %s: %w", dst, err)
		}
		if err := gomod.CopyTree(src, dst); err != nil {
			return w, fmt.Errorf("copying %s: %w", m, err)
		}
	}
	return w, gitInit(ctx, w.tree, m)
}

// gitInit makes the tree a repository with one commit at a fixed date, so
// churn is the same for every file and every run.
func gitInit(ctx context.Context, tree string, m module) error {
	env := append(os.Environ(), "GIT_AUTHOR_NAME=bench", "GIT_AUTHOR_EMAIL=bench@example.invalid",
		"GIT_COMMITTER_NAME=bench", "GIT_COMMITTER_EMAIL=bench@example.invalid",
		"GIT_AUTHOR_DATE=2025-01-01T00:00:00Z", "GIT_COMMITTER_DATE=2025-01-01T00:00:00Z")
	for _, args := range [][]string{
		{"init", "-q"},
		{"add", "-A"},
		{"commit", "-q", "--no-gpg-sign", "-m", m.String()},
	} {
		cmd := exec.CommandContext(ctx, "git", args...)
		cmd.Dir, cmd.Env = tree, env
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("git %s in %s: %w: %s", args[0], tree, err, out)
		}
	}
	return nil
}

// cover runs the module's tests once with coverage of every package of
// the module, and returns the profile. Failing packages (one that needs
// the network, say) still record what ran; a run with no profile at all is
// an error.
func (w workdir) cover(ctx context.Context, timeout time.Duration, skip string) ([]*cover.Profile, error) {
	if _, err := os.Stat(w.profile); err != nil {
		if err := w.runTests(ctx, timeout, skip); err != nil {
			return nil, err
		}
	}
	profiles, err := cover.ParseProfiles(w.profile)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", w.profile, err)
	}
	return profiles, nil
}

func (w workdir) runTests(ctx context.Context, timeout time.Duration, skip string) error {
	logPath := filepath.Join(w.dir, "gotest.log")
	log, err := os.Create(logPath)
	if err != nil {
		return fmt.Errorf("creating the test log: %w", err)
	}
	defer log.Close()
	partial := w.profile + ".partial"
	fmt.Fprintf(os.Stderr, "gaps: go test -coverpkg=./... in %s (log: %s, timeout %s)\n", w.testTree, logPath, timeout)
	start := time.Now()
	args := []string{"test", "-count=1", "-timeout=5m", "-coverpkg=./...", "-coverprofile=" + partial}
	if skip != "" {
		args = append(args, "-skip="+skip)
	}
	runErr := tool.RunGo(ctx, tool.GoRun{
		Dir:     w.testTree,
		Args:    append(args, "./..."),
		Env:     []string{"GOFLAGS=-mod=mod", "GOWORK=off"},
		Timeout: timeout, Output: log,
	})
	if errors.Is(runErr, tool.ErrTimedOut) || ctx.Err() != nil {
		return fmt.Errorf("go test did not finish within %s (see %s)", timeout, logPath)
	}
	if _, err := os.Stat(partial); err != nil {
		return fmt.Errorf("go test wrote no profile (%v; see %s)", runErr, logPath)
	}
	if runErr != nil {
		fmt.Fprintf(os.Stderr, "gaps: some tests failed (%v); using the coverage they produced\n", runErr)
	}
	fmt.Fprintf(os.Stderr, "gaps: tests took %s\n", time.Since(start).Round(time.Second))
	return os.Rename(partial, w.profile)
}

// gapsOutput is the part of find_test_gaps' structured output the bench
// reads.
type gapsOutput struct {
	Gaps  []gapEntry `json:"gaps"`
	Total int        `json:"total"`
}

// gaps indexes the tree with build b (a fresh state directory per build)
// and asks it for the untested symbols, timing the call runs times.
func (w workdir) gaps(ctx context.Context, b build, runs int) (gapsOutput, timing, error) {
	var out gapsOutput
	state, err := os.MkdirTemp(w.dir, "state-"+b.Name+"-")
	if err != nil {
		return out, timing{}, err
	}
	defer os.RemoveAll(state)
	common := []string{"--repo", w.tree, "--state-dir", state, "--embedder", "none", "--log-level", "warn"}
	start := time.Now()
	if _, err := devai(ctx, b.Bin, append([]string{"index"}, common...)); err != nil {
		return out, timing{}, err
	}
	t := timing{IndexSeconds: time.Since(start).Seconds()}
	args := append(append([]string{"gaps"}, common...), "--no-sync", "--kinds", "untested", "--limit", "500", "--json")
	var walls []float64
	var raw []byte
	for range runs {
		start := time.Now()
		if raw, err = devai(ctx, b.Bin, args); err != nil {
			return out, t, err
		}
		walls = append(walls, time.Since(start).Seconds())
	}
	sort.Float64s(walls)
	t.GapsSeconds = walls[len(walls)/2]
	if err := json.Unmarshal(raw, &out); err != nil {
		return out, t, fmt.Errorf("reading devai gaps --json: %w", err)
	}
	return out, t, nil
}

// timing is how long a build took on a module, in seconds.
type timing struct {
	IndexSeconds float64 `json:"index_s"`
	GapsSeconds  float64 `json:"gaps_s"` // median of the runs
}

func devai(ctx context.Context, bin string, args []string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w: %s", filepath.Base(bin), args[0], err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}
