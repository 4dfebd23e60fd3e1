package coverage

import (
	"bufio"
	"io"
	"math"
	"strings"

	"golang.org/x/tools/cover"
)

// parseGo reads a Go coverprofile (`go test -coverprofile`):
//
//	mode: set|count|atomic
//	import/path/file.go:startLine.startCol,endLine.endCol numStmts count
//
// The blocks are read by golang.org/x/tools/cover, the parser of `go tool
// cover`; it merges a block listed more than once (profiles of several
// packages concatenated, or -coverpkg): any hit in set mode, the sum
// otherwise. cover refuses a whole profile for one bad line, so the lines
// are first put in the shape it reads (one mode line, no blank lines or
// CRLF), and a profile it refuses is read again line by line: each bad
// line becomes a Problem with its line number, and the rest is kept.
// Paths stay as written (import paths); Load maps them to files.
func parseGo(r io.Reader, rep *Report) error {
	p := readGoLines(r, rep)
	profiles, err := cover.ParseProfilesFromReader(p.reader(p.blocks))
	if err != nil || !possible(profiles) {
		profiles = p.salvage(rep)
	}
	for _, prof := range profiles {
		f := rep.file(prof.FileName)
		for _, b := range prof.Blocks {
			if b.Count < 0 { // the sum of the counts went past the largest int
				b.Count = math.MaxInt
			}
			f.Blocks = append(f.Blocks, Block{StartLine: b.StartLine, StartCol: b.StartCol,
				EndLine: b.EndLine, EndCol: b.EndCol, Stmts: b.NumStmt, Count: b.Count})
		}
	}
	for _, f := range rep.Files {
		linesFromBlocks(f)
	}
	return nil
}

// goLines is a coverprofile's block lines, trimmed, with the line of the
// file each came from.
type goLines struct {
	mode   string
	blocks []string
	at     []int
	moded  bool // a mode line came before the first block
}

// readGoLines takes the mode from the first mode line (concatenated
// profiles repeat it) and collects the other non-blank lines.
func readGoLines(r io.Reader, rep *Report) *goLines {
	p := &goLines{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		if m, ok := strings.CutPrefix(line, "mode:"); ok {
			p.setMode(n, strings.TrimSpace(m), rep)
			continue
		}
		if !p.moded {
			rep.problemf(n, "no \"mode:\" line first: not a complete Go coverprofile; reading the blocks anyway")
			p.moded = true
		}
		p.blocks = append(p.blocks, line)
		p.at = append(p.at, n)
	}
	if err := sc.Err(); err != nil {
		rep.problemf(n+1, "read: %v", err)
	}
	if p.mode == "" {
		p.mode = "set"
	}
	return p
}

func (p *goLines) setMode(n int, m string, rep *Report) {
	if m != "set" && m != "count" && m != "atomic" {
		rep.problemf(n, "unknown mode %q (want set, count or atomic)", m)
	}
	if !p.moded && m != "" {
		p.mode = m
	}
	p.moded = true
}

// reader is the lines as cover reads them.
func (p *goLines) reader(lines []string) io.Reader {
	var b strings.Builder
	b.WriteString("mode: " + p.mode + "\n")
	for _, l := range lines {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return strings.NewReader(b.String())
}

// salvage reads a profile cover refused: every line alone first, so that
// each bad one is a Problem at its line, then the good ones together. Two
// blocks that start at one position but differ (another end or statement
// count) come from two versions of the code: cover refuses the first kind
// and leaves the second unmerged, so the later one is a Problem.
func (p *goLines) salvage(rep *Report) []*cover.Profile {
	type start struct {
		path      string
		line, col int
	}
	type seen struct {
		line  int // index in p.blocks
		block cover.ProfileBlock
	}
	first := map[start]seen{}
	var good []string
	for i, line := range p.blocks {
		path, b, ok := p.parseAlone(line)
		if !ok {
			rep.problemf(p.at[i], "malformed block %q (want path.go:line.col,line.col statements count)", clip(line))
			continue
		}
		k := start{path, b.StartLine, b.StartCol}
		if f, ok := first[k]; !ok {
			first[k] = seen{i, b}
		} else if f.block.EndLine != b.EndLine || f.block.EndCol != b.EndCol || f.block.NumStmt != b.NumStmt {
			rep.problemf(p.at[i], "block %q was listed before as %q: profiles of two versions of the code mixed? kept the first", clip(line), clip(p.blocks[f.line]))
			continue
		}
		good = append(good, line)
	}
	profiles, err := cover.ParseProfilesFromReader(p.reader(good))
	if err != nil { // each line was read alone: not expected
		rep.problemf(0, "reading the blocks: %v", err)
		return nil
	}
	return profiles
}

// parseAlone reads one block line through cover.
func (p *goLines) parseAlone(line string) (path string, b cover.ProfileBlock, ok bool) {
	one, err := cover.ParseProfilesFromReader(p.reader([]string{line}))
	if err != nil || !possible(one) {
		return "", b, false
	}
	return one[0].FileName, one[0].Blocks[0], true
}

// possible reports whether every block starts at line 1 or later, ends no
// earlier than it starts, and is the only block starting where it starts
// (cover merges a repeated block only when it sorts next to its twin).
func possible(profiles []*cover.Profile) bool {
	for _, prof := range profiles {
		for i, b := range prof.Blocks {
			if b.StartLine < 1 || b.EndLine < b.StartLine {
				return false
			}
			if i > 0 && b.StartLine == prof.Blocks[i-1].StartLine && b.StartCol == prof.Blocks[i-1].StartCol {
				return false
			}
		}
	}
	return true
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

// clip shortens a quoted input line for an error message.
func clip(s string) string {
	if len(s) > 80 {
		return s[:77] + "..."
	}
	return s
}
