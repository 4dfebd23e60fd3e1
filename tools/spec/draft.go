package spec

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"unicode"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/tools/tool"
)

// draft turns a grounding into the skeleton of a spec.
type draft struct {
	ix    *memory.Index
	in    Input
	g     *grounding
	out   Output
	ids   *numbering
	gaps  []string
	other bool // the request is not in English: keep its words
}

func newDraft(ix *memory.Index, in Input, g *grounding, out Output) *draft {
	d := &draft{ix: ix, in: in, g: g, out: out, other: out.Language != "en"}
	d.out.Status = StatusDraft
	d.out.Title = in.Title
	if d.out.Title == "" {
		d.out.Title = titleOf(in.Request)
	}
	d.out.System = d.system()
	return d
}

// subjectRE finds the system a requirement names: THE service SHALL.
var subjectRE = regexp.MustCompile(`\bTHE ([A-Za-z][\w-]*(?: [a-z][\w-]*)?) SHALL\b`)

// system is the name requirements use: the caller's, else the one the
// related specs already use (a new spec should read like its neighbours),
// else the Go module's last element, the README's title, or the folder.
func (d *draft) system() string {
	if d.in.System != "" {
		return d.in.System
	}
	counts := map[string]int{}
	for _, text := range d.g.specTexts {
		for _, m := range subjectRE.FindAllStringSubmatch(text, -1) {
			counts[m[1]]++
		}
	}
	if top := topCounts(counts); len(top) > 0 && counts[top[0]] >= 2 {
		return top[0]
	}
	repo := d.ix.Repo()
	if data, err := os.ReadFile(filepath.Join(repo, "go.mod")); err == nil {
		if m := regexp.MustCompile(`(?m)^module\s+(\S+)`).FindSubmatch(data); m != nil {
			return moduleName(string(m[1]))
		}
	}
	if data, err := os.ReadFile(filepath.Join(repo, "README.md")); err == nil {
		if m := regexp.MustCompile(`(?m)^#\s+([\p{L}\p{N}_.-]+)`).FindSubmatch(data); m != nil {
			return string(m[1])
		}
	}
	return filepath.Base(repo)
}

// majorSuffix is a module path's major version: /v2 and up, or gopkg.in's .v3.
var majorSuffix = regexp.MustCompile(`(/v[0-9]+|\.v[0-9]+)$`)

// moduleName is what a Go module is called: its path's last element
// without the major version (github.com/labstack/echo/v4 is echo,
// gopkg.in/yaml.v3 is yaml).
func moduleName(module string) string {
	return path.Base(majorSuffix.ReplaceAllString(module, ""))
}

// placeAndNumber decides the target file and the requirement numbering,
// reading the spec being re-drafted, if any, for the IDs to keep.
func (d *draft) placeAndNumber() error {
	t, err := target(d.ix.Repo(), d.ix.StateDir(), d.in, d.out.Title)
	if err != nil {
		return err
	}
	d.out.Target = t.rel
	var previous []statement
	if t.exists {
		d.out.RedraftOf = t.rel
		previous = previousRequirements(filepath.Join(d.ix.Repo(), filepath.FromSlash(t.rel)))
		if d.in.Write && !d.in.Overwrite {
			return tool.Inputf("%s already exists: this would re-draft it (keeping its requirement IDs); pass overwrite: true to replace it, or another title or path", t.rel)
		}
	}
	d.ids = newNumbering(d.g.maxIDs, previous)
	// A re-draft does not relate to, or contradict, itself.
	kept := d.g.related[:0]
	for _, r := range d.g.related {
		if pathOf(r.URI) != t.rel {
			kept = append(kept, r)
		}
	}
	d.g.related = kept
	return nil
}

// build writes the skeleton.
func (d *draft) build() Output {
	o := d.out
	o.Related = d.g.related
	o.Affected = d.g.affected
	o.Logs = d.g.logs
	o.Unchanged = d.g.unchanged
	o.Summary = d.summary()
	o.Questions = d.questions()
	o.Requirements = d.requirements(o.Questions)
	o.Stories = d.stories()
	o.Acceptance = d.acceptance(o.Requirements)
	o.Success = d.success(o.Requirements)
	o.TestPlan = d.testPlan(o.Requirements)
	o.Gaps = d.gaps
	return o
}

func (d *draft) gap(s string) string {
	d.gaps = append(d.gaps, s)
	return s
}

// summary states the request and what the index found, in facts.
func (d *draft) summary() string {
	var b strings.Builder
	b.WriteString(upperFirst(strings.TrimRight(d.in.Request, ". ")) + ".")
	if d.other {
		d.gap("summary: explain the change in the request's language")
		return b.String()
	}
	if len(d.g.affected) > 0 {
		fmt.Fprintf(&b, " The change is expected in %s.", quoteList(paths(d.g.affected, 3)))
	}
	for _, r := range d.g.related {
		if r.Relation == RelContradiction {
			fmt.Fprintf(&b, " It conflicts with %s, which says: %q.", r.URI, r.Quote)
		}
	}
	d.gap("summary: say why the change is wanted (the problem it solves)")
	return b.String()
}

func paths(cs []Component, n int) []string {
	var out []string
	for i, c := range cs {
		if i == n {
			break
		}
		out = append(out, c.Path)
	}
	return out
}

func quoteList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = "`" + s + "`"
	}
	switch len(q) {
	case 0:
		return ""
	case 1:
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " and " + q[len(q)-1]
}

// measureRE is a number with a unit: "5 requests", "200 ms", "15 minutes", "99.9%".
var measureRE = regexp.MustCompile(`\d+(?:[.,]\d+)?\s*(?:%|[\p{L}/]+)`)

// questions are at most three, each with options: a contradiction to
// resolve, a duplicate to merge, a measure to choose.
func (d *draft) questions() []Question {
	var qs []Question
	add := func(q Question) {
		if len(qs) < 3 {
			q.ID = fmt.Sprintf("Q%d", len(qs)+1)
			qs = append(qs, q)
		}
	}
	for _, r := range d.g.related {
		switch r.Relation {
		case RelContradiction:
			add(Question{Question: fmt.Sprintf("%s says %q. Which stands?", pathOf(r.URI), r.Quote), Source: r.URI,
				Options: []string{"the request: change that spec in the same change and cite this one", "both: narrow the new requirements so the statement stays true", "the existing spec: drop or rephrase the request"}})
		case RelDuplicate:
			add(Question{Question: fmt.Sprintf("%s already requires much of this (%q). Extend it or write a new spec?", pathOf(r.URI), r.Quote), Source: r.URI,
				Options: []string{"extend the existing spec", "a new spec that cites it", "the request is already met: close it"}})
		}
	}
	if !measureRE.MatchString(d.in.Request) {
		opts := []string{"a fixed number with a unit (e.g. 10 per minute, 200 ms)", "configurable, with a default in the spec"}
		if m := d.g.model; m != nil {
			opts = append(opts, fmt.Sprintf("the same figures as %s (%s)", m.id, m.uri))
		}
		add(Question{Question: "What measurable limit or figure should the main requirement meet?", Options: opts})
	}
	return qs
}

// leadVerbs are request verbs that ask for a capability rather than name
// the behaviour; after SHALL they become "provide".
var leadVerbs = map[string]string{"add": "provide", "implement": "provide", "introduce": "provide", "create": "provide",
	"build": "provide", "enable": "provide", "need": "provide", "want": "provide"}

var politeLead = regexp.MustCompile(`(?i)^(please\s+|we\s+(need|want|should)\s+(to\s+)?|i\s+(need|want)\s+(to\s+)?|(it\s+)?should\s+|let'?s\s+)+`)

// capability turns the request into the response of a requirement:
// "add rate limiting to the login endpoint" → "provide rate limiting to the
// login endpoint". The request's own words are kept.
func (d *draft) capability() string {
	r := strings.TrimRight(strings.TrimSpace(strings.SplitN(d.in.Request, "\n", 2)[0]), ".!? ")
	if d.other {
		return r
	}
	r = politeLead.ReplaceAllString(r, "")
	first, rest, _ := strings.Cut(r, " ")
	if v, ok := leadVerbs[strings.ToLower(first)]; ok {
		r = v + " " + rest
	} else {
		r = lowerFirst(r)
	}
	return r
}

func upperFirst(s string) string {
	rs := []rune(s)
	if len(rs) > 0 {
		rs[0] = unicode.ToUpper(rs[0])
	}
	return string(rs)
}

func lowerFirst(s string) string {
	rs := []rune(s)
	if len(rs) > 1 && unicode.IsUpper(rs[0]) && !unicode.IsUpper(rs[1]) {
		rs[0] = unicode.ToLower(rs[0])
	}
	return string(rs)
}

// requirements are the EARS skeleton: the capability (ubiquitous), the
// trigger that exercises it (event), the failure the client sees
// (unwanted), and the behaviour that must not change. Each cites what it
// rests on.
func (d *draft) requirements(qs []Question) []Requirement {
	sys, capab := d.out.System, d.capability()
	codeSrc := d.codeSources(2)
	specSrc := d.specSources(2)
	var measureQ, conflictQ string
	for _, q := range qs {
		if strings.Contains(q.Question, "measurable") {
			measureQ = q.ID
		}
		if q.Source != "" && conflictQ == "" {
			conflictQ = q.ID
		}
	}
	var reqs []Requirement
	main := Requirement{Pattern: Ubiquitous, Text: fmt.Sprintf("THE %s SHALL %s.", sys, capab), Sources: append(append([]string{}, codeSrc...), specSrc...), Question: firstNonEmpty(conflictQ, measureQ)}
	if measureQ != "" {
		main.Gap = d.gap(fmt.Sprintf("%s: add the measure (a number and a unit) the behaviour must meet; see open question %s", "main requirement", measureQ))
	}
	reqs = append(reqs, main)

	trigger, trigSrc := d.trigger()
	if trigger != "" {
		reqs = append(reqs, Requirement{Pattern: Event, Text: fmt.Sprintf("WHEN %s THE %s SHALL %s.", trigger, sys, capab), Sources: trigSrc,
			Gap: d.gap("event requirement: state the response the caller observes (status, message, header)")})
	}
	failure := Requirement{Pattern: Unwanted, Sources: codeSrc,
		Gap: d.gap("unwanted-behaviour requirement: name the failure case the user cares about and its exact response")}
	if d.other {
		failure.Text = fmt.Sprintf("IF %s fails THEN THE %s SHALL respond with an error that names the reason and change no stored data.", quote(capab), sys)
	} else {
		failure.Text = fmt.Sprintf("IF the %s cannot %s THEN THE %s SHALL respond with an error that names the reason and change no stored data.", sys, capab, sys)
	}
	reqs = append(reqs, failure)

	if ids, srcs := d.unchangedIDs(); len(ids) > 0 {
		reqs = append(reqs, Requirement{Pattern: Ubiquitous, Text: fmt.Sprintf("THE %s SHALL keep the behaviour that %s specify unchanged.", sys, strings.Join(ids, ", ")), Sources: srcs})
	}
	texts := make([]string, len(reqs))
	for i, r := range reqs {
		texts[i] = r.Text
	}
	for i, id := range d.ids.requirements(texts) {
		reqs[i].ID = id
	}
	for _, old := range d.ids.unused() {
		d.gap(fmt.Sprintf("%s of the previous draft (%q) has no counterpart here: keep it (same ID) or drop it", old.id, old.text))
	}
	return reqs
}

func quote(s string) string { return "“" + s + "”" }

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// trigger is the event that exercises the change: the endpoint the
// related specs name, else the top affected symbol.
func (d *draft) trigger() (string, []string) {
	if d.g.route != "" {
		return fmt.Sprintf("a client sends `%s`", d.g.route), []string{d.g.routeURI}
	}
	for _, h := range d.g.symbols {
		if h.Symbol != "" && (h.SymbolKind == "func" || h.SymbolKind == "method" || h.SymbolKind == "function") {
			return fmt.Sprintf("`%s` runs", h.Symbol), []string{h.URI}
		}
	}
	return "", nil
}

func (d *draft) codeSources(n int) []string {
	var out []string
	for _, a := range d.g.affected {
		if len(out) == n {
			break
		}
		out = append(out, a.URI)
	}
	return out
}

func (d *draft) specSources(n int) []string {
	var out []string
	for _, r := range d.g.related {
		if len(out) == n {
			break
		}
		out = append(out, r.URI)
	}
	return out
}

func (d *draft) unchangedIDs() ([]string, []string) {
	var ids, srcs []string
	for _, u := range d.g.unchanged {
		if u.ID != "" && len(ids) < 3 {
			ids = append(ids, u.ID)
			srcs = append(srcs, u.Source)
		}
	}
	return ids, srcs
}

// stories: the request as the main story (P1) and the failure case (P2).
func (d *draft) stories() []Story {
	role := "user"
	for _, w := range words(d.in.Request) {
		switch w {
		case "admin", "administrator", "operator", "developer", "maintainer", "client", "shopper", "customer":
			role = w
		}
	}
	if d.other {
		d.gap("stories: write them in the request's language")
		return []Story{{ID: d.ids.next("US"), Priority: "P1", Text: d.in.Request}}
	}
	d.gap("stories: say who benefits and why (the so-that clause)")
	return []Story{
		{ID: d.ids.next("US"), Priority: "P1", Text: fmt.Sprintf("As a %s, I want the %s to %s, so that <TODO(assistant): the benefit>.", role, d.out.System, d.capability())},
		{ID: d.ids.next("US"), Priority: "P2", Text: fmt.Sprintf("As a %s, I want a clear error when it cannot, so that I know what to do next.", role)},
	}
}

// acceptance gives every requirement a Given/When/Then.
func (d *draft) acceptance(reqs []Requirement) []Criterion {
	var out []Criterion
	where := "the current behaviour"
	if len(d.g.affected) > 0 {
		where = "the current behaviour of `" + d.g.affected[0].Path + "`"
	}
	for _, r := range reqs {
		c := Criterion{ID: d.ids.next("AC"), Requirements: []string{r.ID}, Given: where}
		switch r.Pattern {
		case Event:
			c.When = strings.TrimPrefix(strings.SplitN(r.Text, " THE ", 2)[0], "WHEN ")
			c.Then = "the response shows the new behaviour <TODO(assistant): the exact status, body or header>"
		case Unwanted:
			c.When = "the new behaviour cannot be applied"
			c.Then = "the caller gets an error naming the reason and no stored data changed"
		default:
			if strings.Contains(r.Text, "unchanged") {
				c.Given, c.When, c.Then = "the existing tests of "+strings.Join(d.testPaths(), ", "), "they run after the change", "they all pass"
			} else {
				c.When = "the change is in place"
				c.Then = "a test observes that the " + d.out.System + " does it: " + strings.TrimSuffix(strings.SplitN(r.Text, " SHALL ", 2)[1], ".") + " <TODO(assistant): the observable result>"
			}
		}
		out = append(out, c)
	}
	return out
}

func (d *draft) testPaths() []string {
	var out []string
	for _, t := range d.g.tests {
		out = append(out, "`"+t.Path+"`")
	}
	if len(out) == 0 {
		return []string{"the affected code"}
	}
	return out
}

// success criteria are measurable by construction: tests that name every
// requirement, existing tests still passing, and the figure to meet.
func (d *draft) success(reqs []Requirement) []Success {
	var ids []string
	for _, r := range reqs {
		ids = append(ids, r.ID)
	}
	out := []Success{
		{ID: d.ids.next("SC"), Text: fmt.Sprintf("100%% of %s are named by at least one passing test (`verifies:` tags, as find_test_gaps reports).", strings.Join(ids, ", "))},
		{ID: d.ids.next("SC"), Text: fmt.Sprintf("0 failures in the existing tests of %s after the change.", strings.Join(d.testPaths(), ", "))},
	}
	if m := measureRE.FindString(d.in.Request); m != "" {
		out = append(out, Success{ID: d.ids.next("SC"), Text: fmt.Sprintf("The figure the request names (%s) holds in a test.", m)})
	}
	return out
}

// testPlan spreads a new test per requirement over the test files to
// extend, each with the verifies: tag find_test_gaps reads.
func (d *draft) testPlan(reqs []Requirement) []TestFile {
	files := append([]TestFile(nil), d.g.tests...)
	if len(files) == 0 {
		d.gap("test plan: no test file found near the affected code; name one")
		return nil
	}
	base := testBaseName(d.in.Request)
	for _, r := range reqs {
		f := &files[0]
		if r.Pattern == Unwanted && len(files) > 1 {
			f = &files[1]
		}
		if strings.Contains(r.Text, "unchanged") {
			f = &files[len(files)-1]
		}
		f.New = append(f.New, newTest(f.Path, base, titleOf(d.in.Request), r))
	}
	return files
}

// newTest names a requirement's test as the test file's language does: Go's
// TestX_FR001, Python's and Ruby's test_x_fr001, Rust's x_fr001, Java's
// testX_FR001, and for JavaScript and TypeScript, whose tests are named by
// a sentence, the request's title with the requirement's ID.
func newTest(file, base, title string, r Requirement) NewTest {
	id := strings.ReplaceAll(r.ID, "-", "")
	unchanged := strings.Contains(r.Text, "unchanged")
	suffix := map[string]string{Event: "", Unwanted: "Error", Ubiquitous: "", State: "While", Optional: "Where"}[r.Pattern]
	if unchanged {
		suffix = "Unchanged"
	}
	name, comment := "Test"+base+suffix+"_"+id, "//"
	switch path.Ext(file) {
	case ".py", ".rb":
		name, comment = "test_"+tool.SnakeCase(base+suffix)+"_"+strings.ToLower(id), "#"
	case ".rs":
		name = tool.SnakeCase(base+suffix) + "_" + strings.ToLower(id)
	case ".java", ".kt":
		name = "test" + base + suffix + "_" + id
	case ".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts":
		sentence := map[string]string{Unwanted: ": fails with a clear error", State: ": while the state holds", Optional: ": where the feature is on"}[r.Pattern]
		if unchanged {
			sentence = ": leaves the rest unchanged"
		}
		name = title + sentence + " (" + r.ID + ")"
	}
	return NewTest{Name: name, Verifies: []string{r.ID}, Tag: comment + " verifies: " + r.ID}
}

// testBaseName is CamelCase of the request's first content words.
func testBaseName(request string) string {
	var b strings.Builder
	n := 0
	for _, w := range words(request) {
		if stopWords[w] || n == 3 || !isASCII(w) {
			continue
		}
		n++
		b.WriteString(strings.ToUpper(w[:1]) + w[1:])
	}
	if b.Len() == 0 {
		return "Spec"
	}
	return b.String()
}

func isASCII(s string) bool {
	for _, r := range s {
		if r > unicode.MaxASCII {
			return false
		}
	}
	return true
}
