// Package gaps is find_test_gaps (TestAgent): where the project's tests
// leave holes, most dangerous first, with what an assistant needs to write
// the missing test. It finds four kinds of gap: symbols no test reaches (the
// symbol graph, confirmed or overruled by coverage when a coverage file
// exists), code that coverage files say never ran, requirements (IDs, and
// ID-less "shall" statements) that no test names or quotes, and tests that
// cite requirements no spec defines or use names their modules lost. The plain API
// here is shared by `devai gaps` and the MCP binding in mcp.go.
package gaps

import (
	"context"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/coverage"
	"github.com/devaiops/devai/memory/textindex"
	"github.com/devaiops/devai/tools/tool"
)

// Gap kinds.
const (
	KindUntested   = "untested"   // a symbol no test reaches
	KindUncovered  = "uncovered"  // code a coverage file says never ran
	KindUnverified = "unverified" // a requirement no test names
	KindOrphan     = "orphan"     // a test citing a requirement no spec defines, or using a name its module lost
)

var allKinds = []string{KindUntested, KindUncovered, KindUnverified, KindOrphan}

// Limits of one call.
const (
	DefaultLimit = 20
	MaxLimit     = 500
)

// Input is one find_test_gaps call.
type Input struct {
	Path     string   `json:"path,omitempty" jsonschema:"Only gaps in paths matching this glob, e.g. internal/**/*.go."`
	Kinds    []string `json:"kinds,omitempty" jsonschema:"Only these gap kinds: untested, uncovered, unverified, orphan. Empty: all."`
	MinRisk  float64  `json:"min_risk,omitempty" jsonschema:"Only gaps with at least this risk (0 to 100)."`
	Limit    int      `json:"limit,omitempty" jsonschema:"Gaps to return, most risky first, 1 to 500 (default 20)."`
	Coverage []string `json:"coverage,omitempty" jsonschema:"Coverage files to read (repo-relative). Empty: the usual names found in the tree (coverage.out, *.coverprofile, lcov.info, coverage.xml, cobertura.xml, jacoco.xml, coverage.json)."`
}

// Options are the settings of the caller, not of the call.
type Options struct {
	// AllowOutside lets Coverage name files outside the repository (the
	// CLI); the MCP tool keeps them inside it.
	AllowOutside bool
	// ChurnWindow is how far back recent churn counts (default 90 days
	// before the newest commit).
	ChurnWindow time.Duration
}

// Gap is one hole in the tests.
type Gap struct {
	Kind        string   `json:"kind" jsonschema:"untested, uncovered, unverified or orphan."`
	URI         string   `json:"uri" jsonschema:"devai:// URI of the code, spec or test, with its line range."`
	Path        string   `json:"path"`
	StartLine   int      `json:"start_line"`
	EndLine     int      `json:"end_line"`
	Symbol      string   `json:"symbol,omitempty" jsonschema:"The function, method or type (untested, uncovered), or the test (orphan)."`
	Requirement string   `json:"requirement,omitempty" jsonschema:"The requirement ID (unverified, orphan)."`
	Statement   string   `json:"statement,omitempty" jsonschema:"An EARS shall sentence with no requirement ID (unverified)."`
	Why         string   `json:"why" jsonschema:"Why this is a gap, with the evidence."`
	Lines       [][2]int `json:"lines,omitempty" jsonschema:"Uncovered line ranges, inclusive."`
	Risk        float64  `json:"risk" jsonschema:"0 to 100: impact × likelihood."`
	Driver      string   `json:"driver" jsonschema:"The factor that drove the risk most."`
	Factors     []Factor `json:"factors"`
	// What the test writer needs.
	NearestTestFile string   `json:"nearest_test_file,omitempty" jsonschema:"Where a new test belongs."`
	ModelTest       string   `json:"model_test,omitempty" jsonschema:"A similar existing test to model the new one on (devai:// URI)."`
	ModelTestName   string   `json:"model_test_name,omitempty"`
	SuggestedTest   string   `json:"suggested_test,omitempty" jsonschema:"A name for the missing test."`
	Requirements    []string `json:"requirements,omitempty" jsonschema:"Requirements the code implements or the test cites."`
	Tests           []string `json:"tests,omitempty" jsonschema:"Tests that reference the code but do not run these lines (uncovered)."`
}

// Factor is one named input of the risk score.
type Factor struct {
	Name   string  `json:"name" jsonschema:"size, complexity, fan_in, churn, coverage, spec, exported."`
	Value  float64 `json:"value" jsonschema:"The measured value (lines, branches, callers, commits, uncovered fraction, requirements)."`
	Weight float64 `json:"weight" jsonschema:"Its multiplier in the score (1 = neutral)."`
	Note   string  `json:"note,omitempty"`
}

// Trace is one row of the traceability matrix: a requirement, the tests
// that name it and the code that cites it.
type Trace struct {
	Requirement string   `json:"requirement"`
	Spec        string   `json:"spec" jsonschema:"Where it is defined (devai:// URI)."`
	Tests       []string `json:"tests,omitempty" jsonschema:"Tests that name it (qualified names)."`
	Code        []string `json:"code,omitempty" jsonschema:"Code that cites it (qualified symbols)."`
	Verified    bool     `json:"verified"`
}

// CoverageFile is what was read from one coverage file.
type CoverageFile struct {
	Path     string   `json:"path"`
	Format   string   `json:"format"`
	Files    int      `json:"files" jsonschema:"Source files it covers."`
	Age      string   `json:"age,omitempty" jsonschema:"How much older it is than the newest source it covers (0s: not older)."`
	Stale    []string `json:"stale,omitempty" jsonschema:"Sources changed since, or lines it records that no longer exist."`
	Problems []string `json:"problems,omitempty" jsonschema:"Records that could not be read (the rest was)."`
	Unmapped []string `json:"unmapped,omitempty" jsonschema:"Paths in it that match no file here (first 10)."`
	Error    string   `json:"error,omitempty"`
}

// Summary is the state of the tests as a whole.
type Summary struct {
	Symbols              int      `json:"symbols" jsonschema:"Significant symbols considered."`
	SymbolsTested        int      `json:"symbols_tested"`
	Requirements         int      `json:"requirements"`
	RequirementsVerified int      `json:"requirements_verified"`
	Statements           int      `json:"statements,omitempty" jsonschema:"EARS shall sentences in specs with no requirement ID."`
	StatementsVerified   int      `json:"statements_verified,omitempty" jsonschema:"Those a test quotes in full."`
	Tests                int      `json:"tests"`
	LinesCovered         int      `json:"lines_covered,omitempty"`
	Lines                int      `json:"lines,omitempty" jsonschema:"Instrumented lines in the coverage files (0: no coverage read)."`
	BranchesCovered      int      `json:"branches_covered,omitempty"`
	Branches             int      `json:"branches,omitempty"`
	Scope                string   `json:"scope,omitempty" jsonschema:"The path glob these figures are restricted to (empty: the whole project)."`
	Churn                string   `json:"churn" jsonschema:"Where churn came from, or why it is missing."`
	Notes                []string `json:"notes,omitempty"`
}

// Output is the answer to one call.
type Output struct {
	Gaps     []Gap          `json:"gaps"`
	Total    int            `json:"total" jsonschema:"Gaps found before the limit."`
	ByKind   map[string]int `json:"by_kind"`
	Summary  Summary        `json:"summary" jsonschema:"Figures for what path selects (the whole project when path is empty)."`
	Project  *Summary       `json:"project,omitempty" jsonschema:"The whole project's figures, when path restricts the summary."`
	Coverage []CoverageFile `json:"coverage_files"`
	Matrix   []Trace        `json:"matrix" jsonschema:"Traceability: requirement → tests → code."`
	Index    string         `json:"index"`
}

// Validate checks in and fills its defaults.
func Validate(in *Input) error {
	in.Path = strings.TrimSpace(in.Path)
	if in.Path != "" {
		if _, err := textindex.CompileGlob(in.Path); err != nil {
			return tool.Inputf("path %q is not a valid glob (%v): use forms like internal/**/*.go", in.Path, err)
		}
	}
	for _, k := range in.Kinds {
		if !contains(allKinds, k) {
			return tool.Inputf("unknown gap kind %q: use any of %s (or leave kinds empty for all)", k, strings.Join(allKinds, ", "))
		}
	}
	if in.MinRisk < 0 || in.MinRisk > 100 {
		return tool.Inputf("min_risk %g is out of range: use 0 to 100", in.MinRisk)
	}
	switch {
	case in.Limit < 0 || in.Limit > MaxLimit:
		return tool.Inputf("limit %d is out of range: use 1 to %d", in.Limit, MaxLimit)
	case in.Limit == 0:
		in.Limit = DefaultLimit
	}
	return nil
}

// Run finds the gaps.
func Run(ctx context.Context, ix *memory.Index, in Input, opts Options) (Output, error) {
	if err := Validate(&in); err != nil {
		return Output{}, err
	}
	a, err := newAnalysis(ctx, ix, in, opts)
	if err != nil {
		return Output{}, err
	}
	var gaps []Gap
	gaps = append(gaps, a.symbolGaps()...)
	gaps = append(gaps, a.requirementGaps()...)
	gaps = append(gaps, a.statementGaps()...)
	gaps = append(gaps, a.symbolOrphans()...)
	if err := ctx.Err(); err != nil {
		return Output{}, err
	}
	sum, project := a.finalSummary()
	out := Output{ByKind: map[string]int{}, Summary: sum, Project: project, Coverage: a.coverageFiles, Matrix: a.matrix, Index: a.index}
	var glob textindex.Glob
	if in.Path != "" {
		glob, _ = textindex.CompileGlob(in.Path)
	}
	for _, g := range gaps {
		if len(in.Kinds) > 0 && !contains(in.Kinds, g.Kind) {
			continue
		}
		if in.Path != "" && !glob.Match(g.Path) {
			continue
		}
		if g.Risk < in.MinRisk {
			continue
		}
		out.Gaps = append(out.Gaps, g)
		out.ByKind[g.Kind]++
	}
	sort.SliceStable(out.Gaps, func(i, j int) bool {
		a, b := out.Gaps[i], out.Gaps[j]
		if a.Risk != b.Risk {
			return a.Risk > b.Risk
		}
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		return a.StartLine < b.StartLine
	})
	out.Total = len(out.Gaps)
	if len(out.Gaps) > in.Limit {
		out.Gaps = out.Gaps[:in.Limit]
	}
	if out.Gaps == nil {
		out.Gaps = []Gap{}
	}
	return out, nil
}

// inRepo resolves a coverage path and refuses one outside the repository
// unless allowed.
func inRepo(repo, p string, allowOutside bool) (string, error) {
	abs := p
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(repo, p)
	}
	abs = filepath.Clean(abs)
	rel, err := filepath.Rel(repo, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		if !allowOutside {
			return "", tool.Inputf("coverage file %q is outside the repository: name a file inside it (repo-relative), or run devai gaps --coverage locally", p)
		}
	}
	return abs, nil
}

// coverageSet is the coverage files read, merged per source file.
type coverageSet struct {
	reports []*coverage.Report
	byPath  map[string][]*coverage.File
}

func (c *coverageSet) files(path string) []*coverage.File {
	if c == nil {
		return nil
	}
	return c.byPath[path]
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
