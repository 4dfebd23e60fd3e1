package spec

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/tools/tool"
)

type targetInfo struct {
	rel    string // repo-relative, slash-separated
	exists bool
}

// target is where the spec goes: the caller's path, else the format's own
// place. A spec already there, or one in the format's folder with the same
// slug or title, is re-drafted in place (its number and IDs kept).
func target(repo, state string, in Input, title string) (targetInfo, error) {
	if in.Path != "" {
		rel, err := insideRepo(repo, state, in.Path)
		if err != nil {
			return targetInfo{}, err
		}
		return targetInfo{rel: rel, exists: exists(filepath.Join(repo, filepath.FromSlash(rel)))}, nil
	}
	s := slug(title)
	switch in.Format {
	case FormatKiro:
		rel := path.Join(".kiro/specs", s, "requirements.md")
		return targetInfo{rel: rel, exists: exists(filepath.Join(repo, filepath.FromSlash(rel)))}, nil
	case FormatSpecKit:
		if dir := sameSpec(repo, "specs", s, title, true); dir != "" {
			return targetInfo{rel: path.Join("specs", dir, "spec.md"), exists: true}, nil
		}
		return targetInfo{rel: path.Join("specs", fmt.Sprintf("%03d-%s", nextNumber(repo, "specs"), s), "spec.md")}, nil
	}
	if name := sameSpec(repo, "docs/specs", s, title, false); name != "" {
		return targetInfo{rel: path.Join("docs/specs", name), exists: true}, nil
	}
	return targetInfo{rel: path.Join("docs/specs", fmt.Sprintf("%03d-%s.md", nextNumber(repo, "docs/specs"), s))}, nil
}

var numbered = regexp.MustCompile(`^(\d+)-(.+?)(\.md)?$`)

// nextNumber is one more than the highest NNN- prefix in dir.
func nextNumber(repo, dir string) int {
	entries, _ := os.ReadDir(filepath.Join(repo, filepath.FromSlash(dir)))
	hi := 0
	for _, e := range entries {
		if m := numbered.FindStringSubmatch(e.Name()); m != nil {
			n, _ := strconv.Atoi(m[1])
			hi = max(hi, n)
		}
	}
	return hi + 1
}

// sameSpec finds, in dir, the entry of the spec with this slug or title.
func sameSpec(repo, dir, slug, title string, dirs bool) string {
	entries, _ := os.ReadDir(filepath.Join(repo, filepath.FromSlash(dir)))
	for _, e := range entries {
		m := numbered.FindStringSubmatch(e.Name())
		if m == nil || e.IsDir() != dirs {
			continue
		}
		file := filepath.Join(repo, filepath.FromSlash(dir), e.Name())
		if dirs {
			file = filepath.Join(file, "spec.md")
		}
		if m[2] == slug || sameTitle(headingOf(file), title) {
			return e.Name()
		}
	}
	return ""
}

func sameTitle(heading, title string) bool {
	h := strings.ToLower(strings.TrimSpace(heading))
	t := strings.ToLower(strings.TrimSpace(title))
	if h == "" || t == "" {
		return false
	}
	if h == t || strings.HasSuffix(h, " "+t) || strings.HasSuffix(h, ": "+t) || strings.HasSuffix(h, "— "+t) {
		return true
	}
	return false
}

// headingOf is the first Markdown heading of file.
func headingOf(file string) string {
	f, err := os.Open(file)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for i := 0; sc.Scan() && i < 20; i++ {
		if l := strings.TrimSpace(sc.Text()); strings.HasPrefix(l, "# ") {
			return strings.TrimSpace(strings.TrimPrefix(l, "# "))
		}
	}
	return ""
}

func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

// insideRepo checks a caller's path: relative to the repository (or
// absolute inside it), no way out through "..", a Markdown file, not in
// .git nor in devai's state directory (see forbiddenPlace). It returns the
// slash-separated repo-relative path.
func insideRepo(repo, state, p string) (string, error) {
	abs := p
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(repo, filepath.FromSlash(p))
	}
	abs = filepath.Clean(abs)
	rel, err := filepath.Rel(repo, abs)
	if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return "", tool.Inputf("path %q is outside the repository: give a path inside it, relative to its root, e.g. docs/specs/005-rate-limits.md", p)
	}
	if err := forbiddenPlace(repo, state, abs, p); err != nil {
		return "", err
	}
	rel = filepath.ToSlash(rel)
	if !strings.EqualFold(path.Ext(rel), ".md") {
		return "", tool.Inputf("path %q is not a Markdown file: specs are written as .md", p)
	}
	return rel, nil
}

// writeSpec writes content to rel inside repo, atomically (a temporary
// file renamed over the target), refusing to replace an existing file
// unless overwrite, and refusing any directory on the way that resolves
// outside the repository through a symlink.
func writeSpec(repo, state, rel, content string, overwrite bool) error {
	if _, err := insideRepo(repo, state, rel); err != nil {
		return err
	}
	realRepo, err := filepath.EvalSymlinks(repo)
	if err != nil {
		return fmt.Errorf("resolve the repository %s: %w", repo, err)
	}
	abs := filepath.Join(repo, filepath.FromSlash(rel))
	dir := filepath.Dir(abs)
	if err := checkAncestors(realRepo, state, dir, rel); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", path.Dir(rel), err)
	}
	if err := checkAncestors(realRepo, state, dir, rel); err != nil { // raced with a symlink
		return err
	}
	if fi, err := os.Lstat(abs); err == nil {
		if fi.Mode()&fs.ModeSymlink != 0 {
			return tool.Inputf("%s is a symlink: devai does not write through links; remove it or choose another path", rel)
		}
		if fi.IsDir() {
			return tool.Inputf("%s is a directory: give a file path", rel)
		}
		if !overwrite {
			return tool.Inputf("%s already exists: pass overwrite: true to replace it, or choose another title or path; nothing was written", rel)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("check %s: %w", rel, err)
	}
	tmp, err := os.CreateTemp(dir, ".devai-spec-*.md")
	if err != nil {
		return fmt.Errorf("write %s: %w", rel, err)
	}
	defer os.Remove(tmp.Name()) // a no-op after the rename
	if _, err := tmp.WriteString(content); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", rel, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", rel, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", rel, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", rel, err)
	}
	if !overwrite {
		// Link fails if the target appeared meanwhile: never replace a file
		// the caller did not agree to replace.
		if err := os.Link(tmp.Name(), abs); err != nil {
			if errors.Is(err, fs.ErrExist) {
				return tool.Inputf("%s already exists: pass overwrite: true to replace it; nothing was written", rel)
			}
			return fmt.Errorf("write %s: %w", rel, err)
		}
		return nil
	}
	if err := os.Rename(tmp.Name(), abs); err != nil {
		return fmt.Errorf("write %s: %w", rel, err)
	}
	return nil
}

// checkAncestors resolves the deepest existing ancestor of dir and makes
// sure it lies inside the (resolved) repository, and not in .git or the
// state directory by way of a symlink.
func checkAncestors(realRepo, state, dir, rel string) error {
	d := dir
	for {
		if _, err := os.Lstat(d); err == nil {
			break
		}
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	real, err := filepath.EvalSymlinks(d)
	if err != nil {
		return fmt.Errorf("resolve %s: %w", d, err)
	}
	r, err := filepath.Rel(realRepo, real)
	if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return tool.Inputf("%s would be written through a symlink that leads outside the repository (%s): choose another path; nothing was written", rel, real)
	}
	return forbiddenPlace(realRepo, state, real, rel)
}

// forbiddenPlace refuses abs (a path inside repo) when it lies in .git or
// in devai's state directory: the one the index uses (--state-dir, which
// may sit in the repository under any name) and <repo>/.devai, where the
// repository's prompt overrides live wherever the state is. A spec written
// there would replace devai's own files (a prompt, a proposal, the index),
// so no request may put one there. Names compare without case, as a
// case-insensitive file system does.
func forbiddenPlace(repo, state, abs, shown string) error {
	inside := func(dir string) bool {
		r, err := filepath.Rel(dir, abs)
		return err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator)) && !filepath.IsAbs(r)
	}
	rel, err := filepath.Rel(repo, abs)
	if err == nil {
		switch first := strings.SplitN(filepath.ToSlash(rel), "/", 2)[0]; {
		case strings.EqualFold(first, ".git"):
			return tool.Inputf("path %q is inside .git: %s", shown, whereSpecsGo)
		case strings.EqualFold(first, memory.StateDirName):
			return tool.Inputf("path %q is inside devai's state directory %s: %s", shown, memory.StateDirName, whereSpecsGo)
		}
	}
	if state == "" {
		return nil
	}
	for _, s := range resolvedAndAsGiven(state) {
		if inside(s) {
			return tool.Inputf("path %q is inside devai's state directory (%s): %s", shown, state, whereSpecsGo)
		}
	}
	return nil
}

// whereSpecsGo ends the refusals of forbiddenPlace.
const whereSpecsGo = "specs may be written anywhere in the work tree outside .git and devai's state directory, e.g. docs/specs/005-rate-limits.md; nothing was written"

// resolvedAndAsGiven is dir as given and, when it exists, with its
// symlinks resolved: a path may reach it either way.
func resolvedAndAsGiven(dir string) []string {
	out := []string{filepath.Clean(dir)}
	if real, err := filepath.EvalSymlinks(dir); err == nil && real != out[0] {
		out = append(out, real)
	}
	return out
}
