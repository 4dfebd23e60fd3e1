// Command tracecases measures trace_root_cause on real failures: commits of
// real projects whose message quotes the crash they fix. For each case the
// repository is checked out at the fix's parent, indexed, and given the
// commit message as the pasted log. The answer is the code the fix changed:
// its files and the functions its hunks fall in (tests and docs left out).
// Reported: top-1 and top-3 at file and at function level, side by side
// with the naive answer "the first in-repo frame of the trace".
//
//	go run ./bench/tracecases --mirrors /work/.mirror [--json]
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/tools/trace"
)

// cases are every commit in the fetched prometheus and flask histories
// whose message quotes a Go panic or a Python traceback (git log
// --grep='Traceback (most recent call last)' --grep='goroutine [0-9]* \[running\]'
// --grep='panic: runtime error'), one per fix (cherry-picks dropped).
var cases = []struct{ repo, fix string }{
	{"prometheus+prometheus", "a19852de99"},
	{"prometheus+prometheus", "f0521cf960"},
	{"prometheus+prometheus", "650dc146db"},
	{"prometheus+prometheus", "a3bb2378c0"},
	{"pallets+flask", "8bb71852"},
	{"pallets+flask", "0049922f"},
	{"pallets+flask", "7a7a163f"},
}

type result struct {
	Case      string   `json:"case"`
	Files     []string `json:"fix_files"`
	Funcs     []string `json:"fix_funcs"`
	Suspects  []string `json:"suspects"` // path symbol
	Naive     string   `json:"naive"`    // path symbol of the first in-repo frame
	FileTop1  bool     `json:"file_top1"`
	FileTop3  bool     `json:"file_top3"`
	FuncTop1  bool     `json:"func_top1"`
	FuncTop3  bool     `json:"func_top3"`
	NaiveFile bool     `json:"naive_file"`
	NaiveFunc bool     `json:"naive_func"`
	TraceMS   float64  `json:"trace_ms"`
	Note      string   `json:"note,omitempty"`
}

func main() {
	mirrors := flag.String("mirrors", "/work/.mirror", "folder of bare mirrors named owner+name/repo")
	asJSON := flag.Bool("json", false, "print JSON")
	flag.Parse()
	ctx := context.Background()
	var results []result
	for _, c := range cases {
		r, err := runCase(ctx, filepath.Join(*mirrors, c.repo, "repo"), c.repo, c.fix)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s %s: %v\n", c.repo, c.fix, err)
			os.Exit(1)
		}
		fmt.Fprintf(os.Stderr, "%s: file %v/%v func %v/%v naive %v/%v\n", r.Case, r.FileTop1, r.FileTop3, r.FuncTop1, r.FuncTop3, r.NaiveFile, r.NaiveFunc)
		results = append(results, r)
	}
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(results)
		return
	}
	report(results)
}

func git(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("git %s: %w", strings.Join(args, " "), err)
	}
	return string(out), nil
}

func runCase(ctx context.Context, mirror, repo, fix string) (result, error) {
	r := result{Case: strings.Split(repo, "+")[1] + "@" + fix}
	tmp, err := os.MkdirTemp("", "tracecase-")
	if err != nil {
		return r, err
	}
	defer os.RemoveAll(tmp)
	work := filepath.Join(tmp, "repo")
	if _, err := git(tmp, "clone", "-q", "--shared", "--no-checkout", mirror, work); err != nil {
		return r, err
	}
	if _, err := git(work, "checkout", "-q", fix+"^"); err != nil {
		return r, err
	}
	msg, err := git(work, "show", "-s", "--format=%B", fix)
	if err != nil {
		return r, err
	}
	diff, err := git(work, "diff", "-U0", fix+"^", fix)
	if err != nil {
		return r, err
	}
	ix, err := memory.Open(ctx, memory.Options{Repo: work, StateDir: filepath.Join(tmp, "state"), Embedder: "hash"})
	if err != nil {
		return r, err
	}
	defer ix.Close()
	if err := ix.Sync(ctx, nil); err != nil {
		return r, err
	}
	files, funcs := changed(ix, diff)
	r.Files, r.Funcs = keys(files), keys(funcs)
	start := time.Now()
	out, err := trace.Run(ctx, ix, trace.Input{Text: msg, MaxSuspects: 5})
	r.TraceMS = float64(time.Since(start).Microseconds()) / 1000
	if err != nil {
		return r, err
	}
	for i, s := range out.Suspects {
		r.Suspects = append(r.Suspects, s.Path+" "+s.Symbol)
		if files[s.Path] {
			r.FileTop3 = r.FileTop3 || i < 3
			r.FileTop1 = r.FileTop1 || i == 0
		}
		if funcs[s.Path+" "+s.Symbol] {
			r.FuncTop3 = r.FuncTop3 || i < 3
			r.FuncTop1 = r.FuncTop1 || i == 0
		}
	}
	// naive: the first in-repo frame of the first trace in the text
	errs := append([]trace.Error(nil), out.Errors...)
	sort.SliceStable(errs, func(i, j int) bool { return errs[i].StartLine < errs[j].StartLine })
naive:
	for _, e := range errs {
		for _, f := range e.Frames {
			if f.InApp && !f.CreatedBy {
				r.Naive = f.Path + " " + f.Symbol
				r.NaiveFile, r.NaiveFunc = files[f.Path], funcs[r.Naive]
				break naive
			}
		}
	}
	r.Note = strings.Join(out.Notes, "; ")
	return r, nil
}

var hunk = regexp.MustCompile(`^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@`)

// changed maps the fix's hunks in code files (not tests, not docs) to the
// files and the "path symbol" of the chunks they fall in at the parent.
func changed(ix *memory.Index, diff string) (files, funcs map[string]bool) {
	files, funcs = map[string]bool{}, map[string]bool{}
	var cur string
	sc := bufio.NewScanner(strings.NewReader(diff))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		l := sc.Text()
		if p, ok := strings.CutPrefix(l, "--- a/"); ok {
			cur = p
			if !isCode(cur) {
				cur = ""
			}
			continue
		}
		if strings.HasPrefix(l, "--- /dev/null") {
			cur = ""
			continue
		}
		m := hunk.FindStringSubmatch(l)
		if m == nil || cur == "" {
			continue
		}
		files[cur] = true
		start, _ := strconv.Atoi(m[1])
		n := 1
		if m[2] != "" {
			n, _ = strconv.Atoi(m[2])
		}
		lines := []int{start}
		if n > 0 {
			lines = lines[:0]
			for i := start; i < start+n; i++ {
				lines = append(lines, i)
			}
		}
		for _, line := range lines {
			if c, ok := ix.ChunkAt(cur, max(line, 1)); ok && c.Symbol != "" {
				funcs[cur+" "+c.Symbol] = true
			}
		}
	}
	return files, funcs
}

func isCode(p string) bool {
	ext := path.Ext(p)
	if ext != ".go" && ext != ".py" {
		return false
	}
	base := path.Base(p)
	return !strings.HasSuffix(base, "_test.go") && !strings.HasPrefix(base, "test_") && !strings.HasPrefix(p, "tests/")
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func report(rs []result) {
	fmt.Println("| case | fix changed (functions) | suspect #1 | naive (first in-repo frame) | file top-1/top-3 | function top-1/top-3 | naive file/function | trace ms |")
	fmt.Println("|---|---|---|---|---|---|---|---:|")
	var n, f1, f3, g1, g3, nf, ng int
	for _, r := range rs {
		top := "—"
		if len(r.Suspects) > 0 {
			top = r.Suspects[0]
		}
		fmt.Printf("| %s | %s | %s | %s | %s/%s | %s/%s | %s/%s | %.0f |\n", r.Case, strings.Join(r.Funcs, ", "), top, orDash(r.Naive),
			yes(r.FileTop1), yes(r.FileTop3), yes(r.FuncTop1), yes(r.FuncTop3), yes(r.NaiveFile), yes(r.NaiveFunc), r.TraceMS)
		n++
		f1, f3, g1, g3, nf, ng = f1+b(r.FileTop1), f3+b(r.FileTop3), g1+b(r.FuncTop1), g3+b(r.FuncTop3), nf+b(r.NaiveFile), ng+b(r.NaiveFunc)
	}
	fmt.Printf("\n%d cases: file top-1 %d, top-3 %d; function top-1 %d, top-3 %d; naive file %d, function %d\n", n, f1, f3, g1, g3, nf, ng)
}

func b(v bool) int {
	if v {
		return 1
	}
	return 0
}

func yes(v bool) string {
	if v {
		return "✓"
	}
	return "✗"
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
