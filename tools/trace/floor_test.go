package trace

import (
	"strings"
	"testing"
)

// The naive answer ranked fifth by score is lifted to third, the others
// keep their order, and its Why says it was kept and what outranks it.
func TestNaiveAnswerKeepsATop3Place(t *testing.T) {
	errs := []Error{{RootCause: true, Frames: []Frame{
		{Func: "lib.F", File: "/go/pkg/mod/x@v1/f.go"},
		{Func: "app.naive", File: "/src/app/naive.go", Line: 7, Path: "naive.go", InApp: true},
	}}}
	cands := []Suspect{
		{Path: "a.go", Line: 1, Symbol: "a", Why: []string{"built the nil value +0.90"}},
		{Path: "b.go", Line: 1, Symbol: "b"},
		{Path: "c.go", Line: 1, Symbol: "c"},
		{Path: "d.go", Line: 1, Symbol: "d"},
		{Path: "naive.go", Line: 7, Symbol: "naive", Why: []string{"the first in-repo frame +1.00"}},
	}
	keepNaive(cands, errs, true)
	var order []string
	for _, s := range cands {
		order = append(order, s.Symbol)
	}
	if got := strings.Join(order, ","); got != "a,b,naive,c,d" {
		t.Fatalf("order %s, want a,b,naive,c,d", got)
	}
	why := strings.Join(cands[2].Why, "; ")
	if !strings.Contains(why, "kept in the top 3") || !strings.Contains(why, "ranked #5") || !strings.Contains(why, "not first: a.go a ranks above it (built the nil value +0.90)") {
		t.Errorf("why: %s", why)
	}
}

// Already in the top 3 but not first: it stays, and says what outranks it;
// first: nothing is added.
func TestNaiveAnswerInTop3SaysWhyNotFirst(t *testing.T) {
	errs := []Error{{RootCause: true, Frames: []Frame{{Path: "n.go", Line: 3, InApp: true}}}}
	cands := []Suspect{{Path: "a.go", Line: 1, Why: []string{"recent change +0.5"}}, {Path: "n.go", Line: 3}}
	keepNaive(cands, errs, true)
	if cands[1].Path != "n.go" || len(cands[1].Why) != 1 || !strings.HasPrefix(cands[1].Why[0], "not first: a.go") {
		t.Fatalf("got %+v", cands)
	}
	first := []Suspect{{Path: "n.go", Line: 3}, {Path: "a.go", Line: 1}}
	keepNaive(first, errs, true)
	if len(first[0].Why) != 0 {
		t.Errorf("the naive answer ranked first got %v", first[0].Why)
	}
}

// A panic printed by a program that uses the shop as a dependency: its
// frames are module-cache paths, and the repository's function ranks first.
func TestModuleCachePanicLeadsToTheRepositorysFunction(t *testing.T) {
	ix, _ := openShop(t)
	text := "panic: runtime error: invalid memory address or nil pointer dereference\n" +
		"[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x6b1d2a]\n\n" +
		"goroutine 7 [running]:\n" +
		"example.com/shop/internal/auth.(*Service).recordLastSeen(0x1, {0x2})\n" +
		"\t/home/u/go/pkg/mod/example.com/shop@v1.4.2/internal/auth/service.go:160 +0x5a\n" +
		"example.com/shop/internal/sessions.(*Janitor).Sweep(0x4)\n" +
		"\t/home/u/go/pkg/mod/example.com/shop@v1.4.2/internal/sessions/janitor.go:64 +0x15b\n" +
		"main.main()\n\t/home/u/app/main.go:12 +0x25\n"
	out, err := Run(t.Context(), ix, Input{Text: text, MaxSuspects: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Suspects) == 0 || out.Suspects[0].Symbol != "auth.Service.recordLastSeen" {
		t.Fatalf("want recordLastSeen first:\n%s", Markdown(out))
	}
}
