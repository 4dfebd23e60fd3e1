package coverage

import (
	"bufio"
	"io"
	"strconv"
	"strings"
)

// parseGo reads a Go coverprofile (`go test -coverprofile`):
//
//	mode: set|count|atomic
//	import/path/file.go:startLine.startCol,endLine.endCol numStmts count
//
// Paths stay as written (import paths); Load maps them to files. A block
// listed more than once (profiles of several packages concatenated, or
// -coverpkg) keeps its largest count in set mode and the sum otherwise.
func parseGo(r io.Reader, rep *Report) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	type key struct {
		path string
		b    [4]int
	}
	seen := map[key]int{} // block → index in its file's Blocks
	mode := ""
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		if strings.HasPrefix(line, "mode:") {
			m := strings.TrimSpace(strings.TrimPrefix(line, "mode:"))
			if m != "set" && m != "count" && m != "atomic" {
				rep.problemf(n, "unknown mode %q (want set, count or atomic)", m)
			}
			if mode == "" {
				mode = m
			}
			continue // concatenated profiles repeat the mode line
		}
		if mode == "" && n == 1 {
			rep.problemf(n, "no \"mode:\" line first: not a complete Go coverprofile; reading the blocks anyway")
			mode = "set"
		}
		path, b, stmts, count, ok := parseGoBlock(line)
		if !ok {
			rep.problemf(n, "malformed block %q (want path.go:line.col,line.col statements count)", clip(line))
			continue
		}
		f := rep.file(path)
		k := key{path, b}
		if i, dup := seen[k]; dup {
			old := &f.Blocks[i]
			if mode == "set" {
				old.Count = max(old.Count, count)
			} else {
				old.Count += count
			}
		} else {
			seen[k] = len(f.Blocks)
			f.Blocks = append(f.Blocks, Block{StartLine: b[0], StartCol: b[1], EndLine: b[2], EndCol: b[3], Stmts: stmts, Count: count})
		}
	}
	if err := sc.Err(); err != nil {
		rep.problemf(n+1, "read: %v", err)
	}
	for _, f := range rep.Files {
		linesFromBlocks(f)
	}
	return nil
}

// linesFromBlocks fills line hits from blocks. A line shared by two blocks
// (one ends where the next begins) counts as hit when either is.
func linesFromBlocks(f *File) {
	for _, b := range f.Blocks {
		for l := b.StartLine; l <= b.EndLine; l++ {
			f.hit(l, b.Count)
		}
	}
}

func parseGoBlock(line string) (path string, b [4]int, stmts, count int, ok bool) {
	colon := strings.LastIndexByte(line, ':')
	if colon <= 0 {
		return
	}
	path = line[:colon]
	fields := strings.Fields(line[colon+1:])
	if len(fields) != 3 {
		return
	}
	from, to, found := strings.Cut(fields[0], ",")
	if !found {
		return
	}
	var err error
	if b[0], b[1], err = dotted(from); err != nil {
		return
	}
	if b[2], b[3], err = dotted(to); err != nil {
		return
	}
	if stmts, err = strconv.Atoi(fields[1]); err != nil || stmts < 0 {
		return
	}
	if count, err = strconv.Atoi(fields[2]); err != nil || count < 0 {
		return
	}
	if b[0] <= 0 || b[2] < b[0] {
		return
	}
	return path, b, stmts, count, true
}

func dotted(s string) (int, int, error) {
	l, c, ok := strings.Cut(s, ".")
	if !ok {
		return 0, 0, strconv.ErrSyntax
	}
	a, err := strconv.Atoi(l)
	if err != nil {
		return 0, 0, err
	}
	b, err := strconv.Atoi(c)
	return a, b, err
}

// clip shortens a quoted input line for an error message.
func clip(s string) string {
	if len(s) > 80 {
		return s[:77] + "..."
	}
	return s
}
