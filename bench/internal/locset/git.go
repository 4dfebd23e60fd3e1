package locset

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
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

// Extract writes the tree of ref into dst, reading blobs with
// `git cat-file --batch` so the source repository is only read. Symbolic
// links and submodules are left out (a link can point outside the tree), and
// so are blobs the repository lacks (a partial mirror may omit its largest
// files); their paths are returned as missing.
func Extract(ctx context.Context, dir, ref, dst string) (written int, missing []string, err error) {
	out, err := git(ctx, dir, "ls-tree", "-r", "-z", "--full-tree", ref)
	if err != nil {
		return 0, nil, fmt.Errorf("extract %s: %w", ref, err)
	}
	var paths, oids []string
	for _, entry := range strings.Split(string(out), "\x00") {
		meta, p, ok := strings.Cut(entry, "\t")
		fields := strings.Fields(meta)
		if !ok || len(fields) != 3 || fields[1] != "blob" || fields[0] == "120000" {
			continue
		}
		if !filepath.IsLocal(p) {
			return 0, nil, fmt.Errorf("extract %s: path %q leaves the tree", ref, p)
		}
		paths, oids = append(paths, p), append(oids, fields[2])
	}

	cmd := exec.CommandContext(ctx, "git", "-C", dir, "cat-file", "--batch")
	cmd.Stdin = strings.NewReader(strings.Join(oids, "\n") + "\n")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return 0, nil, fmt.Errorf("extract %s: %w", ref, err)
	}
	if err := cmd.Start(); err != nil {
		return 0, nil, fmt.Errorf("extract %s: start git cat-file: %w", ref, err)
	}
	written, missing, readErr := writeBlobs(bufio.NewReader(stdout), paths, dst)
	_, _ = io.Copy(io.Discard, stdout) // let git finish if writing stopped early
	waitErr := cmd.Wait()
	if readErr != nil {
		return written, missing, fmt.Errorf("extract %s into %s: %w", ref, dst, readErr)
	}
	if waitErr != nil {
		return written, missing, fmt.Errorf("extract %s: git cat-file: %w: %s", ref, waitErr, strings.TrimSpace(stderr.String()))
	}
	return written, missing, nil
}

// AttachHistory makes dst, a tree Extract wrote, a git repository whose
// HEAD is ref, with the history a checkout of ref would have: its objects
// are borrowed from dir through an alternates file, so nothing is copied
// and dir is only read. The index and work tree are left as Extract wrote
// them; devai reads files from the tree and history from git.
func AttachHistory(ctx context.Context, dir, ref, dst string) error {
	commit, err := ResolveCommit(ctx, dir, ref)
	if err != nil {
		return fmt.Errorf("attach history: %w", err)
	}
	common, err := git(ctx, dir, "rev-parse", "--path-format=absolute", "--git-common-dir")
	if err != nil {
		return fmt.Errorf("attach history: %w", err)
	}
	if _, err := git(ctx, dst, "init", "-q"); err != nil {
		return fmt.Errorf("attach history: %w", err)
	}
	objects := filepath.Join(strings.TrimSpace(string(common)), "objects")
	if err := os.WriteFile(filepath.Join(dst, ".git", "objects", "info", "alternates"), []byte(objects+"\n"), 0o644); err != nil {
		return fmt.Errorf("attach history: %w", err)
	}
	if _, err := git(ctx, dst, "update-ref", "HEAD", commit); err != nil {
		return fmt.Errorf("attach history: %w", err)
	}
	return nil
}

// writeBlobs reads one `git cat-file --batch` answer per path: a header
// "<oid> blob <size>" and the content and a newline, or "<oid> missing".
func writeBlobs(r *bufio.Reader, paths []string, dst string) (int, []string, error) {
	written := 0
	var missing []string
	for _, p := range paths {
		header, err := r.ReadString('\n')
		if err != nil {
			return written, missing, fmt.Errorf("read blob of %s: %w", p, err)
		}
		fields := strings.Fields(header)
		if len(fields) == 2 && fields[1] == "missing" {
			missing = append(missing, p)
			continue
		}
		if len(fields) != 3 {
			return written, missing, fmt.Errorf("unexpected cat-file header %q for %s", header, p)
		}
		size, err := strconv.ParseInt(fields[2], 10, 64)
		if err != nil {
			return written, missing, fmt.Errorf("cat-file header %q: %w", header, err)
		}
		if err := writeFile(filepath.Join(dst, filepath.FromSlash(p)), io.LimitReader(r, size), size); err != nil {
			return written, missing, err
		}
		if _, err := r.Discard(1); err != nil { // the newline after the content
			return written, missing, fmt.Errorf("read blob of %s: %w", p, err)
		}
		written++
	}
	return written, missing, nil
}

func writeFile(target string, r io.Reader, size int64) error {
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	n, err := io.Copy(f, r)
	if err == nil && n != size {
		err = io.ErrUnexpectedEOF
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", target, err)
	}
	return nil
}
