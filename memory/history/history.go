// Package history reads a repository's git history: commits with the files
// they changed, blame of a line range, per-file churn, tags. It runs the git
// binary where one is installed, because go-git is orders of magnitude
// slower at path-filtered logs and blame (see shared/notes/engines.md:
// 11.4 s against 0.02 s for one log), and falls back to go-git otherwise.
package history

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// ErrNotARepository is returned when the directory is not in a git work tree.
var ErrNotARepository = errors.New("not a git repository")

// Repo is a repository's history.
type Repo struct {
	dir string // work tree root (or bare repository)
	git string // path of the git binary; "" to use go-git
}

// Commit is one commit and the files it changed.
type Commit struct {
	Hash    string       `json:"hash"`
	Parents []string     `json:"parents,omitempty"`
	Author  string       `json:"author"`
	Email   string       `json:"email"`
	Time    time.Time    `json:"time"`
	Subject string       `json:"subject"`
	Body    string       `json:"body,omitempty"`
	Files   []FileChange `json:"files,omitempty"`
}

// FileChange is one path a commit touched. Status is git's letter: A added,
// M modified, D deleted, R renamed (From holds the old path), C copied, T type.
type FileChange struct {
	Path   string `json:"path"`
	Status string `json:"status"`
	From   string `json:"from,omitempty"`
}

// LogOptions select commits. From and To are revisions; the log lists the
// commits reachable from To (default HEAD) but not from From (default: none).
type LogOptions struct {
	From   string
	To     string
	Paths  []string  // only commits that touch these paths
	Since  time.Time // only commits at or after this time
	Max    int       // at most this many, newest first; 0: all
	Merges bool      // include merge commits (default: skip them)
	// NoFiles leaves Commit.Files empty, for callers that need only the
	// messages: git then reads no trees, about three times faster.
	NoFiles bool
}

// BlameLine is the origin of one line.
type BlameLine struct {
	Line    int       `json:"line"` // 1-based, in the blamed revision
	Hash    string    `json:"hash"`
	Author  string    `json:"author"`
	Time    time.Time `json:"time"`
	Summary string    `json:"summary"`
	Text    string    `json:"text"`
}

// Tag is a tag and the commit it points at.
type Tag struct {
	Name   string    `json:"name"`
	Commit string    `json:"commit"`
	Time   time.Time `json:"time"` // the commit's time
}

// Open finds the repository that holds dir. It prefers the git binary;
// DEVAI_NO_GIT_BINARY=1 forces go-git (for tests of the fallback).
func Open(dir string) (*Repo, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("open history %s: %w", dir, err)
	}
	root, ok := findRoot(abs)
	if !ok {
		return nil, fmt.Errorf("open history %s: %w (run git init, or point --repo at a clone)", dir, ErrNotARepository)
	}
	r := &Repo{dir: root}
	if os.Getenv("DEVAI_NO_GIT_BINARY") == "" {
		if p, err := exec.LookPath("git"); err == nil {
			r.git = p
		}
	}
	return r, nil
}

// findRoot walks up from dir to the folder holding .git, or a bare repository.
func findRoot(dir string) (string, bool) {
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, ".git")); err == nil {
			return d, true
		}
		if isBare(d) {
			return d, true
		}
		if parent := filepath.Dir(d); parent == d {
			return "", false
		}
	}
}

func isBare(d string) bool {
	for _, name := range []string{"HEAD", "objects", "refs"} {
		if _, err := os.Stat(filepath.Join(d, name)); err != nil {
			return false
		}
	}
	return true
}

// Dir is the repository's root.
func (r *Repo) Dir() string { return r.dir }

// Log lists commits, newest first.
func (r *Repo) Log(ctx context.Context, opts LogOptions) ([]Commit, error) {
	if r.git != "" {
		return r.logGit(ctx, opts)
	}
	for _, rev := range []string{opts.From, opts.To} {
		if rev != "" {
			if err := CheckRevision(rev); err != nil {
				return nil, err
			}
		}
	}
	return r.logGoGit(ctx, opts)
}

// Blame returns the origin of lines start..end (1-based, inclusive; 0, 0 for
// the whole file) of path at rev (default HEAD).
func (r *Repo) Blame(ctx context.Context, rev, path string, start, end int) ([]BlameLine, error) {
	if rev == "" {
		rev = "HEAD"
	}
	if r.git != "" {
		return r.blameGit(ctx, rev, path, start, end)
	}
	if err := CheckRevision(rev); err != nil {
		return nil, err
	}
	return r.blameGoGit(ctx, rev, path, start, end)
}

// Churn counts, per path, the non-merge commits since the given time that
// touched it: how often the code has been changing.
func (r *Repo) Churn(ctx context.Context, since time.Time) (map[string]int, error) {
	commits, err := r.Log(ctx, LogOptions{Since: since})
	if err != nil {
		return nil, err
	}
	churn := map[string]int{}
	for _, c := range commits {
		for _, f := range c.Files {
			churn[f.Path]++
		}
	}
	return churn, nil
}

// Tags lists tags with the commits they point at, newest commit first.
func (r *Repo) Tags(ctx context.Context) ([]Tag, error) {
	if r.git != "" {
		return r.tagsGit(ctx)
	}
	return r.tagsGoGit()
}

// LastTag is the newest tag reachable from rev (default HEAD), or "" when
// there is none.
func (r *Repo) LastTag(ctx context.Context, rev string) (string, error) {
	if rev == "" {
		rev = "HEAD"
	}
	if r.git != "" {
		hash, err := r.Resolve(ctx, rev)
		if err != nil {
			return "", err
		}
		out, err := r.run(ctx, "describe", "--tags", "--abbrev=0", hash)
		if err != nil {
			if errors.Is(err, errNoResult) {
				return "", nil
			}
			return "", err
		}
		return trimNL(out), nil
	}
	if err := CheckRevision(rev); err != nil {
		return "", err
	}
	return r.lastTagGoGit(rev)
}
