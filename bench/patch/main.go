// Command patch measures propose_patch on a large real repository (issue 5):
// how long a small, realistic proposal takes with the static checks only
// (apply, parse, gofmt) and with go build and the impacted tests, and what
// dominates.
//
//	go run ./bench/patch --repo /tmp/prom [--setup github.com/prometheus/prometheus@v0.316.0] [--runs 2] [--json]
//
// --setup makes --repo first when it does not exist: `go mod download` of
// the module, a copy of its tree, `git init && git add -A && git commit`,
// and `go mod download` of its dependencies (so that the build needs no
// network while it is timed). The index is synced with the "hash"
// embedder. The default proposal rewrites labels.Builder.Del in
// model/labels/labels_common.go with slices.DeleteFunc; --file, --search and
// --replace pick another.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/tools/patch"
)

const (
	defaultFile   = "model/labels/labels_common.go"
	defaultSearch = `		for i, a := range b.add {
			if a.Name == n {
				b.add = append(b.add[:i], b.add[i+1:]...)
			}
		}
`
	defaultReplace = `		b.add = slices.DeleteFunc(b.add, func(a Label) bool { return a.Name == n })
`
)

type result struct {
	Mode     string              `json:"mode"`
	Run      int                 `json:"run"`
	Total    time.Duration       `json:"total_ns"`
	Checks   []patch.CheckResult `json:"checks"`
	Tests    int                 `json:"impacted_tests"`
	Packages int                 `json:"test_packages"`
	Symbols  []string            `json:"symbols"`
	Err      string              `json:"error,omitempty"`
	Risk     patch.Risk          `json:"risk"`
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "bench/patch:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	repo := flag.String("repo", "", "git repository to propose against (required)")
	setup := flag.String("setup", "", "module@version to build --repo from when it does not exist, e.g. github.com/prometheus/prometheus@v0.316.0")
	file := flag.String("file", defaultFile, "file to edit")
	search := flag.String("search", defaultSearch, "search text (must occur once)")
	replace := flag.String("replace", defaultReplace, "replacement")
	runs := flag.Int("runs", 2, "runs of each mode (the first exec run has colder caches)")
	static := flag.Bool("static-only", false, "skip the build + tests mode")
	timeout := flag.Duration("timeout", 10*time.Minute, "timeout of each build/test check")
	asJSON := flag.Bool("json", false, "print JSON")
	flag.Parse()
	if *repo == "" {
		return fmt.Errorf("--repo is required")
	}
	if _, err := os.Stat(*repo); os.IsNotExist(err) && *setup != "" {
		start := time.Now()
		if err := makeRepo(ctx, *setup, *repo); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "setup: %s (%s)\n", *repo, time.Since(start).Round(time.Millisecond))
	}
	state, err := os.MkdirTemp("", "devai-bench-patch-state-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(state)
	start := time.Now()
	ix, err := memory.Open(ctx, memory.Options{Repo: *repo, StateDir: state, Embedder: "hash"})
	if err != nil {
		return err
	}
	defer ix.Close()
	if err := ix.Sync(ctx, nil); err != nil {
		return err
	}
	st := ix.Status()
	fmt.Fprintf(os.Stderr, "index: %d files, %d chunks, %d symbols in %s\n", st.Files, st.Chunks, st.Symbols, time.Since(start).Round(time.Millisecond))

	in := patch.Input{
		Title: "labels: delete with slices.DeleteFunc in Builder.Del",
		Edits: []patch.Edit{{Path: *file, Search: *search, Replace: *replace}},
	}
	var results []result
	modes := []string{"static"}
	if !*static {
		modes = append(modes, "exec")
	}
	for _, mode := range modes {
		for r := 1; r <= *runs; r++ {
			opts := patch.RunOptions{Timeout: *timeout}
			in.Options.Checks = []string{patch.CheckApply, patch.CheckFormat}
			if mode == "exec" {
				opts.AllowExec = true
				in.Options.Checks = nil
			}
			t0 := time.Now()
			out, err := patch.Run(ctx, ix, in, opts)
			res := result{Mode: mode, Run: r, Total: time.Since(t0), Checks: out.Checks, Tests: len(out.Tests), Risk: out.Risk}
			pkgs := map[string]bool{}
			for _, t := range out.Tests {
				pkgs[t.Package] = true
			}
			res.Packages = len(pkgs)
			for _, s := range out.Symbols {
				res.Symbols = append(res.Symbols, s.Symbol)
			}
			if err != nil {
				res.Err = err.Error()
			}
			results = append(results, res)
			fmt.Fprintf(os.Stderr, "%s run %d: %s\n", mode, r, res.Total.Round(time.Millisecond))
		}
	}
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(results)
	}
	printTable(results)
	return nil
}

func printTable(results []result) {
	fmt.Printf("| mode | run | total | checks (duration) | impacted tests / packages | symbols |\n|---|---|---|---|---|---|\n")
	for _, r := range results {
		var cs []string
		for _, c := range r.Checks {
			cs = append(cs, fmt.Sprintf("%s %s (%s)", c.Name, c.Status, c.Duration))
		}
		if r.Err != "" {
			cs = append(cs, "error: "+r.Err)
		}
		fmt.Printf("| %s | %d | %s | %s | %d / %d | %s |\n", r.Mode, r.Run, r.Total.Round(time.Millisecond), strings.Join(cs, ", "), r.Tests, r.Packages, strings.Join(r.Symbols, ", "))
	}
	for _, r := range results {
		for _, c := range r.Checks {
			if c.Status == patch.StatusFail || c.Name == patch.CheckTest {
				fmt.Printf("\n%s run %d, %s: %s\n%s\n", r.Mode, r.Run, c.Name, c.Command, lastLines(c.Output, 15))
			}
		}
	}
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = append([]string{"…"}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}

// makeRepo downloads mod, copies its tree to dir and commits it.
func makeRepo(ctx context.Context, mod, dir string) error {
	out, err := exec.CommandContext(ctx, "go", "mod", "download", "-json", mod).Output()
	if err != nil {
		return fmt.Errorf("go mod download %s: %w", mod, err)
	}
	var info struct{ Dir string }
	if err := json.Unmarshal(out, &info); err != nil || info.Dir == "" {
		return fmt.Errorf("go mod download %s: no Dir in %s", mod, out)
	}
	if err := copyTree(info.Dir, dir); err != nil {
		return err
	}
	env := append(os.Environ(), "GIT_AUTHOR_NAME=bench", "GIT_AUTHOR_EMAIL=bench@example.com",
		"GIT_COMMITTER_NAME=bench", "GIT_COMMITTER_EMAIL=bench@example.com",
		"GOWORK=off") // the module zip's go.work names modules the zip leaves out
	for _, args := range [][]string{{"git", "init", "-q", "-b", "main"}, {"git", "add", "-A"}, {"git", "commit", "-q", "-m", "import " + mod}, {"go", "mod", "download"}} {
		cmd := exec.CommandContext(ctx, args[0], args[1:]...)
		cmd.Dir, cmd.Env = dir, env
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("%s: %w\n%s", strings.Join(args, " "), err, out)
		}
	}
	return nil
}

func copyTree(src, dst string) error {
	var paths []string
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		return err
	}
	sort.Strings(paths)
	for _, p := range paths {
		rel, _ := filepath.Rel(src, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(target, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}
