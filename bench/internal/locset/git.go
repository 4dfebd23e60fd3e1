package locset

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Commit is one commit as read from `git log`.
type Commit struct {
	Hash    string
	Parents []string
	Message string
	Changes []Change // against the first parent; empty for merges
}

// Change is one changed path and its status letter (A, M, D, T, …).
type Change struct {
	Status string
	Path   string
}

// Subject is the first line of the message.
func (c Commit) Subject() string {
	subject, _, _ := strings.Cut(c.Message, "\n")
	return subject
}

// git runs the git binary in dir and returns its stdout. The binary is used
// instead of a Go implementation because walking a large history with
// per-commit diffs is several times faster with it.
func git(ctx context.Context, dir string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", dir}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

// ResolveCommit returns the full hash of ref in the repository at dir.
func ResolveCommit(ctx context.Context, dir, ref string) (string, error) {
	out, err := git(ctx, dir, "rev-parse", "--verify", "--end-of-options", ref+"^{commit}")
	if err != nil {
		return "", fmt.Errorf("resolve %q in %s: %w", ref, dir, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// FilesAt lists every path in the tree of commit (slash-separated).
func FilesAt(ctx context.Context, dir, commit string) (map[string]bool, error) {
	out, err := git(ctx, dir, "ls-tree", "-r", "-z", "--name-only", commit)
	if err != nil {
		return nil, fmt.Errorf("list files at %s: %w", commit, err)
	}
	files := make(map[string]bool)
	for _, p := range strings.Split(string(out), "\x00") {
		if p != "" {
			files[p] = true
		}
	}
	return files, nil
}

// Record and field separators for the log format; they cannot appear in a
// hash and practically never appear in a commit message.
const (
	recordSep = "\x1e"
	fieldSep  = "\x1f"
)

// CommitsAfter returns the commits reachable from head but not from base,
// oldest first by commit date. With firstParent only the first-parent line of
// head is walked. Renames are reported as a delete and an add.
func CommitsAfter(ctx context.Context, dir, base, head string, firstParent bool) ([]Commit, error) {
	args := []string{"log", "--reverse", "--date-order", "--no-renames", "--name-status", "-z",
		"--format=" + recordSep + "%H" + fieldSep + "%P" + fieldSep + "%B" + fieldSep}
	if firstParent {
		args = append(args, "--first-parent")
	}
	args = append(args, base+".."+head, "--")
	out, err := git(ctx, dir, args...)
	if err != nil {
		return nil, fmt.Errorf("read history %s..%s: %w", base, head, err)
	}
	return parseLog(string(out))
}

// parseLog parses the output of CommitsAfter's format: per commit
// RS hash US parents US message US, then NUL-separated status/path pairs.
func parseLog(out string) ([]Commit, error) {
	var commits []Commit
	for _, rec := range strings.Split(out, recordSep) {
		if strings.Trim(rec, "\x00\n") == "" {
			continue
		}
		fields := strings.SplitN(rec, fieldSep, 4)
		if len(fields) != 4 {
			return nil, fmt.Errorf("parse git log: malformed record %.60q", rec)
		}
		c := Commit{Hash: fields[0], Parents: strings.Fields(fields[1]), Message: strings.TrimSpace(fields[2])}
		parts := strings.Split(strings.TrimLeft(fields[3], "\x00\n"), "\x00")
		for i := 0; i+1 < len(parts); i += 2 {
			status := strings.TrimSpace(parts[i])
			if status == "" {
				continue
			}
			c.Changes = append(c.Changes, Change{Status: status[:1], Path: parts[i+1]})
		}
		commits = append(commits, c)
	}
	return commits, nil
}

// Extract writes the tree of ref into dst (which must exist and be empty)
// with `git archive`, so the source repository is only read. Symbolic links
// are left out: they can point outside the tree. It returns how many files
// were written.
func Extract(ctx context.Context, dir, ref, dst string) (int, error) {
	cmd := exec.CommandContext(ctx, "git", "-C", dir, "archive", "--format=tar", ref)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return 0, fmt.Errorf("extract %s: %w", ref, err)
	}
	if err := cmd.Start(); err != nil {
		return 0, fmt.Errorf("extract %s: start git archive: %w", ref, err)
	}
	n, untarErr := untar(stdout, dst)
	_, _ = io.Copy(io.Discard, stdout) // let git finish if untar stopped early
	waitErr := cmd.Wait()
	if untarErr != nil {
		return n, fmt.Errorf("extract %s into %s: %w", ref, dst, untarErr)
	}
	if waitErr != nil {
		return n, fmt.Errorf("extract %s: git archive: %w: %s", ref, waitErr, strings.TrimSpace(stderr.String()))
	}
	return n, nil
}

func untar(r io.Reader, dst string) (int, error) {
	tr := tar.NewReader(r)
	n := 0
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return n, fmt.Errorf("read archive: %w", err)
		}
		if !filepath.IsLocal(h.Name) {
			return n, fmt.Errorf("archive entry %q leaves the tree", h.Name)
		}
		target := filepath.Join(dst, filepath.FromSlash(h.Name))
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(target, 0o755); err != nil {
				return n, err
			}
		case tar.TypeReg:
			if err := writeFile(target, tr, h.FileInfo().Mode().Perm()|0o600); err != nil {
				return n, err
			}
			n++
		}
	}
}

func writeFile(target string, r io.Reader, perm os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", target, err)
	}
	return f.Close()
}
