package patch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/devaiops/devai/memory"
)

// snapshot hashes everything a proposal must leave alone: every file of
// the working tree, .git/index, .git/HEAD and every ref.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel == ".devai" || rel == ".git/objects" || rel == ".git/refs/heads/devai" || rel == ".git/logs/refs/heads/devai" {
				return filepath.SkipDir // state, new objects and proposal branches are additive
			}
			return nil
		}
		var data []byte
		if d.Type()&fs.ModeSymlink != 0 {
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			data = []byte("link:" + target)
		} else if data, err = os.ReadFile(p); err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		out[rel] = hex.EncodeToString(sum[:])
		return nil
	})
	if err != nil {
		t.Fatalf("snapshot %s: %v", dir, err)
	}
	return out
}

func assertUnchanged(t *testing.T, dir string, before map[string]string) {
	t.Helper()
	after := snapshot(t, dir)
	for p, h := range before {
		if after[p] != h {
			t.Errorf("%s changed (or vanished) after the proposal", p)
		}
	}
	for p := range after {
		if _, ok := before[p]; !ok {
			t.Errorf("%s appeared after the proposal", p)
		}
	}
	if _, ok := before[".git/index"]; !ok {
		t.Errorf("the snapshot has no .git/index; the test proves nothing")
	}
}

func openIndex(t *testing.T, dir string) *memory.Index {
	t.Helper()
	ix, err := memory.Open(context.Background(), memory.Options{Repo: dir, StateDir: t.TempDir(), Embedder: "none"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	if err := ix.Sync(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	return ix
}

// runGit runs the git binary in dir and returns its output (standard
// output and error), trimmed.
func runGit(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out, err := gitCmd(dir, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// gitOutput runs the git binary in dir and returns its standard output
// as is (a diff keeps its trailing newline and whitespace).
func gitOutput(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := gitCmd(dir, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

func gitCmd(dir string, args ...string) *exec.Cmd {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com",
		"GIT_AUTHOR_DATE=2026-01-01T00:00:00Z", "GIT_COMMITTER_DATE=2026-01-01T00:00:00Z")
	return cmd
}

// smallRepo builds a repository with two commits: v1 (tagged) and HEAD,
// which changes stale.go and deletes gone.txt. files maps paths to v1
// contents.
func smallRepo(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir := t.TempDir()
	runGit(t, dir, "init", "-q", "-b", "main")
	write := func(p, s string) {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.com/small\n\ngo 1.22\n")
	write("calc/calc.go", calcGo)
	write("calc/calc_test.go", calcTestGo)
	write("dup.txt", "alpha\nbeta\nalpha\n")
	write("crlf.txt", "one\r\ntwo\r\nthree\r\n")
	write("gone.txt", "soon deleted\n")
	write("stale.go", "package small\n\nconst Version = \"1.0\"\n")
	write("bin.dat", "a\x00b")
	write("latin1.txt", "caf\xe9\n")
	if err := os.Symlink("/etc", filepath.Join(dir, "out")); err != nil {
		t.Fatal(err)
	}
	runGit(t, dir, "add", ".")
	runGit(t, dir, "commit", "-q", "-m", "v1")
	runGit(t, dir, "tag", "v1")
	write("stale.go", "package small\n\nconst Version = \"2.0\"\n")
	runGit(t, dir, "rm", "-q", "gone.txt")
	runGit(t, dir, "add", ".")
	runGit(t, dir, "commit", "-q", "-m", "v2")
	return dir
}

const calcGo = `package calc

// Add returns a + b.
func Add(a, b int) int {
	return a + b
}

// Half halves n.
func Half(n int) int {
	return n / 2
}
`

const calcTestGo = `package calc

import "testing"

func TestAdd(t *testing.T) {
	if Add(1, 2) != 3 {
		t.Fatal("Add(1, 2) != 3")
	}
}
`
