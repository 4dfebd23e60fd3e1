package coverage

import (
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
)

// fuzzNames are file names that steer Detect to each format when the
// content alone does not.
var fuzzNames = []string{"coverage.out", "lcov.info", "coverage.xml", "jacoco.xml", "coverage.json"}

// FuzzParse reads any coverage file: it must not panic, must read the same
// report twice, and every record it keeps must be possible: lines from 1,
// no negative hits or statements, branches covered no more than they exist.
func FuzzParse(f *testing.F) {
	shop, err := os.ReadFile("../../testdata/shop/coverage.out")
	if err != nil {
		f.Fatal(err)
	}
	for i, s := range []string{goProfile, lcov1, lcov2, cobertura, jacoco, pyJSON, string(shop)} {
		f.Add(uint8(i), s)
	}
	f.Add(uint8(0), "example.com/a/b.go:1.1,2.2 1 1\n")
	f.Add(uint8(1), "SF:a.js\nDA:1,-3\nBRDA:1,0,0,-\nend_of_record\n")
	f.Fuzz(func(t *testing.T, which uint8, content string) {
		name := fuzzNames[int(which)%len(fuzzNames)]
		rep, err := Parse(name, strings.NewReader(content))
		again, err2 := Parse(name, strings.NewReader(content))
		if (err == nil) != (err2 == nil) || !reflect.DeepEqual(rep, again) {
			t.Fatalf("not deterministic: %v / %v", err, err2)
		}
		if rep == nil {
			return
		}
		for p, file := range rep.Files {
			checkFile(t, p, file)
		}
		covered, total := rep.LineCounts("")
		if covered < 0 || covered > total {
			t.Errorf("lines covered %d of %d", covered, total)
		}
		covered, total = rep.BranchCounts("")
		if covered < 0 || covered > total {
			t.Errorf("branches covered %d of %d", covered, total)
		}
	})
}

func checkFile(t *testing.T, p string, f *File) {
	t.Helper()
	if f.Path != p {
		t.Errorf("file %q keyed as %q", f.Path, p)
	}
	for l, n := range f.Lines {
		if l < 1 || n < 0 {
			t.Errorf("%s: line %d hits %d", p, l, n)
		}
	}
	for l, b := range f.Branches {
		if l < 1 || b.Covered < 0 || b.Covered > b.Total {
			t.Errorf("%s: line %d branches %d of %d", p, l, b.Covered, b.Total)
		}
	}
	for _, b := range f.Blocks {
		if b.StartLine < 1 || b.EndLine < b.StartLine || b.Stmts < 0 || b.Count < 0 {
			t.Errorf("%s: block %+v", p, b)
		}
	}
	for _, fn := range f.Funcs {
		if fn.Line < 0 || fn.Hits < 0 || fn.EndLine != 0 && fn.EndLine < fn.Line {
			t.Errorf("%s: func %+v", p, fn)
		}
	}
	for l := range f.Tests {
		if l < 1 {
			t.Errorf("%s: tests on line %d", p, l)
		}
	}
}

// TestLCOVFunctionLines: a function record whose lines cannot be a
// function is a problem, not a function (found by FuzzParse: FNL:0,10,1
// made a function that ends before it starts).
func TestLCOVFunctionLines(t *testing.T) {
	in := "SF:a.js\nFNL:0,10,1\nFNA:0,1,back\nFN:-3,neg\nFN:5,2,g\nFN:3,8,ok\nFNL:1,4\nFNA:1,2,open\nend_of_record\n"
	rep, err := Parse("lcov.info", strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, fn := range rep.Files["a.js"].Funcs {
		got = append(got, fmt.Sprintf("%s:%d-%d", fn.Name, fn.Line, fn.EndLine))
	}
	if want := "ok:3-8|open:4-0"; strings.Join(got, "|") != want {
		t.Errorf("functions %q, want %s", got, want)
	}
	if len(rep.Problems) < 3 {
		t.Errorf("problems %v, want one per bad record", rep.Problems)
	}
}
