package main

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/tools/cover"
)

const sample = `package shop

// Add is covered.
func Add(a, b int) int {
	return a + b
}

func init() { _ = 1 }

type Cart struct{ n int }

// Empty has no statement.
func (c *Cart) Empty() {}

func (c *Cart) Total() int {
	if c.n > 0 {
		return c.n
	}
	return 0
}

func (c Cart) Size() int {
	return c.n
}
`

func writeModule(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	must(t, os.WriteFile(filepath.Join(dir, "shop.go"), []byte(sample), 0o644))
	must(t, os.MkdirAll(filepath.Join(dir, "testdata"), 0o755))
	must(t, os.WriteFile(filepath.Join(dir, "testdata", "x.go"), []byte("package x\nfunc X() { println() }\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "shop_test.go"), []byte("package shop\n// Total is named here\n"), 0o644))
	return dir
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// profile covers Add and the first branch of Total, not Size.
var profile = []*cover.Profile{{FileName: "example.com/shop/shop.go", Blocks: []cover.ProfileBlock{
	{StartLine: 4, EndLine: 6, NumStmt: 1, Count: 3},
	{StartLine: 8, EndLine: 8, NumStmt: 1, Count: 1},
	{StartLine: 15, EndLine: 16, NumStmt: 1, Count: 2},
	{StartLine: 16, EndLine: 18, NumStmt: 1, Count: 2},
	{StartLine: 18, EndLine: 20, NumStmt: 1, Count: 0},
	{StartLine: 22, EndLine: 24, NumStmt: 1, Count: 0},
}}}

func TestFunctions(t *testing.T) {
	fns, err := functions(writeModule(t), "example.com/shop", profile)
	must(t, err)
	want := []function{
		{Path: "shop.go", Line: 4, End: 6, Name: "Add", Stmts: 1, Covered: 1},
		{Path: "shop.go", Line: 15, End: 20, Name: "Total", Recv: "Cart", Stmts: 3, Covered: 2},
		{Path: "shop.go", Line: 22, End: 24, Name: "Size", Recv: "Cart", Stmts: 1},
	}
	if len(fns) != len(want) {
		t.Fatalf("functions = %+v, want %+v (no init, no empty body, no testdata)", fns, want)
	}
	for i := range want {
		if fns[i] != want[i] {
			t.Errorf("function %d = %+v, want %+v", i, fns[i], want[i])
		}
	}
}

func TestScoreNaiveAndDevai(t *testing.T) {
	dir := writeModule(t)
	fns, err := functions(dir, "example.com/shop", profile)
	must(t, err)
	words, err := testIdentifiers(dir)
	must(t, err)
	// The baseline: Add and Size are not named in a test file (Total is);
	// both are 3 lines, so the order is the file's: Add (ran), Size.
	naive := score(naiveList(fns, words), fns)
	if naive.Scored != 2 || !near(naive.PAll, 0.5) || !near(naive.Recall, 1) || !near(naive.P10, 0.5) {
		t.Errorf("naive = %+v, want 2 listed, P@all 0.5, recall 1", naive)
	}
	// devai names the type Cart (its methods: Total ran, so wrong) and
	// Size (right); a gap outside any function is not scored.
	gaps := []gapEntry{
		{Kind: "untested", Path: "shop.go", StartLine: 10, EndLine: 10, Symbol: "shop.Cart"},
		{Kind: "untested", Path: "shop.go", StartLine: 21, EndLine: 24, Symbol: "shop.Cart.Size"},
		{Kind: "untested", Path: "other.go", StartLine: 1, EndLine: 3, Symbol: "shop.Gone"},
	}
	s := score(devaiList(gaps, fns), fns)
	if s.Scored != 2 || !near(s.PAll, 0.5) || !near(s.Recall, 1) || s.Flagged != 2 {
		t.Errorf("devai = %+v, want 2 scored, P@all 0.5, recall 1, 2 flagged", s)
	}
	if len(s.FalsePos) != 1 || s.FalsePos[0] != "shop.Cart" {
		t.Errorf("false positives = %v, want [shop.Cart]", s.FalsePos)
	}
}

func TestPrecisionAtK(t *testing.T) {
	fns := make([]function, 30)
	var list []item
	for i := range fns {
		fns[i] = function{Name: "f", Stmts: 1}
		if i%2 == 1 {
			fns[i].Covered = 1 // every second one ran
		}
		if i < 25 {
			list = append(list, item{fns: []int{i}})
		}
	}
	s := score(list, fns)
	// Right at ranks 1,3,5,…: 5 of the first 10, 10 of 20, 13 of 25;
	// 13 of the 15 untested flagged.
	if !near(s.P10, 0.5) || !near(s.P20, 0.5) || !near(s.PAll, 13.0/25) || !near(s.Recall, 13.0/15) {
		t.Errorf("score = %+v", s)
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
