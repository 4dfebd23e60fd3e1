package memory

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/devaiops/devai/memory/history"
)

// TestPastChangesFiles: similar messages vote for the files their commits
// changed, split among them; a sweep, a deleted file and an unindexed path
// get nothing.
func TestPastChangesFiles(t *testing.T) {
	files := func(paths ...string) []history.FileChange {
		var out []history.FileChange
		for _, p := range paths {
			out = append(out, history.FileChange{Path: p, Status: "M"})
		}
		return out
	}
	sweep := files()
	for i := 0; i <= pastMaxFiles; i++ {
		sweep = append(sweep, history.FileChange{Path: filepath.Join("all", string(rune('a'+i%26)), "x.go"), Status: "M"})
	}
	commits := []history.Commit{
		{Hash: "c5", Subject: "uploader: exponential backoff between retries", Files: files("upload/retry.go")},
		{Hash: "c4", Subject: "rename backoff everywhere", Files: sweep},
		{Hash: "c3", Subject: "retries: cap the backoff", Files: append(files("upload/retry.go", "upload/limits.go"), history.FileChange{Path: "upload/old.go", Status: "D"})},
		{Hash: "c2", Subject: "docs: how to configure the proxy", Files: files("README.md")},
		{Hash: "c1", Subject: "backoff between retries in the unindexed tool", Files: files("tools/gen.go")},
	}
	p := newPastChanges("head", commits)
	got := p.files("the backoff between retries is far too short", "", 0, func(path string) bool { return path != "tools/gen.go" })
	var paths []string
	for _, f := range got {
		paths = append(paths, f.path)
	}
	if want := []string{"upload/retry.go", "upload/limits.go"}; !reflect.DeepEqual(paths, want) {
		t.Fatalf("files = %v, want %v", paths, want)
	}
	if got[0].by.hash != "c5" {
		t.Errorf("upload/retry.go credited to %s, want c5 (the most similar commit)", got[0].by.hash)
	}
	if got := p.files("nothing alike", "", 0, func(string) bool { return true }); len(got) != 0 {
		t.Error("a text with no word of any message ranks files")
	}
}

// TestPastChangesTitle: the title's words outweigh the body's when
// HistoryTitle is set, so the commit like the title votes first.
func TestPastChangesTitle(t *testing.T) {
	p := newPastChanges("head", []history.Commit{
		{Hash: "c2", Subject: "dialer: retry unreachable hosts", Files: []history.FileChange{{Path: "net/dial.go", Status: "M"}}},
		{Hash: "c1", Subject: "client: log the request and the response when verbose", Files: []history.FileChange{{Path: "client/log.go", Status: "M"}}},
	})
	issue := "Unreachable hosts never retried\n\nWith verbose logging the client logs the request and the response."
	all := func(string) bool { return true }
	for _, c := range []struct {
		boost float64
		first string
	}{{0, "client/log.go"}, {2, "net/dial.go"}} {
		got := p.files(issue, queryTitle(issue), c.boost, all)
		if len(got) == 0 || got[0].path != c.first {
			t.Errorf("boost %g: files %v, want %s first", c.boost, got, c.first)
		}
	}
}

// TestPastChangesInSearch: on a real git history, a bug report finds the
// file that earlier commits like it changed, though the file shares no word
// with the report; a question does not use the signal.
func TestPastChangesInSearch(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a git history")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git binary")
	}
	repo := writeRepo(t, map[string]string{
		"go.mod":            "module example.com/up\n\ngo 1.22\n",
		"upload/retry.go":   "package upload\n\n// wait returns the delay before attempt n.\nfunc wait(n int) int { return n * n * 100 }\n",
		"upload/notes.go":   "package upload\n\n// Notes: retries use a backoff between attempts; see wait.\nvar notes = \"backoff between retries\"\n",
		"proxy/proxy.go":    "package proxy\n\n// Dial opens a connection.\nfunc Dial() {}\n",
		"upload/limits.yml": "attempts: 3\n",
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
	if err := os.WriteFile(filepath.Join(repo, "upload/retry.go"), []byte("package upload\n\n// wait returns the delay before attempt n.\nfunc wait(n int) int { return n * n * 200 }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(repo, "upload/limits.yml"), []byte("attempts: 5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	git("commit", "-q", "-am", "upload: the backoff between retries grows faster")

	report := "backoff between retries too short when the server is busy"
	for _, c := range []struct {
		weight float64
		query  string
		first  string
	}{
		{1, report, "upload/retry.go"},
		{0, report, "upload/notes.go"},
		{1, "where is the backoff between retries", "upload/notes.go"},
	} {
		w := DefaultWeights
		w.History = c.weight
		res := searchWeighted(t, repo, w, Query{Text: c.query, Mode: ModeText})
		if len(res.Hits) == 0 || res.Hits[0].Path != c.first {
			t.Errorf("history %g, %q: first hits %v, want %s", c.weight, c.query, paths(res.Hits), c.first)
		}
		// a settings file the similar commit also changed gets no vote:
		// commits touch configs for reasons of their own (a dependency, the CI)
		if slices.Contains(paths(res.Hits), "upload/limits.yml") {
			t.Errorf("history %g, %q: hits %v hold upload/limits.yml, which only a past change connects", c.weight, c.query, paths(res.Hits))
		}
	}
}

// TestPastChangesAfterACancelledSearch: a search cancelled while the
// history is read leaves the signal to the next search.
func TestPastChangesAfterACancelledSearch(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git binary")
	}
	repo := writeRepo(t, map[string]string{"a.go": "package a\n"})
	for _, args := range [][]string{{"init", "-q"}, {"add", "-A"}, {"commit", "-q", "-m", "add a"}} {
		cmd := exec.Command("git", append([]string{"-C", repo, "-c", "user.name=t", "-c", "user.email=t@example.com"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	ix := openSynced(t, repo)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	ix.pastChangesFor(cancelled)
	if ix.pastChangesFor(context.Background()) == nil {
		t.Error("after a cancelled read, the history is never read again for this HEAD")
	}
}
