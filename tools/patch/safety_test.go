package patch

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/devaiops/devai/memory/proposals"
	"github.com/devaiops/devai/tools/tool"
)

// TestSafety feeds propose_patch bad and hostile input: each call fails
// with a specific message, and the user's files, index and HEAD stay
// byte-for-byte as they were.
func TestSafety(t *testing.T) {
	t.Parallel()
	dir := smallRepo(t)
	// A dirty working tree: a modified tracked file and an untracked one.
	if err := os.WriteFile(filepath.Join(dir, "calc", "calc.go"), []byte("package calc // being edited\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("untracked\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	state := t.TempDir()
	before := snapshot(t, dir)
	huge := strings.Repeat("x", MaxDiffBytes+1)
	rows := []struct {
		name    string
		in      Input
		wantErr string
	}{
		{"parent path", Input{Edits: []Edit{{Path: "../outside.txt", Content: ptr("x")}}}, "leaves the repository"},
		{"nested parent path", Input{Edits: []Edit{{Path: "calc/../../x", Content: ptr("x")}}}, "leaves the repository"},
		{"control character in a path", Input{Edits: []Edit{{Path: "with\ttab.txt", Search: "x", Replace: "y"}}}, "control character"},
		{"absolute path", Input{Edits: []Edit{{Path: "/etc/passwd", Content: ptr("x")}}}, "is absolute"},
		{"git dir", Input{Edits: []Edit{{Path: ".git/config", Content: ptr("x")}}}, "inside .git"},
		{"git dir in a diff", Input{Edits: []Edit{{Diff: "--- a/.git/HEAD\n+++ b/.git/HEAD\n@@ -1 +1 @@\n-ref: refs/heads/main\n+ref: refs/heads/evil\n"}}}, "inside .git"},
		{"symlink pointing out", Input{Edits: []Edit{{Path: "out/passwd", Content: ptr("x")}}}, "symbolic link"},
		{"the symlink itself", Input{Edits: []Edit{{Path: "out", Delete: true}}}, "symbolic link"},
		{"binary target", Input{Edits: []Edit{{Path: "bin.dat", Search: "a", Replace: "c"}}}, "binary file"},
		{"non-UTF-8 target", Input{Edits: []Edit{{Path: "latin1.txt", Search: "caf", Replace: "cafe"}}}, "binary file"},
		{"binary content", Input{Edits: []Edit{{Path: "new.bin", Content: ptr("a\x00b")}}}, "binary"},
		{"binary replace", Input{Edits: []Edit{{Path: "dup.txt", Search: "beta", Replace: "be\x00ta"}}}, "binary"},
		{"nonexistent base", Input{Base: "no-such-branch", Edits: []Edit{{Path: "dup.txt", Delete: true}}}, `base "no-such-branch" is not a commit`},
		{"nonexistent base hash", Input{Base: "0123456789abcdef0123456789abcdef01234567", Edits: []Edit{{Path: "dup.txt", Delete: true}}}, "is not a commit"},
		{"huge edit", Input{Edits: []Edit{{Path: "big.txt", Content: &huge}}}, "more than the"},
		{"no edits", Input{}, "edits is empty"},
		{"unknown check", Input{Edits: []Edit{{Path: "dup.txt", Delete: true}}, Options: Options{Checks: []string{"lint"}}}, `unknown check "lint"`},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			r.in.Title = r.name
			_, err := RunIn(context.Background(), dir, state, nil, r.in, RunOptions{})
			if err == nil || !strings.Contains(err.Error(), r.wantErr) {
				t.Fatalf("want an error with %q, got %v", r.wantErr, err)
			}
			if !tool.IsInputError(err) {
				t.Errorf("want an input error (the caller can fix it), got %T", err)
			}
		})
	}
	// The dirty tree does not leak into the proposal: it is based on HEAD.
	out, err := RunIn(context.Background(), dir, state, nil, Input{Title: "dirty", Edits: []Edit{{Path: "calc/calc.go", Search: "return n / 2", Replace: "return n >> 1"}}, Options: Options{Branch: true}}, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.Diff, "being edited") || !strings.Contains(out.Diff, "+\treturn n >> 1") {
		t.Errorf("diff against the dirty tree, not HEAD:\n%s", out.Diff)
	}
	if list, err := List(context.Background(), proposals.Files{StateDir: state}); err != nil || len(list) != 1 || list[0].ID != out.ID {
		t.Errorf("List after failures and one success: %+v, %v", list, err)
	}
	assertUnchanged(t, dir, before)
}

// TestConcurrentProposals runs proposals at once on one repository, with
// branches and exec'd checks: separate ids, branches and scratch copies.
func TestConcurrentProposals(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go is not installed")
	}
	dir := smallRepo(t)
	state := t.TempDir()
	before := snapshot(t, dir)
	const n = 3
	outs := make([]Output, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			outs[i], errs[i] = RunIn(context.Background(), dir, state, nil, Input{
				Title:   fmt.Sprint("proposal ", i),
				Edits:   []Edit{{Path: "calc/calc.go", Search: "return a + b", Replace: fmt.Sprintf("return a + b + %d - %d", i, i)}},
				Options: Options{Branch: true},
			}, RunOptions{AllowExec: true, Timeout: 2 * time.Minute})
		}()
	}
	wg.Wait()
	ids := map[string]bool{}
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("proposal %d: %v", i, errs[i])
		}
		ids[outs[i].ID] = true
		for _, c := range outs[i].Checks {
			if c.Status != StatusPass {
				t.Errorf("proposal %d: check %s %s: %s", i, c.Name, c.Status, c.Output)
			}
		}
		if got := runGit(t, dir, "show", outs[i].Branch+":calc/calc.go"); !strings.Contains(got, fmt.Sprintf("+ %d - %d", i, i)) {
			t.Errorf("branch %s holds another proposal's change", outs[i].Branch)
		}
	}
	if len(ids) != n {
		t.Errorf("ids collide: %v", ids)
	}
	assertUnchanged(t, dir, before)
	leftovers, _ := filepath.Glob(filepath.Join(os.TempDir(), scratchPrefix+"proposal-"+outs[0].ID+"-*"))
	if len(leftovers) != 0 {
		t.Errorf("scratch copies left behind: %v", leftovers)
	}
}

// TestHangingCheckIsKilled: a test that never ends is killed at the
// timeout, with its process group, and reported as a failed check.
func TestHangingCheckIsKilled(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go is not installed")
	}
	dir := smallRepo(t)
	before := snapshot(t, dir)
	hang := "func TestHang(t *testing.T) {\n\ttime.Sleep(time.Hour)\n}\n"
	start := time.Now()
	out, err := RunIn(context.Background(), dir, t.TempDir(), nil, Input{
		Title: "hang",
		Edits: []Edit{{Path: "calc/hang_test.go", Content: ptr("package calc\n\nimport (\n\t\"testing\"\n\t\"time\"\n)\n\n" + hang)}},
	}, RunOptions{AllowExec: true, Timeout: 15 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 90*time.Second {
		t.Errorf("took %s: the timeout did not stop the check", took)
	}
	var test CheckResult
	for _, c := range out.Checks {
		if c.Name == CheckTest {
			test = c
		}
	}
	if test.Status != StatusFail || !strings.Contains(test.Output, "was killed") || !strings.Contains(test.Command, "TestHang") {
		t.Errorf("test check: %+v", test)
	}
	assertUnchanged(t, dir, before)
}

// TestStaticOnlyWithoutExec: without AllowExec, build and test are
// skipped and the output says why.
func TestStaticOnlyWithoutExec(t *testing.T) {
	t.Parallel()
	dir := smallRepo(t)
	out, err := RunIn(context.Background(), dir, t.TempDir(), nil, Input{Title: "t", Edits: []Edit{{Path: "calc/calc.go", Search: "return n / 2", Replace: "return n>>1"}}}, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, c := range out.Checks {
		got[c.Name] = c.Status
	}
	want := map[string]string{CheckApply: StatusPass, CheckFormat: StatusFail, CheckBuild: StatusSkipped, CheckTest: StatusSkipped}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("check %s: %s, want %s", k, got[k], v)
		}
	}
	if !strings.Contains(out.Exec, "static checks only") || !strings.Contains(out.Exec, "--allow-exec") {
		t.Errorf("exec note %q does not say that only static checks ran", out.Exec)
	}
}

// TestDiffRoundTrip: for random edits of random texts, the generated diff
// parses and, applied to the old text, gives the new one.
func TestDiffRoundTrip(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewSource(1))
	words := []string{"a", "b", "c", "", "func x() {", "}", "\treturn"}
	gen := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteString(words[rng.Intn(len(words))] + "\n")
		}
		s := b.String()
		if rng.Intn(4) == 0 {
			s = strings.TrimSuffix(s, "\n") // no newline at the end
		}
		return s
	}
	for i := range 500 {
		old, new := gen(rng.Intn(30)), ""
		if i%3 == 0 {
			new = gen(rng.Intn(30))
		} else {
			lines := splitLines(old)
			for _, l := range lines {
				switch rng.Intn(6) {
				case 0:
				case 1:
					new += "inserted\n" + l
				default:
					new += l
				}
			}
		}
		f := &file{path: "f.txt", old: []byte(old), new: []byte(new), oldExists: true, newExists: true}
		text, _, _, _, _ := fileDiff(f)
		if old == new {
			continue
		}
		fps, err := parseUnified(text)
		if err != nil {
			t.Fatalf("case %d: %v\n%s", i, err, text)
		}
		got, _, err := applyHunks(old, fps[0].hunks, false)
		if err != nil || got != new {
			t.Fatalf("case %d: round trip failed (%v)\nold %q\nnew %q\ngot %q\n%s", i, err, old, new, got, text)
		}
	}
}

// TestSharedClone: a clone made with --shared keeps its objects in the
// source repository (objects/info/alternates); proposals still read base
// and write their branch into the clone.
func TestSharedClone(t *testing.T) {
	t.Parallel()
	src := smallRepo(t)
	dir := filepath.Join(t.TempDir(), "clone")
	runGit(t, filepath.Dir(dir), "clone", "-q", "--shared", src, dir)
	before := snapshot(t, dir)
	srcBefore := snapshot(t, src)
	out, err := RunIn(context.Background(), dir, t.TempDir(), nil, Input{Title: "shared", Edits: []Edit{{Path: "dup.txt", Search: "beta", Replace: "BETA"}}, Options: Options{Branch: true}}, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := runGit(t, dir, "show", out.Branch+":dup.txt"); got != "alpha\nBETA\nalpha" {
		t.Errorf("branch content %q", got)
	}
	assertUnchanged(t, dir, before)
	assertUnchanged(t, src, srcBefore)
}
