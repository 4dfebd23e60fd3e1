package gaps

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/chunk"
	"github.com/devaiops/devai/memory/coverage"
	"github.com/devaiops/devai/memory/graph"
	"github.com/devaiops/devai/memory/history"
	"github.com/devaiops/devai/memory/textindex"
	"github.com/devaiops/devai/memory/walk"
	"github.com/devaiops/devai/tools/tool"
)

// analysis is everything one call needs, gathered once.
type analysis struct {
	ctx    context.Context
	ix     *memory.Index
	repo   string
	g      *graph.Graph
	code   []memory.ChunkInfo // code chunks with a symbol
	tests  []memory.ChunkInfo // test chunks with test names
	specs  []memory.ChunkInfo
	byPath map[string][]memory.ChunkInfo // code and test chunks per file
	// codeFiles are the indexed code files, to resolve test imports.
	codeFiles map[string]bool

	testFilesByDir map[string][]string // directory → its test files
	testHomes      map[string]string   // file → walk.TestHome, as asked
	cov            *coverageSet
	churn          map[string]int // repo-relative path → recent commits
	src            map[string][]string
	reqs           map[string]*reqInfo
	calleeCache    map[string][]graph.Node
	defaultsOf     map[string][]string // JavaScript file → the default exports it calls by a local name (jsDefaults)
	callerCache    map[string][]graph.Node

	summary       Summary         // the whole project
	scope         *textindex.Glob // the --path filter; nil: everything
	scopePath     string
	scoped        Summary // what scope selects
	coverageFiles []CoverageFile
	matrix        []Trace
	index         string
}

func newAnalysis(ctx context.Context, ix *memory.Index, in Input, opts Options) (*analysis, error) {
	a := &analysis{ctx: ctx, ix: ix, repo: ix.Repo(), g: ix.Graph(), byPath: map[string][]memory.ChunkInfo{},
		testFilesByDir: ix.TestFilesByDir(), codeFiles: map[string]bool{}, src: map[string][]string{}, calleeCache: map[string][]graph.Node{}, callerCache: map[string][]graph.Node{}}
	if in.Path != "" {
		g, err := textindex.CompileGlob(in.Path)
		if err != nil {
			return nil, tool.Inputf("path %q is not a valid glob (%v): use forms like internal/**/*.go", in.Path, err)
		}
		a.scope, a.scopePath = &g, in.Path
	}
	st := ix.Status()
	a.index = st.Label()
	for _, c := range ix.Chunks(nil) {
		switch c.Kind {
		case chunk.Spec:
			a.specs = append(a.specs, c)
		case chunk.Code:
			a.codeFiles[c.Path] = true
			if c.Symbol != "" && c.SymbolKind != "package" {
				a.code = append(a.code, c)
				a.byPath[c.Path] = append(a.byPath[c.Path], c)
			}
		case chunk.Test:
			if len(c.TestNames) > 0 {
				a.tests = append(a.tests, c)
			}
			if c.Symbol != "" && c.SymbolKind != "package" {
				a.byPath[c.Path] = append(a.byPath[c.Path], c)
			}
		}
	}
	for _, t := range a.tests {
		a.tally(t.Path, func(s *Summary) { s.Tests++ })
	}
	if len(a.tests) == 0 {
		a.summary.Notes = append(a.summary.Notes, "no tests are indexed: every significant symbol and requirement is a gap; start with the riskiest")
	}
	if err := a.loadCoverage(in.Coverage, opts.AllowOutside); err != nil {
		return nil, err
	}
	a.loadChurn(opts.ChurnWindow)
	return a, nil
}

// loadCoverage reads the named coverage files, or the ones found in the
// tree. A file that cannot be read is reported, not fatal, unless it was
// named and does not exist.
func (a *analysis) loadCoverage(named []string, allowOutside bool) error {
	tree, err := coverage.ScanTree(a.ctx, a.repo)
	if err != nil {
		a.summary.Notes = append(a.summary.Notes, fmt.Sprintf("coverage files not looked for: %v", err))
		return nil
	}
	files := tree.Found
	if len(named) > 0 {
		files = nil
		for _, p := range named {
			abs, err := inRepo(a.repo, p, allowOutside)
			if err != nil {
				return err
			}
			if _, err := os.Stat(abs); err != nil {
				return tool.Inputf("coverage file %q: %v; name an existing file (repo-relative), or leave coverage empty to use the ones found in the tree", p, err)
			}
			files = append(files, abs)
		}
	}
	set := &coverageSet{byPath: map[string][]*coverage.File{}}
	for _, f := range files {
		rep, err := tree.Load(f)
		cf := CoverageFile{Path: f}
		if rep == nil {
			cf.Error = err.Error()
			a.coverageFiles = append(a.coverageFiles, cf)
			continue
		}
		cf.Path, cf.Format, cf.Files = rep.Source, string(rep.Format), len(rep.Files)
		for _, p := range rep.Problems {
			cf.Problems = append(cf.Problems, p.String())
		}
		if len(cf.Problems) > 10 {
			cf.Problems = append(cf.Problems[:10], fmt.Sprintf("… %d more", len(rep.Problems)-10))
		}
		cf.Unmapped = rep.Unmapped
		if len(cf.Unmapped) > 10 {
			cf.Unmapped = append(cf.Unmapped[:10:10], fmt.Sprintf("… %d more", len(rep.Unmapped)-10))
		}
		var newest time.Time
		for _, p := range rep.Paths() {
			if info, err := os.Stat(filepath.Join(a.repo, p)); err == nil && info.ModTime().After(newest) {
				newest = info.ModTime()
			}
			set.byPath[p] = append(set.byPath[p], rep.Files[p])
		}
		if !newest.IsZero() {
			cf.Age = max(newest.Sub(rep.ModTime), 0).Round(time.Second).String()
		}
		for _, s := range rep.Stale {
			switch {
			case s.GoneCount > 0:
				cf.Stale = append(cf.Stale, fmt.Sprintf("%s: %d recorded lines past its end (it has %d lines now; the coverage is from another version, those lines were ignored)", s.Path, s.GoneCount, s.FileLines))
			default:
				cf.Stale = append(cf.Stale, fmt.Sprintf("%s: changed %s after the coverage file was written", s.Path, s.NewerBy))
			}
		}
		if len(cf.Stale) > 10 {
			cf.Stale = append(cf.Stale[:10:10], fmt.Sprintf("… %d more", len(rep.Stale)-10))
		}
		for _, p := range rep.Paths() {
			lc, lt := rep.LineCounts(p)
			bc, bt := rep.BranchCounts(p)
			a.tally(p, func(s *Summary) {
				s.LinesCovered += lc
				s.Lines += lt
				s.BranchesCovered += bc
				s.Branches += bt
			})
		}
		set.reports = append(set.reports, rep)
		a.coverageFiles = append(a.coverageFiles, cf)
	}
	if len(set.reports) > 0 {
		a.cov = set
	} else if len(files) == 0 {
		a.summary.Notes = append(a.summary.Notes, "no coverage file found (looked for coverage.out, *.coverprofile, lcov.info, coverage.xml, cobertura.xml, jacoco.xml, coverage.json); untested symbols come from the symbol graph alone. Run `go test -coverprofile=coverage.out ./...` (or `devai gaps --run`) for uncovered branches")
	}
	return nil
}

// loadChurn counts recent commits per file, when the repository has git
// history.
func (a *analysis) loadChurn(window time.Duration) {
	if window <= 0 {
		window = 90 * 24 * time.Hour
	}
	repo, err := history.Open(a.repo)
	if err != nil {
		a.summary.Churn = "none: not a git repository"
		return
	}
	last, err := repo.Log(a.ctx, history.LogOptions{Max: 1})
	if err != nil || len(last) == 0 {
		a.summary.Churn = "none: no commits"
		return
	}
	since := last[0].Time.Add(-window)
	churn, err := repo.Churn(a.ctx, since)
	if err != nil {
		a.summary.Churn = fmt.Sprintf("none: %v", err)
		return
	}
	prefix := ""
	if rel, err := filepath.Rel(repo.Dir(), a.repo); err == nil && rel != "." {
		prefix = filepath.ToSlash(rel) + "/"
	}
	a.churn = map[string]int{}
	for p, n := range churn {
		if rest, ok := strings.CutPrefix(p, prefix); ok {
			a.churn[rest] = n
		}
	}
	a.summary.Churn = fmt.Sprintf("git: commits per file since %s", since.Format("2006-01-02"))
}

// lines returns the current lines of a file (cached).
func (a *analysis) lines(p string) []string {
	if l, ok := a.src[p]; ok {
		return l
	}
	data, err := os.ReadFile(filepath.Join(a.repo, filepath.FromSlash(p)))
	var l []string
	if err == nil {
		l = strings.Split(string(data), "\n")
	}
	a.src[p] = l
	return l
}

// text is lines start..end of a file.
func (a *analysis) text(p string, start, end int) string {
	l := a.lines(p)
	if start < 1 || start > len(l) {
		return ""
	}
	end = min(end, len(l))
	return strings.Join(l[start-1:end], "\n")
}

// nearestTestFile is where a test for p belongs (walk.TestHome).
func (a *analysis) nearestTestFile(p string) string {
	if home, ok := a.testHomes[p]; ok {
		return home
	}
	if a.testHomes == nil {
		a.testHomes = map[string]string{}
	}
	a.testHomes[p] = walk.TestHome(p, a.testFilesByDir)
	return a.testHomes[p]
}

// tally counts something at path p in the project's summary and, when p is
// in the --path scope, in the scoped one, so the figures a filtered call
// reports describe what it selected.
func (a *analysis) tally(p string, f func(*Summary)) {
	f(&a.summary)
	if a.scope != nil && a.scope.Match(p) {
		f(&a.scoped)
	}
}

// finalSummary is the summary to report: the whole project's, or with a
// --path filter the scoped figures plus the project's for comparison.
func (a *analysis) finalSummary() (Summary, *Summary) {
	if a.scope == nil {
		return a.summary, nil
	}
	s := a.scoped
	s.Scope, s.Churn, s.Notes = a.scopePath, a.summary.Churn, a.summary.Notes
	whole := a.summary
	whole.Notes = nil
	return s, &whole
}
