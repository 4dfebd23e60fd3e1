package memory

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/devaiops/devai/memory/history"
)

// TestFixPriorCounts: fix commits count for the files they left, the newer
// the more; other commits, deleted files and sweeps count for nothing.
func TestFixPriorCounts(t *testing.T) {
	m := func(paths ...string) []history.FileChange {
		var out []history.FileChange
		for _, p := range paths {
			out = append(out, history.FileChange{Path: p, Status: "M"})
		}
		return out
	}
	var sweep []history.FileChange
	for i := 0; i <= pastMaxFiles; i++ {
		sweep = append(sweep, history.FileChange{Path: filepath.Join("all", string(rune('a'+i%26)), "x.go"), Status: "M"})
	}
	commits := []history.Commit{ // newest first, as history.Log gives them
		{Subject: "parser: fix a crash on empty input", Files: m("parse.go")},
		{Subject: "add a README section", Files: m("docs.go")},
		{Subject: "Fixes #12: wrong header", Files: append(m("header.go"), history.FileChange{Path: "gone.go", Status: "D"})},
		{Subject: "fix everything everywhere", Files: sweep},
		{Subject: "bugfix in the old header code", Files: m("header.go", "parse.go")},
	}
	p := newPastChanges("head", commits)
	for _, path := range []string{"docs.go", "gone.go", "all/a/x.go"} {
		if p.fixes[path] != 0 {
			t.Errorf("%s has fix prior %g, want 0", path, p.fixes[path])
		}
	}
	if !(p.fixes["parse.go"] > p.fixes["header.go"] && p.fixes["header.go"] > 0) {
		t.Errorf("fix prior parse.go %g, header.go %g: want parse.go (fixed newest) above header.go above 0", p.fixes["parse.go"], p.fixes["header.go"])
	}
	if got := recency(0, 5); got != 0.5 {
		t.Errorf("recency of the newest commit = %g, want 0.5", got)
	}
	if got := recency(4, 5); got > 1e-4 {
		t.Errorf("recency of the oldest commit = %g, want about 0", got)
	}
}

// TestFixPriorInSearch: on a real git history, of two files a report finds
// about equally, the one recent fix commits changed comes first with the
// prior and second without it; a file that only the fix commits know
// (no word of the report) is never pulled in.
func TestFixPriorInSearch(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a git history")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git binary")
	}
	repo := writeRepo(t, map[string]string{
		"go.mod":         "module example.com/tok\n\ngo 1.22\n",
		"lex/split.go":   "package lex\n\n// split cuts the input into tokens at each separator.\nfunc split(input string) []string { return nil }\n",
		"lex/scanner.go": "package lex\n\n// scan reads tokens from the input, token by token, until the separator.\nfunc scan(input string) []string { return nil }\n",
		"net/dial.go":    "package net\n\n// Dial opens a connection.\nfunc Dial() {}\n",
	})
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", repo, "-c", "user.name=t", "-c", "user.email=t@example.com"}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q")
	git("add", "-A")
	git("commit", "-q", "-m", "initial import")
	for i, msg := range []string{"fix a nil dereference", "fix: crash on Windows", "bugfix for the off-by-one"} {
		for _, f := range []string{"lex/split.go", "net/dial.go"} {
			appendTo(t, filepath.Join(repo, f), "// fixed "+string(rune('a'+i))+"\n")
		}
		git("commit", "-q", "-am", msg)
	}

	report := "tokens lost when the input ends with a separator"
	for _, c := range []struct {
		fixes float64
		first string
	}{
		{0.5, "lex/split.go"},
		{0, "lex/scanner.go"},
	} {
		w := DefaultWeights
		w.History, w.Fixes = 0, c.fixes
		res := searchWeighted(t, repo, w, Query{Text: report, Mode: ModeText, FileLevel: true})
		if len(res.Hits) < 2 || res.Hits[0].Path != c.first {
			t.Errorf("fixes %g: first hits %v, want %s first", c.fixes, paths(res.Hits), c.first)
		}
		for _, h := range res.Hits {
			if h.Path == "net/dial.go" {
				t.Errorf("fixes %g: net/dial.go, which shares no word with the report, is in the hits %v", c.fixes, paths(res.Hits))
			}
		}
	}
}

func appendTo(t *testing.T, path, text string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
}
