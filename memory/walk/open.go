package walk

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ErrOutsideRepo is returned by OpenInRepo for a path that leaves the
// repository, lexically or through a symlink.
var ErrOutsideRepo = errors.New("outside the repository")

// OpenInRepo opens the file p names, repo-relative or absolute, for a tool
// that reads a file a caller named (a log to summarise, a log to trace). It
// refuses a path that leaves the repository, by .. or through a symlink, and
// a folder; rel is the file's repo-relative, slash-separated path. Every
// error is about p, so the caller can pass it on as an input error.
func OpenInRepo(repo, p string) (f *os.File, rel string, err error) {
	r, err := openRoot(repo)
	if err != nil {
		return nil, "", err
	}
	abs := p
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(r.abs, filepath.FromSlash(p))
	}
	abs = filepath.Clean(abs)
	// judged lexically first, so ../elsewhere is "outside" even when it does not exist
	if _, ok := (root{resolved: r.abs}).insideRel(abs); !ok {
		if _, ok := r.insideRel(abs); !ok {
			return nil, "", fmt.Errorf("%s is %w %s", p, ErrOutsideRepo, r.abs)
		}
	}
	resolved, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return nil, "", fmt.Errorf("cannot read %s: %w", p, err)
	}
	rel, ok := r.insideRel(resolved)
	if !ok {
		return nil, "", fmt.Errorf("%s resolves to %s, %w %s", p, resolved, ErrOutsideRepo, r.abs)
	}
	f, err = os.Open(resolved)
	if err != nil {
		return nil, "", fmt.Errorf("cannot read %s: %w", p, err)
	}
	if st, err := f.Stat(); err == nil && st.IsDir() {
		f.Close()
		return nil, "", fmt.Errorf("%s is a folder; name one file in it", p)
	}
	return f, rel, nil
}
