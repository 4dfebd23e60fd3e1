package walk

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// root is the repository root, as given (made absolute) and with symlinks
// resolved: File.Abs is built on the former, containment is judged on the
// latter.
type root struct {
	abs      string
	resolved string
}

func openRoot(dir string) (root, error) {
	if dir == "" {
		return root{}, errors.New("walk: repository root is empty")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return root{}, fmt.Errorf("walk %s: %w", dir, err)
	}
	resolved, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return root{}, fmt.Errorf("walk %s: %w", dir, err)
	}
	info, err := os.Stat(resolved)
	if err != nil {
		return root{}, fmt.Errorf("walk %s: %w", dir, err)
	}
	if !info.IsDir() {
		return root{}, fmt.Errorf("walk %s: not a directory", dir)
	}
	return root{abs: abs, resolved: resolved}, nil
}

// insideRel returns target's path relative to the root, slash-separated,
// and whether it lies inside it. target must already be symlink-resolved.
func (r root) insideRel(target string) (string, bool) {
	rel, err := filepath.Rel(r.resolved, target)
	if err != nil {
		return "", false
	}
	rel = filepath.ToSlash(rel)
	if rel == ".." || strings.HasPrefix(rel, "../") || filepath.IsAbs(rel) {
		return "", false
	}
	return rel, true
}

// resolveLogPaths turns Options.LogPaths into repo-relative paths. Each must
// exist and resolve (symlinks followed) to a file or folder inside the
// repository, but not the root itself nor .git/ or .devai/.
func resolveLogPaths(r root, paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		if strings.TrimSpace(p) == "" {
			return nil, errors.New("log path is empty: name a log file or folder inside the repository")
		}
		abs := p
		if !filepath.IsAbs(abs) {
			abs = filepath.Join(r.abs, p)
		}
		resolved, err := filepath.EvalSymlinks(abs)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("log path %q: %s does not exist", p, abs)
		}
		if err != nil {
			return nil, fmt.Errorf("log path %q: %w", p, err)
		}
		rel, ok := r.insideRel(resolved)
		switch {
		case !ok:
			return nil, fmt.Errorf("log path %q resolves to %s, outside the repository %s: only files inside the repository can be indexed; copy or move the logs into it", p, resolved, r.resolved)
		case rel == ".":
			return nil, fmt.Errorf("log path %q is the repository root itself: name a log file or folder inside it", p)
		}
		first, _, _ := strings.Cut(rel, "/")
		if alwaysSkippedDirs[first] {
			return nil, fmt.Errorf("log path %q is inside %s/, which devai never indexes", p, first)
		}
		out = append(out, rel)
	}
	return out, nil
}

// logRelation is how a path stands to the log paths.
type logRelation int

const (
	logNone     logRelation = iota
	logAncestor             // a folder on the way to a log path
	logInside               // a log path or something under it
)

func logRelationOf(rel string, logPaths []string) logRelation {
	rel2 := logNone
	for _, lp := range logPaths {
		switch {
		case rel == lp || strings.HasPrefix(rel, lp+"/"):
			return logInside
		case strings.HasPrefix(lp, rel+"/"):
			rel2 = logAncestor
		}
	}
	return rel2
}
