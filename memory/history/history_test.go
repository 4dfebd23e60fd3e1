package history

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/devaiops/devai/memory/fixture"
)

// backends runs a test against the git binary and against go-git.
func backends(t *testing.T, fn func(t *testing.T, r *Repo, commits map[string]string)) {
	dir, commits := fixture.GitRepo(t)
	for _, name := range []string{"git", "go-git"} {
		t.Run(name, func(t *testing.T) {
			if name == "go-git" {
				t.Setenv("DEVAI_NO_GIT_BINARY", "1")
			}
			r, err := Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			if (r.git != "") != (name == "git") {
				t.Skipf("backend %s not available", name)
			}
			fn(t, r, commits)
		})
	}
}

func TestLog(t *testing.T) {
	backends(t, func(t *testing.T, r *Repo, commits map[string]string) {
		ctx := context.Background()
		all, err := r.Log(ctx, LogOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 12 || all[0].Hash != commits[fixture.CommitHead] {
			t.Fatalf("log: %d commits, first %s; want 12, HEAD %s", len(all), all[0].Hash, commits[fixture.CommitHead])
		}
		var bug *Commit
		for i := range all {
			if all[i].Hash == commits[fixture.CommitBug] {
				bug = &all[i]
			}
		}
		if bug == nil || !changed(*bug, fixture.BugFile) || bug.Author == "" || bug.Time.IsZero() || bug.Subject == "" {
			t.Fatalf("bug commit: %+v", bug)
		}
		since, err := r.Log(ctx, LogOptions{From: fixture.Tag})
		if err != nil {
			t.Fatal(err)
		}
		if len(since) == 0 || len(since) >= len(all) {
			t.Errorf("log since %s: %d commits of %d", fixture.Tag, len(since), len(all))
		}
		for _, c := range since {
			if c.Hash == commits[fixture.CommitLockoutFix] {
				t.Errorf("log %s.. lists the tagged commit", fixture.Tag)
			}
		}
		byPath, err := r.Log(ctx, LogOptions{Paths: []string{fixture.BugFile}})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range byPath {
			if !changed(c, fixture.BugFile) {
				t.Errorf("path-filtered log lists %s, which does not touch %s", c.Hash[:8], fixture.BugFile)
			}
		}
		if two, _ := r.Log(ctx, LogOptions{Max: 2}); len(two) != 2 {
			t.Errorf("Max 2 gave %d", len(two))
		}
		bare, err := r.Log(ctx, LogOptions{NoFiles: true})
		if err != nil || len(bare) != len(all) {
			t.Fatalf("NoFiles log: %d commits, %v", len(bare), err)
		}
		for i := range bare {
			if bare[i].Hash != all[i].Hash || bare[i].Subject != all[i].Subject || len(bare[i].Files) != 0 {
				t.Errorf("NoFiles commit %d = %+v, want %s without files", i, bare[i], all[i].Hash[:8])
			}
		}
	})
}

func changed(c Commit, path string) bool {
	for _, f := range c.Files {
		if f.Path == path {
			return true
		}
	}
	return false
}

func TestBlame(t *testing.T) {
	backends(t, func(t *testing.T, r *Repo, commits map[string]string) {
		lines, err := r.Blame(context.Background(), "", fixture.BugFile, 160, 160)
		if err != nil {
			t.Fatal(err)
		}
		if len(lines) != 1 || lines[0].Line != 160 || lines[0].Hash != commits[fixture.CommitBug] || lines[0].Summary == "" {
			t.Fatalf("blame of the bug line = %+v, want commit %s", lines, commits[fixture.CommitBug])
		}
		whole, err := r.Blame(context.Background(), "", fixture.BugFile, 0, 0)
		if err != nil || len(whole) < 160 {
			t.Fatalf("whole-file blame: %d lines, %v", len(whole), err)
		}
		if _, err := r.Blame(context.Background(), "", "no/such/file.go", 1, 1); err == nil {
			t.Error("blame of a missing file: no error")
		}
	})
}

func TestTagsChurnHead(t *testing.T) {
	backends(t, func(t *testing.T, r *Repo, commits map[string]string) {
		ctx := context.Background()
		tags, err := r.Tags(ctx)
		if err != nil || len(tags) != 1 || tags[0].Name != fixture.Tag || tags[0].Commit != commits[fixture.CommitLockoutFix] {
			t.Fatalf("tags = %+v, %v", tags, err)
		}
		last, err := r.LastTag(ctx, "")
		if err != nil || last != fixture.Tag {
			t.Errorf("LastTag = %q, %v", last, err)
		}
		if before, err := r.LastTag(ctx, commits[fixture.CommitSessions]); err != nil || before != "" {
			t.Errorf("LastTag before any tag = %q, %v", before, err)
		}
		churn, err := r.Churn(ctx, time.Time{})
		if err != nil || churn[fixture.BugFile] < 2 {
			t.Errorf("churn of %s = %d, %v", fixture.BugFile, churn[fixture.BugFile], err)
		}
	})
}

func TestOpenOutsideARepository(t *testing.T) {
	_, err := Open(t.TempDir())
	if !errors.Is(err, ErrNotARepository) || !strings.Contains(err.Error(), "git init") {
		t.Errorf("Open of a plain folder: %v", err)
	}
}

func TestParseNameStatus(t *testing.T) {
	got := parseNameStatus([]string{"\nM", "a.go", "R100", "old.go", "new.go", "D", "gone.go", ""})
	want := []FileChange{{Path: "a.go", Status: "M"}, {Path: "new.go", Status: "R", From: "old.go"}, {Path: "gone.go", Status: "D"}}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("entry %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}
