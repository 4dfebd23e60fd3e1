package patch

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"github.com/devaiops/devai/tools/tool"
)

// base is the commit the edits apply to, read from git objects only: the
// working tree and the index are never looked at.
type base struct {
	repo   *git.Repository
	commit *object.Commit
	tree   *object.Tree
}

func openBase(repoDir, rev string) (*base, error) {
	repo, err := openRepo(repoDir)
	if err != nil {
		return nil, fmt.Errorf("open the git repository at %s: %w", repoDir, err)
	}
	if wt, err := repo.Worktree(); err == nil {
		root, _ := filepath.EvalSymlinks(wt.Filesystem.Root())
		abs, _ := filepath.Abs(repoDir)
		abs, _ = filepath.EvalSymlinks(abs)
		if root != abs {
			return nil, tool.Inputf("%s is inside the git repository %s, not its root: proposals are made against the whole repository, so run devai with --repo %s", repoDir, root, root)
		}
	}
	if rev == "" {
		rev = "HEAD"
	}
	h, err := repo.ResolveRevision(plumbing.Revision(rev))
	if err != nil {
		return nil, tool.Inputf("base %q is not a commit of this repository (%v): pass a commit hash, branch or tag that exists, or leave base empty for HEAD", rev, err)
	}
	c, err := repo.CommitObject(*h)
	if err != nil {
		return nil, tool.Inputf("base %q (%s) is not a commit: %v", rev, h, err)
	}
	t, err := c.Tree()
	if err != nil {
		return nil, fmt.Errorf("read the tree of %s: %w", h, err)
	}
	return &base{repo: repo, commit: c, tree: t}, nil
}

// openRepo opens the repository at dir. A plain .git directory is opened
// with alternates followed at their absolute paths (clones made with
// --reference or --shared keep their objects elsewhere); a .git file
// (worktrees, submodules) or a subdirectory goes through go-git's own search.
func openRepo(dir string) (*git.Repository, error) {
	dot := filepath.Join(dir, ".git")
	if fi, err := os.Stat(dot); err == nil && fi.IsDir() {
		st := filesystem.NewStorageWithOptions(osfs.New(dot), cache.NewObjectLRUDefault(), filesystem.Options{AlternatesFS: osfs.New("/")})
		return git.Open(st, osfs.New(dir))
	}
	return git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{DetectDotGit: true})
}

// cleanPath checks that p names a file inside the repository and returns
// its slash form.
func cleanPath(p string) (string, error) {
	orig := p
	p = strings.ReplaceAll(p, "\\", "/")
	if p == "" {
		return "", tool.Inputf("a path is empty: give a repository-relative path such as internal/auth/service.go")
	}
	if strings.ContainsFunc(p, unicode.IsControl) {
		return "", tool.Inputf("path %q has a control character (a tab or newline): go-git, which devai reads base with, refuses such names; rename the file, or make this change by hand", orig)
	}
	if strings.HasPrefix(p, "/") || (len(p) > 1 && p[1] == ':') {
		return "", tool.Inputf("path %q is absolute: give it relative to the repository root", orig)
	}
	for _, part := range strings.Split(p, "/") {
		if part == ".." {
			return "", tool.Inputf("path %q leaves the repository (..): give a path inside it", orig)
		}
		if strings.EqualFold(part, ".git") {
			return "", tool.Inputf("path %q is inside .git: devai never edits git's own files", orig)
		}
	}
	p = path.Clean(p)
	if p == "." {
		return "", tool.Inputf("path %q names the repository root, not a file", orig)
	}
	return p, nil
}

// entry finds p in the base tree. Symlinks on the way (or at p) and
// submodules are refused: their target may lie outside the repository.
func (b *base) entry(p string) (*object.TreeEntry, error) {
	parts := strings.Split(p, "/")
	t := b.tree
	for i, part := range parts {
		e, err := t.FindEntry(part)
		if err != nil {
			if errors.Is(err, object.ErrEntryNotFound) || errors.Is(err, object.ErrDirectoryNotFound) {
				return nil, nil
			}
			return nil, fmt.Errorf("look up %s at base: %w", p, err)
		}
		switch e.Mode {
		case filemode.Symlink:
			return nil, tool.Inputf("%s is a symbolic link at base (%s): devai does not edit through links, which may point outside the repository; edit the file it points to", path.Join(parts[:i+1]...), p)
		case filemode.Submodule:
			return nil, tool.Inputf("%s is a submodule: edit it in its own repository", path.Join(parts[:i+1]...))
		}
		if i == len(parts)-1 {
			if e.Mode == filemode.Dir {
				return nil, tool.Inputf("%s is a directory at base, not a file", p)
			}
			return e, nil
		}
		if e.Mode != filemode.Dir {
			return nil, tool.Inputf("%s is a file at base, so %s cannot exist", path.Join(parts[:i+1]...), p)
		}
		sub, err := b.repo.TreeObject(e.Hash)
		if err != nil {
			return nil, fmt.Errorf("read tree %s: %w", path.Join(parts[:i+1]...), err)
		}
		t = sub
	}
	return nil, nil
}

// read returns the content of p at base; ok is false when p does not exist.
func (b *base) read(p string) (data []byte, mode filemode.FileMode, ok bool, err error) {
	e, err := b.entry(p)
	if err != nil || e == nil {
		return nil, 0, false, err
	}
	blob, err := b.repo.BlobObject(e.Hash)
	if err != nil {
		return nil, 0, false, fmt.Errorf("read %s at base: %w", p, err)
	}
	if blob.Size > MaxDiffBytes {
		return nil, 0, false, tool.Inputf("%s is %d bytes at base, more than devai edits (%d)", p, blob.Size, MaxDiffBytes)
	}
	r, err := blob.Reader()
	if err != nil {
		return nil, 0, false, fmt.Errorf("read %s at base: %w", p, err)
	}
	defer r.Close()
	data, err = io.ReadAll(r)
	if err != nil {
		return nil, 0, false, fmt.Errorf("read %s at base: %w", p, err)
	}
	return data, e.Mode, true, nil
}

// isText reports whether data is text devai may edit: UTF-8 without NUL.
func isText(data []byte) bool {
	for _, c := range data {
		if c == 0 {
			return false
		}
	}
	return utf8.Valid(data)
}
