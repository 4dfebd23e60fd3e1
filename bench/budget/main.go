// Command budget measures what an assistant really receives from devai:
// it starts a given devai binary as `devai serve --repo DIR --embedder
// hash --log-level warn` over stdio with mcp-go's client, waits for the
// first sync, and records the exact byte size of tools/list,
// resources/list, resources/templates/list and prompts/list, then makes
// realistic calls of every tool, derived from the repository itself
// (questions a developer would ask, a panic through a real call chain
// of the module, a feature request from its history or changelog, a
// comment edit in a real file), and records each answer's bytes (whole
// JSON-RPC result, text, structured content), its time and whether it
// is an error, against the tool's declared budget (issues 13 and 16).
//
//	go build -o /tmp/devai ./cmd/devai
//	go run ./bench/budget --devai /tmp/devai --repo /tmp/echo --repo /tmp/gin
//
// bench/budget.sh makes the repositories from the module proxy. The
// report is Markdown on stdout, progress on stderr; the exit status is 1
// when any call failed, was over budget, or changed the working tree.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/devaiops/devai/tools/all"
)

// budgets are the declared answer budgets, read from the declarations
// of this tree (the binary measured should be built from it).
func budgets() map[string]int {
	b := map[string]int{}
	for _, t := range all.Tools() {
		b[t.Info().Name] = t.Info().Budget
	}
	return b
}

type repoFlags []string

func (r *repoFlags) String() string     { return strings.Join(*r, ",") }
func (r *repoFlags) Set(s string) error { *r = append(*r, s); return nil }

func main() {
	var repos repoFlags
	devai := flag.String("devai", "", "the devai `binary` to measure (go build -o /tmp/devai ./cmd/devai)")
	flag.Var(&repos, "repo", "a git repository to serve (repeatable); name=DIR sets the name the report uses")
	syncTimeout := flag.Duration("sync-timeout", 20*time.Minute, "give up on a repository whose first sync takes longer")
	callTimeout := flag.Duration("call-timeout", 5*time.Minute, "a call that takes longer is reported as a hang")
	planOnly := flag.Bool("plan", false, "print the calls each repository would get, as JSON, and start nothing")
	flag.Parse()
	if *planOnly && len(repos) > 0 {
		os.Exit(printPlans(context.Background(), repos))
	}
	if *devai == "" || len(repos) == 0 {
		fmt.Fprintln(os.Stderr, "usage: budget --devai PATH --repo [name=]DIR [--repo ...]")
		os.Exit(2)
	}
	bin, err := filepath.Abs(*devai)
	if err != nil {
		fmt.Fprintln(os.Stderr, "budget:", err)
		os.Exit(2)
	}
	ctx := context.Background()
	var results []repoResult
	for _, r := range repos {
		name, dir := repoName(r)
		res := measureRepo(ctx, bin, name, dir, *syncTimeout, *callTimeout)
		printRepo(os.Stdout, res)
		results = append(results, res)
	}
	printSummary(os.Stdout, results)
	for _, r := range results {
		if len(r.failures()) > 0 {
			os.Exit(1)
		}
	}
}

// repoName splits a --repo value: name=DIR, or DIR named by its base.
func repoName(r string) (string, string) {
	if name, dir, ok := strings.Cut(r, "="); ok {
		return name, dir
	}
	return filepath.Base(r), r
}

// printPlans prints the calls of each repository, for review.
func printPlans(ctx context.Context, repos []string) int {
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	for _, r := range repos {
		name, dir := repoName(r)
		src, err := readRepo(dir)
		if err != nil {
			fmt.Fprintln(os.Stderr, "budget:", err)
			return 1
		}
		calls, notes := planCalls(ctx, dir, src, moduleVersion(ctx, dir))
		if err := enc.Encode(map[string]any{"repo": name, "module": src.Module, "calls": calls, "notes": notes}); err != nil {
			fmt.Fprintln(os.Stderr, "budget:", err)
			return 1
		}
	}
	return 0
}
