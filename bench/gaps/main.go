// Command gaps measures find_test_gaps without coverage (the symbol graph
// alone) against what `go test -coverprofile` says really ran (issue 13).
//
// For each real Go module (pinned, fetched through the module proxy) it
// copies the module into a git repository, runs the module's tests once
// with -coverpkg=./... (so a function counts as reached whatever package's
// test runs it), then asks each devai build for its "untested" list with no
// coverage file in reach (`devai gaps --kinds untested --json`) and scores
// that list: a function is truly untested when none of its statements ran.
// Beside each build it scores the naive baseline "a function is untested
// when no _test.go file of the module mentions its name".
//
//	go run ./bench/gaps --devai before=/tmp/devai-old --devai after=/tmp/devai-new [--split tune|held-out|all] [--json]
//	go run ./bench/gaps --devai before=... --devai after=... --no-score --runs 3 --module github.com/prometheus/prometheus@v0.316.0
//
// The modules and their split were chosen before any rule of the analysis
// was designed: rules are tuned on "tune" only, and "held-out" is reported
// to see whether they generalise. A module never moves between the splits.
// Downloads, trees and coverage profiles are cached under --cache, so a
// second run costs only the devai calls.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"
)

// module is one pinned Go module of the benchmark. Skip names tests that
// fail on this machine for reasons of their own (running as root, say) and
// would take their package's whole coverage down with a panic.
type module struct {
	Path, Version, Split string
	Skip                 string
}

func (m module) String() string { return m.Path + "@" + m.Version }

// modules are the benchmark's modules. Fixed before any rule was designed;
// never move one between splits.
var modules = []module{
	{"github.com/labstack/echo/v5", "v5.4.6", "tune", ""},
	{"github.com/go-chi/chi/v5", "v5.5.0", "tune", ""},
	{"github.com/gin-gonic/gin", "v1.12.0", "held-out", ""},
	// Run as root, writing to a read-only file succeeds and the test
	// dereferences the nil error it expected: the panic ends the package.
	{"github.com/spf13/cobra", "v1.10.2", "held-out", "^TestFailGen.*CompletionFile$"},
}

// build is one devai binary under test.
type build struct{ Name, Bin string }

type buildFlags []build

func (b *buildFlags) String() string { return fmt.Sprint(*b) }

func (b *buildFlags) Set(v string) error {
	name, bin, ok := strings.Cut(v, "=")
	if !ok || name == "" || bin == "" {
		return fmt.Errorf("--devai %q: use NAME=PATH, e.g. before=/tmp/devai-old", v)
	}
	abs, err := filepath.Abs(bin)
	if err != nil {
		return fmt.Errorf("--devai %q: %w", v, err)
	}
	if _, err := os.Stat(abs); err != nil {
		return fmt.Errorf("--devai %q: %w", v, err)
	}
	*b = append(*b, build{name, abs})
	return nil
}

type config struct {
	builds      buildFlags
	split       string
	cache       string
	testTimeout time.Duration
	runs        int
	noScore     bool
	json        bool
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "gaps:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	var cfg config
	fs := flag.NewFlagSet("gaps", flag.ContinueOnError)
	fs.Var(&cfg.builds, "devai", "a devai build to measure, `NAME=PATH` (repeatable)")
	fs.StringVar(&cfg.split, "split", "all", "which modules: tune, held-out or all")
	moduleList := fs.String("module", "", "measure these `MODULE@VERSION`s (comma list) instead of the benchmark's modules")
	fs.StringVar(&cfg.cache, "cache", filepath.Join(os.TempDir(), "devai-bench-gaps"), "where trees and coverage profiles are kept between runs")
	fs.DurationVar(&cfg.testTimeout, "test-timeout", 10*time.Minute, "give up on a module's go test after this long")
	fs.IntVar(&cfg.runs, "runs", 1, "time each devai gaps call this many times (median reported)")
	fs.BoolVar(&cfg.noScore, "no-score", false, "only time the builds: no go test, no scoring")
	fs.BoolVar(&cfg.json, "json", false, "print JSON instead of Markdown")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if len(cfg.builds) == 0 {
		return fmt.Errorf("name at least one build: --devai NAME=PATH")
	}
	if cfg.runs < 1 || cfg.runs > 20 {
		return fmt.Errorf("--runs %d: use 1 to 20", cfg.runs)
	}
	mods, err := selectModules(cfg.split, *moduleList)
	if err != nil {
		return err
	}
	var results []moduleResult
	for _, m := range mods {
		r, err := measure(ctx, cfg, m)
		if err != nil {
			return fmt.Errorf("%s: %w", m, err)
		}
		results = append(results, r)
	}
	if cfg.json {
		return writeJSON(os.Stdout, results)
	}
	writeMarkdown(os.Stdout, results, cfg.noScore)
	return nil
}

// selectModules picks the benchmark's modules of a split, or the modules
// named on the command line (split "extra").
func selectModules(split, list string) ([]module, error) {
	if list != "" {
		var out []module
		for _, s := range strings.Split(list, ",") {
			p, v, ok := strings.Cut(strings.TrimSpace(s), "@")
			if !ok || p == "" || !strings.HasPrefix(v, "v") {
				return nil, fmt.Errorf("--module %q: use MODULE@VERSION with a pinned version, e.g. github.com/spf13/cobra@v1.10.2", s)
			}
			out = append(out, module{p, v, "extra", ""})
		}
		return out, nil
	}
	var out []module
	for _, m := range modules {
		if split == "all" || m.Split == split {
			out = append(out, m)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("--split %q: use tune, held-out or all", split)
	}
	return out, nil
}

// measure prepares one module and scores every build and the baseline on
// it.
func measure(ctx context.Context, cfg config, m module) (moduleResult, error) {
	res := moduleResult{Module: m.String(), Split: m.Split}
	w, err := prepare(ctx, cfg.cache, m)
	if err != nil {
		return res, err
	}
	var fns []function
	if !cfg.noScore {
		profile, err := w.cover(ctx, cfg.testTimeout, m.Skip)
		if err != nil {
			return res, err
		}
		if fns, err = functions(w.tree, m.Path, profile); err != nil {
			return res, err
		}
		res.Functions, res.Untested = len(fns), countUntested(fns)
		mentioned, err := testIdentifiers(w.tree)
		if err != nil {
			return res, err
		}
		res.Rows = append(res.Rows, row{Method: "naive: name in no _test.go", Score: score(naiveList(fns, mentioned), fns)})
	}
	for _, b := range cfg.builds {
		out, timing, err := w.gaps(ctx, b, cfg.runs)
		if err != nil {
			return res, fmt.Errorf("devai %s: %w", b.Name, err)
		}
		r := row{Method: "devai " + b.Name, Timing: timing, Listed: len(out.Gaps), Total: out.Total}
		if !cfg.noScore {
			r.Score = score(devaiList(out.Gaps, fns), fns)
		}
		res.Rows = append(res.Rows, r)
	}
	return res, nil
}
