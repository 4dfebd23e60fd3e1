package gaps

import (
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/chunk"
	"github.com/devaiops/devai/memory/coverage"
	"github.com/devaiops/devai/memory/fixture"
	"github.com/devaiops/devai/memory/fixture/fixtureindex"
	"github.com/devaiops/devai/tools/tool"
)

// shop is testdata/shop with a full-text-only index, opened once for the
// tests that only read it.
var shop = fixtureindex.Shared{Embedder: "none"}

func TestMain(m *testing.M) { fixtureindex.Main(m, &shop) }

// openIndex indexes dir with a full-text-only index (no embedder needed).
func openIndex(t *testing.T, dir string) *memory.Index {
	t.Helper()
	ix, err := memory.Open(context.Background(), memory.Options{Repo: dir, StateDir: t.TempDir(), Embedder: "none"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	if err := ix.Sync(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	return ix
}

// copyShop copies the fixture to a temp dir, leaving out the files skip
// names (repo-relative).
func copyShop(t *testing.T, skip ...string) string {
	t.Helper()
	src := fixture.Dir(t)
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		for _, s := range skip {
			if filepath.ToSlash(rel) == s {
				return nil
			}
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func byKey(out Output) map[string]Gap {
	m := map[string]Gap{}
	for _, g := range out.Gaps {
		k := g.Kind + " " + g.Symbol
		if g.Kind == KindUnverified {
			k = g.Kind + " " + g.Requirement
		}
		m[k] = g
	}
	return m
}

func rank(out Output, kind, name string) int {
	for i, g := range out.Gaps {
		if g.Kind == kind && (g.Symbol == name || g.Requirement == name) {
			return i + 1
		}
	}
	return -1
}

// TestShop checks the answer on the fixture against what its README says
// the tests leave open.
func TestShop(t *testing.T) {
	t.Parallel()
	ix := shop.Index(t)
	out, err := Run(context.Background(), ix, Input{Limit: MaxLimit}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	gaps := byKey(out)
	for _, sym := range []string{
		"sessions.Store.Touch", "sessions.Store.DeleteUser", "sessions.Janitor.OnExpire", "auth.Service.ExpiryHook",
		"auth.Hasher.NeedsRehash", "auth.UserStore.Update", "orders.Service.Advance", "ratelimit.Limiter.Prune", "main.run",
	} {
		g, ok := gaps["untested "+sym]
		if !ok {
			t.Errorf("untested %s is missing", sym)
			continue
		}
		if g.SuggestedTest == "" || g.NearestTestFile == "" || g.URI == "" || g.Driver == "" {
			t.Errorf("%s lacks what a test writer needs: %+v", sym, g)
		}
	}
	if g := gaps["untested ratelimit.Limiter.Prune"]; g.NearestTestFile != "internal/ratelimit/limiter_test.go (new)" {
		t.Errorf("ratelimit has no tests; the new test file should be named: %q", g.NearestTestFile)
	}
	if g := gaps["untested sessions.Store.Touch"]; g.SuggestedTest != "TestStore_Touch" || g.NearestTestFile != "internal/sessions/store_test.go" || !strings.Contains(g.ModelTest, "store_test.go") {
		t.Errorf("Touch: test %q in %q modelled on %q", g.SuggestedTest, g.NearestTestFile, g.ModelTest)
	}
	// The 409 branch of Cancel.
	cancel, ok := gaps["uncovered orders.Service.Cancel"]
	if !ok {
		t.Fatal("the uncovered 409 branch of orders.Service.Cancel is missing")
	}
	if len(cancel.Lines) != 1 || cancel.Lines[0] != [2]int{107, 108} || !strings.Contains(cancel.SuggestedTest, "ErrNotCancellable") {
		t.Errorf("Cancel: lines %v, test %q", cancel.Lines, cancel.SuggestedTest)
	}
	if !strings.Contains(cancel.Why, "CanTransitionTo") {
		t.Errorf("Cancel: the why does not name the branch: %s", cancel.Why)
	}
	// Unverified requirements: exactly the README's list.
	var unverified []string
	for _, g := range out.Gaps {
		if g.Kind == KindUnverified {
			unverified = append(unverified, g.Requirement)
		}
	}
	sort.Strings(unverified)
	want := []string{"FR-003", "FR-011", "FR-012", "FR-018", "FR-020", "NFR-001", "NFR-004", "NFR-006", "NFR-008"}
	if strings.Join(unverified, ",") != strings.Join(want, ",") {
		t.Errorf("unverified %v, want %v", unverified, want)
	}
	fr11 := gaps["unverified FR-011"]
	if !strings.Contains(fr11.Why, "end every session") || !strings.Contains(fr11.Why, "auth.Service.DeleteAccount") || fr11.SuggestedTest != "TestAccountDeletion_FR011" {
		t.Errorf("FR-011: why %q, test %q", fr11.Why, fr11.SuggestedTest)
	}
	if fr18 := gaps["unverified FR-018"]; !strings.Contains(fr18.Why, "work-in-progress") {
		t.Errorf("FR-018 should say only a @wip scenario covers it: %s", fr18.Why)
	}
	// Ranked sensibly: spec-cited code with callers before an unused helper;
	// a requirement that code implements before one that none cites; the
	// 409 branch in the top ten.
	if a, b := rank(out, KindUntested, "sessions.Store.Touch"), rank(out, KindUntested, "auth.Hasher.NeedsRehash"); a > b {
		t.Errorf("Touch (FR-003, called) ranks %d, after NeedsRehash (no callers) at %d", a, b)
	}
	if a, b := rank(out, KindUnverified, "FR-011"), rank(out, KindUnverified, "NFR-004"); a > b {
		t.Errorf("FR-011 ranks %d, after NFR-004 at %d", a, b)
	}
	if r := rank(out, KindUncovered, "orders.Service.Cancel"); r > 10 {
		t.Errorf("the 409 branch ranks %d", r)
	}
	// Summary and traceability.
	s := out.Summary
	if s.Requirements != 30 || s.RequirementsVerified != 21 || s.Symbols == 0 || s.SymbolsTested == 0 || s.Lines == 0 {
		t.Errorf("summary %+v", s)
	}
	if len(out.Coverage) != 1 || out.Coverage[0].Path != "coverage.out" || out.Coverage[0].Format != string(coverage.FormatGo) {
		t.Errorf("coverage files %+v", out.Coverage)
	}
	for _, tr := range out.Matrix {
		if tr.Requirement == "FR-008" && (!tr.Verified || !containsStr(tr.Tests, "auth.TestLockoutAfterMaxFailures_FR008") || len(tr.Code) == 0) {
			t.Errorf("FR-008 row %+v", tr)
		}
	}
	md := Markdown(out)
	for _, w := range []string{"symbols tested:", "requirements verified: 21 of 30", "coverage file coverage.out (go-coverprofile)", "TestAccountDeletion_FR011"} {
		if !strings.Contains(md, w) {
			t.Errorf("Markdown lacks %q", w)
		}
	}
}

func containsStr(list []string, s string) bool { return contains(list, s) }

func TestFilters(t *testing.T) {
	t.Parallel()
	ix := shop.Index(t)
	ctx := context.Background()
	cases := []struct {
		in    Input
		check func(Gap) bool
		limit int
	}{
		{Input{Kinds: []string{KindUnverified}, Limit: 50}, func(g Gap) bool { return g.Kind == KindUnverified }, 0},
		{Input{Path: "internal/sessions/**", Limit: 50}, func(g Gap) bool { return strings.HasPrefix(g.Path, "internal/sessions/") }, 0},
		{Input{MinRisk: 60, Limit: 50}, func(g Gap) bool { return g.Risk >= 60 }, 0},
		{Input{Limit: 3}, func(Gap) bool { return true }, 3},
	}
	for _, c := range cases {
		out, err := Run(ctx, ix, c.in, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Gaps) == 0 || (c.limit > 0 && len(out.Gaps) != c.limit) {
			t.Errorf("%+v: %d gaps", c.in, len(out.Gaps))
		}
		for _, g := range out.Gaps {
			if !c.check(g) {
				t.Errorf("%+v let through %s %s %s (risk %g)", c.in, g.Kind, g.Path, g.Symbol, g.Risk)
			}
		}
	}
	for _, in := range []Input{{Kinds: []string{"flaky"}}, {MinRisk: 101}, {Limit: -1}, {Path: "["}, {Coverage: []string{"../outside.out"}}, {Coverage: []string{"nope.out"}}} {
		if _, err := Run(ctx, ix, in, Options{}); !tool.IsInputError(err) {
			t.Errorf("%+v: want an input error, got %v", in, err)
		}
	}
}

// TestBadCoverage: a malformed profile and one from another version of the
// code are read as far as they go and said to be so.
func TestBadCoverage(t *testing.T) {
	t.Parallel()
	dir := copyShop(t)
	good, err := os.ReadFile(filepath.Join(dir, "coverage.out"))
	if err != nil {
		t.Fatal(err)
	}
	bad := string(good) + "example.com/shop/internal/orders/service.go:140.2,141.3 1 1\nexample.com/shop/internal/orders/service.go:99.89,oops\n"
	if err := os.WriteFile(filepath.Join(dir, "coverage.out"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	ix := openIndex(t, dir)
	out, err := Run(context.Background(), ix, Input{Limit: MaxLimit}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	cf := out.Coverage[0]
	if len(cf.Problems) != 1 || !strings.Contains(cf.Problems[0], "line 361") {
		t.Errorf("problems %v, want the malformed line 361", cf.Problems)
	}
	if len(cf.Stale) == 0 || !strings.Contains(strings.Join(cf.Stale, " "), "internal/orders/service.go: 2 recorded lines past its end") {
		t.Errorf("stale %v, want service.go's lines past its end", cf.Stale)
	}
	if _, ok := byKey(out)["uncovered orders.Service.Cancel"]; !ok {
		t.Error("the rest of the profile was lost")
	}
}

// TestNoTests: a repository without tests gets every significant symbol
// and requirement as a gap and a note saying why.
func TestNoTests(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	files := map[string]string{
		"go.mod":       "module example.com/nt\n\ngo 1.22\n",
		"calc/calc.go": "package calc\n\n// Add adds (FR-001).\nfunc Add(a, b int) int {\n\tif a < 0 {\n\t\treturn b\n\t}\n\treturn a + b\n}\n",
		"docs/spec.md": "# Calc\n\n## Requirements\n\n- **FR-001** THE calculator SHALL add.\n",
	}
	for p, c := range files {
		os.MkdirAll(filepath.Dir(filepath.Join(dir, p)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, p), []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, err := Run(context.Background(), openIndex(t, dir), Input{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	gaps := byKey(out)
	if _, ok := gaps["untested calc.Add"]; !ok {
		t.Errorf("calc.Add missing: %+v", out.Gaps)
	}
	if _, ok := gaps["unverified FR-001"]; !ok {
		t.Errorf("FR-001 missing: %+v", out.Gaps)
	}
	if g := gaps["untested calc.Add"]; g.NearestTestFile != "calc/calc_test.go (new)" || g.SuggestedTest != "TestAdd" {
		t.Errorf("Add: %q in %q", g.SuggestedTest, g.NearestTestFile)
	}
	notes := strings.Join(out.Summary.Notes, " ")
	if !strings.Contains(notes, "no tests are indexed") || !strings.Contains(notes, "no coverage file found") {
		t.Errorf("notes %q", notes)
	}
}

// TestOrphan: a test citing a requirement the specs no longer define.
func TestOrphan(t *testing.T) {
	t.Parallel()
	dir := copyShop(t)
	p := filepath.Join(dir, "internal/orders/order_test.go")
	data, _ := os.ReadFile(p)
	data = append(data, []byte("\n// verifies: FR-099\nfunc TestRefundsAreCredited(t *testing.T) {}\n")...)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := Run(context.Background(), openIndex(t, dir), Input{Kinds: []string{KindOrphan}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Gaps) != 1 || out.Gaps[0].Symbol != "orders.TestRefundsAreCredited" || out.Gaps[0].Requirement != "FR-099" {
		t.Errorf("orphans %+v", out.Gaps)
	}
}

func TestSARIF(t *testing.T) {
	t.Parallel()
	out, err := Run(context.Background(), shop.Index(t), Input{Limit: 5}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := SARIF(out, "test")
	if err != nil {
		t.Fatal(err)
	}
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct{ Rules []struct{ ID string } }
			}
			Results []struct {
				RuleID    string `json:"ruleId"`
				Level     string
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           struct{ StartLine int }
					}
				}
			}
		}
	}
	if err := json.Unmarshal(raw, &log); err != nil {
		t.Fatal(err)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 || len(log.Runs[0].Results) != 5 || len(log.Runs[0].Tool.Driver.Rules) != 4 {
		t.Fatalf("SARIF shape: %s", raw)
	}
	for _, r := range log.Runs[0].Results {
		loc := r.Locations[0].PhysicalLocation
		if loc.ArtifactLocation.URI == "" || loc.Region.StartLine < 1 || (r.Level != "warning" && r.Level != "note") {
			t.Errorf("result %+v", r)
		}
	}
}

// TestAgainstRealCoverage measures the static analysis (symbol graph, no
// coverage file) against `go test -coverprofile` on the fixture: a
// function or method with no covered statement is truly untested.
func TestAgainstRealCoverage(t *testing.T) {
	t.Parallel()
	dir := copyShop(t, "coverage.out")
	ix := openIndex(t, dir)
	out, err := Run(context.Background(), ix, Input{Kinds: []string{KindUntested}, Limit: MaxLimit}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	predicted := map[string]bool{}
	for _, g := range out.Gaps {
		if c, ok := ix.ChunkAt(g.Path, g.EndLine); ok && isCallable(c.SymbolKind) {
			predicted[g.Symbol] = true // types have no statements to compare
		}
	}
	tree, err := coverage.ScanTree(context.Background(), fixture.Dir(t))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := tree.Load("coverage.out")
	if err != nil {
		t.Fatal(err)
	}
	truth, considered := map[string]bool{}, 0
	for _, c := range ix.Chunks(func(c memory.ChunkInfo) bool {
		return c.Kind == chunk.Code && isCallable(c.SymbolKind) && c.Symbol != "main.main"
	}) {
		// Only what the tool considers (exported, or large): the question
		// is whether its verdicts are right.
		if !isExported(c) && c.EndLine-c.StartLine+1 < significantLines {
			continue
		}
		covered, total, ok := rep.Files[c.Path].Statements(c.StartLine, c.EndLine)
		if !ok || total == 0 {
			continue
		}
		considered++
		if covered == 0 {
			truth[c.Symbol] = true
		}
	}
	tp, fp, fn := 0, 0, 0
	for s := range predicted {
		if truth[s] {
			tp++
		} else {
			fp++
			t.Logf("false positive: %s", s)
		}
	}
	for s := range truth {
		if !predicted[s] {
			fn++
			t.Logf("false negative: %s", s)
		}
	}
	precision := float64(tp) / float64(max(tp+fp, 1))
	recall := float64(tp) / float64(max(tp+fn, 1))
	t.Logf("static untested vs go test -coverprofile on testdata/shop: %d functions considered, %d truly untested; precision %.2f (%d/%d), recall %.2f (%d/%d)",
		considered, len(truth), precision, tp, tp+fp, recall, tp, tp+fn)
	if precision < 0.7 || recall < 0.7 {
		t.Errorf("precision %.2f, recall %.2f: below 0.7", precision, recall)
	}
}

// TestScopedSummary: with a path filter the summary counts only what the
// filter selects, and says so, with the whole project's figures beside it;
// the counts agree with the gaps listed.
func TestScopedSummary(t *testing.T) {
	t.Parallel()
	ix := shop.Index(t)
	ctx := context.Background()
	all, err := Run(ctx, ix, Input{Limit: MaxLimit}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if all.Project != nil || all.Summary.Scope != "" {
		t.Fatalf("unfiltered call has scoped figures: %+v %+v", all.Summary, all.Project)
	}
	cases := []struct {
		path                   string
		wantSymbols, wantTests bool // non-zero in scope
		wantReqs               bool
	}{
		{"internal/sessions/**", true, true, false},
		{"docs/**", false, false, true},
		{"nothing/here/**", false, false, false},
	}
	for _, c := range cases {
		out, err := Run(ctx, ix, Input{Path: c.path, Limit: MaxLimit}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		s, p := out.Summary, out.Project
		if s.Scope != c.path || p == nil {
			t.Fatalf("%s: scope %q, project %v", c.path, s.Scope, p)
		}
		if p.Symbols != all.Summary.Symbols || p.Tests != all.Summary.Tests || p.Requirements != all.Summary.Requirements || p.Lines != all.Summary.Lines {
			t.Errorf("%s: project figures %+v differ from the unfiltered %+v", c.path, *p, all.Summary)
		}
		if (s.Symbols > 0) != c.wantSymbols || (s.Tests > 0) != c.wantTests || (s.Requirements > 0) != c.wantReqs {
			t.Errorf("%s: scoped symbols %d tests %d requirements %d", c.path, s.Symbols, s.Tests, s.Requirements)
		}
		if s.Symbols > p.Symbols || s.Tests > p.Tests || s.Lines > p.Lines || s.Requirements > p.Requirements {
			t.Errorf("%s: scoped %+v exceeds project %+v", c.path, s, *p)
		}
		if got := s.Symbols - s.SymbolsTested; got != out.ByKind[KindUntested] {
			t.Errorf("%s: %d untested symbols in the summary, %d untested gaps", c.path, got, out.ByKind[KindUntested])
		}
		if got := s.Requirements - s.RequirementsVerified; got != countReq(out) {
			t.Errorf("%s: %d unverified requirements in the summary, %d gaps", c.path, got, countReq(out))
		}
		md := Markdown(out)
		if !strings.Contains(md, "Figures for `"+c.path+"`") || !strings.Contains(md, "[project: ") {
			t.Errorf("%s: Markdown does not state both figures:\n%s", c.path, md)
		}
	}
}

// countReq counts unverified gaps for requirement IDs.
func countReq(out Output) int {
	n := 0
	for _, g := range out.Gaps {
		if g.Kind == KindUnverified && g.Requirement != "" {
			n++
		}
	}
	return n
}
