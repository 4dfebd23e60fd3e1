// Package gitmirror keeps a clone that devai owns checked out at the head of
// one branch of a remote repository, so that a server can index a
// repository it was only given the URL of. Nobody edits the checkout: every
// update fetches the branch and forces the working tree to its head, so the
// index always follows the branch, never someone's edits.
//
// It runs the git binary (clone and fetch are where go-git is slowest, and
// the binary brings the operator's SSH keys and credential helpers). No
// value reaches git where it could be read as an option: the URL follows
// "--", the branch is checked by git check-ref-format behind the
// "refs/heads/" prefix, and commits are 40 hex digits that git printed.
package gitmirror

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"unicode"
)

// allowedProtocols are the transports a mirror may use (GIT_ALLOW_PROTOCOL):
// ext:: and other transports that run commands are never allowed.
const allowedProtocols = "file:git:http:https:ssh"

// remote is the name of the only remote of a mirror.
const remote = "origin"

// Mirror is one clone in Dir that follows Branch of URL.
type Mirror struct {
	url    string
	branch string // "" until resolved from the remote's HEAD
	dir    string
	git    string
}

// New checks url and branch and returns the mirror that will live in dir.
// An empty branch means the remote's default branch. Nothing is cloned
// until Update.
func New(url, branch, dir string) (*Mirror, error) {
	if err := CheckURL(url); err != nil {
		return nil, err
	}
	git, err := exec.LookPath("git")
	if err != nil {
		return nil, fmt.Errorf("mirror %s: the git binary is needed to clone and fetch (install git): %w", url, err)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("mirror %s into %s: %w", url, dir, err)
	}
	m := &Mirror{url: url, dir: abs, git: git}
	if branch != "" {
		if err := m.checkBranch(context.Background(), branch); err != nil {
			return nil, err
		}
		m.branch = branch
	}
	return m, nil
}

// CheckURL refuses a repository URL that git could read as an option or
// that holds control characters or spaces. It does not check that the
// repository exists.
func CheckURL(url string) error {
	switch {
	case strings.TrimSpace(url) == "":
		return errors.New("empty repository URL: give an https://, ssh:// or file:// URL, or a path")
	case strings.HasPrefix(url, "-"):
		return fmt.Errorf("repository URL %q starts with '-', which git would read as an option", url)
	case strings.IndexFunc(url, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) }) >= 0:
		return fmt.Errorf("repository URL %q holds a space or a control character", url)
	}
	return nil
}

// Dir is the checkout: the repository to index.
func (m *Mirror) Dir() string { return m.dir }

// URL is where the mirror fetches from.
func (m *Mirror) URL() string { return m.url }

// Branch is the branch followed; "" before the first Update when the
// remote's default branch was asked for.
func (m *Mirror) Branch() string { return m.branch }

// Update clones the repository if Dir holds no clone yet, fetches the
// branch, and checks out its head when it moved (or when the working tree
// is not at it). It returns the head commit and whether the working tree
// changed. It is not safe for concurrent use: callers update one mirror
// from one goroutine.
func (m *Mirror) Update(ctx context.Context) (head string, changed bool, err error) {
	if err := m.ensureClone(ctx); err != nil {
		return "", false, err
	}
	if m.branch == "" {
		if m.branch, err = m.defaultBranch(ctx); err != nil {
			return "", false, err
		}
	}
	tracking := "refs/remotes/" + remote + "/" + m.branch
	if _, err := m.run(ctx, "fetch", "--quiet", "--prune", "--force", "--tags", remote,
		"+refs/heads/"+m.branch+":"+tracking); err != nil {
		return "", false, fmt.Errorf("fetch branch %s of %s: %w", m.branch, m.url, err)
	}
	head, err = m.resolve(ctx, tracking)
	if err != nil {
		return "", false, fmt.Errorf("find the head of branch %s of %s: %w", m.branch, m.url, err)
	}
	current, _ := m.resolve(ctx, "HEAD")
	if current == head && m.clean(ctx) {
		return head, false, nil
	}
	if _, err := m.run(ctx, "checkout", "--quiet", "--force", "--detach", head); err != nil {
		return "", false, fmt.Errorf("check out %s (%s of %s): %w", head, m.branch, m.url, err)
	}
	if _, err := m.run(ctx, "clean", "-ffdxq"); err != nil {
		return "", false, fmt.Errorf("clean the checkout of %s: %w", m.url, err)
	}
	return head, true, nil
}

// Head is the commit checked out, or an error before the first Update.
func (m *Mirror) Head(ctx context.Context) (string, error) {
	return m.resolve(ctx, "HEAD")
}

// ensureClone initialises Dir as a repository with the remote when it is
// not one yet. A clone of another URL there is refused, not overwritten.
func (m *Mirror) ensureClone(ctx context.Context) error {
	if _, err := os.Stat(filepath.Join(m.dir, ".git")); err == nil {
		out, err := m.run(ctx, "remote", "get-url", remote)
		if err != nil {
			return fmt.Errorf("read the remote of the clone in %s: %w", m.dir, err)
		}
		if got := strings.TrimSpace(string(out)); got != m.url {
			return fmt.Errorf("%s is a clone of %s, not of %s: remove it or give this repository another name", m.dir, got, m.url)
		}
		return nil
	}
	if err := os.MkdirAll(m.dir, 0o755); err != nil {
		return fmt.Errorf("create the checkout folder %s: %w", m.dir, err)
	}
	if _, err := m.run(ctx, "init", "--quiet"); err != nil {
		return fmt.Errorf("init the clone of %s in %s: %w", m.url, m.dir, err)
	}
	if _, err := m.run(ctx, "remote", "add", remote, "--", m.url); err != nil {
		return fmt.Errorf("add the remote %s: %w", m.url, err)
	}
	return nil
}

// symrefLine is the line of git ls-remote --symref that names HEAD's branch.
var symrefLine = regexp.MustCompile(`(?m)^ref: refs/heads/(\S+)\tHEAD$`)

// defaultBranch asks the remote which branch its HEAD points at.
func (m *Mirror) defaultBranch(ctx context.Context) (string, error) {
	out, err := m.run(ctx, "ls-remote", "--symref", remote, "HEAD")
	if err != nil {
		return "", fmt.Errorf("ask %s for its default branch: %w", m.url, err)
	}
	match := symrefLine.FindSubmatch(out)
	if match == nil {
		return "", fmt.Errorf("%s names no default branch (an empty repository?): give the branch to follow", m.url)
	}
	branch := string(match[1])
	if err := m.checkBranch(ctx, branch); err != nil {
		return "", err
	}
	return branch, nil
}

// checkBranch refuses a branch name git would not accept, asking git
// itself; the "refs/heads/" prefix keeps it from being read as an option.
func (m *Mirror) checkBranch(ctx context.Context, branch string) error {
	if strings.HasPrefix(branch, "-") || strings.HasPrefix(branch, "refs/") {
		return fmt.Errorf("branch %q: give a branch name such as main, without refs/ and not starting with '-'", branch)
	}
	cmd := exec.CommandContext(ctx, m.git, "check-ref-format", "refs/heads/"+branch)
	cmd.Env = gitEnv()
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("branch %q is not a valid branch name (git check-ref-format)", branch)
	}
	return nil
}

// hexCommit is a full commit hash (SHA-1 or SHA-256).
var hexCommit = regexp.MustCompile(`^([0-9a-f]{40}|[0-9a-f]{64})$`)

// resolve is the commit a ref (one we built, never a caller's) points at.
func (m *Mirror) resolve(ctx context.Context, ref string) (string, error) {
	out, err := m.run(ctx, "rev-parse", "--verify", "--quiet", "--end-of-options", ref+"^{commit}")
	if err != nil {
		return "", err
	}
	hash := strings.TrimSpace(string(out))
	if !hexCommit.MatchString(hash) {
		return "", fmt.Errorf("git rev-parse %s printed %q, not a commit hash", ref, hash)
	}
	return hash, nil
}

// clean reports whether the working tree matches HEAD (nothing modified,
// nothing untracked).
func (m *Mirror) clean(ctx context.Context) bool {
	out, err := m.run(ctx, "status", "--porcelain", "--untracked-files=all", "--ignored=no")
	return err == nil && len(bytes.TrimSpace(out)) == 0
}

// run runs git in the checkout and returns its stdout; an error carries
// git's stderr.
func (m *Mirror) run(ctx context.Context, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, m.git, append([]string{"-C", m.dir}, args...)...)
	cmd.Env = gitEnv()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("git %s: %w", args[0], ctx.Err())
		}
		return nil, fmt.Errorf("git %s: %v: %s", args[0], err, strings.TrimSpace(stderr.String()))
	}
	return stdout.Bytes(), nil
}

// gitEnv is the environment of every git run: never prompt for a password
// (a server has nobody to answer), only transports that run no commands,
// and no pager.
func gitEnv() []string {
	return append(os.Environ(), "GIT_TERMINAL_PROMPT=0", "GIT_ALLOW_PROTOCOL="+allowedProtocols, "GIT_PAGER=cat",
		"GIT_ADVICE=0", "LC_ALL=C")
}
