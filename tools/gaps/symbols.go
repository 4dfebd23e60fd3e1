package gaps

import (
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"
	"unicode"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/coverage"
	"github.com/devaiops/devai/memory/graph"
	"github.com/devaiops/devai/memory/walk"
	"github.com/devaiops/devai/tools/tool"
)

// behaviour are the symbol kinds a test can exercise. Constants, variables,
// fields and sections are not test targets.
var behaviour = map[string]bool{
	"func": true, "method": true, "function": true, "constructor": true, "class": true,
	"type": true, "struct": true, "interface": true, "trait": true, "impl": true, "enum": true,
}

// significantLines is the size from which an unexported function counts as
// worth a test of its own even though nothing outside its package calls it.
const significantLines = 25

// symbolGaps finds untested symbols and uncovered code, and counts the
// symbols for the summary.
func (a *analysis) symbolGaps() []Gap {
	var out []Gap
	methodsOf := map[string][]string{} // type ID → its method IDs
	for _, c := range a.code {
		if c.SymbolKind == "method" {
			if i := strings.LastIndexByte(c.Symbol, '.'); i > 0 {
				methodsOf[c.Symbol[:i]] = append(methodsOf[c.Symbol[:i]], c.Symbol)
			}
		}
	}
	testedCache := map[string][]graph.Node{}
	testsFor := func(id string) []graph.Node {
		if t, ok := testedCache[id]; ok {
			return t
		}
		t := a.testsFor(id)
		testedCache[id] = t
		return t
	}
	reach := a.testReach().ids
	for i, c := range a.code {
		if i%256 == 0 && a.ctx.Err() != nil {
			return out
		}
		if !behaviour[c.SymbolKind] || skippedPath(c.Path) {
			continue
		}
		exported := isExported(c)
		isType := !isCallable(c.SymbolKind)
		if isType && (!exported || len(methodsOf[c.Symbol]) == 0) {
			continue // data types are tested through the code that uses them
		}
		size := c.EndLine - c.StartLine + 1
		if !exported && size < significantLines {
			continue
		}
		if c.Language == "Go" && c.Symbol == "main.main" {
			continue
		}
		tests := testsFor(c.Symbol)
		if isType {
			for _, m := range methodsOf[c.Symbol] {
				tests = append(tests, testsFor(m)...)
			}
		}
		if typ, ok := constructs(c); ok && len(tests) == 0 {
			// new DateTime(…) names the class, not its constructor.
			tests = testsFor(typ)
			reach[c.Symbol] = reach[c.Symbol] || reach[typ]
		}
		if len(tests) == 0 && !reach[c.Symbol] && a.calledInOwnTestFile(c) {
			reach[c.Symbol] = true
		}
		cov := a.coverageOf(c.Path, c.StartLine, c.EndLine, c.Language)
		a.tally(c.Path, func(s *Summary) { s.Symbols++ })
		switch {
		case isType:
			if len(tests) > 0 || cov.covered > 0 || reach[c.Symbol] {
				a.tally(c.Path, func(s *Summary) { s.SymbolsTested++ })
				continue
			}
			out = append(out, a.untestedGap(c, nil, cov, fmt.Sprintf("no test reaches the type %s or any of its %d methods", c.Symbol, len(methodsOf[c.Symbol]))))
		case cov.known() && cov.covered == 0:
			why := fmt.Sprintf("no test reaches it (symbol graph), and the coverage shows none of its %d instrumented lines ran", cov.total)
			if len(tests) > 0 {
				why = fmt.Sprintf("tests reference it (%s), but the coverage shows none of its %d instrumented lines ran", nodeNames(tests, 3), cov.total)
			}
			out = append(out, a.untestedGap(c, tests, cov, why))
		case cov.known() && len(cov.missed) > 0:
			a.tally(c.Path, func(s *Summary) { s.SymbolsTested++ })
			if !isType {
				out = append(out, a.uncoveredGap(c, tests, cov))
			}
		case cov.known():
			a.tally(c.Path, func(s *Summary) { s.SymbolsTested++ })
		case len(tests) == 0 && reach[c.Symbol]:
			// Reached through a longer chain of references.
			a.tally(c.Path, func(s *Summary) { s.SymbolsTested++ })
		case len(tests) == 0:
			why := "no test reaches it through any chain of calls or references (symbol graph)"
			if a.cov != nil && c.Language == "Go" {
				why += "; no coverage file covers this file"
			}
			out = append(out, a.untestedGap(c, nil, cov, why))
		default:
			a.tally(c.Path, func(s *Summary) { s.SymbolsTested++ })
		}
	}
	return out
}

// constructs reports whether c is its type's constructor (JavaScript's
// constructor, Python's __init__ and __new__, a Java or Kotlin method named
// after its class), and which type: code builds one by naming the type.
func constructs(c memory.ChunkInfo) (typ string, ok bool) {
	i := strings.LastIndexByte(c.Symbol, '.')
	if i <= 0 || !isCallable(c.SymbolKind) {
		return "", false
	}
	typ, name := c.Symbol[:i], c.Symbol[i+1:]
	switch name {
	case "constructor", "__init__", "__new__":
		return typ, true
	}
	return typ, name == typ[strings.LastIndexByte(typ, '.')+1:]
}

func isCallable(kind string) bool {
	switch kind {
	case "func", "method", "function", "constructor":
		return true
	}
	return false
}

// skippedPath leaves out code no test suite is expected to cover:
// fixtures, usage examples (examples/, samples/: retrofit's sample Crawler
// ranked among its riskiest gaps), CI scripts and generated code.
func skippedPath(p string) bool {
	return strings.HasPrefix(p, "testdata/") || strings.Contains(p, "/testdata/") || walk.IsExample(p) || walk.IsCIScript(p) ||
		strings.HasSuffix(p, ".pb.go") || strings.HasSuffix(p, "_generated.go") || strings.Contains(p, "zz_generated")
}

// isExported follows the language's convention: Go's capital letter,
// Python's and JavaScript's leading underscore.
func isExported(c memory.ChunkInfo) bool {
	name := c.Symbol
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	if name == "" {
		return false
	}
	if c.Language == "Go" {
		if c.SymbolKind == "method" {
			// A method of an unexported type is not part of the API.
			parts := strings.Split(c.Symbol, ".")
			if len(parts) >= 3 && !unicode.IsUpper([]rune(parts[len(parts)-2])[0]) {
				return false
			}
		}
		return unicode.IsUpper([]rune(name)[0])
	}
	return !strings.HasPrefix(name, "_") && !strings.HasPrefix(name, "#")
}

var importTime = regexp.MustCompile(`^\s*(async\s+def|def|class)\s|^\s*@`)

// covInfo is the coverage of a line range, merged over coverage files.
type covInfo struct {
	covered, total   int
	missed           [][2]int
	branchesMissed   int
	branchesTotal    int
	fromCoverageFile bool
}

func (c covInfo) known() bool { return c.fromCoverageFile && c.total > 0 }

func (a *analysis) coverageOf(p string, start, end int, language string) covInfo {
	files := a.cov.files(p)
	if len(files) == 0 {
		return covInfo{}
	}
	hits := map[int]int{}
	for _, f := range files {
		for l := start; l <= end; l++ {
			if n, ok := f.Lines[l]; ok {
				hits[l] = max(hits[l], n)
			}
		}
	}
	if language == "Python" {
		// A def, class or decorator line runs when the module is imported,
		// not when the function is called: it says nothing about tests.
		for l := range hits {
			if importTime.MatchString(a.text(p, l, l)) {
				delete(hits, l)
			}
		}
	}
	ci := covInfo{fromCoverageFile: true}
	merged := coverage.File{Lines: hits}
	ci.covered, ci.total, ci.missed = merged.Range(start, end)
	for _, f := range files {
		for l := start; l <= end; l++ {
			if b, ok := f.Branches[l]; ok {
				ci.branchesTotal += b.Total
				ci.branchesMissed += b.Total - b.Covered
			}
		}
	}
	return ci
}

func (a *analysis) untestedGap(c memory.ChunkInfo, tests []graph.Node, cov covInfo, why string) Gap {
	g := a.symbolGap(KindUntested, c, cov, why, 1)
	g.SuggestedTest = suggestName(c, "")
	return g
}

// uncoveredGap is a function that ran, but not all of it: usually an error
// branch nobody drove.
func (a *analysis) uncoveredGap(c memory.ChunkInfo, tests []graph.Node, cov covInfo) Gap {
	missedLines := 0
	var parts []string
	for _, r := range cov.missed {
		missedLines += r[1] - r[0] + 1
		cond := a.branchLine(c.Path, r[0])
		if cond != "" {
			parts = append(parts, fmt.Sprintf("lines %d-%d under `%s`", r[0], r[1], cond))
		} else {
			parts = append(parts, fmt.Sprintf("lines %d-%d", r[0], r[1]))
		}
	}
	why := fmt.Sprintf("it runs in tests, but %d of its %d instrumented lines never did: %s", missedLines, cov.total, strings.Join(parts, "; "))
	if cov.branchesTotal > 0 {
		why += fmt.Sprintf("; %d of %d branches never taken", cov.branchesMissed, cov.branchesTotal)
	}
	frac := float64(missedLines) / float64(max(cov.total, 1))
	if cov.branchesTotal > 0 {
		frac = max(frac, float64(cov.branchesMissed)/float64(cov.branchesTotal))
	}
	g := a.symbolGap(KindUncovered, c, cov, why, frac)
	if a.errorPath(c.Path, cov.missed) {
		g.Factors = append(g.Factors, Factor{Name: "error_path", Value: 1, Weight: 1.5, Note: "the untested lines return or raise an error"})
		g.Risk, g.Driver = rescore(g.Factors)
	}
	g.Lines = cov.missed
	for _, t := range tests {
		g.Tests = append(g.Tests, t.ID)
	}
	g.SuggestedTest = suggestName(c, a.branchHint(c.Path, cov.missed))
	return g
}

// branchLine is the condition that guards a missed range: the nearest line
// above it that opens a branch.
func (a *analysis) branchLine(p string, first int) string {
	lines := a.lines(p)
	for l := first - 1; l >= max(1, first-3); l-- {
		if l > len(lines) {
			continue
		}
		s := strings.TrimSpace(lines[l-1])
		if branchOpener.MatchString(s) {
			return clipText(s, 80)
		}
	}
	return ""
}

var branchOpener = regexp.MustCompile(`^(\}\s*else\b|if\b|else\b|elif\b|case\b|default\b|catch\b|except\b|for\b|while\b|switch\b|select\b|\}\s*catch\b)`)

// errName finds an error the missed lines return, to name the test after.
var errName = regexp.MustCompile(`\b(Err[A-Z]\w*|[A-Z]\w*(?:Error|Exception))\b`)

func (a *analysis) branchHint(p string, missed [][2]int) string {
	for _, r := range missed {
		for l := r[0]; l <= r[1]; l++ {
			if m := errName.FindString(a.text(p, l, l)); m != "" {
				return m
			}
		}
	}
	if len(missed) > 0 {
		return fmt.Sprintf("Line%d", missed[0][0])
	}
	return ""
}

func (a *analysis) symbolGap(kind string, c memory.ChunkInfo, cov covInfo, why string, uncoveredFrac float64) Gap {
	g := Gap{Kind: kind, URI: c.URI, Path: c.Path, StartLine: c.StartLine, EndLine: c.EndLine, Symbol: c.Symbol,
		Why: why, Requirements: c.Requirements}
	body := a.text(c.Path, c.StartLine, c.EndLine)
	var callers int
	for _, n := range a.callers(c.Symbol) {
		if !n.Test {
			callers++
		}
	}
	unverified := 0
	for _, r := range c.Requirements {
		if !a.verified(r) {
			unverified++
		}
	}
	g.Risk, g.Driver, g.Factors = score(riskInputs{
		size: c.EndLine - c.StartLine + 1, complexity: complexity(body), fanIn: callers,
		churn: a.churn[c.Path], churnKnown: a.churn != nil, uncovered: uncoveredFrac,
		reqs: len(c.Requirements), unverifiedReqs: unverified, exported: isExported(c),
	})
	g.NearestTestFile = a.nearestTestFile(c.Path)
	if m, ok := a.modelTest(c); ok {
		g.ModelTest, g.ModelTestName = m.URI, m.Symbol
	}
	return g
}

var decision = regexp.MustCompile(`\b(if|for|while|case|catch|except|elif|select)\b|&&|\|\|`)

// complexity counts decision points: a cheap cyclomatic estimate.
func complexity(body string) int {
	return len(decision.FindAllStringIndex(body, -1))
}

// modelTest picks an existing test to model a new one on: one that
// exercises a sibling (same receiver or same file), else one in the nearest
// test file.
func (a *analysis) modelTest(c memory.ChunkInfo) (memory.ChunkInfo, bool) {
	recv := ""
	if c.SymbolKind == "method" {
		if i := strings.LastIndexByte(c.Symbol, '.'); i > 0 {
			recv = c.Symbol[:i] + "."
		}
	} else if !isCallable(c.SymbolKind) {
		recv = c.Symbol + "."
	}
	dir := path.Dir(c.Path)
	var candidates []memory.ChunkInfo
	for _, t := range a.tests {
		if path.Dir(t.Path) == dir && t.Language == c.Language {
			candidates = append(candidates, t)
		}
	}
	nearest := strings.TrimSuffix(a.nearestTestFile(c.Path), walk.NewSuffix)
	best, bestScore := memory.ChunkInfo{}, -1
	for _, t := range candidates {
		score := 0
		if t.Path == nearest {
			score = 1 // breaks ties in favour of the file the new test goes in
		}
		for _, n := range a.callees(t.Symbol) {
			switch {
			case recv != "" && strings.HasPrefix(n.ID, recv):
				score = max(score, 6+score%2)
			case n.Path == c.Path:
				score = max(score, 4+score%2)
			default:
				score = max(score, 2+score%2)
			}
		}
		if score > bestScore {
			best, bestScore = t, score
		}
	}
	if bestScore >= 0 {
		return best, true
	}
	for _, t := range a.tests {
		if t.Path == nearest {
			return t, true
		}
	}
	// No tests next to it (a Go package without tests): the first test of
	// the closest directory that has tests, in the same language.
	dir = path.Dir(c.Path)
	found, bestPrefix := memory.ChunkInfo{}, -1
	for _, t := range a.tests {
		if t.Language != c.Language || t.Kind != "test" {
			continue
		}
		if p := walk.SharedDirs(path.Dir(t.Path), dir); p > bestPrefix {
			found, bestPrefix = t, p
		}
	}
	return found, bestPrefix >= 0
}

// callees is the graph's Callees, cached: model tests are looked up for
// every gap of a package against the same few tests.
func (a *analysis) callees(id string) []graph.Node {
	if ns, ok := a.calleeCache[id]; ok {
		return ns
	}
	ns := a.g.Callees(id)
	a.calleeCache[id] = ns
	return ns
}

// suggestName proposes a test name in the language's convention.
func suggestName(c memory.ChunkInfo, hint string) string {
	parts := strings.Split(c.Symbol, ".")
	switch c.Language {
	case "Go":
		if len(parts) > 1 {
			parts = parts[1:] // drop the package
		}
		name := "Test" + strings.Join(mapUpper(parts), "_")
		if hint != "" {
			name += "_" + hint
		}
		return name
	case "Python":
		name := "test_" + strings.ToLower(strings.Join(parts[max(0, len(parts)-2):], "_"))
		if hint != "" {
			name += "_" + strings.ToLower(hint)
		}
		return name
	case "Java", "Kotlin":
		return "test" + strings.Join(mapUpper(parts[max(0, len(parts)-1):]), "") + hint
	case "Rust":
		name := tool.SnakeCase(strings.Join(parts[max(0, len(parts)-2):], "_"))
		if hint != "" {
			return name + "_" + tool.SnakeCase(hint)
		}
		return name + "_works"
	default:
		name := strings.Join(parts[max(0, len(parts)-2):], ".")
		if hint != "" {
			return name + " handles " + hint
		}
		return name + " works"
	}
}

func mapUpper(parts []string) []string {
	out := make([]string, len(parts))
	for i, p := range parts {
		if p == "" {
			continue
		}
		r := []rune(p)
		r[0] = unicode.ToUpper(r[0])
		out[i] = string(r)
	}
	return out
}

func nodeNames(ns []graph.Node, n int) string {
	var names []string
	for _, x := range ns {
		names = append(names, x.ID)
	}
	sort.Strings(names)
	if len(names) > n {
		return strings.Join(names[:n], ", ") + fmt.Sprintf(" and %d more", len(names)-n)
	}
	return strings.Join(names, ", ")
}

func clipText(s string, n int) string {
	if len(s) > n {
		return s[:n-1] + "…"
	}
	return s
}

// errorReturn spots lines that hand an error back: the behaviour callers
// depend on and tests most often skip.
var errorReturn = regexp.MustCompile(`\b(return\b.*\b(err|Err\w*|errors\.New|fmt\.Errorf|\w*Error)\b|raise\b|throw\b|panic\(|http\.Status[4-5]\w*|writeError)`)

func (a *analysis) errorPath(p string, missed [][2]int) bool {
	for _, r := range missed {
		for l := r[0]; l <= r[1]; l++ {
			if errorReturn.MatchString(a.text(p, l, l)) {
				return true
			}
		}
	}
	return false
}

func (a *analysis) callers(id string) []graph.Node {
	if ns, ok := a.callerCache[id]; ok {
		return ns
	}
	ns := a.g.Callers(id)
	a.callerCache[id] = ns
	return ns
}

// testsFor is graph.TestsFor over the cached callers (the graph resolves
// callers anew on every call): tests that call id, and tests that call a
// non-test caller of it in the same package.
func (a *analysis) testsFor(id string) []graph.Node {
	var out []graph.Node
	seen := map[string]bool{}
	add := func(n graph.Node) {
		k := n.Path + "#" + n.ID
		if !seen[k] && n.ID != id {
			seen[k] = true
			out = append(out, n)
		}
	}
	for _, def := range a.g.Definitions(id) {
		if def.ID != id {
			continue
		}
		for _, c := range a.callers(id) {
			switch {
			case c.Test:
				add(c)
			case path.Dir(c.Path) == path.Dir(def.Path):
				for _, cc := range a.callers(c.ID) {
					if cc.Test {
						add(cc)
					}
				}
			}
		}
	}
	return out
}
