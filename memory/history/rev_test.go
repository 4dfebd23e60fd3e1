package history

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/devaiops/devai/memory/fixture"
)

// TestRevisionsNeverReachGitAsOptions passes option-shaped revisions to
// every method that takes one. Each must fail with ErrBadRevision and write
// nothing: `git log --output=FILE` would overwrite FILE.
func TestRevisionsNeverReachGitAsOptions(t *testing.T) {
	backends(t, func(t *testing.T, r *Repo, _ map[string]string) {
		ctx := context.Background()
		victim := filepath.Join(t.TempDir(), "victim.txt")
		hostile := []string{"--output=" + victim, "-n1", "--exec=touch " + victim, "-", "HEAD\n--output=" + victim, " "}
		calls := map[string]func(rev string) error{
			"log to":   func(rev string) error { _, err := r.Log(ctx, LogOptions{To: rev}); return err },
			"log from": func(rev string) error { _, err := r.Log(ctx, LogOptions{From: rev}); return err },
			"blame":    func(rev string) error { _, err := r.Blame(ctx, rev, "go.mod", 0, 0); return err },
			"last tag": func(rev string) error { _, err := r.LastTag(ctx, rev); return err },
			"resolve":  func(rev string) error { _, err := r.Resolve(ctx, rev); return err },
		}
		for name, call := range calls {
			for _, rev := range hostile {
				if err := call(rev); !errors.Is(err, ErrBadRevision) {
					t.Errorf("%s %q: err %v, want ErrBadRevision", name, rev, err)
				}
			}
		}
		if _, err := os.Stat(victim); !os.IsNotExist(err) {
			t.Fatalf("a revision reached git as an option: %s exists (%v)", victim, err)
		}
	})
}

func TestResolve(t *testing.T) {
	backends(t, func(t *testing.T, r *Repo, commits map[string]string) {
		ctx := context.Background()
		head := commits[fixture.CommitHead]
		for _, rev := range []string{"HEAD", head, head[:12]} {
			got, err := r.Resolve(ctx, rev)
			if err != nil || got != head {
				t.Errorf("Resolve(%q) = %q, %v; want %s", rev, got, err, head)
			}
		}
		if _, err := r.Resolve(ctx, "no-such-branch"); !errors.Is(err, ErrUnknownRevision) {
			t.Errorf("unknown revision: err %v, want ErrUnknownRevision", err)
		}
	})
}
