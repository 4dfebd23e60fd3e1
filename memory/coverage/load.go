package coverage

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/devaiops/devai/memory/walk"
)

// ErrUnknownFormat is returned for a file that is none of the formats.
var ErrUnknownFormat = errors.New("not a coverage format devai reads (Go coverprofile, LCOV, Cobertura XML, JaCoCo XML, coverage.py JSON)")

// Detect names the format of a coverage file from its first bytes (and its
// name, to break ties).
func Detect(name string, head []byte) (Format, error) {
	s := bytes.TrimSpace(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")))
	switch {
	case bytes.HasPrefix(s, []byte("mode:")):
		return FormatGo, nil
	case bytes.HasPrefix(s, []byte("{")):
		return FormatPy, nil
	case bytes.HasPrefix(s, []byte("<")):
		switch {
		case bytes.Contains(s, []byte("<report")) || bytes.Contains(s, []byte("JACOCO")):
			return FormatJaCoCo, nil
		case bytes.Contains(s, []byte("<coverage")):
			return FormatCobertura, nil
		}
		return "", fmt.Errorf("%s: XML, but neither a Cobertura <coverage> nor a JaCoCo <report>: %w", name, ErrUnknownFormat)
	}
	first, _, _ := bytes.Cut(s, []byte("\n"))
	for _, tag := range []string{"TN:", "SF:", "VER:"} {
		if bytes.HasPrefix(first, []byte(tag)) {
			return FormatLCOV, nil
		}
	}
	base := strings.ToLower(path.Base(filepath.ToSlash(name)))
	if strings.HasSuffix(base, ".coverprofile") || base == "coverage.out" || base == "cover.out" {
		return FormatGo, nil // a profile without its mode line; parseGo says so
	}
	if strings.HasSuffix(base, ".info") || strings.HasSuffix(base, ".lcov") {
		return FormatLCOV, nil
	}
	return "", fmt.Errorf("%s: %w", name, ErrUnknownFormat)
}

// Parse reads one coverage file's records, paths as written. Records that
// cannot be read become Problems and the rest is kept; an error means the
// format could not be recognised at all.
func Parse(name string, r io.Reader) (*Report, error) {
	br := bufio.NewReader(r)
	head, _ := br.Peek(4096)
	format, err := Detect(name, head)
	if err != nil {
		return nil, err
	}
	rep := &Report{Source: name, Format: format, Files: map[string]*File{}}
	parse := map[Format]func(io.Reader, *Report) error{
		FormatGo: parseGo, FormatLCOV: parseLCOV, FormatCobertura: parseCobertura,
		FormatJaCoCo: parseJaCoCo, FormatPy: parsePy,
	}[format]
	if err := parse(br, rep); err != nil {
		return rep, fmt.Errorf("read %s (%s): %w", name, format, err)
	}
	return rep, nil
}

// candidateNames are the file names coverage tools write by default.
var candidateNames = map[string]bool{
	"coverage.out": true, "cover.out": true, "coverprofile.out": true, "c.out": false,
	"lcov.info": true, "coverage.lcov": true, "coverage.xml": true, "cobertura.xml": true,
	"cobertura-coverage.xml": true, "jacoco.xml": true, "jacocotestreport.xml": true, "coverage.json": true,
}

// IsCandidate reports whether a file name is one coverage tools write by default.
func IsCandidate(name string) bool {
	base := strings.ToLower(path.Base(filepath.ToSlash(name)))
	return candidateNames[base] || strings.HasSuffix(base, ".coverprofile")
}

// Tree is what the path mapping and discovery need to know of a repository:
// its files (outside ignored folders), its Go modules and the coverage files
// lying in it.
type Tree struct {
	Root    string          // absolute
	files   map[string]bool // repo-relative, slash-separated
	byBase  map[string][]string
	modules map[string]string // module path → repo-relative directory ("" for the root)
	Found   []string          // coverage files found, repo-relative
}

// ScanTree walks root once, leaving out the folders the index leaves out
// (.gitignore, .devaiignore, vendored code, .git, .devai). Coverage files
// are often git-ignored themselves, so ignored *files* with a coverage name
// are still found; ignored folders are not entered.
func ScanTree(ctx context.Context, root string) (*Tree, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("scan %s for coverage files: %w", root, err)
	}
	ig, err := walk.NewIgnorer(abs)
	if err != nil {
		return nil, fmt.Errorf("scan %s for coverage files: %w", root, err)
	}
	t := &Tree{Root: abs, files: map[string]bool{}, byBase: map[string][]string{}, modules: map[string]string{}}
	err = filepath.WalkDir(abs, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // unreadable folders are left out, as the index does
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		rel, _ := filepath.Rel(abs, p)
		rel = filepath.ToSlash(rel)
		if rel == "." {
			return nil
		}
		if d.IsDir() {
			if ig.Ignored(rel, true) {
				return filepath.SkipDir
			}
			return nil
		}
		if IsCandidate(rel) {
			t.Found = append(t.Found, rel)
		}
		if ig.Ignored(rel, false) {
			return nil
		}
		t.files[rel] = true
		base := path.Base(rel)
		t.byBase[base] = append(t.byBase[base], rel)
		if base == "go.mod" {
			if mod := modulePath(p); mod != "" {
				t.modules[mod] = path.Dir(rel)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("scan %s for coverage files: %w", root, err)
	}
	for mod, dir := range t.modules {
		if dir == "." {
			t.modules[mod] = ""
		}
	}
	sort.Strings(t.Found)
	return t, nil
}

// modulePath reads the module line of a go.mod.
func modulePath(gomod string) string {
	data, err := os.ReadFile(gomod)
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if rest, ok := strings.CutPrefix(line, "module"); ok && (rest == "" || rest[0] == ' ' || rest[0] == '\t') {
			return strings.Trim(strings.TrimSpace(rest), `"`)
		}
	}
	return ""
}

// Resolve maps a path as a coverage file wrote it to a repository file.
// from is the coverage file (repo-relative); roots are extra source roots
// the file declares. It tries, in order: a Go import path under one of the
// repository's modules, an absolute path inside the repository, a path
// relative to the coverage file, to a root or to the repository, and
// finally the one repository file that ends with the longest tail of it.
func (t *Tree) Resolve(raw, from string, roots []string) (string, bool) {
	p := filepath.ToSlash(strings.TrimSpace(raw))
	if p == "" {
		return "", false
	}
	best := ""
	for mod := range t.modules {
		if (p == mod || strings.HasPrefix(p, mod+"/")) && len(mod) > len(best) {
			best = mod
		}
	}
	if best != "" {
		if rel := path.Join(t.modules[best], strings.TrimPrefix(p, best)); t.files[strings.TrimPrefix(rel, "/")] {
			return strings.TrimPrefix(rel, "/"), true
		}
	}
	rootSlash := filepath.ToSlash(t.Root)
	if path.IsAbs(p) || filepath.IsAbs(raw) {
		if rel, ok := strings.CutPrefix(p, rootSlash+"/"); ok && t.files[rel] {
			return rel, true
		}
	} else {
		bases := []string{path.Dir(from)}
		for _, r := range roots {
			r = filepath.ToSlash(r)
			if rel, ok := strings.CutPrefix(r, rootSlash); ok {
				bases = append(bases, strings.TrimPrefix(rel, "/"))
			} else if !path.IsAbs(r) {
				bases = append(bases, path.Join(path.Dir(from), r), r)
			}
		}
		bases = append(bases, "")
		for _, b := range bases {
			if rel := path.Clean(path.Join(b, p)); t.files[rel] {
				return rel, true
			}
		}
	}
	return t.bySuffix(p)
}

// bySuffix finds the one file whose path ends with the longest tail of p.
func (t *Tree) bySuffix(p string) (string, bool) {
	parts := strings.Split(strings.TrimPrefix(p, "/"), "/")
	cands := t.byBase[parts[len(parts)-1]]
	if len(cands) == 0 {
		return "", false
	}
	for k := len(parts); k >= 1; k-- {
		tail := strings.Join(parts[len(parts)-k:], "/")
		var match []string
		for _, c := range cands {
			if c == tail || strings.HasSuffix(c, "/"+tail) {
				match = append(match, c)
			}
		}
		if len(match) == 1 {
			return match[0], true
		}
		if len(match) > 1 {
			return "", false // ambiguous: do not guess
		}
	}
	return "", false
}

// Load reads the coverage file at file (absolute, or relative to the
// repository), maps its paths to the repository's files and checks each
// against the file as it is now: lines past the end are dropped and listed,
// and sources changed after the coverage file was written are named.
// Problems in the file are in the report; the error is for a file that
// cannot be opened or recognised.
func (t *Tree) Load(file string) (*Report, error) {
	abs := file
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(t.Root, file)
	}
	name := file
	if rel, err := filepath.Rel(t.Root, abs); err == nil && !strings.HasPrefix(rel, "..") {
		name = filepath.ToSlash(rel)
	}
	f, err := os.Open(abs)
	if err != nil {
		return nil, fmt.Errorf("open coverage file %s: %w", name, err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("open coverage file %s: %w", name, err)
	}
	raw, err := Parse(name, f)
	if raw == nil {
		return nil, err
	}
	raw.ModTime = info.ModTime()
	rep := &Report{Source: name, Format: raw.Format, ModTime: raw.ModTime, Files: map[string]*File{}, Problems: raw.Problems}
	from := name
	if filepath.IsAbs(from) {
		from = ""
	}
	for _, p := range raw.Paths() {
		rel, ok := t.Resolve(p, from, raw.sourceRoots)
		if !ok {
			rep.Unmapped = append(rep.Unmapped, p)
			continue
		}
		if old := rep.Files[rel]; old != nil {
			merge(old, raw.Files[p])
			continue
		}
		cf := raw.Files[p]
		cf.Path = rel
		rep.Files[rel] = cf
	}
	for _, p := range rep.Paths() {
		t.checkFresh(rep, rep.Files[p])
	}
	return rep, err
}

// merge adds b's records to a (one file reached by two spellings).
func merge(a, b *File) {
	for l, n := range b.Lines {
		a.hit(l, n)
	}
	for l, br := range b.Branches {
		a.branch(l, br.Covered, br.Total)
	}
	a.Funcs = append(a.Funcs, b.Funcs...)
	a.Blocks = append(a.Blocks, b.Blocks...)
}

// checkFresh compares a file's coverage with the file on disk.
func (t *Tree) checkFresh(rep *Report, f *File) {
	abs := filepath.Join(t.Root, filepath.FromSlash(f.Path))
	info, err := os.Stat(abs)
	if err != nil {
		return
	}
	st := Staleness{Path: f.Path}
	if d := info.ModTime().Sub(rep.ModTime); d > time.Second {
		st.NewerBy = d.Round(time.Second).String()
	}
	data, err := os.ReadFile(abs)
	if err == nil {
		st.FileLines = bytes.Count(data, []byte("\n"))
		if len(data) > 0 && data[len(data)-1] != '\n' {
			st.FileLines++
		}
		for l := range f.Lines {
			st.MaxCovered = max(st.MaxCovered, l)
			if l > st.FileLines {
				st.GoneLines = append(st.GoneLines, l)
				delete(f.Lines, l)
				delete(f.Branches, l)
			}
		}
		sort.Ints(st.GoneLines)
		kept := f.Blocks[:0]
		for _, b := range f.Blocks {
			if b.EndLine <= st.FileLines {
				kept = append(kept, b)
			}
		}
		f.Blocks = kept
	}
	if st.NewerBy != "" || len(st.GoneLines) > 0 {
		st.GoneCount = len(st.GoneLines)
		if len(st.GoneLines) > 20 {
			st.GoneLines = st.GoneLines[:20]
		}
		if len(st.GoneLines) == 0 {
			st.FileLines, st.MaxCovered = 0, 0
		}
		rep.Stale = append(rep.Stale, st)
	}
}
