package patch

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/filemode"

	"github.com/devaiops/devai/tools/tool"
)

// file is one path the edits touch: its content at base and after them.
type file struct {
	path      string
	old       []byte
	oldExists bool
	mode      filemode.FileMode
	new       []byte
	newExists bool
}

// workset holds the files the edits touched, in memory.
type workset struct {
	base  *base
	files map[string]*file
	notes []string
}

func newWorkset(b *base) *workset { return &workset{base: b, files: map[string]*file{}} }

// get loads p (already cleaned) from base on first use.
func (w *workset) get(p string) (*file, error) {
	if f, ok := w.files[p]; ok {
		return f, nil
	}
	data, mode, ok, err := w.base.read(p)
	if err != nil {
		return nil, err
	}
	if ok && !isText(data) {
		return nil, tool.Inputf("%s is a binary file at base (NUL bytes or not UTF-8): devai proposes text changes only", p)
	}
	f := &file{path: p, old: data, oldExists: ok, mode: mode, new: data, newExists: ok}
	if !ok {
		f.mode = filemode.Regular
	}
	w.files[p] = f
	return f, nil
}

// changed lists the files whose content or existence changed, by path.
func (w *workset) changed() []*file {
	var out []*file
	for _, f := range w.files {
		if f.oldExists != f.newExists || !bytes.Equal(f.old, f.new) {
			out = append(out, f)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out
}

// EditError says which edit failed, where, why, and what came closest.
type EditError struct {
	Index     int    `json:"index"` // 0-based, in the order given
	Path      string `json:"path,omitempty"`
	Reason    string `json:"reason"`
	Candidate string `json:"candidate,omitempty"` // the nearest text at base
	Line      int    `json:"line,omitempty"`      // where the candidate starts
}

func (e *EditError) Error() string {
	msg := fmt.Sprintf("edit %d", e.Index)
	if e.Path != "" {
		msg += " (" + e.Path + ")"
	}
	msg += ": " + e.Reason
	if e.Candidate != "" {
		msg += fmt.Sprintf("\nnearest text at base, line %d:\n%s", e.Line, e.Candidate)
	}
	return msg + "\nNo edit was applied: fix this one and send them all again."
}

// apply runs every edit in order against w.
func (w *workset) apply(edits []Edit) error {
	if len(edits) == 0 {
		return tool.Inputf("edits is empty: give at least one {path, search, replace}, {diff}, {path, content} or {path, delete: true}")
	}
	total := 0
	for _, e := range edits {
		total += len(e.Search) + len(e.Replace) + len(e.Diff) + len(e.Path)
		if e.Content != nil {
			total += len(*e.Content)
		}
	}
	if total > MaxDiffBytes {
		return tool.Inputf("the edits add up to %d bytes, more than the %d a proposal may carry: split the change into smaller proposals", total, MaxDiffBytes)
	}
	for i, e := range edits {
		if err := w.applyOne(i, e); err != nil {
			if _, ok := err.(*EditError); ok {
				return tool.Input(err)
			}
			if tool.IsInputError(err) {
				return tool.Inputf("edit %d: %v", i, err)
			}
			return fmt.Errorf("edit %d: %w", i, err)
		}
	}
	return nil
}

func (w *workset) applyOne(i int, e Edit) error {
	forms := 0
	for _, set := range []bool{e.Diff != "", e.Delete, e.Content != nil, e.Search != ""} {
		if set {
			forms++
		}
	}
	if forms != 1 {
		return &EditError{Index: i, Path: e.Path, Reason: "give exactly one of: search (with replace), diff, content, delete: true"}
	}
	if e.Diff != "" {
		return w.applyDiff(i, e.Diff)
	}
	p, err := cleanPath(e.Path)
	if err != nil {
		return err
	}
	f, err := w.get(p)
	if err != nil {
		return err
	}
	switch {
	case e.Delete:
		if !f.newExists {
			return &EditError{Index: i, Path: p, Reason: "delete: the file does not exist at base (or an earlier edit deleted it)"}
		}
		f.new, f.newExists = nil, false
	case e.Content != nil:
		data := []byte(*e.Content)
		if !isText(data) {
			return &EditError{Index: i, Path: p, Reason: "content is binary (NUL bytes or not UTF-8): devai proposes text changes only"}
		}
		if f.oldExists && usesCRLF(f.old) && !bytes.Contains(data, []byte("\r\n")) {
			data = toCRLF(data)
			w.notes = append(w.notes, fmt.Sprintf("edit %d (%s): the file uses CRLF line endings; the new content was converted to CRLF", i, p))
		}
		f.new, f.newExists = data, true
	default:
		if !f.newExists {
			reason := "the file does not exist at base"
			if f.oldExists {
				reason = "an earlier edit deleted the file"
			}
			return &EditError{Index: i, Path: p, Reason: reason + "; to create it, send {path, content}"}
		}
		out, note, err := searchReplace(i, p, f.new, e.Search, e.Replace)
		if err != nil {
			return err
		}
		if !isText(out) {
			return &EditError{Index: i, Path: p, Reason: "replace is binary (NUL bytes or not UTF-8): devai proposes text changes only"}
		}
		if note != "" {
			w.notes = append(w.notes, fmt.Sprintf("edit %d (%s): %s", i, p, note))
		}
		f.new = out
	}
	return nil
}

func usesCRLF(b []byte) bool { return bytes.Contains(b, []byte("\r\n")) }

func toCRLF(b []byte) []byte {
	return bytes.ReplaceAll(bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n")), []byte("\n"), []byte("\r\n"))
}

// searchReplace replaces the one occurrence of search in content. Exact
// matches come first; CRLF files accept LF search text; then a match that
// ignores whitespace inside and around lines is used when it is the only
// one, and said so in the note.
func searchReplace(i int, p string, content []byte, search, replace string) ([]byte, string, error) {
	if search == "" { // matches everywhere: matchLines would run off the end
		return nil, "", &EditError{Index: i, Path: p, Reason: "search is empty: give the exact text to replace"}
	}
	text := string(content)
	note := ""
	if usesCRLF(content) && !strings.Contains(search, "\r\n") {
		search = strings.ReplaceAll(search, "\n", "\r\n")
		replace = strings.ReplaceAll(strings.ReplaceAll(replace, "\r\n", "\n"), "\n", "\r\n")
		note = "the file uses CRLF line endings; search and replace were matched and written with CRLF"
	}
	switch n := strings.Count(text, search); {
	case n == 1:
		return []byte(strings.Replace(text, search, replace, 1)), note, nil
	case n > 1:
		return nil, "", &EditError{Index: i, Path: p, Reason: fmt.Sprintf("search matches %d times (lines %s): add surrounding lines so it matches exactly once", n, matchLines(text, search))}
	}
	lines := splitLines(text)
	want := nonBlankKeys(splitLines(search))
	if len(want) == 0 {
		return nil, "", &EditError{Index: i, Path: p, Reason: "search is empty or only whitespace: give the exact text to replace"}
	}
	starts := fuzzyMatches(lines, want)
	switch len(starts) {
	case 1:
		s, e := starts[0][0], starts[0][1]
		eol := "\n"
		if usesCRLF(content) {
			eol = "\r\n"
		}
		rep := reindent(splitLines(search), lines[s:e], replace)
		if rep != "" && !strings.HasSuffix(rep, "\n") && e > s && strings.HasSuffix(lines[e-1], "\n") {
			rep += eol
		}
		out := strings.Join(lines[:s], "") + rep + strings.Join(lines[e:], "")
		if note != "" {
			note += "; "
		}
		return []byte(out), note + fmt.Sprintf("search matched only when whitespace is ignored (lines %d-%d), and only there; indentation adapted", s+1, e), nil
	case 0:
		cand, line := nearest(lines, splitLines(search))
		return nil, "", &EditError{Index: i, Path: p, Reason: "search does not occur in the file at base, not even ignoring whitespace: copy the text exactly as it is at base (is base the commit you read?)", Candidate: cand, Line: line}
	default:
		return nil, "", &EditError{Index: i, Path: p, Reason: fmt.Sprintf("search matches nowhere exactly and %d places when whitespace is ignored (lines %d and %d): copy the exact text, with more lines around it", len(starts), starts[0][0]+1, starts[1][0]+1)}
	}
}

func matchLines(text, search string) string {
	var out []string
	off := 0
	for len(out) < 5 {
		j := strings.Index(text[off:], search)
		if j < 0 {
			break
		}
		out = append(out, fmt.Sprint(strings.Count(text[:off+j], "\n")+1))
		off += j + max(1, len(search))
	}
	return strings.Join(out, ", ")
}

// splitLines splits keeping each line's terminator.
func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	lines := strings.SplitAfter(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// wsKey is a line with all whitespace removed.
func wsKey(line string) string { return strings.Join(strings.Fields(line), "") }

func nonBlankKeys(lines []string) []string {
	var out []string
	for _, l := range lines {
		if k := wsKey(l); k != "" {
			out = append(out, k)
		}
	}
	return out
}

// fuzzyMatches finds the line ranges [start, end) whose non-blank lines
// equal want with whitespace ignored. At most 2 are returned.
func fuzzyMatches(lines, want []string) [][2]int {
	var out [][2]int
	for s := 0; s < len(lines) && len(out) < 2; s++ {
		if wsKey(lines[s]) != want[0] {
			continue
		}
		k, e := 0, s
		for ; e < len(lines) && k < len(want); e++ {
			key := wsKey(lines[e])
			if key == "" {
				continue
			}
			if key != want[k] {
				break
			}
			k++
		}
		if k == len(want) {
			out = append(out, [2]int{s, e})
		}
	}
	return out
}

// reindent moves replace from the search text's indentation to the
// file's: each indentation seen on a non-blank search line maps to the
// indentation of the file line it matched, and a replace line starting
// with a mapped indentation (the longest first) gets the file's.
func reindent(search, found []string, replace string) string {
	var s, f []string
	for _, l := range search {
		if strings.TrimSpace(l) != "" {
			s = append(s, leading(l))
		}
	}
	for _, l := range found {
		if strings.TrimSpace(l) != "" {
			f = append(f, leading(l))
		}
	}
	mapping := map[string]string{}
	for k := 0; k < len(s) && k < len(f); k++ {
		if _, ok := mapping[s[k]]; !ok {
			mapping[s[k]] = f[k]
		}
	}
	froms := make([]string, 0, len(mapping))
	for from := range mapping {
		froms = append(froms, from)
	}
	sort.Slice(froms, func(i, j int) bool { return len(froms[i]) > len(froms[j]) })
	lines := splitLines(replace)
	for j, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		ind := leading(l)
		for _, from := range froms {
			if rest, ok := strings.CutPrefix(ind, from); ok {
				lines[j] = mapping[from] + rest + l[len(ind):]
				break
			}
		}
	}
	return strings.Join(lines, "")
}

func leading(l string) string { return l[:len(l)-len(strings.TrimLeft(l, " \t"))] }

// nearest returns the window of lines most like search, by line bigram
// similarity, and its 1-based line.
func nearest(lines, search []string) (string, int) {
	n := len(search)
	if n == 0 || len(lines) == 0 {
		return "", 0
	}
	if n > len(lines) {
		n = len(lines)
	}
	want := make([]map[string]int, len(search))
	for j, l := range search {
		want[j] = bigrams(l)
	}
	grams := make([]map[string]int, len(lines))
	for j, l := range lines {
		grams[j] = bigrams(l)
	}
	best, bestAt := -1.0, 0
	for s := 0; s+n <= len(lines); s++ {
		score := 0.0
		for j := 0; j < n; j++ {
			score += dice(want[j], grams[s+j])
		}
		if score > best {
			best, bestAt = score, s
		}
	}
	if best <= 0 {
		return "", 0
	}
	return strings.Join(lines[bestAt:bestAt+n], ""), bestAt + 1
}

func bigrams(s string) map[string]int {
	s = strings.TrimSpace(s)
	m := map[string]int{}
	for j := 0; j+2 <= len(s); j++ {
		m[s[j:j+2]]++
	}
	return m
}

func dice(a, b map[string]int) float64 {
	na, nb, common := 0, 0, 0
	for k, v := range a {
		na += v
		common += min(v, b[k])
	}
	for _, v := range b {
		nb += v
	}
	if na+nb == 0 {
		return 1
	}
	return 2 * float64(common) / float64(na+nb)
}
