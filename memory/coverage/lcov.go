package coverage

import (
	"bufio"
	"io"
	"strconv"
	"strings"
)

// parseLCOV reads LCOV tracefiles (geninfo, c8/nyc/istanbul, llvm-cov
// export, cargo-llvm-cov): SF/DA/BRDA/FN/FNDA records per source file, and
// the LCOV 2.x function records FNL (index, start, end) and FNA (index, hits,
// name).
func parseLCOV(r io.Reader, rep *Report) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	var cur *File
	var fnIndex map[string]int // name or FNL index → position in cur.Funcs
	n, open, sfLine := 0, false, 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		if line == "end_of_record" {
			if !open {
				rep.problemf(n, "end_of_record without a SF record before it")
			}
			cur, open = nil, false
			continue
		}
		tag, val, found := strings.Cut(line, ":")
		if !found {
			rep.problemf(n, "malformed record %q (want TAG:value)", clip(line))
			continue
		}
		if tag == "SF" {
			if open {
				rep.problemf(n, "SF record at line %d has no end_of_record", sfLine)
			}
			cur, open, sfLine = rep.file(val), true, n
			fnIndex = map[string]int{}
			continue
		}
		switch tag {
		case "TN", "VER", "LF", "LH", "FNF", "FNH", "BRF", "BRH", "MDF", "MDH", "MDA":
			continue // summaries we recompute, and test names
		}
		if cur == nil {
			rep.problemf(n, "%s record outside a SF ... end_of_record block", tag)
			continue
		}
		parts := strings.Split(val, ",")
		bad := func() { rep.problemf(n, "malformed %s record %q", tag, clip(line)) }
		switch tag {
		case "DA": // line,hits[,checksum]
			if len(parts) < 2 {
				bad()
				continue
			}
			l, err1 := strconv.Atoi(parts[0])
			h, err2 := atoiHits(parts[1])
			if err1 != nil || err2 != nil || l <= 0 {
				bad()
				continue
			}
			cur.hit(l, h)
		case "BRDA": // line,block,branch,taken ("-": never reached)
			if len(parts) < 4 {
				bad()
				continue
			}
			l, err := strconv.Atoi(parts[0])
			if err != nil || l <= 0 {
				bad()
				continue
			}
			taken := 0
			if p := parts[len(parts)-1]; p != "-" {
				if taken, err = atoiHits(p); err != nil {
					bad()
					continue
				}
			}
			c := 0
			if taken > 0 {
				c = 1
			}
			cur.branch(l, c, 1)
		case "FN": // line,name  or (2.x) start,end,name
			if len(parts) < 2 {
				bad()
				continue
			}
			l, err := strconv.Atoi(parts[0])
			if err != nil {
				bad()
				continue
			}
			fn := Func{Line: l, Name: parts[len(parts)-1]}
			if len(parts) >= 3 {
				if e, err := strconv.Atoi(parts[1]); err == nil {
					fn.EndLine = e
					fn.Name = strings.Join(parts[2:], ",")
				} else {
					fn.Name = strings.Join(parts[1:], ",")
				}
			}
			if !fn.linesOK() {
				bad()
				continue
			}
			fnIndex["name:"+fn.Name] = len(cur.Funcs)
			cur.Funcs = append(cur.Funcs, fn)
		case "FNDA": // hits,name
			if len(parts) < 2 {
				bad()
				continue
			}
			h, err := atoiHits(parts[0])
			if err != nil {
				bad()
				continue
			}
			name := strings.Join(parts[1:], ",")
			if i, ok := fnIndex["name:"+name]; ok {
				cur.Funcs[i].Hits += h
			} else {
				rep.problemf(n, "FNDA for %q, which no FN record declared", name)
			}
		case "FNL": // index,start[,end]
			if len(parts) < 2 {
				bad()
				continue
			}
			s, err := strconv.Atoi(parts[1])
			if err != nil {
				bad()
				continue
			}
			fn := Func{Line: s}
			if len(parts) >= 3 {
				fn.EndLine, _ = strconv.Atoi(parts[2])
			}
			if !fn.linesOK() {
				bad()
				continue
			}
			fnIndex["idx:"+parts[0]] = len(cur.Funcs)
			cur.Funcs = append(cur.Funcs, fn)
		case "FNA": // index,hits,name (aliases share an index)
			if len(parts) < 3 {
				bad()
				continue
			}
			h, err := atoiHits(parts[1])
			i, ok := fnIndex["idx:"+parts[0]]
			if err != nil || !ok {
				bad()
				continue
			}
			f := &cur.Funcs[i]
			if f.Name == "" {
				f.Name = strings.Join(parts[2:], ",")
			}
			f.Hits += h
		default:
			// Unknown tags are tolerated: LCOV grows new ones.
		}
	}
	if err := sc.Err(); err != nil {
		rep.problemf(n+1, "read: %v", err)
	}
	if open {
		rep.problemf(n, "the record for %s (SF at line %d) has no end_of_record: the file looks truncated; kept what was there", cur.Path, sfLine)
	}
	return nil
}

// atoiHits parses a hit count; some tools write large counts as floats.
func atoiHits(s string) (int, error) {
	if n, err := strconv.Atoi(s); err == nil {
		if n < 0 {
			return 0, strconv.ErrRange
		}
		return n, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 {
		return 0, strconv.ErrSyntax
	}
	return int(min(f, 1<<31)), nil
}

// linesOK reports whether a function record's lines can be a function:
// no negative start (0: unknown), and an end (0 when not given) not
// before it.
func (f Func) linesOK() bool {
	return f.Line >= 0 && (f.EndLine == 0 || f.EndLine >= f.Line)
}
