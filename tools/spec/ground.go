package spec

import (
	"context"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/chunk"
	"github.com/devaiops/devai/memory/walk"
)

// Grounding limits: enough context to draft from, little enough to read.
const (
	maxRelated   = 6
	maxAffected  = 6
	maxTestFiles = 3
	maxLogs      = 3
	maxUnchanged = 5
)

// grounding is what the index says about a request.
type grounding struct {
	stems     []string
	related   []RelatedSpec
	specTexts map[string]string // related URI → text, for the system name
	unchanged []Unchanged
	affected  []Component
	symbols   []memory.Hit // code chunks hit, best first
	tests     []TestFile
	logs      []Evidence
	route     string // an endpoint the request is about, e.g. "POST /v1/login"
	routeURI  string
	model     *statement // the existing requirement most like the request
	maxIDs    map[string]int
}

// statement is a requirement an existing spec states.
type statement struct {
	id, text, uri string
}

// ground searches the index for the request's context. Every URI it keeps
// has been read back through the index (see verifier).
func ground(ctx context.Context, ix *memory.Index, request string) (*grounding, error) {
	g := &grounding{stems: contentStems(request), specTexts: map[string]string{}}
	v := newVerifier(ix)
	if err := g.specs(ctx, ix, v, request); err != nil {
		return nil, err
	}
	if err := g.code(ctx, ix, v, request); err != nil {
		return nil, err
	}
	if err := g.testFiles(ctx, ix, v, request); err != nil {
		return nil, err
	}
	if err := g.logEvents(ctx, ix, v, request); err != nil {
		return nil, err
	}
	g.findRoute(v)
	g.maxIDs = maxIDs(ix)
	return g, nil
}

func search(ctx context.Context, ix *memory.Index, q memory.Query) ([]memory.Hit, error) {
	res, err := ix.Search(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("search the index for %v: %w", q.Kinds, err)
	}
	return res.Hits, nil
}

// verifier reads URIs back through the index, so the draft never cites a
// location the index does not hold.
type verifier struct {
	ix   *memory.Index
	seen map[string]bool
}

func newVerifier(ix *memory.Index) *verifier { return &verifier{ix: ix, seen: map[string]bool{}} }

func (v *verifier) text(uri string) (string, bool) {
	doc, err := v.ix.Read(uri)
	if err != nil {
		v.seen[uri] = false
		return "", false
	}
	v.seen[uri] = true
	return doc.Text, true
}

func (v *verifier) ok(uri string) bool {
	if known, done := v.seen[uri]; done {
		return known
	}
	_, ok := v.text(uri)
	return ok
}

// negation marks a sentence that limits or denies behaviour.
var negation = regexp.MustCompile(`(?i)\b(not|no|never|without|cannot|can't|don't|doesn't|isn't|aren't|won't|shan't|neither|nor|only)\b`)

// negationScope is how many words after a negation it governs.
const negationScope = 5

// negatesRequest reports whether a negation in text governs one of the
// request's terms: "login attempts are not rate limited" denies a request
// to rate limit logins; viper's "… can read an update to a config file
// while running and not miss a beat" denies nothing about reading config.
func (g *grounding) negatesRequest(text string) bool {
	want := map[string]bool{}
	for _, s := range g.stems {
		want[s] = true
	}
	ws := words(text)
	for i, w := range ws {
		if !negation.MatchString(w) && w != "t" { // "t": what words leaves of don't, can't, isn't
			continue
		}
		for _, next := range ws[i+1 : min(len(ws), i+1+negationScope)] {
			if want[stem(next)] {
				return true
			}
		}
	}
	return false
}

// reqLine finds a requirement stated on a list item: "- **FR-008** WHEN …".
var reqLine = regexp.MustCompile(`^\s*[-*]?\s*\**((?:FR|NFR|REQ|SR|UR)(?:-[A-Z][A-Z0-9]*)*-\d+)\**:?\s*(.*)$`)

// specs finds the spec sections on the request's subject and sorts them
// into related, possible duplicates and contradictions.
func (g *grounding) specs(ctx context.Context, ix *memory.Index, v *verifier, request string) error {
	hits, err := search(ctx, ix, memory.Query{Text: request, Kinds: []chunk.Kind{chunk.Spec}, Limit: 10})
	if err != nil {
		return err
	}
	var bestModel float64
	for _, h := range hits {
		text, ok := v.text(h.URI)
		if !ok {
			continue
		}
		sectionStems := stemSet(h.Symbol + " " + text)
		if overlap(g.stems, sectionStems) < 0.25 || !strings.Contains(h.Why, "text") {
			continue // found by meaning alone, or on another subject
		}
		g.specTexts[h.URI] = text
		rel := RelatedSpec{URI: h.URI, Section: h.Symbol, Relation: RelRelated, Requirements: h.Requirements,
			Why: fmt.Sprintf("shares %.0f%% of the request's terms", 100*overlap(g.stems, sectionStems))}
		g.judgeSentences(v, h, text, &rel)
		for _, st := range statements(h, text) {
			if v.ok(st.uri) && len(g.unchanged) < maxUnchanged && rel.Relation == RelRelated {
				g.unchanged = append(g.unchanged, Unchanged{Text: st.text, Source: st.uri, ID: st.id})
			}
			if s := similarity(request, st.text); s > bestModel {
				bestModel, g.model = s, &st
			}
		}
		if len(g.related) < maxRelated {
			g.related = append(g.related, rel)
		}
	}
	sort.SliceStable(g.related, func(i, j int) bool { return relRank(g.related[i].Relation) < relRank(g.related[j].Relation) })
	return nil
}

func relRank(r string) int {
	switch r {
	case RelContradiction:
		return 0
	case RelDuplicate:
		return 1
	}
	return 2
}

// judgeSentences looks for a sentence that negates or limits the request
// (a contradiction) or already requires it (a possible duplicate).
func (g *grounding) judgeSentences(v *verifier, h memory.Hit, text string, rel *RelatedSpec) {
	for _, s := range sentences(text, h.StartLine) {
		ov := overlap(g.stems, stemSet(s.text))
		switch {
		case ov >= 0.5 && g.negatesRequest(s.text) && !strings.Contains(strings.ToLower(s.text), "shall not"):
			uri := chunk.URI(chunk.Spec, pathOf(h.URI), s.start, s.end)
			if v.ok(uri) {
				rel.Relation, rel.Quote, rel.URI = RelContradiction, s.text, uri
				rel.Why = fmt.Sprintf("this sentence says the opposite of, or limits, what the request asks (%.0f%% of its terms, with a negation)", 100*ov)
				return
			}
		case ov >= 0.75 && shallWord.MatchString(s.text) && rel.Relation == RelRelated:
			uri := chunk.URI(chunk.Spec, pathOf(h.URI), s.start, s.end)
			if v.ok(uri) {
				rel.Relation, rel.Quote, rel.URI = RelDuplicate, s.text, uri
				rel.Why = fmt.Sprintf("this requirement already covers %.0f%% of the request's terms", 100*ov)
			}
		}
	}
}

func pathOf(uri string) string {
	_, p, _, _, err := memory.ParseURI(uri)
	if err != nil {
		return ""
	}
	return p
}

type sentence struct {
	text       string
	start, end int
}

// sentences splits Markdown text (starting at line first) into sentences
// with the lines they span; list items and headings end a sentence.
func sentences(text string, first int) []sentence {
	var out []sentence
	var cur strings.Builder
	start := 0
	flush := func(end int) {
		s := strings.Join(strings.Fields(strings.ReplaceAll(cur.String(), "**", "")), " ")
		s = strings.Trim(s, "-*# ")
		if len(s) > 3 {
			out = append(out, sentence{text: s, start: start, end: end})
		}
		cur.Reset()
		start = 0
	}
	for i, line := range strings.Split(text, "\n") {
		n := first + i
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") || strings.HasPrefix(trimmed, "- ") || strings.HasPrefix(trimmed, "* ") {
			if cur.Len() > 0 {
				flush(n - 1)
			}
			if trimmed == "" {
				continue
			}
		}
		rest := trimmed
		for rest != "" {
			if start == 0 {
				start = n
			}
			i := strings.IndexAny(rest, ".?!")
			for i >= 0 && i+1 < len(rest) && rest[i+1] != ' ' { // v1.2, example.com
				j := strings.IndexAny(rest[i+1:], ".?!")
				if j < 0 {
					i = -1
					break
				}
				i += 1 + j
			}
			if i < 0 {
				cur.WriteString(rest + " ")
				break
			}
			cur.WriteString(rest[:i+1])
			flush(n)
			rest = strings.TrimSpace(rest[i+1:])
		}
	}
	if cur.Len() > 0 {
		flush(first + strings.Count(text, "\n"))
	}
	return out
}

// statements are the requirements stated in a spec section, each with the
// URI of its lines.
func statements(h memory.Hit, text string) []statement {
	var out []statement
	lines := strings.Split(text, "\n")
	p := pathOf(h.URI)
	for i := 0; i < len(lines); i++ {
		m := reqLine.FindStringSubmatch(lines[i])
		if m == nil || !strings.Contains(strings.ToLower(lines[i]+" "+next(lines, i)), "shall") {
			continue
		}
		body, end := m[2], i
		for end+1 < len(lines) && strings.HasPrefix(lines[end+1], "  ") && strings.TrimSpace(lines[end+1]) != "" {
			end++
			body += " " + strings.TrimSpace(lines[end])
		}
		out = append(out, statement{id: m[1], text: strings.TrimSpace(body), uri: chunk.URI(chunk.Spec, p, h.StartLine+i, h.StartLine+end)})
		i = end
	}
	return out
}

func next(lines []string, i int) string {
	if i+1 < len(lines) {
		return lines[i+1]
	}
	return ""
}

// code ranks the files that would change: code chunks the request matches,
// per file, and files the related specs name as their code.
func (g *grounding) code(ctx context.Context, ix *memory.Index, v *verifier, request string) error {
	// The request's verbs and function words ("add", "make", "the") are
	// left out: "add" would match every Add… symbol of the code.
	hits, err := search(ctx, ix, memory.Query{Text: subjectWords(request), Kinds: []chunk.Kind{chunk.Code}, Limit: 20})
	if err != nil {
		return err
	}
	byPath := map[string]*Component{}
	var order []string
	scope := componentOf(request)
	for _, h := range hits {
		if isFixture(h.Path) || !v.ok(h.URI) {
			continue
		}
		g.symbols = append(g.symbols, h)
		c := byPath[h.Path]
		if c == nil {
			c = &Component{Path: h.Path, URI: h.URI, Score: h.Score, Why: "matches the request: " + h.Why}
			byPath[h.Path] = c
			order = append(order, h.Path)
		}
		if h.Symbol != "" && len(c.Symbols) < 4 {
			c.Symbols = append(c.Symbols, h.Symbol)
		}
	}
	// A spec that names its code ("Code: `internal/httpapi/handlers_auth.go`")
	// is the team's own map from the subject to the files.
	for _, named := range g.namedCode(ix, v) {
		c := byPath[named.Path]
		if c == nil {
			c = &Component{Path: named.Path, URI: named.URI, Score: 0}
			byPath[named.Path] = c
			order = append(order, named.Path)
		}
		c.Score += 0.05
		c.Why = strings.TrimPrefix(c.Why+"; named as its code by "+named.Why, "; ")
	}
	for _, p := range order {
		if scope != "" && inComponent(p, scope) {
			byPath[p].Score += 0.05
			byPath[p].Why += "; in the component the request names (" + scope + ")"
		}
		byPath[p].Score = round3(byPath[p].Score)
		g.affected = append(g.affected, *byPath[p])
	}
	sort.SliceStable(g.affected, func(i, j int) bool { return g.affected[i].Score > g.affected[j].Score })
	if len(g.affected) > maxAffected {
		g.affected = g.affected[:maxAffected]
	}
	return nil
}

// componentPrefix is the scope developers put before a request or commit
// subject: "tsdb: …", "feat(scrape): …", "storage/remote: …".
var componentPrefix = regexp.MustCompile(`^(?:[a-z]+\(([\w./-]+)\)|([\w./-]+))!?:\s`)

// componentOf is the request's component prefix, lowercased, or "".
func componentOf(request string) string {
	m := componentPrefix.FindStringSubmatch(strings.TrimSpace(request))
	if m == nil {
		return ""
	}
	return strings.ToLower(m[1] + m[2])
}

// inComponent reports whether a path lies in a component: under a folder
// of that name (or path), or a file of that name.
func inComponent(p, component string) bool {
	p = strings.ToLower(p)
	if strings.Contains(component, "/") {
		return strings.HasPrefix(p, component+"/") || strings.Contains(p, "/"+component+"/")
	}
	for _, seg := range strings.Split(path.Dir(p), "/") {
		if seg == component {
			return true
		}
	}
	return strings.TrimSuffix(path.Base(p), path.Ext(p)) == component
}

// isFixture reports test data: files a feature does not change.
func isFixture(p string) bool {
	return strings.HasPrefix(p, "testdata/") || strings.Contains(p, "/testdata/")
}

func round3(f float64) float64 { return float64(int(f*1000+0.5)) / 1000 }

var backticked = regexp.MustCompile("`([^`\\s]+)`")

// namedCode reads the head of each related spec file for code paths in
// backticks that the index holds as code.
func (g *grounding) namedCode(ix *memory.Index, v *verifier) []Component {
	var out []Component
	seen := map[string]bool{}
	for _, r := range g.related {
		p := pathOf(r.URI)
		if seen[p] {
			continue
		}
		seen[p] = true
		head, ok := v.text(chunk.URI(chunk.Spec, p, 1, 8))
		if !ok {
			continue
		}
		for _, m := range backticked.FindAllStringSubmatch(head, -1) {
			uri := chunk.URI(chunk.Code, path.Clean(m[1]), 0, 0)
			if v.ok(uri) {
				out = append(out, Component{Path: path.Clean(m[1]), URI: uri, Why: p})
			}
		}
	}
	return out
}

// testFiles picks the test files to extend: tests the symbol graph ties to
// the affected code, the test files beside it, and tests on the subject.
func (g *grounding) testFiles(ctx context.Context, ix *memory.Index, v *verifier, request string) error {
	files := map[string]*TestFile{}
	var order []string
	add := func(p, test, why string) {
		f := files[p]
		if f == nil {
			uri := chunk.URI(chunk.Test, p, 0, 0)
			if !v.ok(uri) {
				return
			}
			f = &TestFile{Path: p, URI: uri, Why: why}
			files[p] = f
			order = append(order, p)
		}
		if test != "" && !contains(f.Existing, test) && len(f.Existing) < 6 {
			f.Existing = append(f.Existing, test)
		}
	}
	testsByDir, testsByBase := map[string][]string{}, map[string][]string{}
	for _, c := range ix.Chunks(func(c memory.ChunkInfo) bool { return c.Kind == chunk.Test }) {
		d := path.Dir(c.Path)
		if !contains(testsByDir[d], c.Path) {
			testsByDir[d] = append(testsByDir[d], c.Path)
		}
		if b := testedBase(c.Path); b != "" && !contains(testsByBase[b], c.Path) {
			testsByBase[b] = append(testsByBase[b], c.Path)
		}
	}
	// In the order of the affected files: the tests the graph ties to
	// their symbols, then the test files beside them.
	graph := ix.Graph()
	for _, a := range g.affected {
		// The file's own test first (x.go → x_test.go, cli.py →
		// tests/test_cli.py): where a reviewer expects the new tests.
		own, beside := siblingTests(a.Path, testsByDir[path.Dir(a.Path)], testsByBase)
		for _, p := range own {
			add(p, "", "the test file of "+a.Path)
		}
		for _, sym := range a.Symbols {
			for _, n := range graph.TestsFor(sym) {
				add(n.Path, n.ID, "its tests exercise "+sym)
			}
		}
		for _, p := range beside {
			add(p, "", "the test file beside "+a.Path)
		}
	}
	hits, err := search(ctx, ix, memory.Query{Text: request, Kinds: []chunk.Kind{chunk.Test}, Limit: 10})
	if err != nil {
		return err
	}
	for _, h := range hits {
		if files[h.Path] == nil && len(order) >= maxTestFiles+2 {
			continue
		}
		add(h.Path, h.Symbol, "its tests are on the same subject")
	}
	for _, p := range order {
		g.tests = append(g.tests, *files[p])
	}
	if len(g.tests) > maxTestFiles {
		g.tests = g.tests[:maxTestFiles]
	}
	return nil
}

// siblingTests splits the test files for a code file: its own (x.go →
// x_test.go beside it; cli.py → test_cli.py anywhere, as Python projects
// keep tests/ apart), then the other test files of its directory.
func siblingTests(code string, inDir []string, byBase map[string][]string) (own, beside []string) {
	base := strings.TrimSuffix(path.Base(code), path.Ext(code))
	for _, p := range inDir {
		if testedBase(p) == base {
			own = append(own, p)
		} else {
			beside = append(beside, p)
		}
	}
	for _, p := range byBase[base] {
		// an example's test_main.py tests the example, not main.py
		if !contains(own, p) && path.Ext(p) == path.Ext(code) && (!walk.IsExample(p) || walk.IsExample(code)) {
			own = append(own, p)
		}
	}
	sort.Strings(beside)
	return own, beside
}

// testedBase is the name of the code file a test file is named after:
// x_test.go, x.test.ts and x_spec.rb test x; test_x.py tests x.
func testedBase(testPath string) string {
	name := strings.TrimSuffix(path.Base(testPath), path.Ext(testPath))
	for _, suffix := range []string{"_test", ".test", ".spec", "_spec"} {
		if b, ok := strings.CutSuffix(name, suffix); ok {
			return b
		}
	}
	if b, ok := strings.CutPrefix(name, "test_"); ok {
		return b
	}
	return ""
}

// logEvents keeps log events that share the request's terms: what the
// system does today.
func (g *grounding) logEvents(ctx context.Context, ix *memory.Index, v *verifier, request string) error {
	hits, err := search(ctx, ix, memory.Query{Text: request, Kinds: []chunk.Kind{chunk.Log}, Limit: 6, FileLevel: true})
	if err != nil {
		return err
	}
	for _, h := range hits {
		ov := overlap(g.stems, stemSet(h.Symbol+" "+h.Snippet))
		if ov < 0.5 || !v.ok(h.URI) || len(g.logs) == maxLogs {
			continue
		}
		g.logs = append(g.logs, Evidence{URI: h.URI, Event: h.Symbol, Why: fmt.Sprintf("logged today; shares %.0f%% of the request's terms", 100*ov)})
	}
	return nil
}

var routeRE = regexp.MustCompile(`\b(GET|POST|PUT|PATCH|DELETE) (/[A-Za-z0-9_/{}\-.:]*[A-Za-z0-9_}])`)

// findRoute looks in the related specs for the endpoint the request is
// about: the route whose path shares most of the request's terms.
func (g *grounding) findRoute(v *verifier) {
	best := 0.0
	for _, r := range g.related {
		for _, m := range routeRE.FindAllStringSubmatch(g.specTexts[r.URI], -1) {
			ov := overlap(contentStems(strings.ReplaceAll(m[2], "/", " ")), stemSet(strings.Join(g.stems, " ")))
			if ov > best {
				best, g.route, g.routeURI = ov, m[1]+" "+m[2], r.URI
			}
		}
	}
}

var idNumber = regexp.MustCompile(`^([A-Z]+)-(\d+)`)

// maxIDs is the highest number in use per ID prefix anywhere in the index
// (specs, and tests and code that cite IDs).
func maxIDs(ix *memory.Index) map[string]int {
	out := map[string]int{}
	for _, c := range ix.Chunks(func(c memory.ChunkInfo) bool { return len(c.Requirements) > 0 }) {
		for _, id := range c.Requirements {
			m := idNumber.FindStringSubmatch(id)
			if m == nil {
				continue
			}
			var n int
			fmt.Sscanf(m[2], "%d", &n)
			out[m[1]] = max(out[m[1]], n)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
