// Package coverage reads test coverage files in the formats tools write
// them in (Go coverprofile, LCOV, Cobertura XML, JaCoCo XML, coverage.py
// JSON) into one model: per repository file, the hits of each line and, where
// the format records them, of each branch and function. Paths are mapped back
// to repository-relative files (Go import paths through go.mod), and lines
// that no longer exist in the file are reported, never invented, so a
// profile from another commit is recognisable as such.
package coverage

import (
	"fmt"
	"sort"
	"time"
)

// Format names a coverage file format.
type Format string

// The formats Read understands.
const (
	FormatGo        Format = "go-coverprofile"
	FormatLCOV      Format = "lcov"
	FormatCobertura Format = "cobertura"
	FormatJaCoCo    Format = "jacoco"
	FormatPy        Format = "coverage.py-json"
)

// Report is what one coverage file says, with its paths mapped to the
// repository.
type Report struct {
	Source   string           `json:"source"` // the coverage file, repo-relative when inside the repo
	Format   Format           `json:"format"`
	ModTime  time.Time        `json:"mod_time,omitzero"`
	Files    map[string]*File `json:"-"` // keyed by repo-relative path
	Problems []Problem        `json:"problems,omitempty"`
	// Unmapped counts the records whose path matched no file in the
	// repository (another checkout, generated code, a deleted file).
	Unmapped []string `json:"unmapped,omitempty"`
	// Stale lists the files whose sources changed after the coverage file
	// was written, or whose recorded lines go past the end of the file.
	Stale []Staleness `json:"stale,omitempty"`

	sourceRoots []string // Cobertura <source> roots, for the path mapping
}

// Problem is one record that could not be read; the rest of the file was.
type Problem struct {
	Line int    `json:"line,omitempty"` // 1-based line of the coverage file, 0 when unknown
	Msg  string `json:"msg"`
}

func (p Problem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("line %d: %s", p.Line, p.Msg)
	}
	return p.Msg
}

// Staleness says why one file's coverage may not describe its current text.
type Staleness struct {
	Path       string `json:"path"`
	NewerBy    string `json:"newer_by,omitempty"`    // the source changed this long after the coverage file
	GoneLines  []int  `json:"gone_lines,omitempty"`  // recorded lines past the end of the file now (the first 20)
	GoneCount  int    `json:"gone_count,omitempty"`  // how many such lines
	FileLines  int    `json:"file_lines,omitempty"`  // lines in the file now
	MaxCovered int    `json:"max_covered,omitempty"` // highest line the coverage file records
}

// File is the coverage of one source file.
type File struct {
	Path     string         `json:"path"`
	Lines    map[int]int    `json:"-"` // line → hits; absent: not instrumented
	Branches map[int]Branch `json:"-"` // line → branch outcomes; only formats that record them
	Funcs    []Func         `json:"funcs,omitempty"`
	Blocks   []Block        `json:"-"` // Go: statement blocks as recorded
	// Tests names, per line, the tests that ran it, where the format keeps
	// per-test contexts (coverage.py --show-contexts).
	Tests map[int][]string `json:"-"`
}

// Branch counts the branch outcomes of one line.
type Branch struct {
	Covered int `json:"covered"`
	Total   int `json:"total"`
}

// Func is a function record (LCOV FN/FNDA, JaCoCo method, Cobertura method).
type Func struct {
	Name    string `json:"name"`
	Line    int    `json:"line"`
	EndLine int    `json:"end_line,omitempty"`
	Hits    int    `json:"hits"`
}

// Block is one Go coverprofile block: statements between two positions.
type Block struct {
	StartLine, StartCol, EndLine, EndCol int
	Stmts                                int
	Count                                int
}

func (r *Report) file(path string) *File {
	if r.Files == nil {
		r.Files = map[string]*File{}
	}
	f := r.Files[path]
	if f == nil {
		f = &File{Path: path, Lines: map[int]int{}}
		r.Files[path] = f
	}
	return f
}

func (r *Report) problemf(line int, format string, args ...any) {
	r.Problems = append(r.Problems, Problem{Line: line, Msg: fmt.Sprintf(format, args...)})
}

// hit records hits on a line, keeping the largest count seen: several
// records (blocks, test runs) may name the same line.
func (f *File) hit(line, n int) {
	if line <= 0 {
		return
	}
	if old, ok := f.Lines[line]; !ok || n > old {
		f.Lines[line] = n
	}
}

// branch adds a line's branches. Like hit, it ignores a line before the
// first: coverage.py names a function's entry and exit with line numbers
// below 1, and no line there can hold a branch.
func (f *File) branch(line, covered, total int) {
	if line <= 0 {
		return
	}
	if f.Branches == nil {
		f.Branches = map[int]Branch{}
	}
	b := f.Branches[line]
	b.Covered += covered
	b.Total += total
	f.Branches[line] = b
}

// Paths lists the files of the report, sorted.
func (r *Report) Paths() []string {
	out := make([]string, 0, len(r.Files))
	for p := range r.Files {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// LineCounts returns how many instrumented lines a file (or the whole report
// when path is "") has, and how many of them were hit.
func (r *Report) LineCounts(path string) (covered, total int) {
	for p, f := range r.Files {
		if path != "" && p != path {
			continue
		}
		for _, n := range f.Lines {
			total++
			if n > 0 {
				covered++
			}
		}
	}
	return covered, total
}

// BranchCounts is LineCounts for branches; total is 0 when the format
// records none.
func (r *Report) BranchCounts(path string) (covered, total int) {
	for p, f := range r.Files {
		if path != "" && p != path {
			continue
		}
		for _, b := range f.Branches {
			covered += b.Covered
			total += b.Total
		}
	}
	return covered, total
}

// Range is the hits of lines start..end of a file: how many instrumented
// lines there are, how many were hit, and the line ranges never hit.
func (f *File) Range(start, end int) (covered, total int, missed [][2]int) {
	if f == nil {
		return 0, 0, nil
	}
	run := [2]int{}
	for l := start; l <= end; l++ {
		n, ok := f.Lines[l]
		if !ok {
			continue
		}
		total++
		if n > 0 {
			covered++
			if run[0] != 0 {
				missed = append(missed, run)
				run = [2]int{}
			}
			continue
		}
		if run[0] == 0 {
			run[0] = l
		}
		run[1] = l
	}
	if run[0] != 0 {
		missed = append(missed, run)
	}
	return covered, total, missed
}

// Statements is the Go statement coverage of blocks that start within
// start..end: what `go tool cover -func` reports per function. ok is false
// when the file has no blocks there (not a Go profile, or not instrumented).
func (f *File) Statements(start, end int) (covered, total int, ok bool) {
	if f == nil {
		return 0, 0, false
	}
	for _, b := range f.Blocks {
		if b.StartLine < start || b.StartLine > end {
			continue
		}
		ok = true
		total += b.Stmts
		if b.Count > 0 {
			covered += b.Stmts
		}
	}
	return covered, total, ok
}
