package patch

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/devaiops/devai/memory/fixture"
	"github.com/devaiops/devai/tools/tool"
)

var diffSeeds = []string{
	"--- a/calc/calc.go\n+++ b/calc/calc.go\n@@ -5,1 +5,1 @@\n-\treturn a * b\n+\treturn b * a\n",
	"--- a/dup.txt\n+++ b/dup.txt\n@@ -3 +3 @@\n-alpha\n+ALPHA\n",
	"diff --git a/x.go b/x.go\nindex 1234567..89abcde 100644\n--- a/x.go\n+++ b/x.go\n@@ -1,3 +1,3 @@ func x() {\n a\n-b\n+c\n d\n\\ No newline at end of file\n",
	"diff --git a/new.txt b/new.txt\nnew file mode 100644\n--- /dev/null\n+++ b/new.txt\n@@ -0,0 +1,2 @@\n+one\n+two\n",
	"diff --git a/gone.txt b/gone.txt\ndeleted file mode 100644\n--- a/gone.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-soon deleted\n",
	"--- a/crlf.txt\r\n+++ b/crlf.txt\r\n@@ -2 +2 @@\r\n-two\r\n+TWO\r\n",
	"--- \"a/sp ace.txt\"\t2024-01-01\n+++ \"b/sp ace.txt\"\n@@ -1,2 +1 @@\n-x\n\n",
	"--- a/f\n+++ b/f\n@@ -9223372036854775807 +1 @@\n-x\n+y\n",
}

// FuzzParseUnified reads any diff. One that parses has only hunk lines in
// its hunks, as many as the headers promise; rendered back it parses to the
// same patches; and applying it to any text does not panic or hang.
func FuzzParseUnified(f *testing.F) {
	for _, d := range diffSeeds {
		f.Add(d, "alpha\nbeta\nalpha\n")
		f.Add(d, "")
	}
	f.Fuzz(func(t *testing.T, diff, text string) {
		fps, err := parseUnified(diff)
		again, err2 := parseUnified(diff)
		if !reflect.DeepEqual(fps, again) || (err == nil) != (err2 == nil) {
			t.Fatalf("not deterministic: %v / %v", err, err2)
		}
		if err != nil {
			if !tool.IsInputError(err) {
				t.Fatalf("a bad diff gives %T %v, not an input error", err, err)
			}
			return
		}
		for _, fp := range fps {
			for _, h := range fp.hunks {
				checkHunk(t, h)
			}
		}
		rendered := renderPatches(fps)
		back, err := parseUnified(rendered)
		for k := range fps {
			fps[k].notes = nil // a recounted hunk is rendered with its true counts
		}
		if err != nil || !reflect.DeepEqual(back, fps) {
			t.Fatalf("rendered diff does not parse back (%v)\nparsed   %+v\nrendered %q\nback     %+v", err, fps, rendered, back)
		}
		for _, fp := range fps {
			stop := fixture.Watchdog(10 * time.Second)
			_, _, _ = applyHunks(text, fp.hunks, usesCRLF([]byte(text)))
			stop()
		}
	})
}

func checkHunk(t *testing.T, h hunk) {
	t.Helper()
	old, new := 0, 0
	for _, l := range h.lines {
		switch l[0] {
		case ' ':
			old++
			new++
		case '-':
			old++
		case '+':
			new++
		default:
			t.Fatalf("hunk line %q", l)
		}
	}
	if old != h.oldLen {
		t.Fatalf("hunk has %d old lines, its header %d", old, h.oldLen)
	}
}

// renderPatches writes file patches as a git diff: mode and rename lines,
// quoted paths, hunk headers, and a "\ No newline" marker where each flag
// came from.
func renderPatches(fps []filePatch) string {
	var b strings.Builder
	side := func(prefix, p string) string {
		if p == "" {
			return "/dev/null"
		}
		return strconv.Quote(prefix + p)
	}
	for _, fp := range fps {
		b.WriteString("diff --git a/x b/x\n")
		if fp.modeChange {
			b.WriteString("old mode 100644\nnew mode 100755\n")
		}
		if fp.rename || fp.copy {
			kind := map[bool]string{true: "rename", false: "copy"}[fp.rename]
			fmt.Fprintf(&b, "%s from %s\n%s to %s\n", kind, strconv.Quote(fp.oldPath), kind, strconv.Quote(fp.newPath))
		}
		fmt.Fprintf(&b, "--- %s\n+++ %s\n", side("a/", fp.oldPath), side("b/", fp.newPath))
		for _, h := range fp.hunks {
			newLen := 0
			for _, l := range h.lines {
				if l[0] != '-' {
					newLen++
				}
			}
			fmt.Fprintf(&b, "@@ -%d,%d +1,%d @@\n", h.oldStart, h.oldLen, newLen)
			markOld, markNew := lastOf(h.lines, '-', h.noEOLOld), lastOf(h.lines, '+', h.noEOLNew)
			for j, l := range h.lines {
				b.WriteString(l + "\n")
				if j == markOld || j == markNew {
					b.WriteString("\\ No newline at end of file\n")
				}
			}
		}
	}
	return b.String()
}

// lastOf is the line after which a marker sets the flag: the last line of
// that side, or the last context line (a marker there sets both flags).
func lastOf(lines []string, kind byte, flag bool) int {
	if !flag {
		return -1
	}
	ctx := -1
	for j := len(lines) - 1; j >= 0; j-- {
		if lines[j][0] == kind {
			return j
		}
		if ctx < 0 && lines[j][0] == ' ' {
			ctx = j
		}
	}
	return ctx
}

// FuzzDiffRoundTrip: the diff propose_patch writes between any two texts
// parses, and applied to the old text gives the new one.
func FuzzDiffRoundTrip(f *testing.F) {
	f.Add("a\nb\nc\n", "a\nB\nc\n")
	f.Add("one\r\ntwo\r\n", "one\r\nTWO\r\n")
	f.Add("x", "x\n")
	f.Add("", "new\n")
	f.Add("func x() {\n\treturn\n}\n\n\n\n\n\n\nz\n", "func x() {\n}\n\n\n\n\n\n\nz\ny")
	f.Fuzz(func(t *testing.T, old, new string) {
		if old == new || !utf8.ValidString(old) || !utf8.ValidString(new) {
			return // the differ works on runes; base files are text
		}
		fl := &file{path: "f.txt", old: []byte(old), new: []byte(new), oldExists: true, newExists: true}
		text, _, _, _, _ := fileDiff(fl)
		fps, err := parseUnified(text)
		if err != nil {
			t.Fatalf("the diff we wrote does not parse: %v\n%s", err, text)
		}
		// crlf false: the diff carries every line end; a CRLF file's LF
		// lines made CRLF is for callers' diffs, not ours.
		got, _, err := applyHunks(old, fps[0].hunks, false)
		if err != nil || got != new {
			t.Fatalf("round trip failed (%v)\nold %q\nnew %q\ngot %q\n%s", err, old, new, got, text)
		}
	})
}

// FuzzSearchReplace: a search/replace edit that applies changes only the
// text it matched (exactly, or line by line ignoring whitespace); one that
// does not apply says why.
func FuzzSearchReplace(f *testing.F) {
	f.Add("func Add(a, b int) int {\n\treturn a + b\n}\n", "func Add(a, b int) int {\n    return a + b\n}", "func Add(a, b int) int {\n    return b + a\n}")
	f.Add("alpha\nbeta\nalpha\n", "alpha", "gamma")
	f.Add("one\r\ntwo\r\nthree\r\n", "two\n", "TWO\n")
	f.Add("  a\n\n  b\nc", "a\nb", "x\n  y")
	f.Add("", "", "x")
	f.Fuzz(func(t *testing.T, content, search, replace string) {
		out, _, err := searchReplace(0, "f.txt", []byte(content), search, replace)
		if err != nil {
			var ee *EditError
			if !errors.As(err, &ee) || ee.Reason == "" {
				t.Fatalf("error %T %v is not an EditError with a reason", err, err)
			}
			return
		}
		start, end := matchedRegion(content, search)
		if start < 0 {
			t.Fatalf("the edit applied, but search matches nowhere exactly once")
		}
		prefix, suffix := content[:start], content[end:]
		if !strings.HasPrefix(string(out), prefix) || !strings.HasSuffix(string(out), suffix) || len(out) < len(prefix)+len(suffix) {
			t.Fatalf("text outside the match [%d,%d) changed\ncontent %q\nout     %q", start, end, content, out)
		}
		rep := string(out[len(prefix) : len(out)-len(suffix)])
		if keys(rep) != keys(replace) {
			t.Fatalf("the replacement was changed beyond indentation: %q became %q", replace, rep)
		}
	})
}

// matchedRegion is where searchReplace may write: the one exact match
// (CRLF-adjusted as it does), else the one whitespace-blind line match.
func matchedRegion(content, search string) (int, int) {
	if strings.Contains(content, "\r\n") && !strings.Contains(search, "\r\n") {
		search = strings.ReplaceAll(search, "\n", "\r\n")
	}
	if strings.Count(content, search) == 1 {
		i := strings.Index(content, search)
		return i, i + len(search)
	}
	lines := splitLines(content)
	want := nonBlankKeys(splitLines(search))
	if len(want) == 0 {
		return -1, -1
	}
	m := fuzzyMatches(lines, want)
	if len(m) != 1 {
		return -1, -1
	}
	return len(strings.Join(lines[:m[0][0]], "")), len(strings.Join(lines[:m[0][1]], ""))
}

// keys is text without any whitespace: what reindenting and line ends
// may not change.
func keys(s string) string { return strings.Join(strings.Fields(s), "") }
