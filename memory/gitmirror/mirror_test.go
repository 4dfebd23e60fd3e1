package gitmirror

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/devaiops/devai/memory/gitmirror/mirrortest"
)

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestUpdateFollowsTheBranchHead(t *testing.T) {
	ctx := context.Background()
	up := mirrortest.New(t)
	first := up.Commit("main", map[string]string{"a.go": "package a\n"})

	m, err := New("file://"+up.Bare, "", filepath.Join(t.TempDir(), "checkout"))
	if err != nil {
		t.Fatal(err)
	}
	head, changed, err := m.Update(ctx)
	if err != nil || head != first || !changed {
		t.Fatalf("first update: head %s changed %v err %v; want %s true nil", head, changed, err, first)
	}
	if m.Branch() != "main" {
		t.Errorf("default branch resolved to %q, want main", m.Branch())
	}
	if got := read(t, filepath.Join(m.Dir(), "a.go")); got != "package a\n" {
		t.Errorf("a.go = %q", got)
	}

	head, changed, err = m.Update(ctx)
	if err != nil || head != first || changed {
		t.Fatalf("update with nothing new: head %s changed %v err %v", head, changed, err)
	}

	second := up.Commit("main", map[string]string{"b.go": "package a // b\n"})
	if err := os.WriteFile(filepath.Join(m.Dir(), "a.go"), []byte("someone's edit\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	head, changed, err = m.Update(ctx)
	if err != nil || head != second || !changed {
		t.Fatalf("update after a push: head %s changed %v err %v; want %s true nil", head, changed, err, second)
	}
	if got := read(t, filepath.Join(m.Dir(), "a.go")); got != "package a\n" {
		t.Errorf("an edit in the checkout survived the update: a.go = %q", got)
	}
	if got, _ := m.Head(ctx); got != second {
		t.Errorf("Head = %s, want %s", got, second)
	}

	// A stray edit with no new commit is reset too: the index follows the branch.
	if err := os.WriteFile(filepath.Join(m.Dir(), "stray.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, changed, err = m.Update(ctx); err != nil || !changed {
		t.Fatalf("update over a stray file: changed %v err %v", changed, err)
	}
	if _, err := os.Stat(filepath.Join(m.Dir(), "stray.txt")); !os.IsNotExist(err) {
		t.Errorf("stray.txt is still in the checkout: %v", err)
	}
}

func TestUpdateFollowsANamedBranchFromAPath(t *testing.T) {
	ctx := context.Background()
	up := mirrortest.New(t)
	up.Commit("main", map[string]string{"main.txt": "main\n"})
	rel := up.Commit("release", map[string]string{"release.txt": "release\n"})

	m, err := New(up.Bare, "release", filepath.Join(t.TempDir(), "checkout"))
	if err != nil {
		t.Fatal(err)
	}
	head, _, err := m.Update(ctx)
	if err != nil || head != rel {
		t.Fatalf("update: head %s err %v; want %s", head, err, rel)
	}
	if _, err := os.Stat(filepath.Join(m.Dir(), "release.txt")); err != nil {
		t.Errorf("release.txt missing from the checkout of branch release: %v", err)
	}
}

func TestAClonedFolderKeepsItsURL(t *testing.T) {
	ctx := context.Background()
	a, b := mirrortest.New(t), mirrortest.New(t)
	a.Commit("main", map[string]string{"a": "a"})
	b.Commit("main", map[string]string{"b": "b"})
	dir := filepath.Join(t.TempDir(), "checkout")
	m, err := New(a.Bare, "main", dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := m.Update(ctx); err != nil {
		t.Fatal(err)
	}
	other, err := New(b.Bare, "main", dir)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = other.Update(ctx)
	if err == nil || !strings.Contains(err.Error(), "is a clone of") {
		t.Fatalf("a folder cloned from another URL: err %v, want 'is a clone of'", err)
	}
}

func TestBadURLsAndBranchesNeverReachGit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir := t.TempDir()
	tests := []struct {
		name, url, branch, want string
	}{
		{"empty URL", "", "", "empty repository URL"},
		{"option URL", "--upload-pack=touch /tmp/x", "", "starts with '-'"},
		{"URL with a space", "https://example.com/a b", "", "space or a control character"},
		{"URL with a newline", "https://example.com/a\nb", "", "space or a control character"},
		{"option branch", "https://example.com/r.git", "--orphan", "not starting with '-'"},
		{"full ref", "https://example.com/r.git", "refs/heads/main", "without refs/"},
		{"bad branch", "https://example.com/r.git", "a..b", "not a valid branch name"},
		{"branch with a space", "https://example.com/r.git", "a b", "not a valid branch name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.url, tt.branch, dir)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New(%q, %q): err %v, want %q", tt.url, tt.branch, err, tt.want)
			}
		})
	}
}

func TestAMissingRemoteIsAClearError(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	m, err := New(filepath.Join(t.TempDir(), "nothing.git"), "main", filepath.Join(t.TempDir(), "checkout"))
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = m.Update(context.Background())
	if err == nil || !strings.Contains(err.Error(), "fetch branch main of") {
		t.Fatalf("update from a missing remote: err %v", err)
	}
}
