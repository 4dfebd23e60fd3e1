package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"unicode"

	"golang.org/x/tools/cover"

	"github.com/devaiops/devai/memory/chunk"
)

// function is one function or method of the module with its coverage.
type function struct {
	Path      string // module-relative, slash-separated
	Line, End int    // the func keyword's line and the closing brace's
	Name      string // bare name
	Recv      string // receiver type name, "" for a function
	Stmts     int    // statements instrumented
	Covered   int    // of which ran
}

func (f function) untested() bool { return f.Covered == 0 }

func (f function) id() string {
	if f.Recv != "" {
		return path.Dir(f.Path) + ":" + f.Recv + "." + f.Name
	}
	return path.Dir(f.Path) + ":" + f.Name
}

// functions lists the module's functions that the coverage profile
// instruments: non-test files of packages the profile covers, without
// testdata, vendored or generated code, init functions and main.main, and
// without functions that have no statement.
func functions(tree, modPath string, profiles []*cover.Profile) ([]function, error) {
	blocks := map[string][]cover.ProfileBlock{}
	for _, p := range profiles {
		if rel, ok := strings.CutPrefix(p.FileName, modPath+"/"); ok {
			blocks[rel] = append(blocks[rel], p.Blocks...)
		}
	}
	var out []function
	err := filepath.WalkDir(tree, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(tree, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel != "." && skippedDir(d.Name()) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(rel, ".go") || strings.HasSuffix(rel, "_test.go") || blocks[rel] == nil {
			return nil
		}
		fns, err := fileFunctions(p, rel, blocks[rel])
		out = append(out, fns...)
		return err
	})
	sort.Slice(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].Line < out[j].Line
	})
	return out, err
}

func skippedDir(name string) bool {
	return name == "testdata" || name == "vendor" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")
}

func fileFunctions(abs, rel string, blocks []cover.ProfileBlock) ([]function, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, abs, nil, parser.SkipObjectResolution|parser.ParseComments)
	if err != nil {
		return nil, err
	}
	if ast.IsGenerated(f) {
		return nil, nil
	}
	var out []function
	for _, decl := range f.Decls {
		d, ok := decl.(*ast.FuncDecl)
		if !ok || d.Body == nil || (d.Recv == nil && (d.Name.Name == "init" || (f.Name.Name == "main" && d.Name.Name == "main"))) {
			continue
		}
		fn := function{Path: rel, Line: fset.Position(d.Pos()).Line, End: fset.Position(d.End()).Line, Name: d.Name.Name, Recv: chunk.GoReceiverType(d)}
		for _, b := range blocks {
			if b.StartLine >= fn.Line && b.EndLine <= fn.End {
				fn.Stmts += b.NumStmt
				if b.Count > 0 {
					fn.Covered += b.NumStmt
				}
			}
		}
		if fn.Stmts > 0 {
			out = append(out, fn)
		}
	}
	return out, nil
}

func countUntested(fns []function) int {
	n := 0
	for _, f := range fns {
		if f.untested() {
			n++
		}
	}
	return n
}

// testIdentifiers are the identifiers written anywhere in the module's
// _test.go files (outside testdata and vendor).
func testIdentifiers(tree string) (map[string]bool, error) {
	words := map[string]bool{}
	err := filepath.WalkDir(tree, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != tree && skippedDir(d.Name()) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, "_test.go") {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, w := range strings.FieldsFunc(string(data), func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_'
		}) {
			words[w] = true
		}
		return nil
	})
	return words, err
}

// item is one entry of an "untested" list: the functions it stands for
// (one for a function; the methods for a type).
type item struct {
	label string
	fns   []int // indexes into the module's functions
}

// naiveList is the baseline: every function whose name no test file
// mentions, the longest first (size is all it knows to rank by).
func naiveList(fns []function, mentioned map[string]bool) []item {
	var idx []int
	for i, f := range fns {
		if !mentioned[f.Name] {
			idx = append(idx, i)
		}
	}
	sort.SliceStable(idx, func(a, b int) bool {
		return fns[idx[a]].End-fns[idx[a]].Line > fns[idx[b]].End-fns[idx[b]].Line
	})
	out := make([]item, len(idx))
	for k, i := range idx {
		out[k] = item{label: fns[i].id(), fns: []int{i}}
	}
	return out
}

// gapEntry is one gap of devai's answer, as the bench reads it.
type gapEntry struct {
	Kind      string `json:"kind"`
	Path      string `json:"path"`
	StartLine int    `json:"start_line"`
	EndLine   int    `json:"end_line"`
	Symbol    string `json:"symbol"`
	Why       string `json:"why"`
}

// devaiList maps devai's untested gaps, in devai's order, to functions: the
// functions declared inside the gap's line range, or for a type the
// methods of that type in its package. A gap that maps to no instrumented
// function is left out of the scoring.
func devaiList(gaps []gapEntry, fns []function) []item {
	byPath := map[string][]int{}
	methods := map[string][]int{} // dir + ":" + receiver → methods
	for i, f := range fns {
		byPath[f.Path] = append(byPath[f.Path], i)
		if f.Recv != "" {
			k := path.Dir(f.Path) + ":" + f.Recv
			methods[k] = append(methods[k], i)
		}
	}
	var out []item
	for _, g := range gaps {
		if g.Kind != "untested" {
			continue
		}
		it := item{label: g.Symbol}
		for _, i := range byPath[g.Path] {
			if fns[i].Line >= g.StartLine && fns[i].Line <= g.EndLine {
				it.fns = append(it.fns, i)
			}
		}
		if len(it.fns) == 0 {
			name := g.Symbol[strings.LastIndexByte(g.Symbol, '.')+1:]
			it.fns = methods[path.Dir(g.Path)+":"+name]
		}
		if len(it.fns) > 0 {
			out = append(out, it)
		}
	}
	return out
}

// scores are the figures of one list against coverage.
type scores struct {
	Scored   int      `json:"scored"` // items that map to instrumented functions
	P10      float64  `json:"p10"`
	P20      float64  `json:"p20"`
	PAll     float64  `json:"p_all"`
	Recall   float64  `json:"recall"`    // truly untested functions the list names
	Flagged  int      `json:"flagged"`   // distinct functions the list names
	FalsePos []string `json:"false_pos"` // the first listed items that tests do run
}

// score rates a list: an item is right when every function it stands for
// is truly untested (0% of its statements ran). Precision at k is over the
// first k items (fewer when the list is shorter); recall is over all the
// module's truly untested functions.
func score(list []item, fns []function) scores {
	s := scores{Scored: len(list)}
	right := 0
	flagged := map[int]bool{}
	for k, it := range list {
		ok := true
		for _, i := range it.fns {
			flagged[i] = true
			ok = ok && fns[i].untested()
		}
		if ok {
			right++
		} else if len(s.FalsePos) < 10 {
			s.FalsePos = append(s.FalsePos, it.label)
		}
		if k+1 == 10 {
			s.P10 = ratio(right, 10)
		}
		if k+1 == 20 {
			s.P20 = ratio(right, 20)
		}
	}
	if len(list) < 10 {
		s.P10 = ratio(right, len(list))
	}
	if len(list) < 20 {
		s.P20 = ratio(right, len(list))
	}
	s.PAll = ratio(right, len(list))
	hit := 0
	for i := range flagged {
		if fns[i].untested() {
			hit++
		}
	}
	s.Flagged = len(flagged)
	s.Recall = ratio(hit, countUntested(fns))
	return s
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
