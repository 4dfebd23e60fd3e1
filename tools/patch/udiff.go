package patch

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/devaiops/devai/tools/tool"
)

// filePatch is one file of a unified diff.
type filePatch struct {
	oldPath, newPath string // "" for /dev/null
	hunks            []hunk
}

type hunk struct {
	oldStart, oldLen int
	lines            []string // each starts with ' ', '-' or '+'; no terminator
	noEOLOld         bool     // "\ No newline at end of file" after the old side's last line
	noEOLNew         bool
}

// parseUnified reads a unified diff (git diff or diff -u) into file patches.
func parseUnified(diff string) ([]filePatch, error) {
	lines := strings.Split(diff, "\n")
	// A diff pasted with CRLF everywhere is a CRLF-encoded diff, not one
	// that adds CR: read it as LF. Otherwise CRs in hunk lines are content.
	if allCRLF(lines) {
		for i := range lines {
			lines[i] = strings.TrimSuffix(lines[i], "\r")
		}
	}
	var out []filePatch
	var cur *filePatch
	var gitOld, gitNew string
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if !strings.HasPrefix(l, "@@") && !strings.HasPrefix(l, "+") && !strings.HasPrefix(l, "-") && !strings.HasPrefix(l, " ") {
			l = strings.TrimSuffix(l, "\r")
		}
		switch {
		case strings.HasPrefix(l, "diff --git "):
			out = append(out, filePatch{})
			cur = &out[len(out)-1]
			gitOld, gitNew = splitGitHeader(strings.TrimPrefix(l, "diff --git "))
			cur.oldPath, cur.newPath = gitOld, gitNew
		case strings.HasPrefix(l, "new file mode"), strings.HasPrefix(l, "index "), strings.HasPrefix(l, "old mode"), strings.HasPrefix(l, "new mode"):
		case strings.HasPrefix(l, "deleted file mode"):
			if cur != nil {
				cur.newPath = ""
			}
		case strings.HasPrefix(l, "rename from"), strings.HasPrefix(l, "copy from"), strings.HasPrefix(l, "similarity index"):
			return nil, tool.Inputf("diff line %d: renames and copies are not supported; send a delete of the old path and the whole new file", i+1)
		case strings.HasPrefix(l, "Binary files"), strings.HasPrefix(l, "GIT binary patch"):
			return nil, tool.Inputf("diff line %d: binary patches are not supported; devai proposes text changes only", i+1)
		case strings.HasPrefix(l, "--- ") && i+1 < len(lines) && strings.HasPrefix(lines[i+1], "+++ "):
			if cur == nil || len(cur.hunks) > 0 {
				out = append(out, filePatch{})
				cur = &out[len(out)-1]
			}
			cur.oldPath = diffPath(strings.TrimPrefix(strings.TrimSuffix(l, "\r"), "--- "))
			cur.newPath = diffPath(strings.TrimPrefix(strings.TrimSuffix(lines[i+1], "\r"), "+++ "))
			i++
		case strings.HasPrefix(l, "@@"):
			if cur == nil {
				return nil, tool.Inputf("diff line %d: a hunk before any file header (--- a/path, +++ b/path)", i+1)
			}
			h, next, err := parseHunk(lines, i)
			if err != nil {
				return nil, err
			}
			cur.hunks = append(cur.hunks, h)
			i = next - 1
		}
	}
	if len(out) == 0 {
		return nil, tool.Inputf("the diff has no file headers (diff --git a/… b/…, or --- a/… and +++ b/…): send a unified diff")
	}
	return out, nil
}

// splitGitHeader splits "a/x b/x" (paths without spaces, or equal halves).
func splitGitHeader(s string) (string, string) {
	if n := len(s); n%2 == 1 && s[n/2] == ' ' && strings.TrimPrefix(s[:n/2], "a/") == strings.TrimPrefix(s[n/2+1:], "b/") {
		return diffPath(s[:n/2]), diffPath(s[n/2+1:])
	}
	a, b, _ := strings.Cut(s, " ")
	return diffPath(a), diffPath(b)
}

// diffPath strips a/ or b/ and any timestamp; /dev/null is "".
func diffPath(s string) string {
	if tab := strings.IndexByte(s, '\t'); tab >= 0 {
		s = s[:tab]
	}
	s = strings.TrimSpace(s)
	if unq, err := strconv.Unquote(s); err == nil && strings.HasPrefix(s, `"`) {
		s = unq
	}
	if s == "/dev/null" {
		return ""
	}
	if strings.HasPrefix(s, "a/") || strings.HasPrefix(s, "b/") {
		return s[2:]
	}
	return s
}

func allCRLF(lines []string) bool {
	n := 0
	for _, l := range lines {
		if l == "" {
			continue
		}
		if !strings.HasSuffix(l, "\r") {
			return false
		}
		n++
	}
	return n > 0
}

func parseHunk(lines []string, i int) (hunk, int, error) {
	var h hunk
	var newStart, newLen int
	hdr := strings.TrimSuffix(lines[i], "\r")
	end := strings.Index(hdr[2:], "@@")
	if end < 0 {
		return h, 0, tool.Inputf("diff line %d: bad hunk header %q", i+1, hdr)
	}
	fields := strings.Fields(hdr[2 : 2+end])
	if len(fields) != 2 {
		return h, 0, tool.Inputf("diff line %d: bad hunk header %q", i+1, hdr)
	}
	var err1, err2 error
	h.oldStart, h.oldLen, err1 = parseRange(strings.TrimPrefix(fields[0], "-"))
	newStart, newLen, err2 = parseRange(strings.TrimPrefix(fields[1], "+"))
	if err1 != nil || err2 != nil {
		return h, 0, tool.Inputf("diff line %d: bad hunk header %q", i+1, hdr)
	}
	_ = newStart
	oldSeen, newSeen := 0, 0
	j := i + 1
	for ; j < len(lines) && (oldSeen < h.oldLen || newSeen < newLen); j++ {
		l := lines[j]
		if l == "" {
			l = " " // an empty context line whose space an editor dropped
		}
		switch l[0] {
		case ' ':
			oldSeen++
			newSeen++
		case '-':
			oldSeen++
		case '+':
			newSeen++
		case '\\':
			markNoEOL(&h)
			continue
		default:
			return h, 0, tool.Inputf("diff line %d: %q is not a hunk line (' ', '-', '+'); the hunk header says -%d +%d lines", j+1, l, h.oldLen, newLen)
		}
		h.lines = append(h.lines, l)
	}
	if oldSeen != h.oldLen || newSeen != newLen {
		return h, 0, tool.Inputf("diff line %d: the hunk ends early: its header promises %d old and %d new lines", i+1, h.oldLen, newLen)
	}
	for j < len(lines) && strings.HasPrefix(lines[j], `\`) {
		markNoEOL(&h)
		j++
	}
	return h, j, nil
}

func markNoEOL(h *hunk) {
	if len(h.lines) == 0 {
		return
	}
	switch h.lines[len(h.lines)-1][0] {
	case '-':
		h.noEOLOld = true
	case '+':
		h.noEOLNew = true
	default:
		h.noEOLOld, h.noEOLNew = true, true
	}
}

func parseRange(s string) (start, n int, err error) {
	a, b, ok := strings.Cut(s, ",")
	if start, err = strconv.Atoi(a); err != nil {
		return 0, 0, err
	}
	n = 1
	if ok {
		n, err = strconv.Atoi(b)
	}
	if err == nil && (start < 0 || n < 0) {
		err = fmt.Errorf("negative line number or count in %q", s)
	}
	return start, n, err
}

// applyDiff applies a unified diff edit to the workset.
func (w *workset) applyDiff(i int, diff string) error {
	fps, err := parseUnified(diff)
	if err != nil {
		return &EditError{Index: i, Reason: err.Error()}
	}
	for _, fp := range fps {
		if err := w.applyFilePatch(i, fp); err != nil {
			return err
		}
	}
	return nil
}

func (w *workset) applyFilePatch(i int, fp filePatch) error {
	target := fp.newPath
	if target == "" {
		target = fp.oldPath
	}
	if fp.oldPath != "" && fp.newPath != "" && fp.oldPath != fp.newPath {
		return &EditError{Index: i, Path: fp.newPath, Reason: fmt.Sprintf("the diff renames %s to %s; send a delete and the whole new file instead", fp.oldPath, fp.newPath)}
	}
	p, err := cleanPath(target)
	if err != nil {
		return err
	}
	f, err := w.get(p)
	if err != nil {
		return err
	}
	switch {
	case fp.oldPath == "": // new file
		if f.newExists {
			return &EditError{Index: i, Path: p, Reason: "the diff creates the file, but it already exists at base: diff against its current content"}
		}
		f.new, f.newExists = nil, true
	case !f.newExists:
		return &EditError{Index: i, Path: p, Reason: "the diff changes a file that does not exist at base (deleted upstream, or a wrong base?)"}
	}
	out, note, err := applyHunks(string(f.new), fp.hunks, usesCRLF(f.new))
	if err != nil {
		ee := &EditError{Index: i, Path: p, Reason: err.Error()}
		if he, ok := err.(*hunkError); ok {
			ee.Candidate, ee.Line = nearest(splitLines(string(f.new)), he.want)
		}
		return ee
	}
	if note != "" {
		w.notes = append(w.notes, fmt.Sprintf("edit %d (%s): %s", i, p, note))
	}
	if !isText([]byte(out)) {
		return &EditError{Index: i, Path: p, Reason: "the diff adds binary content (NUL bytes or not UTF-8)"}
	}
	f.new = []byte(out)
	if fp.newPath == "" {
		if out != "" {
			return &EditError{Index: i, Path: p, Reason: "the diff deletes the file but does not remove all of its lines: is it against base?"}
		}
		f.new, f.newExists = nil, false
	}
	return nil
}

type hunkError struct {
	msg  string
	want []string
}

func (e *hunkError) Error() string { return e.msg }

// applyHunks applies hunks in order. A hunk's old lines are looked for at
// its line number first, then at the nearest offset, like patch(1);
// trailing whitespace and CR are ignored when comparing.
func applyHunks(text string, hunks []hunk, crlf bool) (string, string, error) {
	lines := splitLines(text)
	eol := "\n"
	if crlf {
		eol = "\r\n"
	}
	var out []string
	pos, offsetNote := 0, ""
	for k, h := range hunks {
		var old []string
		for _, l := range h.lines {
			if l[0] != '+' {
				old = append(old, l[1:])
			}
		}
		want := h.oldStart - 1
		if h.oldLen == 0 {
			want = h.oldStart // insertion after line oldStart
		}
		at := findHunk(lines, old, want, pos)
		if at < 0 {
			return "", "", &hunkError{msg: fmt.Sprintf("hunk %d (@@ -%d,%d) does not apply: its old lines are not in the file at or after line %d", k+1, h.oldStart, h.oldLen, pos+1), want: withNL(old)}
		}
		if at != want && offsetNote == "" {
			offsetNote = fmt.Sprintf("hunk %d applied at line %d, not %d (offset)", k+1, at+1, want+1)
		}
		out = append(out, lines[pos:at]...)
		oi := 0
		for j, l := range h.lines {
			switch l[0] {
			case ' ':
				out = append(out, lines[at+oi]) // the file's own line, whitespace and all
				oi++
			case '-':
				oi++
			case '+':
				switch {
				case j == len(h.lines)-1 && h.noEOLNew:
					out = append(out, l[1:])
				case strings.HasSuffix(l, "\r"):
					out = append(out, l[1:]+"\n") // the diff carries the CR itself
				default:
					out = append(out, l[1:]+eol)
				}
			}
		}
		pos = at + len(old)
	}
	out = append(out, lines[pos:]...)
	return strings.Join(out, ""), offsetNote, nil
}

func withNL(ls []string) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = l + "\n"
	}
	return out
}

func findHunk(lines, old []string, want, from int) int {
	fits := func(at int) bool {
		if at < from || at+len(old) > len(lines) {
			return false
		}
		for j, o := range old {
			if strings.TrimRight(lines[at+j], " \t\r\n") != strings.TrimRight(o, " \t\r") {
				return false
			}
		}
		return true
	}
	if len(old) == 0 {
		if want < from {
			want = from
		}
		if want > len(lines) {
			return -1
		}
		return want
	}
	// A hunk's line number is the caller's word: one far past the end
	// searches from the end (and must not overflow at+len(old) or spin
	// through the distance).
	want = min(max(want, 0), len(lines))
	for d := 0; d <= len(lines); d++ {
		if fits(want - d) {
			return want - d
		}
		if d > 0 && fits(want+d) {
			return want + d
		}
	}
	return -1
}
