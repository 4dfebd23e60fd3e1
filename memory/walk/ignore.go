package walk

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"

	"github.com/go-git/go-git/v5/plumbing/format/gitignore"
	"github.com/go-git/go-git/v5/plumbing/format/index"
)

// Names of the ignore files read in every directory, in increasing priority:
// a .devaiignore can re-include what .gitignore excludes at the same level.
const (
	gitIgnoreFile   = ".gitignore"
	devaiIgnoreFile = ".devaiignore"
)

// alwaysSkippedDirs are never walked and never reported: git's own store and
// devai's state directory.
var alwaysSkippedDirs = map[string]bool{".git": true, ".devai": true}

// Ignorer answers "would Walk leave this path out?" without walking: the
// file watcher asks it for every event. It applies .git/info/exclude and the
// .gitignore and .devaiignore files of every directory on the way down
// (nested files apply to their subtree; negations work), always leaves out
// .git/ and .devai/, and leaves out vendored directories. Paths under
// Options.LogPaths are let through, as Walk does.
//
// Ignore files are read lazily, once per directory; after one changes,
// build a new Ignorer (the watcher does). Safe for concurrent use.
type Ignorer struct {
	root     string   // absolute, cleaned
	logPaths []string // repo-relative, slash-separated
	skipDirs []string // repo-relative, slash-separated: never walked (Options.SkipDirs)

	mu   sync.Mutex
	dirs map[string]*dirRules // keyed by repo-relative directory, "" for the root

	trackedOnce sync.Once
	tracked     map[string]bool // files in git's index and their folders, repo-relative
}

// dirRules holds the patterns in force inside one directory: its parent's
// plus its own, lowest priority first, as gitignore.Matcher expects.
type dirRules struct {
	patterns  []gitignore.Pattern
	fromDevai []bool    // per pattern: it comes from a .devaiignore
	problems  []Skipped // ignore files that exist but could not be read
}

// NewIgnorer returns an Ignorer for the repository at root.
func NewIgnorer(root string) (*Ignorer, error) {
	return NewIgnorerFor(root, Options{})
}

// NewIgnorerFor returns an Ignorer that also lets opts.LogPaths through even
// when an ignore file excludes them, exactly as Walk(root, opts) does.
func NewIgnorerFor(root string, opts Options) (*Ignorer, error) {
	r, err := openRoot(root)
	if err != nil {
		return nil, err
	}
	logs, err := resolveLogPaths(r, opts.LogPaths)
	if err != nil {
		return nil, err
	}
	return newIgnorer(r.abs, logs, skipDirsIn(r.abs, opts.SkipDirs)), nil
}

func newIgnorer(rootAbs string, logPaths, skipDirs []string) *Ignorer {
	return &Ignorer{root: rootAbs, logPaths: logPaths, skipDirs: skipDirs, dirs: map[string]*dirRules{}}
}

// skipDirsIn keeps the folders of dirs that lie inside rootAbs (not the
// root itself), repo-relative; a symlink on either path is followed.
func skipDirsIn(rootAbs string, dirs []string) []string {
	rootReal := resolved(rootAbs)
	var out []string
	for _, d := range dirs {
		if !filepath.IsAbs(d) {
			d = filepath.Join(rootAbs, d)
		}
		for _, try := range [][2]string{{rootAbs, filepath.Clean(d)}, {rootReal, resolved(d)}} {
			rel, err := filepath.Rel(try[0], try[1])
			if err == nil && rel != "." && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
				out = append(out, filepath.ToSlash(rel))
				break
			}
		}
	}
	return out
}

// resolved is p with its symlinks followed, or p when that fails (a folder
// not made yet).
func resolved(p string) string {
	if real, err := filepath.EvalSymlinks(p); err == nil {
		return real
	}
	return filepath.Clean(p)
}

// skipsDir reports whether rel (repo-relative, slash-separated) is one of
// the SkipDirs or inside one.
func (ig *Ignorer) skipsDir(rel string) bool {
	for _, d := range ig.skipDirs {
		if rel == d || strings.HasPrefix(rel, d+"/") {
			return true
		}
	}
	return false
}

// Ignored reports whether Walk would leave relPath out before looking at
// its content: ignored by an ignore file (itself or any parent directory),
// inside .git/ or .devai/, or inside a vendored directory. relPath is
// repo-relative; either slash may be used. isDir says whether it names a
// directory, which matters for patterns such as "build/".
func (ig *Ignorer) Ignored(relPath string, isDir bool) bool {
	rel := cleanRel(relPath)
	if rel == "" {
		return false
	}
	parts := strings.Split(rel, "/")
	ancestorOut := false // an ancestor was excluded but let through on the way to a log path
	if ig.skipsDir(rel) {
		return true
	}
	for i := range parts {
		partIsDir := isDir || i < len(parts)-1
		if alwaysSkippedDirs[parts[i]] {
			return true
		}
		sub := strings.Join(parts[:i+1], "/")
		parentRel := strings.Join(parts[:i], "/")
		out := ancestorOut || ig.excluded(parentRel, parts[:i+1], partIsDir)
		if logRelationOf(sub, ig.logPaths) != logNone {
			// Log paths and the folders leading to them are walked whatever
			// the ignore files or the vendoring rules say.
			ancestorOut = out || (partIsDir && isVendored(sub+"/"))
			continue
		}
		if out || isVendored(vendorKey(sub, partIsDir)) {
			return true
		}
	}
	return false
}

// vendorKey is the string the vendoring rules see: directories end in "/".
func vendorKey(rel string, isDir bool) string {
	if isDir {
		return rel + "/"
	}
	return rel
}

// excluded matches one path against the rules in force in its parent.
func (ig *Ignorer) excluded(parentRel string, parts []string, isDir bool) bool {
	return ig.excludedBy(ig.rules(parentRel), parts, isDir)
}

// excludedBy matches one path (parts) against rules: the last pattern
// with an opinion wins, as in gitignore.Matcher. As in git, .gitignore and
// info/exclude do not hide a file git tracks (nor the folders on its
// way): a repository that commits logs/app.log beside a "*.log" rule
// still has it. A .devaiignore pattern hides it all the same: that file
// says what devai should not read.
func (ig *Ignorer) excludedBy(rules *dirRules, parts []string, isDir bool) bool {
	ps := rules.patterns
	for i := len(ps) - 1; i >= 0; i-- {
		if m := ps[i].Match(parts, isDir); m != gitignore.NoMatch {
			if m != gitignore.Exclude {
				return false
			}
			return rules.fromDevai[i] || !ig.isTracked(strings.Join(parts, "/"))
		}
	}
	return false
}

// isTracked reports whether rel is a file in git's index or a folder
// holding one. The index is read once; without one nothing is tracked.
func (ig *Ignorer) isTracked(rel string) bool {
	ig.trackedOnce.Do(func() { ig.tracked = readTracked(ig.root) })
	return ig.tracked[rel]
}

// readTracked reads the paths of git's index at the repository root, and
// the folders that hold them.
func readTracked(rootAbs string) map[string]bool {
	own, _ := gitDirs(rootAbs)
	f, err := os.Open(filepath.Join(own, "index"))
	if err != nil {
		return nil
	}
	defer f.Close()
	var idx index.Index
	if err := index.NewDecoder(bufio.NewReader(f)).Decode(&idx); err != nil {
		return nil
	}
	out := make(map[string]bool, len(idx.Entries))
	for _, e := range idx.Entries {
		for p := e.Name; p != "." && p != "" && !out[p]; p = path.Dir(p) {
			out[p] = true
		}
	}
	return out
}

// rules returns the patterns in force inside relDir, reading the ignore
// files of relDir and its parents on first use.
func (ig *Ignorer) rules(relDir string) *dirRules {
	ig.mu.Lock()
	defer ig.mu.Unlock()
	return ig.rulesLocked(relDir)
}

func (ig *Ignorer) rulesLocked(relDir string) *dirRules {
	if r, ok := ig.dirs[relDir]; ok {
		return r
	}
	var inherited []gitignore.Pattern
	var inheritedDevai []bool
	var domain []string
	r := &dirRules{}
	if relDir == "" {
		ps, problem := readGitExclude(ig.root)
		inherited, inheritedDevai = ps, make([]bool, len(ps))
		if problem != nil {
			r.problems = append(r.problems, *problem)
		}
	} else {
		parent := path.Dir(relDir)
		if parent == "." {
			parent = ""
		}
		parentRules := ig.rulesLocked(parent)
		inherited, inheritedDevai = parentRules.patterns, parentRules.fromDevai
		domain = strings.Split(relDir, "/")
	}
	own := inherited[:len(inherited):len(inherited)] // appending must copy, never share
	ownDevai := inheritedDevai[:len(inheritedDevai):len(inheritedDevai)]
	for _, name := range []string{gitIgnoreFile, devaiIgnoreFile} {
		rel := path.Join(relDir, name)
		ps, err := readPatternFile(filepath.Join(ig.root, filepath.FromSlash(rel)), domain)
		if err != nil {
			r.problems = append(r.problems, Skipped{Path: rel, Reason: unreadableReason(err)})
			continue
		}
		own = append(own, ps...)
		for range ps {
			ownDevai = append(ownDevai, name == devaiIgnoreFile)
		}
	}
	r.patterns, r.fromDevai = own, ownDevai
	ig.dirs[relDir] = r
	return r
}

// readPatternFile parses one ignore file. A missing file is no patterns.
func readPatternFile(abs string, domain []string) ([]gitignore.Pattern, error) {
	data, err := os.ReadFile(abs)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return parsePatterns(data, domain), nil
}

// parsePatterns turns ignore-file lines into patterns, skipping blanks and
// comments. Trailing spaces and CRLF endings are handled.
func parsePatterns(data []byte, domain []string) []gitignore.Pattern {
	var ps []gitignore.Pattern
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		line := strings.TrimSuffix(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		ps = append(ps, gitignore.ParsePattern(line, domain))
	}
	return ps
}

// readGitExclude reads .git/info/exclude, following a .git file (worktrees
// and submodules keep their git directory elsewhere) and its commondir.
func readGitExclude(rootAbs string) ([]gitignore.Pattern, *Skipped) {
	_, common := gitDirs(rootAbs)
	if common == "" {
		return nil, nil
	}
	ps, err := readPatternFile(filepath.Join(common, "info", "exclude"), nil)
	if err != nil {
		return nil, &Skipped{Path: ".git/info/exclude", Reason: unreadableReason(err)}
	}
	return ps, nil
}

// gitDirs are the repository's own git directory (its index) and the
// common one (info/exclude), following a .git file (worktrees and
// submodules keep their git directory elsewhere) and its commondir; both
// "" when .git is a file that names none.
func gitDirs(rootAbs string) (own, common string) {
	gitDir := filepath.Join(rootAbs, ".git")
	data, err := os.ReadFile(gitDir)
	if err != nil { // a folder, or nothing
		return gitDir, gitDir
	}
	line := strings.TrimSpace(string(data)) // a file: "gitdir: <path>"
	if !strings.HasPrefix(line, "gitdir:") {
		return "", ""
	}
	gitDir = strings.TrimSpace(strings.TrimPrefix(line, "gitdir:"))
	if !filepath.IsAbs(gitDir) {
		gitDir = filepath.Join(rootAbs, gitDir)
	}
	common = gitDir
	if c, err := os.ReadFile(filepath.Join(gitDir, "commondir")); err == nil {
		common = strings.TrimSpace(string(c))
		if !filepath.IsAbs(common) {
			common = filepath.Join(gitDir, common)
		}
	}
	return gitDir, common
}

// cleanRel normalises a repo-relative path to slash form without "./".
func cleanRel(p string) string {
	p = path.Clean(filepath.ToSlash(p))
	p = strings.TrimPrefix(p, "/")
	if p == "." {
		return ""
	}
	return p
}

// unreadableReason is the Skipped reason for an I/O error, without the
// absolute path the error usually carries.
func unreadableReason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		err = le.Err
	}
	return fmt.Sprintf("unreadable: %v", err)
}
