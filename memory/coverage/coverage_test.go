package coverage

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// writeTree writes files (repo-relative path → content) under a temp root.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for p, content := range files {
		abs := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(abs, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// lines makes a source file of n numbered lines.
func lines(n int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		b.WriteString("// line\n")
	}
	return b.String()
}

const goProfile = `mode: set
example.com/root/pkg/a.go:3.20,5.2 2 1
example.com/root/pkg/a.go:7.20,8.10 1 1
example.com/root/pkg/a.go:8.10,10.3 1 0
example.com/shop/internal/x.go:4.1,6.2 2 0
`

const lcov2 = `TN:
SF:src/app.js
VER:abc
FNL:0,2,6
FNA:0,3,parse
FNL:1,8,12
FNA:1,0,unused
FNF:2
FNH:1
DA:2,3
DA:3,3
DA:4,0
DA:8,0
BRDA:3,0,0,3
BRDA:3,0,1,-
LF:4
LH:2
end_of_record
`

const lcov1 = `TN:unit
SF:/ABS/lib/util.js
FN:1,helper
FNDA:5,helper
DA:1,5
DA:2,0
end_of_record
`

const cobertura = `<?xml version="1.0" ?>
<!DOCTYPE coverage SYSTEM "http://cobertura.sourceforge.net/xml/coverage-04.dtd">
<coverage line-rate="0.5" branch-rate="0.5" version="7.4.0" timestamp="1700000000000">
	<sources>
		<source>/ABS/src</source>
	</sources>
	<packages>
		<package name="shop" line-rate="0.5" branch-rate="0.5" complexity="0">
			<classes>
				<class name="cart.py" filename="shop/cart.py" complexity="0" line-rate="0.5" branch-rate="0.5">
					<methods>
						<method name="total" signature="" line-rate="1"><lines><line number="3" hits="2"/></lines></method>
					</methods>
					<lines>
						<line number="1" hits="1"/>
						<line number="3" hits="2" branch="true" condition-coverage="50% (1/2)"/>
						<line number="4" hits="0"/>
					</lines>
				</class>
			</classes>
		</package>
	</packages>
</coverage>
`

const jacoco = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><!DOCTYPE report PUBLIC "-//JACOCO//DTD Report 1.1//EN" "report.dtd"><report name="shop"><sessioninfo id="h-1" start="1" dump="2"/><package name="com/shop"><class name="com/shop/Cart" sourcefilename="Cart.java"><method name="&lt;init&gt;" desc="()V" line="3"><counter type="INSTRUCTION" missed="0" covered="3"/><counter type="METHOD" missed="0" covered="1"/></method><method name="clear" desc="()V" line="9"><counter type="INSTRUCTION" missed="4" covered="0"/><counter type="METHOD" missed="1" covered="0"/></method></class><sourcefile name="Cart.java"><line nr="3" mi="0" ci="3" mb="0" cb="0"/><line nr="5" mi="1" ci="2" mb="1" cb="1"/><line nr="9" mi="4" ci="0" mb="0" cb="0"/></sourcefile></package></report>`

const pyJSON = `{"meta": {"format": 3, "version": "7.6.1", "branch_coverage": true, "show_contexts": true},
 "files": {
  "app/cart.py": {
   "executed_lines": [1, 2, 4],
   "missing_lines": [6],
   "excluded_lines": [],
   "contexts": {"1": [""], "2": ["tests/test_cart.py::test_total|run"], "4": ["tests/test_cart.py::test_total|run"]},
   "executed_branches": [[2, 4]],
   "missing_branches": [[2, 6]],
   "functions": {"total": {"executed_lines": [2, 4], "missing_lines": [6]}, "": {"executed_lines": [1], "missing_lines": []}}
  }
 },
 "totals": {"covered_lines": 3, "num_statements": 4}
}`

func TestLoadFormats(t *testing.T) {
	files := map[string]string{
		"go.mod":                                "module example.com/root\n\ngo 1.22\n",
		"pkg/a.go":                              lines(12),
		"sub/go.mod":                            "module example.com/shop\n",
		"sub/internal/x.go":                     lines(8),
		"web/src/app.js":                        lines(12),
		"lib/util.js":                           lines(3),
		"src/shop/cart.py":                      lines(5),
		"java/src/main/java/com/shop/Cart.java": lines(10),
		"py/app/cart.py":                        lines(6),
	}
	root := writeTree(t, files)
	abs := filepath.ToSlash(root)
	covs := map[string]string{
		"coverage.out":                  goProfile,
		"web/lcov.info":                 lcov2,
		"lcov-abs.info":                 strings.ReplaceAll(lcov1, "/ABS", abs),
		"coverage.xml":                  strings.ReplaceAll(cobertura, "/ABS", abs),
		"java/build/reports/jacoco.xml": jacoco,
		"py/coverage.json":              pyJSON,
	}
	for p, c := range covs {
		if err := os.WriteFile(filepath.Join(root, filepath.FromSlash(p)), []byte(c), 0o644); err != nil {
			if err := os.MkdirAll(filepath.Dir(filepath.Join(root, p)), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(root, p), []byte(c), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	tree, err := ScanTree(context.Background(), root)
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		format   Format
		file     string
		hit      map[int]int // line → hits
		branches Branch      // over the file
		funcs    map[string]int
	}
	cases := []struct {
		cov  string
		want want
	}{
		{"coverage.out", want{FormatGo, "pkg/a.go", map[int]int{3: 1, 4: 1, 8: 1, 9: 0, 10: 0}, Branch{}, nil}},
		{"coverage.out", want{FormatGo, "sub/internal/x.go", map[int]int{4: 0, 6: 0}, Branch{}, nil}},
		{"web/lcov.info", want{FormatLCOV, "web/src/app.js", map[int]int{2: 3, 4: 0, 8: 0}, Branch{1, 2}, map[string]int{"parse": 3, "unused": 0}}},
		{"lcov-abs.info", want{FormatLCOV, "lib/util.js", map[int]int{1: 5, 2: 0}, Branch{}, map[string]int{"helper": 5}}},
		{"coverage.xml", want{FormatCobertura, "src/shop/cart.py", map[int]int{1: 1, 3: 2, 4: 0}, Branch{1, 2}, map[string]int{"total": 2}}},
		{"java/build/reports/jacoco.xml", want{FormatJaCoCo, "java/src/main/java/com/shop/Cart.java", map[int]int{3: 3, 5: 2, 9: 0}, Branch{1, 2}, map[string]int{"<init>": 1, "clear": 0}}},
		{"py/coverage.json", want{FormatPy, "py/app/cart.py", map[int]int{1: 1, 2: 1, 6: 0}, Branch{1, 2}, map[string]int{"total": 1}}},
	}
	for _, c := range cases {
		t.Run(c.cov+"/"+c.want.file, func(t *testing.T) {
			rep, err := tree.Load(c.cov)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Format != c.want.format {
				t.Errorf("format %s, want %s", rep.Format, c.want.format)
			}
			if len(rep.Problems) > 0 || len(rep.Unmapped) > 0 {
				t.Errorf("problems %v, unmapped %v", rep.Problems, rep.Unmapped)
			}
			f := rep.Files[c.want.file]
			if f == nil {
				t.Fatalf("no coverage for %s; files: %v", c.want.file, rep.Paths())
			}
			for l, n := range c.want.hit {
				if got, ok := f.Lines[l]; !ok || got != n {
					t.Errorf("line %d: hits %d (recorded %v), want %d", l, got, ok, n)
				}
			}
			if cov, tot := rep.BranchCounts(c.want.file); (Branch{cov, tot}) != c.want.branches {
				t.Errorf("branches %d/%d, want %+v", cov, tot, c.want.branches)
			}
			if c.want.funcs != nil {
				got := map[string]int{}
				for _, fn := range f.Funcs {
					got[fn.Name] = fn.Hits
				}
				if !reflect.DeepEqual(got, c.want.funcs) {
					t.Errorf("funcs %v, want %v", got, c.want.funcs)
				}
			}
		})
	}
	// Discovery finds the usual names, wherever they are.
	wantFound := []string{"coverage.out", "coverage.xml", "java/build/reports/jacoco.xml", "py/coverage.json", "web/lcov.info"}
	if !reflect.DeepEqual(tree.Found, wantFound) {
		t.Errorf("found %v, want %v", tree.Found, wantFound)
	}
	// Per-test contexts of coverage.py are kept.
	rep, _ := tree.Load("py/coverage.json")
	if got := rep.Files["py/app/cart.py"].Tests[2]; len(got) != 1 || !strings.Contains(got[0], "test_total") {
		t.Errorf("contexts of line 2: %v", got)
	}
}

func TestShopProfile(t *testing.T) {
	tree, err := ScanTree(context.Background(), "../../testdata/shop")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(tree.Found, []string{"coverage.out"}) {
		t.Errorf("found %v", tree.Found)
	}
	rep, err := tree.Load("coverage.out")
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems)+len(rep.Unmapped) > 0 {
		t.Fatalf("problems %v unmapped %v", rep.Problems, rep.Unmapped)
	}
	f := rep.Files["internal/orders/service.go"]
	// Cancel (lines 99-114): every block ran but the 409 one (106.48-108.3).
	cov, tot, ok := f.Statements(99, 114)
	if !ok || cov != 11 || tot != 12 {
		t.Errorf("Cancel statements %d/%d (%v), want 11/12", cov, tot, ok)
	}
	if _, _, missed := f.Range(99, 114); !reflect.DeepEqual(missed, [][2]int{{107, 108}}) {
		t.Errorf("Cancel missed lines %v, want [[107 108]]", missed)
	}
	if cov, _, _ := f.Statements(117, 131); cov != 0 {
		t.Errorf("Advance: %d statements covered, want 0", cov)
	}
}

func TestBadInput(t *testing.T) {
	root := writeTree(t, map[string]string{
		"go.mod":   "module example.com/m\n",
		"a.go":     lines(10),
		"b.go":     lines(4),
		"lib/x.js": lines(5),
		"bad.coverprofile": "mode: set\nexample.com/m/a.go:1.1,2.2 1 1\nexample.com/m/a.go:3.1,oops 1 0\n" +
			"example.com/m/b.go:2.1,9.2 3 1\nexample.com/other/z.go:1.1,2.2 1 1\nexample.com/m/a.go:5.1,6",
		"trunc.info": "SF:lib/x.js\nDA:1,1\nDA:2,0\nDA:3",
		"trunc.xml":  `<?xml version="1.0"?><coverage><packages><package><classes><class filename="lib/x.js"><lines><line number="1" hits="1"/><line number="2" hits="0"/>` + "\n<line numb",
		"jacoco.xml": `<report name="r"><package name="lib"><sourcefile name="x.js"><line nr="1" mi="0" ci="1" mb="0" cb="0"/>` + "\n<line nr=",
		"trunc.json": "{\"files\": {\"lib/x.js\": {\"executed_lines\": [1], \"missing_lines\": [2]},\n \"a.go\": {\"executed_lines\": [1,",
		"notes.txt":  "hello",
	})
	tree, err := ScanTree(context.Background(), root)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		file      string
		problem   string // in the first problem
		line      int    // its line
		kept      string // a file whose records survived
		keptLine  int
		unmapped  []string
		goneLines []int // on b.go
	}{
		{"bad.coverprofile", "malformed block", 3, "a.go", 1, []string{"example.com/other/z.go"}, []int{5, 6, 7, 8, 9}},
		{"trunc.info", "malformed DA record", 4, "lib/x.js", 2, nil, nil},
		{"trunc.xml", "XML", 2, "lib/x.js", 2, nil, nil},
		{"jacoco.xml", "XML", 2, "lib/x.js", 1, nil, nil},
		{"trunc.json", "kept the files read before it", 2, "lib/x.js", 2, nil, nil},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			rep, err := tree.Load(c.file)
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Problems) == 0 {
				t.Fatal("no problem reported")
			}
			p := rep.Problems[0]
			if !strings.Contains(p.Msg, c.problem) || p.Line != c.line {
				t.Errorf("first problem %q, want %q at line %d (all: %v)", p, c.problem, c.line, rep.Problems)
			}
			if _, ok := rep.Files[c.kept].Lines[c.keptLine]; !ok {
				t.Errorf("line %d of %s was lost; files %v", c.keptLine, c.kept, rep.Paths())
			}
			if !reflect.DeepEqual(rep.Unmapped, c.unmapped) {
				t.Errorf("unmapped %v, want %v", rep.Unmapped, c.unmapped)
			}
			var gone []int
			for _, s := range rep.Stale {
				if s.Path == "b.go" {
					gone = s.GoneLines
				}
			}
			if !reflect.DeepEqual(gone, c.goneLines) {
				t.Errorf("gone lines of b.go %v, want %v (stale: %+v)", gone, c.goneLines, rep.Stale)
			}
			if c.goneLines != nil {
				if _, ok := rep.Files["b.go"].Lines[5]; ok {
					t.Error("a line past the end of b.go is still in the model")
				}
			}
		})
	}
	if _, err := tree.Load("notes.txt"); err == nil || !strings.Contains(err.Error(), "not a coverage format") {
		t.Errorf("notes.txt: %v", err)
	}
	if _, err := tree.Load("missing.out"); err == nil || !strings.Contains(err.Error(), "missing.out") {
		t.Errorf("missing file: %v", err)
	}
}

func TestStaleSources(t *testing.T) {
	root := writeTree(t, map[string]string{
		"go.mod":       "module example.com/m\n",
		"a.go":         lines(4),
		"coverage.out": "mode: count\nexample.com/m/a.go:1.1,2.2 1 3\n",
	})
	old := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(filepath.Join(root, "coverage.out"), old, old); err != nil {
		t.Fatal(err)
	}
	tree, err := ScanTree(context.Background(), root)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := tree.Load("coverage.out")
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Stale) != 1 || rep.Stale[0].Path != "a.go" || rep.Stale[0].NewerBy == "" {
		t.Errorf("stale %+v, want a.go newer than the profile", rep.Stale)
	}
}

func TestIgnoredFolders(t *testing.T) {
	root := writeTree(t, map[string]string{
		".gitignore":         "build/\ncoverage.out\n",
		"coverage.out":       "mode: set\n",
		"build/lcov.info":    "SF:x\nend_of_record\n",
		"sub/x.coverprofile": "mode: set\n",
	})
	tree, err := ScanTree(context.Background(), root)
	if err != nil {
		t.Fatal(err)
	}
	// coverage.out is git-ignored itself (as it usually is) and still found;
	// build/ is an ignored folder and not entered.
	if want := []string{"coverage.out", "sub/x.coverprofile"}; !reflect.DeepEqual(tree.Found, want) {
		t.Errorf("found %v, want %v", tree.Found, want)
	}
}
