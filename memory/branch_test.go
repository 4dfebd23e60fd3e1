package memory

import (
	"context"
	"os/exec"
	"testing"

	"github.com/devaiops/devai/memory/chunk"
	"github.com/devaiops/devai/memory/fixture"
)

// TestBranchSwitch checks out an old commit and back: every file that
// differs between the two trees is re-read, and nothing of the other tree
// lingers in the index.
func TestBranchSwitch(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a git history")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git binary")
	}
	repo, commits := fixture.GitRepo(t)
	ix := openSynced(t, repo)
	headFiles := ix.Status().Files
	if len(search(t, ix, Query{Text: "recordLastSeen", Kinds: []chunk.Kind{chunk.Code}}).Hits) == 0 {
		t.Fatal("recordLastSeen not found at HEAD")
	}

	checkout := func(rev string) {
		t.Helper()
		if out, err := exec.Command("git", "-C", repo, "checkout", "-q", rev).CombinedOutput(); err != nil {
			t.Fatalf("git checkout %s: %v\n%s", rev, err, out)
		}
		if err := ix.Sync(context.Background(), nil); err != nil {
			t.Fatal(err)
		}
	}
	checkout(commits[fixture.CommitSessions])
	if ix.Status().Files >= headFiles {
		t.Errorf("after checking out an early commit: %d files, HEAD had %d", ix.Status().Files, headFiles)
	}
	for _, h := range search(t, ix, Query{Text: "recordLastSeen login lockout"}).Hits {
		if h.Path == fixture.BugFile {
			t.Errorf("%s is not in the early tree but is still found", h.Path)
		}
	}
	checkout("main")
	if got := ix.Status().Files; got != headFiles {
		t.Errorf("back on main: %d files, want %d", got, headFiles)
	}
	if len(search(t, ix, Query{Text: "recordLastSeen", Kinds: []chunk.Kind{chunk.Code}}).Hits) == 0 {
		t.Error("recordLastSeen not found after switching back")
	}
}
