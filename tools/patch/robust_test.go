package patch

import (
	"context"
	"strings"
	"testing"

	"github.com/devaiops/devai/tools/tool"
)

func ptr(s string) *string { return &s }

// TestEditRobustness is the table of edit forms × failure modes: what each
// form does with no match, two matches, whitespace drift, a stale base
// (text from a newer commit), CRLF files and a file deleted upstream.
// Every row, failed or not, leaves the working tree, index and HEAD as they
// were.
func TestEditRobustness(t *testing.T) {
	t.Parallel()
	dir := smallRepo(t)
	state := t.TempDir()
	before := snapshot(t, dir)
	type row struct {
		form, mode string
		base       string
		edits      []Edit
		wantErr    []string // all in the error; none means success
		wantDiff   []string // all in the diff
		wantNote   string   // in the notes
	}
	rows := []row{
		// search/replace
		{form: "search", mode: "no match", edits: []Edit{{Path: "calc/calc.go", Search: "return a - b", Replace: "return b - a"}},
			wantErr: []string{"edit 0 (calc/calc.go)", "does not occur", "nearest text at base, line 5", "return a + b"}},
		{form: "search", mode: "two matches", edits: []Edit{{Path: "dup.txt", Search: "alpha", Replace: "gamma"}},
			wantErr: []string{"edit 0 (dup.txt)", "matches 2 times (lines 1, 3)"}},
		{form: "search", mode: "whitespace drift", edits: []Edit{{Path: "calc/calc.go", Search: "func Add(a, b int) int {\n    return a + b\n}", Replace: "func Add(a, b int) int {\n    return b + a\n}"}},
			wantDiff: []string{"-\treturn a + b\n+\treturn b + a\n"}, wantNote: "whitespace is ignored"},
		{form: "search", mode: "whitespace drift, ambiguous", edits: []Edit{{Path: "dup.txt", Search: "  alpha", Replace: "gamma"}},
			wantErr: []string{"matches nowhere exactly and 2 places when whitespace is ignored"}},
		{form: "search", mode: "stale base", base: "v1", edits: []Edit{{Path: "stale.go", Search: `const Version = "2.0"`, Replace: `const Version = "2.1"`}},
			wantErr: []string{"does not occur", `const Version = "1.0"`}},
		{form: "search", mode: "CRLF file", edits: []Edit{{Path: "crlf.txt", Search: "two\n", Replace: "TWO\n"}},
			wantDiff: []string{"-two\r\n+TWO\r\n"}, wantNote: "CRLF"},
		{form: "search", mode: "deleted upstream", edits: []Edit{{Path: "gone.txt", Search: "soon", Replace: "now"}},
			wantErr: []string{"edit 0 (gone.txt)", "does not exist at base", "{path, content}"}},
		{form: "search", mode: "deleted upstream, older base", base: "v1", edits: []Edit{{Path: "gone.txt", Search: "soon", Replace: "now"}},
			wantDiff: []string{"-soon deleted\n+now deleted\n"}},
		{form: "search", mode: "second edit fails", edits: []Edit{{Path: "calc/calc.go", Search: "return a + b", Replace: "return b + a"}, {Path: "calc/calc.go", Search: "n / 3", Replace: "n >> 1"}},
			wantErr: []string{"edit 1 (calc/calc.go)", "does not occur", "n / 2", "No edit was applied"}},
		// unified diff
		{form: "diff", mode: "no match", edits: []Edit{{Diff: "--- a/calc/calc.go\n+++ b/calc/calc.go\n@@ -5,1 +5,1 @@\n-\treturn a * b\n+\treturn b * a\n"}},
			wantErr: []string{"edit 0 (calc/calc.go)", "hunk 1 (@@ -5,1) does not apply", "return a + b"}},
		{form: "diff", mode: "two matches (the one at the hunk's line wins)", edits: []Edit{{Diff: "--- a/dup.txt\n+++ b/dup.txt\n@@ -3 +3 @@\n-alpha\n+ALPHA\n"}},
			wantDiff: []string{"@@ -1,3 +1,3 @@\n alpha\n beta\n-alpha\n+ALPHA\n"}},
		{form: "diff", mode: "line numbers off", edits: []Edit{{Diff: "--- a/calc/calc.go\n+++ b/calc/calc.go\n@@ -40,3 +40,3 @@\n func Half(n int) int {\n-\treturn n / 2\n+\treturn n >> 1\n }\n"}},
			wantDiff: []string{"+\treturn n >> 1\n"}, wantNote: "offset"},
		{form: "diff", mode: "whitespace drift (trailing)", edits: []Edit{{Diff: "--- a/calc/calc.go\n+++ b/calc/calc.go\n@@ -9,3 +9,3 @@\n func Half(n int) int {   \n-\treturn n / 2\n+\treturn n >> 1\n }\n"}},
			wantDiff: []string{" func Half(n int) int {\n-\treturn n / 2\n+\treturn n >> 1\n"}},
		{form: "diff", mode: "whitespace drift (indentation)", edits: []Edit{{Diff: "--- a/calc/calc.go\n+++ b/calc/calc.go\n@@ -10 +10 @@\n-    return n / 2\n+    return n >> 1\n"}},
			wantErr: []string{"does not apply", "return n / 2"}},
		{form: "diff", mode: "stale base", base: "v1", edits: []Edit{{Diff: "--- a/stale.go\n+++ b/stale.go\n@@ -3 +3 @@\n-const Version = \"2.0\"\n+const Version = \"2.1\"\n"}},
			wantErr: []string{"does not apply", `const Version = "1.0"`}},
		{form: "diff", mode: "CRLF file", edits: []Edit{{Diff: "--- a/crlf.txt\n+++ b/crlf.txt\n@@ -2 +2 @@\n-two\n+TWO\n"}},
			wantDiff: []string{"-two\r\n+TWO\r\n"}},
		{form: "diff", mode: "deleted upstream", edits: []Edit{{Diff: "--- a/gone.txt\n+++ b/gone.txt\n@@ -1 +1 @@\n-soon deleted\n+later\n"}},
			wantErr: []string{"does not exist at base"}},
		{form: "diff", mode: "new and deleted files, several at once", edits: []Edit{{Diff: "diff --git a/docs/new.md b/docs/new.md\nnew file mode 100644\n--- /dev/null\n+++ b/docs/new.md\n@@ -0,0 +1,2 @@\n+# New\n+text\ndiff --git a/dup.txt b/dup.txt\ndeleted file mode 100644\n--- a/dup.txt\n+++ /dev/null\n@@ -1,3 +0,0 @@\n-alpha\n-beta\n-alpha\n"}},
			wantDiff: []string{"new file mode 100644", "+++ b/docs/new.md", "deleted file mode 100644", "+++ /dev/null"}},
		{form: "diff", mode: "rename", edits: []Edit{{Diff: "diff --git a/dup.txt b/dup2.txt\nsimilarity index 100%\nrename from dup.txt\nrename to dup2.txt\n"}},
			wantDiff: []string{"--- a/dup.txt\n+++ /dev/null", "--- /dev/null\n+++ b/dup2.txt\n@@ -0,0 +1,3 @@\n+alpha\n+beta\n+alpha\n"}},
		{form: "diff", mode: "header undercounts (the body is used, and said so)", edits: []Edit{{Diff: "--- a/dup.txt\n+++ b/dup.txt\n@@ -3 +3 @@\n-alpha\n+ALPHA\n+gamma\n"}},
			wantDiff: []string{"-alpha\n+ALPHA\n+gamma\n"}, wantNote: "counts -1 +1 lines in its header but has -1 +2; its lines were used"},
		{form: "diff", mode: "mode change", edits: []Edit{{Diff: "diff --git a/dup.txt b/dup.txt\nold mode 100644\nnew mode 100755\n"}},
			wantErr: []string{"mode changes are not supported", "without those two lines"}},
		// whole file
		{form: "content", mode: "new file", edits: []Edit{{Path: "calc/mul.go", Content: ptr("package calc\n\nfunc Mul(a, b int) int { return a * b }\n")}},
			wantDiff: []string{"new file mode 100644", "--- /dev/null", "+++ b/calc/mul.go"}},
		{form: "content", mode: "existing file replaced", edits: []Edit{{Path: "stale.go", Content: ptr("package small\n\nconst Version = \"3.0\"\n")}},
			wantDiff: []string{"-const Version = \"2.0\"\n+const Version = \"3.0\"\n"}},
		{form: "content", mode: "stale base", base: "v1", edits: []Edit{{Path: "stale.go", Content: ptr("package small\n\nconst Version = \"2.0\"\n")}},
			wantDiff: []string{"-const Version = \"1.0\"\n+const Version = \"2.0\"\n"}},
		{form: "content", mode: "CRLF file", edits: []Edit{{Path: "crlf.txt", Content: ptr("one\ntwo\nfour\n")}},
			wantDiff: []string{"-three\r\n+four\r\n"}, wantNote: "CRLF"},
		{form: "content", mode: "deleted upstream (recreated)", edits: []Edit{{Path: "gone.txt", Content: ptr("back\n")}},
			wantDiff: []string{"new file mode", "+back"}},
		{form: "content", mode: "no change", edits: []Edit{{Path: "dup.txt", Content: ptr("alpha\nbeta\nalpha\n")}},
			wantErr: []string{"the edits change nothing"}},
		// delete
		{form: "delete", mode: "existing file", edits: []Edit{{Path: "crlf.txt", Delete: true}},
			wantDiff: []string{"deleted file mode 100644", "-one\r\n"}},
		{form: "delete", mode: "deleted upstream", edits: []Edit{{Path: "gone.txt", Delete: true}},
			wantErr: []string{"delete: the file does not exist at base"}},
		{form: "mixed", mode: "no form", edits: []Edit{{Path: "dup.txt"}},
			wantErr: []string{"give exactly one of"}},
	}
	for _, r := range rows {
		t.Run(r.form+"/"+r.mode, func(t *testing.T) {
			out, err := RunIn(context.Background(), dir, state, nil, Input{Title: r.form + " " + r.mode, Base: r.base, Edits: r.edits, Options: Options{Checks: []string{CheckApply, CheckFormat}}}, RunOptions{})
			if len(r.wantErr) > 0 {
				if err == nil {
					t.Fatalf("want an error with %q, got a proposal:\n%s", r.wantErr, out.Diff)
				}
				if !tool.IsInputError(err) {
					t.Errorf("want an input error, got %T: %v", err, err)
				}
				for _, w := range r.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error lacks %q:\n%v", w, err)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range r.wantDiff {
				if !strings.Contains(out.Diff, w) {
					t.Errorf("diff lacks %q:\n%s", w, out.Diff)
				}
			}
			if r.wantNote != "" && !strings.Contains(strings.Join(out.Notes, "\n"), r.wantNote) {
				t.Errorf("notes %q lack %q", out.Notes, r.wantNote)
			}
			if out.Checks[0].Name != CheckApply || out.Checks[0].Status != StatusPass {
				t.Errorf("apply check: %+v", out.Checks[0])
			}
		})
	}
	assertUnchanged(t, dir, before)
}
