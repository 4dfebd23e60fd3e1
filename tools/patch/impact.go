package patch

import (
	"context"
	"fmt"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/chunk"
	"github.com/devaiops/devai/memory/history"
)

// decl is a top-level Go definition with its lines.
type decl struct {
	id, name, kind string
	start, end     int
}

// goDecls lists the definitions of a Go file the way the index chunks and
// names them (pkg.Recv.Name), so that the symbol graph knows the names. The
// file's content after the edits is not indexed, hence the split here.
func goDecls(p string, src []byte) []decl {
	kind := chunk.Code
	if strings.HasSuffix(p, "_test.go") {
		kind = chunk.Test
	}
	var out []decl
	for _, c := range chunk.Split(p, kind, "Go", src) {
		switch c.SymbolKind {
		case "func", "method", "type", "var", "const":
			out = append(out, decl{id: c.QualifiedSymbol(), name: c.Symbol, kind: c.SymbolKind, start: c.StartLine, end: c.EndLine})
		}
	}
	return out
}

func overlaps(start, end int, lines []int) bool {
	for _, l := range lines {
		if l >= start && l <= end {
			return true
		}
	}
	return false
}

func isGoTestName(name string) bool {
	for _, p := range []string{"Test", "Fuzz", "Example", "Benchmark"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// touched is what a change reaches.
type touched struct {
	symbols  []Symbol
	tests    []Test
	reqs     []string
	untested []string
}

// impact maps the changed lines to symbols (Go files parsed at base and
// after the edits; other files through the index's chunks), the tests that
// reference them (the symbol graph), and the requirements they carry.
func impact(ix *memory.Index, f *file, oldChanged, newChanged []int, t *touched) {
	seenSym := map[string]bool{}
	for _, s := range t.symbols {
		seenSym[s.Path+"#"+s.Symbol] = true
	}
	addSym := func(s Symbol) bool {
		key := s.Path + "#" + s.Symbol
		if seenSym[key] {
			return false
		}
		seenSym[key] = true
		t.symbols = append(t.symbols, s)
		return true
	}
	isTestFile := strings.HasSuffix(f.path, "_test.go")
	if strings.HasSuffix(f.path, ".go") {
		var newTests = map[string]bool{}
		if f.newExists {
			for _, d := range goDecls(f.path, f.new) {
				if isTestFile && d.kind == "func" && isGoTestName(d.name) {
					newTests[d.name] = true
				}
				if overlaps(d.start, d.end, newChanged) {
					addSym(Symbol{Symbol: d.id, Kind: d.kind, Path: f.path, StartLine: d.start, EndLine: d.end})
					if isTestFile && d.kind == "func" && isGoTestName(d.name) {
						addTest(t, Test{Name: d.name, Symbol: d.id, Path: f.path, Line: d.start, Package: path.Dir(f.path), Why: "changed by this proposal"})
					}
				}
			}
		}
		if f.oldExists {
			for _, d := range goDecls(f.path, f.old) {
				if overlaps(d.start, d.end, oldChanged) {
					if addSym(Symbol{Symbol: d.id, Kind: d.kind, Path: f.path, StartLine: d.start, EndLine: d.end}) &&
						isTestFile && d.kind == "func" && isGoTestName(d.name) && newTests[d.name] {
						addTest(t, Test{Name: d.name, Symbol: d.id, Path: f.path, Line: d.start, Package: path.Dir(f.path), Why: "changed by this proposal"})
					}
				}
			}
		}
	} else if ix != nil && f.oldExists {
		for _, c := range ix.Chunks(func(c memory.ChunkInfo) bool { return c.Path == f.path && c.Symbol != "" }) {
			if overlaps(c.StartLine, c.EndLine, oldChanged) {
				addSym(Symbol{Symbol: c.Symbol, Kind: c.SymbolKind, Path: c.Path, StartLine: c.StartLine, EndLine: c.EndLine, URI: c.URI})
				t.reqs = append(t.reqs, c.Requirements...)
			}
		}
	}
}

func addTest(t *touched, tt Test) {
	for _, x := range t.tests {
		if x.Path == tt.Path && x.Name == tt.Name {
			return
		}
	}
	t.tests = append(t.tests, tt)
}

// resolve fills URIs, requirements and impacted tests from the index.
func resolve(ix *memory.Index, t *touched, deleted map[string]bool) {
	if ix == nil {
		return
	}
	g := ix.Graph()
	for i, s := range t.symbols {
		if c, ok := ix.ChunkAt(s.Path, s.StartLine); ok {
			if t.symbols[i].URI == "" {
				t.symbols[i].URI = c.URI
			}
			t.reqs = append(t.reqs, c.Requirements...)
		}
		if strings.HasSuffix(s.Path, "_test.go") || g == nil {
			continue
		}
		tests := g.TestsFor(s.Symbol)
		found := 0
		for _, n := range tests {
			if !n.Test || deleted[n.Path] {
				continue
			}
			found++
			pkg := ""
			if strings.HasSuffix(n.Path, ".go") {
				pkg = path.Dir(n.Path)
			}
			name := n.Name
			if pkg != "" && !isGoTestName(name) {
				continue
			}
			addTest(t, Test{Name: name, Symbol: n.ID, Path: n.Path, Line: n.StartLine, Package: pkg, Why: "references " + s.Symbol})
			if c, ok := ix.ChunkAt(n.Path, n.StartLine); ok {
				t.reqs = append(t.reqs, c.Requirements...)
			}
		}
		if found == 0 && s.Kind != "" && s.Kind != "const" && s.Kind != "var" && s.Kind != "import" {
			t.untested = append(t.untested, s.Symbol)
		}
	}
}

// riskOf sizes the change and looks up how often its files change.
func riskOf(ctx context.Context, repoDir string, files []FileChange, untested []string, now time.Time) Risk {
	r := Risk{Files: len(files), Churn: map[string]int{}, Untested: untested}
	if r.Untested == nil {
		r.Untested = []string{}
	}
	var paths []string
	for _, f := range files {
		r.LinesChanged += f.Added + f.Removed
		paths = append(paths, f.Path)
	}
	maxChurn := 0
	if repo, err := history.Open(repoDir); err == nil {
		ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		commits, err := repo.Log(ctx, history.LogOptions{Paths: paths, Since: now.AddDate(0, 0, -90)})
		cancel()
		if err == nil {
			want := map[string]bool{}
			for _, p := range paths {
				want[p] = true
			}
			for _, c := range commits {
				for _, fc := range c.Files {
					if want[fc.Path] {
						r.Churn[fc.Path]++
						maxChurn = max(maxChurn, r.Churn[fc.Path])
					}
				}
			}
		}
	}
	var why []string
	score := 0
	switch {
	case r.LinesChanged > 200 || r.Files > 10:
		score += 2
		why = append(why, fmt.Sprintf("a large change (%d lines in %d files)", r.LinesChanged, r.Files))
	case r.LinesChanged > 40 || r.Files > 3:
		score++
		why = append(why, fmt.Sprintf("a medium change (%d lines in %d files)", r.LinesChanged, r.Files))
	default:
		why = append(why, fmt.Sprintf("a small change (%d lines in %d files)", r.LinesChanged, r.Files))
	}
	if maxChurn >= 5 {
		score++
		why = append(why, fmt.Sprintf("in code that changed often lately (up to %d commits in 90 days)", maxChurn))
	}
	if len(untested) > 0 {
		score++
		sort.Strings(r.Untested)
		why = append(why, fmt.Sprintf("touching %d symbol(s) no test references (%s)", len(untested), strings.Join(firstN(r.Untested, 3), ", ")))
	}
	r.Level = []string{"low", "medium", "high", "high"}[min(score, 3)]
	r.Note = strings.Join(why, ", ") + "; coverage files were not consulted."
	return r
}

func firstN(s []string, n int) []string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
