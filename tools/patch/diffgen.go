package patch

import (
	"fmt"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	godiff "github.com/go-git/go-git/v5/utils/diff"
	"github.com/sergi/go-diff/diffmatchpatch"
)

const contextLines = 3

// lineOp is one line of a line diff.
type lineOp struct {
	kind byte // ' ', '-', '+'
	text string
}

// lineDiff diffs two texts line by line.
func lineDiff(a, b string) []lineOp {
	var ops []lineOp
	for _, d := range godiff.DoWithTimeout(a, b, 10*time.Second) {
		k := byte(' ')
		switch d.Type {
		case diffmatchpatch.DiffDelete:
			k = '-'
		case diffmatchpatch.DiffInsert:
			k = '+'
		}
		for _, l := range splitLines(d.Text) {
			ops = append(ops, lineOp{k, l})
		}
	}
	return ops
}

// fileDiff renders one file's change in git's format, which `git apply`
// accepts, and counts the lines; changed holds the 1-based old and new
// line numbers that were removed or added.
func fileDiff(f *file) (text string, added, removed int, oldChanged, newChanged []int) {
	var b strings.Builder
	p := f.path
	fmt.Fprintf(&b, "diff --git a/%s b/%s\n", p, p)
	oldHash, newHash := plumbing.ZeroHash, plumbing.ZeroHash
	if f.oldExists {
		oldHash = plumbing.ComputeHash(plumbing.BlobObject, f.old)
	}
	if f.newExists {
		newHash = plumbing.ComputeHash(plumbing.BlobObject, f.new)
	}
	mode := f.mode
	if mode == 0 {
		mode = filemode.Regular
	}
	switch {
	case !f.oldExists:
		fmt.Fprintf(&b, "new file mode %o\nindex %s..%s\n", uint32(mode), oldHash.String()[:7], newHash.String()[:7])
	case !f.newExists:
		fmt.Fprintf(&b, "deleted file mode %o\nindex %s..%s\n", uint32(mode), oldHash.String()[:7], newHash.String()[:7])
	default:
		fmt.Fprintf(&b, "index %s..%s %o\n", oldHash.String()[:7], newHash.String()[:7], uint32(mode))
	}
	ops := lineDiff(string(f.old), string(f.new))
	if len(ops) == 0 || allContext(ops) {
		return b.String(), 0, 0, nil, nil
	}
	from, to := "a/"+p, "b/"+p
	if !f.oldExists {
		from = "/dev/null"
	}
	if !f.newExists {
		to = "/dev/null"
	}
	fmt.Fprintf(&b, "--- %s\n+++ %s\n", from, to)
	// Old and new line numbers of each op (1-based, of the line itself or
	// of the line before an insertion).
	oldNo, newNo := make([]int, len(ops)), make([]int, len(ops))
	o, n := 0, 0
	for i, op := range ops {
		if op.kind != '+' {
			o++
		}
		if op.kind != '-' {
			n++
		}
		oldNo[i], newNo[i] = o, n
		switch op.kind {
		case '-':
			removed++
			oldChanged = append(oldChanged, o)
		case '+':
			added++
			newChanged = append(newChanged, n)
		}
	}
	oldLines := splitLines(string(f.old))
	for _, r := range hunkRanges(ops) {
		writeHunk(&b, ops[r[0]:r[1]], oldNo, newNo, r[0], oldLines)
	}
	return b.String(), added, removed, oldChanged, newChanged
}

func allContext(ops []lineOp) bool {
	for _, op := range ops {
		if op.kind != ' ' {
			return false
		}
	}
	return true
}

// hunkRanges groups changes with their context into [start, end) op ranges.
func hunkRanges(ops []lineOp) [][2]int {
	var out [][2]int
	for i := 0; i < len(ops); {
		if ops[i].kind == ' ' {
			i++
			continue
		}
		start := max(0, i-contextLines)
		end := i
		for end < len(ops) {
			if ops[end].kind != ' ' {
				end++
				continue
			}
			run := end
			for run < len(ops) && ops[run].kind == ' ' {
				run++
			}
			if run == len(ops) || run-end > 2*contextLines {
				end = min(end+contextLines, len(ops))
				break
			}
			end = run
		}
		if len(out) > 0 && start <= out[len(out)-1][1] {
			out[len(out)-1][1] = end
		} else {
			out = append(out, [2]int{start, end})
		}
		i = end
	}
	return out
}

func writeHunk(b *strings.Builder, ops []lineOp, oldNo, newNo []int, first int, oldLines []string) {
	oldLen, newLen := 0, 0
	for _, op := range ops {
		if op.kind != '+' {
			oldLen++
		}
		if op.kind != '-' {
			newLen++
		}
	}
	oldStart, newStart := oldNo[first], newNo[first]
	if ops[0].kind == '+' {
		oldStart++ // an op that inserts carries the number of the line before it
	}
	if ops[0].kind == '-' {
		newStart++
	}
	if oldLen == 0 {
		oldStart--
	}
	if newLen == 0 {
		newStart--
	}
	fmt.Fprintf(b, "@@ -%s +%s @@%s\n", hunkRange(oldStart, oldLen), hunkRange(newStart, newLen), funcContext(oldLines, oldStart))
	for _, op := range ops {
		b.WriteByte(op.kind)
		b.WriteString(strings.TrimSuffix(op.text, "\n"))
		b.WriteByte('\n')
		if !strings.HasSuffix(op.text, "\n") {
			b.WriteString("\\ No newline at end of file\n")
		}
	}
}

func hunkRange(start, n int) string {
	if n == 1 {
		return fmt.Sprint(start)
	}
	return fmt.Sprintf("%d,%d", start, n)
}

// funcContext is what git prints after a hunk header: the nearest line
// above the hunk that starts with a letter, '_' or '$' (git's default
// function-name rule), trimmed to 80 bytes.
func funcContext(oldLines []string, oldStart int) string {
	for i := min(oldStart-2, len(oldLines)-1); i >= 0; i-- {
		l := oldLines[i]
		if l == "" {
			continue
		}
		if c := l[0]; c == '_' || c == '$' || (c|0x20 >= 'a' && c|0x20 <= 'z') {
			l = strings.TrimRight(l, " \t\r\n")
			if len(l) > 80 {
				l = l[:80]
			}
			return " " + l
		}
	}
	return ""
}
