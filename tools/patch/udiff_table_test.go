package patch

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	sgdiff "github.com/sourcegraph/go-diff/diff"

	"github.com/devaiops/devai/tools/tool"
)

// Outcomes of one parser on one row of the diff table.
const (
	outOK    = "ok"    // the intended files, or the clear error the row expects
	outError = "error" // an input error where a correct result was possible (refused)
	outWrong = "wrong" // applied, but not to the intended files; or applied what it should refuse
	outPanic = "panic"
	outOther = "internal error" // an error that is not the caller's (not an input error)
)

// parseGoDiff is parseUnified written on sourcegraph/go-diff, the
// maintained parser issue 16 compares it with: go-diff reads the diff, and
// its files and hunks are mapped onto ours, with the same rules for what
// devai refuses (binary patches, mode changes) so that only the parsing
// differs. The apply side is shared.
func parseGoDiff(diff string) ([]filePatch, error) {
	fds, err := sgdiff.ParseMultiFileDiff([]byte(diff))
	if err != nil {
		return nil, tool.Inputf("the diff does not parse: %v", err)
	}
	if len(fds) == 0 {
		return nil, tool.Inputf("the diff has no file headers: send a unified diff")
	}
	var out []filePatch
	for _, fd := range fds {
		fp := filePatch{oldPath: goDiffPath(fd.OrigName, fd.OrigTime), newPath: goDiffPath(fd.NewName, fd.NewTime)}
		for _, x := range fd.Extended {
			if err := goDiffExtended(&fp, x); err != nil {
				return nil, err
			}
		}
		for _, h := range fd.Hunks {
			fp.hunks = append(fp.hunks, goDiffHunk(h))
		}
		out = append(out, fp)
	}
	return out, nil
}

func goDiffExtended(fp *filePatch, x string) error {
	switch {
	case strings.HasPrefix(x, "Binary files"), strings.HasPrefix(x, "GIT binary patch"):
		return tool.Inputf("binary patches are not supported; devai proposes text changes only")
	case strings.HasPrefix(x, "old mode"), strings.HasPrefix(x, "new mode"):
		fp.modeChange = true
	case strings.HasPrefix(x, "rename from"), strings.HasPrefix(x, "rename to"):
		fp.rename = true
	case strings.HasPrefix(x, "copy from"), strings.HasPrefix(x, "copy to"):
		fp.copy = true
	}
	return nil
}

// goDiffPath is a go-diff file name (already unquoted, timestamp apart)
// as a repository path: a/ and b/ stripped, /dev/null and GNU diff -N's
// epoch timestamp meaning no file.
func goDiffPath(name string, ts *time.Time) string {
	if name == "/dev/null" || (ts != nil && ts.Unix() == 0) {
		return ""
	}
	if strings.HasPrefix(name, "a/") || strings.HasPrefix(name, "b/") {
		return name[2:]
	}
	return name
}

func goDiffHunk(h *sgdiff.Hunk) hunk {
	out := hunk{oldStart: int(h.OrigStartLine), oldLen: int(h.OrigLines), noEOLOld: h.OrigNoNewlineAt > 0}
	body := string(h.Body)
	if body == "" {
		return out
	}
	out.noEOLNew = !strings.HasSuffix(body, "\n") // go-diff drops the newline a marker on the new side removes
	for _, l := range strings.Split(strings.TrimSuffix(body, "\n"), "\n") {
		if l == "" {
			l = " "
		}
		out.lines = append(out.lines, l)
	}
	return out
}

// diffTableRepo is the base for the diff table: one commit with the kinds
// of files diffs meet.
func diffTableRepo(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir := t.TempDir()
	runGit(t, dir, "init", "-q", "-b", "main")
	runGit(t, dir, "config", "core.autocrlf", "false")
	files := map[string]string{
		"calc.go":        tableCalcGo,
		"other.txt":      "first\nsecond\nthird\n",
		"noeol.txt":      "a\nb\nc",
		"crlf.txt":       "one\r\ntwo\r\nthree\r\n",
		"old.txt":        "line 1\nline 2\nline 3\nline 4\nline 5\nline 6\nline 7\nline 8\n",
		"gone.txt":       "soon deleted\n",
		"with space.txt": "spaced\n",
		"with\ttab.txt":  "tabbed\n",
		"café.txt":       "accent\n",
		"logo.bin":       "\x89PNG\x00\x01",
	}
	for p, s := range files {
		writeTreeFile(t, dir, p, s)
	}
	writeTreeFile(t, dir, "run.sh", "#!/bin/sh\necho hi\n")
	runGit(t, dir, "add", ".")
	runGit(t, dir, "commit", "-q", "-m", "base")
	return dir
}

const tableCalcGo = `package calc

// Add returns a + b.
func Add(a, b int) int {
	return a + b
}

// Sub returns a - b.
func Sub(a, b int) int {
	return a - b
}

// Mul returns a * b.
func Mul(a, b int) int {
	return a * b
}

// Half halves n.
func Half(n int) int {
	if n < 0 {
		return -(-n / 2)
	}
	return n / 2
}

// Double doubles n.
func Double(n int) int {
	return n * 2
}
`

func writeTreeFile(t *testing.T, dir, p, s string) {
	t.Helper()
	full := filepath.Join(dir, filepath.FromSlash(p))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(full, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readTreeFile(t *testing.T, dir, p string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// replaceIn edits a file of the working tree.
func replaceIn(p, old, new string) func(*testing.T, string) {
	return func(t *testing.T, dir string) {
		t.Helper()
		s := readTreeFile(t, dir, p)
		if !strings.Contains(s, old) {
			t.Fatalf("%s lacks %q", p, old)
		}
		writeTreeFile(t, dir, p, strings.Replace(s, old, new, 1))
	}
}

func steps(fs ...func(*testing.T, string)) func(*testing.T, string) {
	return func(t *testing.T, dir string) {
		for _, f := range fs {
			f(t, dir)
		}
	}
}

// treeFiles maps every file of the working tree (not .git) to its content.
func treeFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			if rel == ".git" {
				return filepath.SkipDir
			}
			return nil
		}
		b, err := os.ReadFile(p)
		out[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// gitDiff stages the working tree and diffs it against HEAD with git.
func gitDiff(args ...string) func(*testing.T, string) string {
	return func(t *testing.T, dir string) string {
		runGit(t, dir, "add", "-A")
		return gitOutput(t, dir, append([]string{"-c", "core.quotepath=true", "diff", "--cached", "--no-color"}, args...)...)
	}
}

// gnuDiff runs GNU diff in dir; exit status 1 means the files differ.
func gnuDiff(t *testing.T, dir string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath("diff"); err != nil {
		t.Skip("diff is not installed")
	}
	cmd := exec.Command("diff", args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	var ee *exec.ExitError
	if err != nil && !(errors.As(err, &ee) && ee.ExitCode() == 1) {
		t.Fatalf("diff %s: %v", strings.Join(args, " "), err)
	}
	return string(out)
}

// gnuDiffOrig is `diff -u P.orig P` run at the repository root, the way a
// change is diffed without git: the names differ and have no a/ b/.
func gnuDiffOrig(p string) func(*testing.T, string) string {
	return func(t *testing.T, dir string) string {
		writeTreeFile(t, dir, p+".orig", gitOutput(t, dir, "show", "HEAD:"+p))
		defer os.Remove(filepath.Join(dir, p+".orig"))
		return gnuDiff(t, dir, "-u", p+".orig", p)
	}
}

// gnuDiffTrees is `diff -ruN a b` over copies of the named paths at HEAD
// (a) and in the working tree (b): a/ b/ prefixes, timestamps, and a file
// that is missing on one side written with an epoch timestamp.
func gnuDiffTrees(paths ...string) func(*testing.T, string) string {
	return func(t *testing.T, dir string) string {
		tmp := t.TempDir()
		for _, p := range paths {
			if s, err := gitCmd(dir, "show", "HEAD:"+p).Output(); err == nil {
				writeTreeFile(t, tmp, "a/"+p, string(s))
			}
			if s, err := os.ReadFile(filepath.Join(dir, p)); err == nil {
				writeTreeFile(t, tmp, "b/"+p, string(s))
			}
		}
		return gnuDiff(t, tmp, "-ruN", "a", "b")
	}
}

var hunkHeader = regexp.MustCompile(`(?m)^@@ -(\d+),(\d+) \+(\d+),(\d+) @@`)

// recount changes the counts of the n-th hunk header (0-based) by dOld, dNew.
func recount(n, dOld, dNew int) func(string) string {
	return func(d string) string {
		k := -1
		return hunkHeader.ReplaceAllStringFunc(d, func(h string) string {
			if k++; k != n {
				return h
			}
			var a, b, c, e int
			fmt.Sscanf(h, "@@ -%d,%d +%d,%d @@", &a, &b, &c, &e)
			return fmt.Sprintf("@@ -%d,%d +%d,%d @@", a, b+dOld, c, e+dNew)
		})
	}
}

// shiftLines moves every hunk header by d lines, as if base had d lines
// more (or fewer) above the change than the tree the diff was made from.
func shiftLines(d int) func(string) string {
	return func(s string) string {
		return hunkHeader.ReplaceAllStringFunc(s, func(h string) string {
			var a, b, c, e int
			fmt.Sscanf(h, "@@ -%d,%d +%d,%d @@", &a, &b, &c, &e)
			return fmt.Sprintf("@@ -%d,%d +%d,%d @@", a+d, b, c+d, e)
		})
	}
}

// cutAfter keeps the diff up to and including the first line with s.
func cutAfter(s string) func(string) string {
	return func(d string) string {
		i := strings.Index(d, s)
		j := strings.IndexByte(d[i:], '\n')
		return d[:i+j+1]
	}
}

func sub(old, new string) func(string) string {
	return func(d string) string { return strings.ReplaceAll(d, old, new) }
}

type diffRow struct {
	name   string
	change func(*testing.T, string)        // edits the working tree: the intended result
	gen    func(*testing.T, string) string // the diff of the change; git diff by default
	has    []string                        // what the generated diff must show (the row's point)
	mangle func(string) string             // how an assistant or a paste changed it
	raw    string                          // a diff given as is (no change, no gen)
	// wantErr, when set, makes an input error the correct outcome; udiff.go's
	// must say all of these.
	wantErr []string
	// errHas: for a row that should apply, what udiff.go's refusal says.
	errHas        []string
	udiff, goDiff string // the measured outcomes
}

// TestDiffParserTable measures devai's hand-written unified-diff parser
// (udiff.go) against sourcegraph/go-diff over edit forms × failure modes,
// with real diffs from git and GNU diff, mangled the ways assistants and
// pastes mangle them. Both feed the same applier; each row records what
// each parser gives: the intended files (or the clear error the row calls
// for), a refusal, a wrong result, or a panic.
func TestDiffParserTable(t *testing.T) {
	t.Parallel()
	dir := diffTableRepo(t)
	baseFiles := treeFiles(t, dir)
	appendOther := replaceIn("other.txt", "third\n", "third\nfourth\nfifth\n")
	rows := []diffRow{
		{name: "git diff: one hunk", change: replaceIn("calc.go", "return n * 2", "return n << 1"), udiff: outOK, goDiff: outOK},
		{name: "git diff: function context in the hunk header", change: replaceIn("calc.go", "return n / 2", "return n >> 1"), has: []string{"@@ func Half(n int) int {"}, udiff: outOK, goDiff: outOK},
		{name: "git diff: multiple hunks", change: steps(replaceIn("calc.go", "return a + b", "return b + a"), replaceIn("calc.go", "return n * 2", "return n + n")), has: []string{"@@ -2,7 +2,7 @@ package calc", "@@ -25,5 +25,5 @@"}, udiff: outOK, goDiff: outOK},
		{name: "git diff: multiple files", change: steps(replaceIn("calc.go", "return a - b", "return -(b - a)"), appendOther), has: []string{"diff --git a/calc.go", "diff --git a/other.txt"}, udiff: outOK, goDiff: outOK},
		{name: "git diff --no-prefix", change: replaceIn("calc.go", "return a * b", "return b * a"), gen: gitDiff("--no-prefix"), has: []string{"--- calc.go\n+++ calc.go"}, udiff: outOK, goDiff: outOK},
		{name: "GNU diff -u f.orig f (no a/ b/, names differ)", change: replaceIn("calc.go", "return a * b", "return b * a"), gen: gnuDiffOrig("calc.go"), has: []string{"--- calc.go.orig\t", "+++ calc.go\t"}, udiff: outOK, goDiff: outOK},
		{name: "GNU diff -ruN a b (timestamps)", change: appendOther, gen: gnuDiffTrees("other.txt"), has: []string{"diff -ruN a/other.txt b/other.txt\n--- a/other.txt\t"}, udiff: outOK, goDiff: outOK},
		{name: "git diff: new file (/dev/null)", change: func(t *testing.T, d string) { writeTreeFile(t, d, "docs/new.md", "# New\ntext\n") }, has: []string{"--- /dev/null"}, udiff: outOK, goDiff: outOK},
		{name: "GNU diff -ruN: new file (epoch timestamp)", change: func(t *testing.T, d string) { writeTreeFile(t, d, "new.txt", "fresh\n") }, gen: gnuDiffTrees("new.txt"), has: []string{"--- a/new.txt\t1970-01-01"}, udiff: outOK, goDiff: outOK},
		{name: "git diff: new empty file (no hunks)", change: func(t *testing.T, d string) { writeTreeFile(t, d, "empty.txt", "") }, has: []string{"new file mode 100644\nindex 0000000..e69de29\n"}, udiff: outOK, goDiff: outOK},
		{name: "git diff: deleted file", change: func(t *testing.T, d string) { os.Remove(filepath.Join(d, "gone.txt")) }, has: []string{"+++ /dev/null"}, udiff: outOK, goDiff: outOK},
		{name: "GNU diff -ruN: deleted file (epoch timestamp)", change: func(t *testing.T, d string) { os.Remove(filepath.Join(d, "gone.txt")) }, gen: gnuDiffTrees("gone.txt"), has: []string{"+++ b/gone.txt\t1970-01-01"}, udiff: outOK, goDiff: outOK},
		{name: "git diff -M: rename without edits", change: func(t *testing.T, d string) { os.Rename(filepath.Join(d, "old.txt"), filepath.Join(d, "renamed.txt")) }, gen: gitDiff("-M"), has: []string{"rename from old.txt"}, udiff: outOK, goDiff: outOK},
		{name: "git diff -M: rename with edits", change: func(t *testing.T, d string) {
			replaceIn("old.txt", "line 4\n", "line four\n")(t, d)
			os.Rename(filepath.Join(d, "old.txt"), filepath.Join(d, "renamed.txt"))
		}, gen: gitDiff("-M"), has: []string{"rename to renamed.txt", "+line four"}, udiff: outOK, goDiff: outOK},
		{name: "git diff: mode change only", change: func(t *testing.T, d string) { os.Chmod(filepath.Join(d, "run.sh"), 0o755) }, has: []string{"old mode 100644\nnew mode 100755"},
			wantErr: []string{"mode changes are not supported"}, udiff: outOK, goDiff: outOK},
		{name: "git diff: mode change with edits", change: func(t *testing.T, d string) {
			replaceIn("run.sh", "hi", "hello")(t, d)
			os.Chmod(filepath.Join(d, "run.sh"), 0o755)
		}, has: []string{"new mode 100755", "+echo hello"}, wantErr: []string{"mode changes are not supported"}, udiff: outOK, goDiff: outOK},
		{name: "git diff: binary", change: func(t *testing.T, d string) { writeTreeFile(t, d, "logo.bin", "\x89PNG\x00\x02") }, has: []string{"Binary files a/logo.bin and b/logo.bin differ"},
			wantErr: []string{"binary patches are not supported"}, udiff: outOK, goDiff: outOK},
		{name: "no newline at end, old side", change: replaceIn("noeol.txt", "c", "c\nd\n"), has: []string{"-c\n\\ No newline at end of file\n+c\n+d\n"}, udiff: outOK, goDiff: outOK},
		{name: "no newline at end, new side", change: replaceIn("other.txt", "third\n", "third"), has: []string{"-third\n+third\n\\ No newline"}, udiff: outOK, goDiff: outOK},
		{name: "no newline at end, both sides", change: replaceIn("noeol.txt", "c", "C"), has: []string{"-c\n\\ No newline at end of file\n+C\n\\ No newline"}, udiff: outOK, goDiff: outOK},
		{name: "CRLF file", change: replaceIn("crlf.txt", "two\r\n", "TWO\r\n"), has: []string{"-two\r\n+TWO\r\n"}, udiff: outOK, goDiff: outOK},
		{name: "CRLF-encoded diff of an LF file (pasted from Windows)", change: replaceIn("other.txt", "second", "2nd"), mangle: sub("\n", "\r\n"), udiff: outOK, goDiff: outOK},
		{name: "hunk header undercounts (additions at the end)", change: appendOther, mangle: recount(0, 0, -2), udiff: outOK, goDiff: outOK},
		{name: "hunk header overcounts, another hunk follows", change: steps(replaceIn("calc.go", "return a + b", "return b + a"), replaceIn("calc.go", "return n * 2", "return n + n")), mangle: recount(0, 2, 2), udiff: outOK, goDiff: outOK},
		{name: "hunk header overcounts at the end of the diff (as if cut off)", change: replaceIn("calc.go", "return n * 2", "return n + n"), mangle: recount(0, 2, 2),
			wantErr: []string{"ends early", "cut off"}, udiff: outOK, goDiff: outWrong},
		{name: "drift: base has 3 more lines above the hunk (offset)", change: replaceIn("calc.go", "return n * 2", "return n + n"), mangle: shiftLines(-3), udiff: outOK, goDiff: outOK},
		{name: "drift: a context line differs from base", change: replaceIn("calc.go", "return n * 2", "return n + n"), mangle: sub("// Double doubles n.", "// Double returns 2n."),
			wantErr: []string{"does not apply", "nearest text at base"}, udiff: outOK, goDiff: outOK},
		{name: "truncated mid-hunk (the + line lost)", change: replaceIn("calc.go", "return n * 2", "return n + n"), mangle: cutAfter("-\treturn n * 2"),
			wantErr: []string{"ends early"}, udiff: outOK, goDiff: outWrong},
		{name: "truncated at a line boundary (the last + line lost)", change: appendOther, mangle: sub("+fifth\n", ""),
			wantErr: []string{"ends early", "cut off"}, udiff: outOK, goDiff: outWrong},
		{name: "truncated after the second file's header", change: steps(replaceIn("calc.go", "return a - b", "return -(b - a)"), appendOther), mangle: cutAfter("--- a/other.txt"),
			wantErr: []string{"other.txt", "cut off"}, udiff: outOK, goDiff: outWrong},
		{name: "assistant stripped the space of blank context lines", change: replaceIn("calc.go", "return a * b", "return b * a"), has: []string{"\n \n"}, mangle: sub("\n \n", "\n\n"), udiff: outOK, goDiff: outOK},
		{name: "trailing blank line after the diff", change: replaceIn("other.txt", "second", "2nd"), mangle: func(d string) string { return d + "\n" }, udiff: outOK, goDiff: outError},
		{name: "leading prose line", change: replaceIn("calc.go", "return a * b", "return b * a"), mangle: func(d string) string { return "Here is the fix:\n\n" + d }, udiff: outOK, goDiff: outOK},
		{name: "markdown fence around the diff", change: replaceIn("calc.go", "return a * b", "return b * a"), mangle: func(d string) string { return "```diff\n" + d + "```\n" }, udiff: outOK, goDiff: outOK},
		{name: "trailing prose sentence", change: replaceIn("calc.go", "return a * b", "return b * a"), mangle: func(d string) string { return d + "\nThis makes Mul commute.\n" }, udiff: outOK, goDiff: outError},
		{name: "path with spaces", change: replaceIn("with space.txt", "spaced", "SPACED"), has: []string{"--- a/with space.txt"}, udiff: outOK, goDiff: outOK},
		{name: "quoted path (tab in the name)", change: replaceIn("with\ttab.txt", "tabbed", "TABBED"), has: []string{`--- "a/with\ttab.txt"`},
			errHas: []string{`"with\ttab.txt"`, "control character"}, udiff: outError, goDiff: outError},
		{name: "quoted path (UTF-8 name, octal escapes)", change: replaceIn("café.txt", "accent", "ACCENT"), has: []string{`"a/caf\303\251.txt"`}, udiff: outOK, goDiff: outOK},
		{name: "hunks without a file header", change: replaceIn("other.txt", "second", "2nd"), mangle: func(d string) string { return d[strings.Index(d, "@@"):] },
			wantErr: []string{"file header"}, udiff: outOK, goDiff: outOK},
		{name: "empty diff (a newline only)", raw: "\n", wantErr: []string{"no file headers"}, udiff: outOK, goDiff: outOK},
	}
	parsers := []struct {
		name  string
		parse func(string) ([]filePatch, error)
	}{{"udiff.go", parseUnified}, {"go-diff", parseGoDiff}}
	var table strings.Builder
	fmt.Fprintf(&table, "\n| row | udiff.go | go-diff |\n|---|---|---|\n")
	for _, r := range rows {
		diff, want := makeRowDiff(t, dir, baseFiles, r)
		var got [2]string
		for k, p := range parsers {
			out, detail := diffOutcome(dir, baseFiles, want, r, p.parse, diff)
			got[k] = out
			wantOut := []string{r.udiff, r.goDiff}[k]
			if out != wantOut {
				t.Errorf("%s / %s: %s (%s), want %s\ndiff:\n%s", r.name, p.name, out, detail, wantOut, diff)
			}
			if k == 0 && (out == outError || r.wantErr != nil) {
				for _, w := range append(r.errHas, r.wantErr...) {
					if !strings.Contains(detail, w) {
						t.Errorf("%s / udiff.go: the error lacks %q: %s", r.name, w, detail)
					}
				}
			}
		}
		fmt.Fprintf(&table, "| %s | %s | %s |\n", r.name, got[0], got[1])
	}
	t.Log(table.String())
}

// makeRowDiff makes the row's change in the working tree, diffs it, and
// returns the (mangled) diff and the intended files; the tree is reset.
func makeRowDiff(t *testing.T, dir string, baseFiles map[string]string, r diffRow) (string, map[string]string) {
	t.Helper()
	if r.raw != "" || r.change == nil {
		return r.raw, baseFiles
	}
	r.change(t, dir)
	gen := r.gen
	if gen == nil {
		gen = gitDiff()
	}
	diff := gen(t, dir)
	want := treeFiles(t, dir)
	runGit(t, dir, "reset", "-q", "--hard")
	runGit(t, dir, "clean", "-fdqx")
	for _, h := range r.has {
		if !strings.Contains(diff, h) {
			t.Fatalf("%s: the generated diff lacks %q:\n%s", r.name, h, diff)
		}
	}
	if r.mangle != nil {
		diff = r.mangle(diff)
	}
	return diff, want
}

// diffOutcome applies diff to base with parse and says how it went.
func diffOutcome(dir string, baseFiles, want map[string]string, r diffRow, parse func(string) ([]filePatch, error), diff string) (out, detail string) {
	defer func() {
		if v := recover(); v != nil {
			out, detail = outPanic, fmt.Sprint(v)
		}
	}()
	b, err := openBase(dir, "HEAD")
	if err != nil {
		return outOther, err.Error()
	}
	w := newWorkset(b)
	fps, err := parse(diff)
	if err == nil {
		err = w.applyFilePatches(0, fps)
	} else {
		err = &EditError{Index: 0, Reason: err.Error()}
	}
	if err != nil {
		var ee *EditError
		if !errors.As(err, &ee) && !tool.IsInputError(err) {
			return outOther, err.Error()
		}
		if r.wantErr == nil {
			return outError, err.Error()
		}
		return outOK, err.Error()
	}
	if r.wantErr != nil {
		return outWrong, "applied; want an error"
	}
	got := map[string]string{}
	for p, s := range baseFiles {
		got[p] = s
	}
	for _, f := range w.changed() {
		if f.newExists {
			got[f.path] = string(f.new)
		} else {
			delete(got, f.path)
		}
	}
	for p, s := range want {
		if g, ok := got[p]; !ok || g != s {
			return outWrong, fmt.Sprintf("%s: got %q (exists %v), want %q", p, g, ok, s)
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			return outWrong, p + " should not exist"
		}
	}
	return outOK, ""
}
