package gaps

import (
	"fmt"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/chunk"
)

// needsTest are the requirement ID prefixes that call for a verifying test.
// User stories (US-) and acceptance criteria (AC-) are verified through the
// requirements they cite, so they are known IDs but not gaps of their own.
var needsTest = map[string]bool{"FR": true, "NFR": true, "REQ": true, "SR": true, "UR": true, "SC": true}

// inName finds requirement IDs in test names, with or without the dash:
// TestLockout_FR008, test_fr_012_expiry, "FR-004 sweeps".
var inName = regexp.MustCompile(`(?i)(?:^|[^A-Za-z])(FR|NFR|REQ|SR|UR|SC)[-_]?(\d+)`)

// key normalises an ID so FR-8, FR-008 and FR008 meet.
func key(id string) string {
	pre, num, ok := strings.Cut(strings.ToUpper(id), "-")
	if !ok {
		return strings.ToUpper(id)
	}
	if i := strings.LastIndexByte(num, '-'); i >= 0 { // REQ-AUTH-004
		pre, num = pre+"-"+num[:i], num[i+1:]
	}
	if n, err := strconv.Atoi(num); err == nil {
		return pre + "-" + strconv.Itoa(n)
	}
	return pre + "-" + num
}

func prefixOf(id string) string {
	p, _, _ := strings.Cut(id, "-")
	return strings.ToUpper(p)
}

// reqInfo is what the project says about one requirement.
type reqInfo struct {
	id       string
	def      memory.ChunkInfo // where it is defined
	hasDef   bool
	defScore int
	tests    []memory.ChunkInfo
	wip      []memory.ChunkInfo // scenarios tagged @wip and the like
	code     []memory.ChunkInfo
}

var wipTag = regexp.MustCompile(`(?i)@(wip|skip|ignore|pending|todo|manual)\b`)

// buildRequirements collects definitions, verifying tests and citing code.
func (a *analysis) buildRequirements() map[string]*reqInfo {
	if a.reqs != nil {
		return a.reqs
	}
	reqs := map[string]*reqInfo{}
	get := func(id string) *reqInfo {
		k := key(id)
		r := reqs[k]
		if r == nil {
			r = &reqInfo{id: id}
			reqs[k] = r
		}
		return r
	}
	for _, c := range a.specs {
		scenario := c.Language == "Gherkin" && len(c.TestNames) > 0
		for _, id := range c.Requirements {
			r := get(id)
			if scenario {
				if wipTag.MatchString(a.text(c.Path, c.StartLine, c.EndLine)) {
					r.wip = append(r.wip, c)
				} else {
					r.tests = append(r.tests, c)
				}
				continue
			}
			if s := a.defScore(c, id); !r.hasDef || s > r.defScore {
				r.def, r.hasDef, r.defScore, r.id = c, true, s, id
			}
		}
	}
	for _, c := range a.tests {
		for _, id := range testRequirements(c) {
			r := get(id)
			r.tests = append(r.tests, c)
		}
	}
	for _, c := range a.code {
		for _, id := range c.Requirements {
			if r := reqs[key(id)]; r != nil {
				r.code = append(r.code, c)
			}
		}
	}
	a.reqs = reqs
	return reqs
}

// testRequirements are the IDs a test names: in its comments and body (the
// chunk's Requirements, which include `// verifies: FR-012`) and in its
// name, dashless forms included.
func testRequirements(c memory.ChunkInfo) []string {
	out := append([]string(nil), c.Requirements...)
	for _, n := range c.TestNames {
		for _, m := range inName.FindAllStringSubmatch(n, -1) {
			out = append(out, strings.ToUpper(m[1])+"-"+m[2])
		}
	}
	seen := map[string]bool{}
	uniq := out[:0]
	for _, id := range out {
		if !seen[key(id)] {
			seen[key(id)] = true
			uniq = append(uniq, id)
		}
	}
	return uniq
}

// defScore ranks the spec chunks that mention an ID: the one that states
// it (the ID opens a line, as in "- **FR-011** WHEN …") under a
// Requirements heading beats a mention in an acceptance criterion or a
// README.
func (a *analysis) defScore(c memory.ChunkInfo, id string) int {
	s := 0
	if strings.Contains(strings.ToLower(c.Symbol), "requirement") {
		s += 2
	}
	if path.Base(c.Path) != "README.md" {
		s++
	}
	if a.statement(c, id) != "" {
		s += 4
	}
	return s
}

// statement is the line of c that states id, if one opens with it.
func (a *analysis) statement(c memory.ChunkInfo, id string) string {
	lines := strings.Split(a.text(c.Path, c.StartLine, c.EndLine), "\n")
	for i, l := range lines {
		t := strings.TrimLeft(strings.TrimSpace(l), "-*+#|` ")
		if strings.HasPrefix(t, id) {
			// The statement may wrap onto the next lines.
			s := strings.TrimSpace(l)
			for j := i + 1; j < len(lines) && j < i+4; j++ {
				n := strings.TrimSpace(lines[j])
				if n == "" || strings.HasPrefix(n, "-") || strings.HasPrefix(n, "#") {
					break
				}
				s += " " + n
			}
			s = strings.ReplaceAll(s, "**", "")
			return clipText(strings.Trim(strings.TrimLeft(s, "-*+ "), " "), 240)
		}
	}
	return ""
}

func (a *analysis) verified(id string) bool {
	r := a.buildRequirements()[key(id)]
	return r != nil && len(r.tests) > 0
}

// requirementGaps finds unverified requirements and orphan tests, and
// builds the traceability matrix.
func (a *analysis) requirementGaps() []Gap {
	reqs := a.buildRequirements()
	keys := make([]string, 0, len(reqs))
	for k := range reqs {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return idLess(reqs[keys[i]].id, reqs[keys[j]].id) })
	var out []Gap
	orphans := map[string][]string{} // test chunk ID → IDs no spec defines
	for _, k := range keys {
		r := reqs[k]
		if !r.hasDef {
			for _, t := range r.tests {
				if t.Kind == chunk.Test {
					orphans[t.ID] = append(orphans[t.ID], r.id)
				}
			}
			continue
		}
		if !needsTest[prefixOf(r.id)] {
			continue
		}
		tr := Trace{Requirement: r.id, Spec: r.def.URI, Verified: len(r.tests) > 0}
		for _, t := range r.tests {
			tr.Tests = appendUniq(tr.Tests, t.Symbol)
		}
		for _, c := range r.code {
			tr.Code = appendUniq(tr.Code, c.Symbol)
		}
		a.matrix = append(a.matrix, tr)
		a.tally(r.def.Path, func(s *Summary) { s.Requirements++ })
		if tr.Verified {
			a.tally(r.def.Path, func(s *Summary) { s.RequirementsVerified++ })
			continue
		}
		out = append(out, a.unverifiedGap(r))
	}
	for _, t := range a.tests {
		ids := orphans[t.ID]
		if len(ids) == 0 {
			continue
		}
		g := Gap{Kind: KindOrphan, URI: t.URI, Path: t.Path, StartLine: t.StartLine, EndLine: t.EndLine, Symbol: t.Symbol,
			Requirement: strings.Join(ids, ", "), Requirements: ids,
			Why: fmt.Sprintf("the test cites %s, which no spec defines (removed or renamed?): fix the reference or the spec", strings.Join(ids, ", "))}
		g.Risk, g.Driver, g.Factors = score(riskInputs{requirement: false, size: t.EndLine - t.StartLine + 1, uncovered: 0.5})
		g.Driver = "orphan"
		g.NearestTestFile = t.Path
		out = append(out, g)
	}
	return out
}

func (a *analysis) unverifiedGap(r *reqInfo) Gap {
	d := r.def
	why := fmt.Sprintf("no test names %s (test names, `// verifies: %s` comments, Gherkin tags)", r.id, r.id)
	if st := a.statement(d, r.id); st != "" {
		why = fmt.Sprintf("%s; it says: %q", why, st)
	}
	if len(r.wip) > 0 {
		why += fmt.Sprintf("; only a scenario marked work-in-progress covers it (%s)", r.wip[0].URI)
	}
	if len(r.code) > 0 {
		var names []string
		for _, c := range r.code {
			names = appendUniq(names, c.Symbol)
		}
		why += "; code citing it: " + strings.Join(names, ", ")
	}
	g := Gap{Kind: KindUnverified, URI: d.URI, Path: d.Path, StartLine: d.StartLine, EndLine: d.EndLine,
		Requirement: r.id, Requirements: []string{r.id}, Why: why}
	churn := 0
	for _, c := range r.code {
		churn = max(churn, a.churn[c.Path])
	}
	g.Risk, g.Driver, g.Factors = score(riskInputs{requirement: true, implementedBy: len(r.code), churn: churn, churnKnown: a.churn != nil, uncovered: 1})
	if len(r.code) > 0 {
		g.NearestTestFile = a.nearestTestFile(r.code[0].Path)
		if m, ok := a.modelTest(r.code[0]); ok {
			g.ModelTest, g.ModelTestName = m.URI, m.Symbol
		}
	}
	if sib, ok := a.siblingTest(r); ok {
		g.ModelTest, g.ModelTestName = sib.URI, sib.Symbol
		if g.NearestTestFile == "" {
			g.NearestTestFile = sib.Path
		}
	}
	g.SuggestedTest = a.requirementTestName(r)
	return g
}

// siblingTest is a test that verifies another requirement of the same
// spec file: the closest model for a requirement's test.
func (a *analysis) siblingTest(r *reqInfo) (memory.ChunkInfo, bool) {
	var best memory.ChunkInfo
	found := false
	for _, o := range a.reqs {
		if o == r || !o.hasDef || o.def.Path != r.def.Path {
			continue
		}
		for _, t := range o.tests {
			if t.Kind != chunk.Test {
				continue
			}
			if !found || t.Path < best.Path || (t.Path == best.Path && t.StartLine < best.StartLine) {
				best, found = t, true
			}
		}
	}
	return best, found
}

// requirementTestName names a test after the spec section that defines the
// requirement, in the convention the project's tests use.
func (a *analysis) requirementTestName(r *reqInfo) string {
	title := r.def.Symbol
	if i := strings.LastIndexByte(title, '.'); i >= 0 {
		title = title[i+1:]
	}
	words := strings.FieldsFunc(title, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	id := strings.ReplaceAll(r.id, "-", "")
	switch a.testLanguage() {
	case "Python":
		return "test_" + strings.ToLower(strings.Join(words, "_")) + "_" + strings.ToLower(id)
	case "Go", "":
		return "Test" + strings.Join(mapUpper(words), "") + "_" + id
	default:
		return strings.Join(words, " ") + " (" + r.id + ")"
	}
}

// testLanguage is the language most of the project's tests are written in.
func (a *analysis) testLanguage() string {
	n := map[string]int{}
	best := ""
	for _, t := range a.tests {
		if t.Kind != chunk.Test {
			continue
		}
		n[t.Language]++
		if n[t.Language] > n[best] {
			best = t.Language
		}
	}
	return best
}

// idLess orders FR-2 before FR-10.
func idLess(x, y string) bool {
	kx, ky := key(x), key(y)
	px, nx, _ := strings.Cut(kx, "-")
	py, ny, _ := strings.Cut(ky, "-")
	if px != py {
		return px < py
	}
	ix, e1 := strconv.Atoi(nx)
	iy, e2 := strconv.Atoi(ny)
	if e1 == nil && e2 == nil && ix != iy {
		return ix < iy
	}
	return kx < ky
}

func appendUniq(list []string, s string) []string {
	if s == "" || contains(list, s) {
		return list
	}
	return append(list, s)
}
