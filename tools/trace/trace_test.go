package trace

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/fixture/fixtureindex"
	"github.com/devaiops/devai/tools/tool"
)

// shop is the fixture with its git history, indexed once for the tests
// that only read it; a test that changes a repository builds its own.
var shop = fixtureindex.Shared{Git: true, Embedder: "hash"}

func TestMain(m *testing.M) { fixtureindex.Main(m, &shop) }

// openShop returns the shared index of the fixture and its commits.
func openShop(t *testing.T) (*memory.Index, map[string]string) {
	t.Helper()
	return shop.Index(t), shop.Commits(t)
}

func TestShopPanicRanksTheBugFirst(t *testing.T) {
	t.Parallel()
	ix, commits := openShop(t)
	panicText, err := os.ReadFile(filepath.Join(ix.Repo(), "logs", "panic.log"))
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []Input{
		{Text: string(panicText)},
		{Path: "logs/panic.log"},
		{Path: "logs/worker.log"},
		{Path: "devai://log/logs/worker.log"},
	} {
		name := in.Path
		if name == "" {
			name = "pasted text"
		}
		t.Run(name, func(t *testing.T) {
			out, err := Run(t.Context(), ix, in)
			if err != nil {
				t.Fatal(err)
			}
			if len(out.Suspects) == 0 {
				t.Fatalf("no suspects: %+v", out)
			}
			top := out.Suspects[0]
			if top.Path != "internal/auth/service.go" || top.Line != 160 || top.Symbol != "auth.Service.recordLastSeen" {
				t.Fatalf("top suspect %s:%d %s, want internal/auth/service.go:160 auth.Service.recordLastSeen\n%s", top.Path, top.Line, top.Symbol, Markdown(out))
			}
			var blamed bool
			for _, b := range top.Blame {
				if b.Line == 160 {
					blamed = b.Hash == commits["bug"]
				}
			}
			if !blamed {
				t.Errorf("blame of line 160 does not point at the bug commit %s: %+v", commits["bug"], top.Blame)
			}
			if len(top.Commits) == 0 || top.Commits[0].Hash != commits["bug"] {
				t.Errorf("recent commits: %+v, want the bug commit first", top.Commits)
			}
			if len(top.Tests) != 0 || !strings.Contains(strings.Join(top.Why, ";"), "no test reaches") {
				t.Errorf("the hook has no test; got tests %+v, why %v", top.Tests, top.Why)
			}
			if !strings.Contains(top.Hypothesis, "nil") || !strings.Contains(top.Hypothesis, "regression") {
				t.Errorf("hypothesis: %s", top.Hypothesis)
			}
			if !strings.Contains(top.WriteTest, "internal/auth/service_test.go") {
				t.Errorf("write test: %s", top.WriteTest)
			}
			if len(out.Suspects) < 3 || out.Suspects[1].Symbol != "sessions.Janitor.Sweep" {
				t.Errorf("second suspect: %+v", out.Suspects[1:])
			}
			if len(out.Errors) != 1 || out.Errors[0].Type != "panic" {
				t.Errorf("errors: %+v", out.Errors)
			}
			md := Markdown(out)
			for _, want := range []string{"auth.Service.recordLastSeen", commits["bug"][:10], "feat(auth): remember when users were last active", "devai://code/internal/auth/service.go"} {
				if !strings.Contains(md, want) {
					t.Errorf("markdown lacks %q:\n%s", want, md)
				}
			}
		})
	}
	// worker.log holds the crash three times and the supervisor's times.
	out, err := Run(t.Context(), ix, Input{Path: "logs/worker.log"})
	if err != nil {
		t.Fatal(err)
	}
	if out.Errors[0].Count < 2 {
		t.Errorf("repeated panics counted %d times", out.Errors[0].Count)
	}
	if !strings.Contains(strings.Join(out.Reproduction, "\n"), "2026/11/23") {
		t.Errorf("reproduction hints lack the crash time: %v", out.Reproduction)
	}
	// The deletions that set the crash up come before each of the three.
	found := false
	for _, p := range out.BeforeFailure {
		if p.Template == "account deleted" && p.Before == 3 && strings.Contains(p.Example, "u-1002") {
			found = true
		}
	}
	if !found {
		t.Errorf("before_failure lacks the account deletions: %+v", out.BeforeFailure)
	}
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	ix, _ := openShop(t)
	outside := filepath.Join(t.TempDir(), "x.log")
	if err := os.WriteFile(outside, []byte("panic: x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		in   Input
		want string
	}{
		{"nothing", Input{}, "nothing to analyse"},
		{"blank", Input{Text: " \n\t"}, "empty"},
		{"both", Input{Text: "x", Path: "logs/panic.log"}, "not both"},
		{"outside", Input{Path: outside}, "outside the repository"},
		{"dotdot", Input{Path: "../../etc/passwd"}, "outside the repository"},
		{"missing", Input{Path: "logs/nope.log"}, "cannot read"},
		{"folder", Input{Path: "logs"}, "folder"},
		{"binary", Input{Text: "\x00\x01\x02ELF\x00"}, "binary"},
		{"limit", Input{Text: "x", MaxSuspects: 99}, "max_suspects"},
		{"bad uri", Input{Path: "devai://log/nope.log"}, "cannot read"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Run(t.Context(), ix, c.in)
			if err == nil || !tool.IsInputError(err) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want an input error with %q", err, c.want)
			}
		})
	}
}

func TestForeignTraceFallsBackToSearch(t *testing.T) {
	t.Parallel()
	ix, _ := openShop(t)
	text, err := os.ReadFile("../../memory/stack/testdata/java_caused.txt")
	if err != nil {
		t.Fatal(err)
	}
	out, err := Run(context.Background(), ix, Input{Text: string(text) + "\n"})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Errors) != 2 || !out.Errors[0].RootCause || out.Errors[0].Type != "java.lang.NumberFormatException" {
		t.Errorf("errors: %+v", out.Errors)
	}
	if !strings.Contains(strings.Join(out.Notes, " "), "no frame of the trace is in this repository") {
		t.Errorf("notes: %v", out.Notes)
	}
	for _, s := range out.Suspects {
		if !strings.Contains(s.Why[0], "search hit") {
			t.Errorf("suspect without a search reason: %+v", s)
		}
	}
	// Plain log lines with no trace: still an answer.
	out, err = Run(context.Background(), ix, Input{Text: `time=2026-11-23T21:44:52Z level=ERROR msg="order rate limit exceeded" request_id=web-1`})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Suspects) == 0 || !strings.Contains(strings.Join(out.Notes, " "), "no stack trace") {
		t.Errorf("no-trace answer: %+v", out)
	}
}

func TestLargeFileIsCut(t *testing.T) {
	t.Parallel()
	ix, _ := openShop(t)
	out, err := RunWith(t.Context(), ix, Input{Path: "logs/worker.log"}, 1200)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(out.Notes, " "), "only its last") {
		t.Errorf("notes: %v", out.Notes)
	}
	// the tail holds the last crash
	if len(out.Errors) != 1 || len(out.Suspects) == 0 || out.Suspects[0].Symbol != "auth.Service.recordLastSeen" {
		t.Errorf("the tail's crash: %+v", out)
	}
}

func TestPrintMarkdown(t *testing.T) {
	t.Parallel()
	if os.Getenv("TRACE_PRINT") == "" {
		t.Skip("set TRACE_PRINT=1 to print the fixture's answer")
	}
	ix, _ := openShop(t)
	out, err := Run(t.Context(), ix, Input{Path: "logs/worker.log"})
	if err != nil {
		t.Fatal(err)
	}
	t.Log(Markdown(out))
}

// TestManyTestsAreCountedNotListed: a suspect that many tests reach lists
// the nearest few and says how many there are.
func TestManyTestsAreCountedNotListed(t *testing.T) {
	var tests strings.Builder
	tests.WriteString("package calc\n\nimport \"testing\"\n")
	for i := range 12 {
		fmt.Fprintf(&tests, "\nfunc TestDivide%d(t *testing.T) {\n\tif Divide(%d, 1) != %d {\n\t\tt.Fatal(\"divide\")\n\t}\n}\n", i, i, i)
	}
	files := map[string]string{
		"go.mod":       "module example.com/calc\n\ngo 1.22\n",
		"calc.go":      "package calc\n\n// Divide divides a by b.\nfunc Divide(a, b int) int {\n\treturn a / b\n}\n",
		"calc_test.go": tests.String(),
	}
	ix := openFiles(t, files)
	crash := "panic: runtime error: integer divide by zero\n\ngoroutine 1 [running]:\nexample.com/calc.Divide(...)\n\t/src/calc/calc.go:5 +0x1d\nmain.main()\n\t/src/cmd/main.go:9 +0x2a\n"
	out, err := Run(t.Context(), ix, Input{Text: crash})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Suspects) == 0 {
		t.Fatal("no suspect")
	}
	s := out.Suspects[0]
	if s.TestsTotal != 12 || len(s.Tests) != maxTestsShown {
		t.Errorf("tests: %d listed of %d, want %d of 12", len(s.Tests), s.TestsTotal, maxTestsShown)
	}
	if md := Markdown(out); !strings.Contains(md, "Tests that reach it (12; the 5 nearest)") {
		t.Errorf("the Markdown does not say the count:\n%s", md)
	}
}

// TestRustUnitTestsAreTestsAndReadable: a Rust panic raised in a #[test]
// function of the file under test ranks the code first, the test's frame as
// a test's, and the test it lists has a URI that reads.
func TestRustUnitTestsAreTestsAndReadable(t *testing.T) {
	files := map[string]string{
		"Cargo.toml": "[package]\nname = \"calc\"\nversion = \"0.1.0\"\n",
		"src/lib.rs": "/// Divides a by b.\npub fn divide(a: i32, b: i32) -> i32 {\n    a / b\n}\n\n#[cfg(test)]\nmod tests {\n    use super::*;\n\n    #[test]\n    fn divides_by_zero() {\n        assert_eq!(divide(1, 0), 0);\n    }\n}\n",
	}
	ix := openFiles(t, files)
	crash := "thread 'tests::divides_by_zero' panicked at src/lib.rs:3:5:\nattempt to divide by zero\nstack backtrace:\n" +
		"   0: calc::divide\n             at ./src/lib.rs:3:5\n   1: calc::tests::divides_by_zero\n             at ./src/lib.rs:12:20\n"
	out, err := Run(t.Context(), ix, Input{Text: crash})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Suspects) < 2 || out.Suspects[0].Symbol != "divide" {
		t.Fatalf("suspects %+v, want divide first", out.Suspects)
	}
	for _, s := range out.Suspects {
		if s.Symbol == "tests.divides_by_zero" && !strings.Contains(strings.Join(s.Why, " "), "a test's frame") {
			t.Errorf("the test's frame is not weighed as a test's: %q", s.Why)
		}
	}
	if len(out.Suspects[0].Tests) == 0 {
		t.Fatal("divide lists no test that reaches it")
	}
	for _, ref := range out.Suspects[0].Tests {
		if _, err := ix.Read(ref.URI); err != nil {
			t.Errorf("test %s: %v", ref.URI, err)
		}
	}
}

// TestLinePastTheEndOfTheFile: a frame that stays at a line the checkout's
// file does not reach says so, rather than passing on git's refusal.
func TestLinePastTheEndOfTheFile(t *testing.T) {
	t.Parallel()
	ix, _ := openShop(t)
	text := "panic: boom\n\ngoroutine 1 [running]:\nexample.com/shop/internal/auth.(*Service).gone(...)\n\t/src/shop/internal/auth/service.go:5000 +0x26\n"
	out, err := Run(t.Context(), ix, Input{Text: text})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Suspects) == 0 || out.Suspects[0].Path != "internal/auth/service.go" {
		t.Fatalf("suspects %+v, want internal/auth/service.go first", out.Suspects)
	}
	why := strings.Join(out.Suspects[0].Why, "; ")
	if !strings.Contains(why, "past the end of internal/auth/service.go") || strings.Contains(why, "exit status") {
		t.Errorf("why: %s", why)
	}
}
