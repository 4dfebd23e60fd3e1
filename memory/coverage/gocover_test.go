package coverage

import (
	"fmt"
	"math"
	"os"
	"strings"
	"testing"
)

// TestGoProfileEdges pins how a Go coverprofile is read at its edges, among
// them where golang.org/x/tools/cover (which reads the blocks) differs from
// the hand-written parser it replaced: blocks come sorted by position, a
// block listed again with another statement count is a problem (cover
// refuses such a profile, and leaves a repeated block unmerged when another
// block starts at the same position), fields must be separated by one space as go test
// writes them, and a count summed past the largest int stays the largest int.
func TestGoProfileEdges(t *testing.T) {
	long := "example.com/m/" + strings.Repeat("d/", 35000) + "a.go"
	cases := []struct {
		name     string
		in       string
		blocks   string // every file's blocks, files sorted, as path:start,end stmts count
		problems string // line: start of message, ";"-separated
	}{
		{"count mode sums a block listed twice",
			"mode: count\nm/a.go:1.1,2.2 1 2\nm/a.go:1.1,2.2 1 3\n",
			"m/a.go:1.1,2.2 1 5", ""},
		{"set mode keeps a block hit once hit",
			"mode: set\nm/a.go:1.1,2.2 1 0\nm/a.go:1.1,2.2 1 1\nm/a.go:1.1,2.2 1 0\n",
			"m/a.go:1.1,2.2 1 1", ""},
		{"concatenated profiles repeat the mode line",
			"mode: set\nm/a.go:1.1,2.2 1 1\nmode: set\nm/b.go:3.1,4.2 2 0\n",
			"m/a.go:1.1,2.2 1 1|m/b.go:3.1,4.2 2 0", ""},
		{"a profile without its mode line is read as set mode",
			"m/a.go:1.1,2.2 1 1\nm/a.go:1.1,2.2 1 1\n",
			"m/a.go:1.1,2.2 1 1", "1: no \"mode:\" line"},
		{"an unknown mode is said and the blocks are summed",
			"mode: often\nm/a.go:1.1,2.2 1 1\nm/a.go:1.1,2.2 1 1\n",
			"m/a.go:1.1,2.2 1 2", "1: unknown mode \"often\""},
		{"CRLF line ends, blank lines and surrounding spaces",
			"mode: set\r\n\r\n  m/a.go:1.1,2.2 1 1  \r\n",
			"m/a.go:1.1,2.2 1 1", ""},
		{"blocks come sorted by position",
			"mode: set\nm/a.go:8.10,10.3 1 0\nm/a.go:3.20,5.2 2 1\n",
			"m/a.go:3.20,5.2 2 1|m/a.go:8.10,10.3 1 0", ""},
		{"a block listed again with other statements is a problem; the first is kept",
			"mode: set\nm/a.go:1.1,2.2 1 1\nm/a.go:1.1,2.2 2 0\nm/b.go:1.1,1.9 1 1\n",
			"m/a.go:1.1,2.2 1 1|m/b.go:1.1,1.9 1 1", "3: block \"m/a.go:1.1,2.2 2 0\" was listed before as \"m/a.go:1.1,2.2 1 1\""},
		{"a block starting where another starts but ending elsewhere is a problem; the first is kept",
			"mode: count\nm/a.go:1.1,2.2 1 1\nm/a.go:1.1,3.3 2 1\nm/a.go:1.1,2.2 1 2\n",
			"m/a.go:1.1,2.2 1 3", "3: block \"m/a.go:1.1,3.3 2 1\" was listed before as \"m/a.go:1.1,2.2 1 1\""},
		{"fields separated by more than one space are malformed",
			"mode: set\nm/a.go:1.1,2.2  1 1\nm/a.go:3.1,4.2 1 1\n",
			"m/a.go:3.1,4.2 1 1", "2: malformed block"},
		{"malformed lines are problems, the rest is read",
			"mode: set\nm/a.go:1.1,oops 1 0\nm/a.go:3.1,4.2 -1 1\nm/a.go:5.1,6.2 1 -1\nm/a.go:7.1,8.2 1 1\n:1.1,2.2 1 1\nm/a.go:9.1,9.2 1 x\n",
			"m/a.go:7.1,8.2 1 1", "2: malformed block;3: malformed block;4: malformed block;6: malformed block;7: malformed block"},
		{"a block that ends before it starts, or starts at line 0, is a problem",
			"mode: set\nm/a.go:5.1,4.2 1 1\nm/a.go:0.1,4.2 1 1\nm/a.go:1.1,1.1 0 1\n",
			"m/a.go:1.1,1.1 0 1", "2: malformed block;3: malformed block"},
		{"paths with spaces and colons",
			"mode: set\nm/my dir/c:d.go:1.1,2.2 1 1\n",
			"m/my dir/c:d.go:1.1,2.2 1 1", ""},
		{"a count summed past the largest int stays the largest int",
			fmt.Sprintf("mode: count\nm/a.go:1.1,2.2 1 %d\nm/a.go:1.1,2.2 1 %d\n", math.MaxInt, math.MaxInt),
			fmt.Sprintf("m/a.go:1.1,2.2 1 %d", math.MaxInt), ""},
		{"a line longer than cover reads (64 KiB) is malformed",
			"mode: set\n" + long + ":1.1,2.2 1 1\nm/a.go:1.1,2.2 1 1\n",
			"m/a.go:1.1,2.2 1 1", "2: malformed block"},
		{"only a mode line", "mode: set\n", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rep, err := Parse("coverage.out", strings.NewReader(c.in))
			if err != nil {
				t.Fatal(err)
			}
			if got := blocksOf(rep); got != c.blocks {
				t.Errorf("blocks\n got %.300s\nwant %s", got, c.blocks)
			}
			if got := problemsOf(rep); !matchProblems(got, c.problems) {
				t.Errorf("problems\n got %q\nwant %q", got, c.problems)
			}
		})
	}
}

func blocksOf(rep *Report) string {
	var out []string
	for _, p := range rep.Paths() {
		for _, b := range rep.Files[p].Blocks {
			out = append(out, fmt.Sprintf("%s:%d.%d,%d.%d %d %d", p, b.StartLine, b.StartCol, b.EndLine, b.EndCol, b.Stmts, b.Count))
		}
	}
	return strings.Join(out, "|")
}

func problemsOf(rep *Report) []string {
	var out []string
	for _, p := range rep.Problems {
		out = append(out, fmt.Sprintf("%d: %s", p.Line, p.Msg))
	}
	return out
}

// matchProblems: as many problems as wanted, each starting as wanted.
func matchProblems(got []string, want string) bool {
	var w []string
	if want != "" {
		w = strings.Split(want, ";")
	}
	if len(got) != len(w) {
		return false
	}
	for i := range w {
		if !strings.HasPrefix(got[i], w[i]) {
			return false
		}
	}
	return true
}

// TestGoProfileLines: line hits come from the blocks; a line two blocks
// share is hit when either is.
func TestGoProfileLines(t *testing.T) {
	rep, err := Parse("coverage.out", strings.NewReader("mode: set\nm/a.go:3.20,5.2 2 1\nm/a.go:5.2,7.3 1 0\nm/a.go:9.1,9.9 1 0\n"))
	if err != nil {
		t.Fatal(err)
	}
	got := rep.Files["m/a.go"].Lines
	want := map[int]int{3: 1, 4: 1, 5: 1, 6: 0, 7: 0, 9: 0}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("lines %v, want %v", got, want)
	}
}

// BenchmarkParseGo reads the shop fixture's profile, repeated to the size
// of a large module's (about 36,000 blocks), as go test writes it and with
// one malformed line (which makes cover refuse it, so it is read line by
// line).
func BenchmarkParseGo(b *testing.B) {
	raw, err := os.ReadFile("../../testdata/shop/coverage.out")
	if err != nil {
		b.Fatal(err)
	}
	mode, body, _ := strings.Cut(string(raw), "\n")
	var w strings.Builder
	w.WriteString(mode + "\n")
	for i := range 100 {
		w.WriteString(strings.ReplaceAll(body, ".go:", fmt.Sprintf("_%d.go:", i)))
	}
	clean := w.String()
	for _, c := range []struct{ name, in string }{{"clean", clean}, {"one_bad_line", clean + "m/a.go:1.1,oops 1 1\n"}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.in)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse("coverage.out", strings.NewReader(c.in)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
