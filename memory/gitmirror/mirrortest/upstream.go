// Package mirrortest builds, for tests, the remote a mirror follows: a bare
// repository with a work clone that commits and pushes to it, the way a
// team's remote receives pushes. It runs the real git binary.
package mirrortest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Upstream is a bare repository (Bare) and the clone that pushes to it
// (Work).
type Upstream struct {
	tb   testing.TB
	Bare string
	Work string
}

// New makes an empty upstream whose initial branch is main; it skips the
// test when git is not installed.
func New(tb testing.TB) *Upstream {
	tb.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		tb.Skip("git is not installed")
	}
	root := tb.TempDir()
	u := &Upstream{tb: tb, Bare: filepath.Join(root, "remote.git"), Work: filepath.Join(root, "work")}
	Git(tb, root, "init", "--quiet", "--bare", "--initial-branch=main", u.Bare)
	Git(tb, root, "init", "--quiet", "--initial-branch=main", u.Work)
	Git(tb, u.Work, "remote", "add", "origin", u.Bare)
	return u
}

// Commit writes files (slash paths to contents) on branch, commits and
// pushes it, and returns the new head. A branch that does not exist yet
// starts from the current one.
func (u *Upstream) Commit(branch string, files map[string]string) string {
	u.tb.Helper()
	switch {
	case Git(u.tb, u.Work, "rev-parse", "--verify", "--quiet", "HEAD^{commit}") == "":
		// unborn: the first commit goes on the initial branch, main
	case strings.TrimSpace(Git(u.tb, u.Work, "branch", "--list", branch)) != "":
		Git(u.tb, u.Work, "checkout", "--quiet", branch)
	default:
		Git(u.tb, u.Work, "checkout", "--quiet", "-b", branch)
	}
	for name, text := range files {
		path := filepath.Join(u.Work, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			u.tb.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			u.tb.Fatal(err)
		}
	}
	Git(u.tb, u.Work, "add", "-A")
	Git(u.tb, u.Work, "commit", "--quiet", "-m", "change "+branch)
	Git(u.tb, u.Work, "push", "--quiet", "origin", branch)
	return strings.TrimSpace(Git(u.tb, u.Work, "rev-parse", "HEAD"))
}

// Git runs git in dir with a fixed identity and no user configuration, and
// fails the test on error. It returns stdout; a rev-parse that finds
// nothing returns "".
func Git(tb testing.TB, dir string, args ...string) string {
	tb.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
		"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_GLOBAL=/dev/null")
	out, err := cmd.Output()
	if err != nil {
		if len(args) > 0 && args[0] == "rev-parse" {
			return ""
		}
		stderr := ""
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		tb.Fatalf("git %s: %v: %s", strings.Join(args, " "), err, stderr)
	}
	return string(out)
}
