package locset

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// testRepo is a throwaway repository built with the git binary.
type testRepo struct {
	t    *testing.T
	dir  string
	tick int
}

func newTestRepo(t *testing.T) *testRepo {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git binary not installed")
	}
	r := &testRepo{t: t, dir: t.TempDir()}
	r.git("init", "-q", "-b", "main")
	return r
}

func (r *testRepo) git(args ...string) string {
	r.t.Helper()
	r.tick++
	date := fmt.Sprintf("2024-01-01T00:%02d:%02dZ", r.tick/60, r.tick%60)
	cmd := exec.Command("git", append([]string{"-C", r.dir, "-c", "user.name=T", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"}, args...)...)
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_DATE="+date, "GIT_COMMITTER_DATE="+date, "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		r.t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// commit writes files (content "" deletes) and commits them with msg.
func (r *testRepo) commit(msg string, files map[string]string) string {
	r.t.Helper()
	for name, content := range files {
		p := filepath.Join(r.dir, filepath.FromSlash(name))
		if content == "" {
			r.git("rm", "-q", name)
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			r.t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			r.t.Fatal(err)
		}
		r.git("add", name)
	}
	r.git("commit", "-q", "--allow-empty", "-m", msg)
	return r.git("rev-parse", "HEAD")
}

// buildHistory makes a snapshot followed by one commit per reason a commit
// can be skipped, two good commits (one on a merged branch), and returns the
// hashes of the good ones.
func buildHistory(r *testRepo) (onMain, onBranch string) {
	many := map[string]string{}
	for _, n := range []string{"a", "b", "c", "d", "e", "f"} {
		many["pkg/"+n+".go"] = "package pkg // " + n + "\n"
	}
	many["app.go"] = "package app\n"
	many["app_test.go"] = "package app\n"
	many["util.go"] = "package app\n"
	many["label.go"] = "package app\n"
	many["README.md"] = "# app\n"
	r.commit("Initial import of the app", many)
	r.git("tag", "snap")

	onMain = r.commit("Fix session expiry so old sessions are removed (#12)\n\nThe cleanup loop never ran.\n\nSigned-off-by: T <t@example.com>",
		map[string]string{"app.go": "package app\n// cleanup\n", "app_test.go": "package app\n// test\n", "README.md": "# app v2\n"})
	r.commit("fix typo in the util comment", map[string]string{"util.go": "package app\n// typo\n"})
	r.commit("Add a new store for orders", map[string]string{"store.go": "package app\n"})
	r.commit("Make the orders store safe for concurrent use", map[string]string{"store.go": "package app\n// mu\n"})
	r.commit("Rewrite the readme introduction text", map[string]string{"README.md": "# app v3\n"})
	manyEdit := map[string]string{}
	for name := range many {
		if strings.HasPrefix(name, "pkg/") {
			manyEdit[name] = "package pkg // edited\n"
		}
	}
	r.commit("Rename the receiver in every package file", manyEdit)
	r.commit("tidy", map[string]string{"util.go": "package app\n// tidy\n"})
	r.commit(`Revert "Fix session expiry so old sessions are removed"`, map[string]string{"app.go": "package app\n"})
	r.commit("Remove the obsolete util helpers", map[string]string{"util.go": ""})

	r.git("checkout", "-q", "-b", "feature", "snap")
	onBranch = r.commit("Report which label is invalid in errors", map[string]string{"label.go": "package app // label\n"})
	r.git("checkout", "-q", "main")
	r.git("merge", "-q", "--no-ff", "-m", "Merge branch 'feature'", "feature")
	return onMain, onBranch
}

func TestBuild(t *testing.T) {
	r := newTestRepo(t)
	onMain, onBranch := buildHistory(r)
	ctx := context.Background()
	snap := r.git("rev-parse", "snap")

	t.Run("all commits", func(t *testing.T) {
		set, stats, err := Build(ctx, BuildOptions{GitDir: r.dir, Snapshot: "snap"})
		if err != nil {
			t.Fatal(err)
		}
		want := []Query{
			{Commit: onMain, Snapshot: snap, Query: "Fix session expiry so old sessions are removed\nThe cleanup loop never ran.", Files: []string{"app.go"}},
			{Commit: onBranch, Snapshot: snap, Query: "Report which label is invalid in errors", Files: []string{"label.go"}},
		}
		if !reflect.DeepEqual(set, want) {
			t.Errorf("set =\n%+v\nwant\n%+v", set, want)
		}
		wantSkipped := map[string]int{
			SkipFormatting: 1, SkipAddDelete: 2, SkipNotInSnap: 1, SkipNoSource: 1,
			SkipTooMany: 1, SkipShort: 1, SkipRevert: 1, SkipMerge: 1,
		}
		if !reflect.DeepEqual(stats.Skipped, wantSkipped) {
			t.Errorf("skipped = %v, want %v", stats.Skipped, wantSkipped)
		}
		if stats.Seen != 11 || stats.Kept != 2 || stats.Snapshot != snap {
			t.Errorf("stats = %+v, want 11 seen, 2 kept, snapshot %s", stats, snap)
		}
	})

	t.Run("first parent leaves out the branch", func(t *testing.T) {
		set, _, err := Build(ctx, BuildOptions{GitDir: r.dir, Snapshot: "snap", FirstParent: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(set) != 1 || set[0].Commit != onMain {
			t.Errorf("first-parent set = %+v, want only %s", set, onMain)
		}
	})

	t.Run("N stops early", func(t *testing.T) {
		set, stats, err := Build(ctx, BuildOptions{GitDir: r.dir, Snapshot: "snap", N: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(set) != 1 || stats.Seen != 1 {
			t.Errorf("N=1: %d queries after %d commits, want 1 after 1", len(set), stats.Seen)
		}
	})

	t.Run("nothing qualifies", func(t *testing.T) {
		_, _, err := Build(ctx, BuildOptions{GitDir: r.dir, Snapshot: "HEAD"})
		if err == nil || !strings.Contains(err.Error(), "older snapshot") {
			t.Errorf("Build at HEAD: err = %v, want advice to pick an older snapshot", err)
		}
	})

	t.Run("unknown ref", func(t *testing.T) {
		_, _, err := Build(ctx, BuildOptions{GitDir: r.dir, Snapshot: "no-such-ref"})
		if err == nil || !strings.Contains(err.Error(), "no-such-ref") {
			t.Errorf("err = %v, want one naming the ref", err)
		}
	})
}

func TestExtract(t *testing.T) {
	r := newTestRepo(t)
	buildHistory(r)
	dst := t.TempDir()
	n, missing, err := Extract(context.Background(), r.dir, "snap", dst)
	if err != nil {
		t.Fatal(err)
	}
	if len(missing) != 0 {
		t.Errorf("missing blobs %v in a complete repository", missing)
	}
	if n != 11 {
		t.Errorf("extracted %d files, want 11", n)
	}
	got, err := os.ReadFile(filepath.Join(dst, "app.go"))
	if err != nil || string(got) != "package app\n" {
		t.Errorf("app.go at snap = %q, %v; want the snapshot content", got, err)
	}
	if _, err := os.Stat(filepath.Join(dst, "store.go")); !os.IsNotExist(err) {
		t.Errorf("store.go exists in the snapshot tree; it was added later")
	}
	if status := r.git("status", "--porcelain"); status != "" {
		t.Errorf("source repository changed: %s", status)
	}
}

func TestSetRoundTrip(t *testing.T) {
	set := []Query{{Commit: "c1", Snapshot: "s", Query: "fix it now please", Files: []string{"a.go", "b.go"}}}
	var b strings.Builder
	if err := WriteSet(&b, set); err != nil {
		t.Fatal(err)
	}
	got, err := ReadSet(strings.NewReader(b.String() + "\n"))
	if err != nil || !reflect.DeepEqual(got, set) {
		t.Errorf("round trip = %+v, %v; want %+v", got, err, set)
	}
	for _, bad := range []string{"{not json", `{"commit":"c","query":"q"}`} {
		if _, err := ReadSet(strings.NewReader("\n" + bad)); err == nil || !strings.Contains(err.Error(), "line 2") {
			t.Errorf("ReadSet(%q) err = %v, want one naming line 2", bad, err)
		}
	}
}

// TestAttachHistory: the extracted tree becomes a repository whose HEAD is
// the snapshot, with the snapshot's history and nothing after it, and the
// source repository is only read.
func TestAttachHistory(t *testing.T) {
	r := newTestRepo(t)
	buildHistory(r)
	dst := t.TempDir()
	ctx := context.Background()
	if _, _, err := Extract(ctx, r.dir, "snap", dst); err != nil {
		t.Fatal(err)
	}
	if err := AttachHistory(ctx, r.dir, "snap", dst); err != nil {
		t.Fatal(err)
	}
	want, err := ResolveCommit(ctx, r.dir, "snap")
	if err != nil {
		t.Fatal(err)
	}
	if head, err := ResolveCommit(ctx, dst, "HEAD"); err != nil || head != want {
		t.Errorf("HEAD of the tree = %q, %v; want the snapshot %s", head, err, want)
	}
	all, err := git(ctx, dst, "log", "--format=%H")
	if err != nil {
		t.Fatal(err)
	}
	before, _ := git(ctx, r.dir, "log", "--format=%H", "snap")
	if string(all) != string(before) {
		t.Errorf("history of the tree:\n%s\nwant the snapshot's:\n%s", all, before)
	}
	if status := r.git("status", "--porcelain"); status != "" {
		t.Errorf("source repository changed: %s", status)
	}
}
