package drain

import "strings"

// joinQuantities makes one token of a quantity written in several: a
// number, the unit after it and a parenthesised restatement of it
// ("1268 bytes (1.23 KB)", "<1 sec", "21.2 KB,"). The miner groups by
// token count, so "850 bytes sent" and "1268 bytes (1.23 KB) sent" —
// one statement printing its size two ways — would otherwise never meet,
// and "1.5MB" and "1.5 MB" would be two shapes of one value. The joined
// token keeps its text, so a template reads as the lines do.
func (m *Miner) joinQuantities() {
	toks := m.toks
	out := toks[:0]
	for i := 0; i < len(toks); i++ {
		end := quantityEnd(toks, i)
		if end == i+1 {
			out = append(out, toks[i])
			continue
		}
		b := append(m.scratch[:0], toks[i]...)
		for _, t := range toks[i+1 : end] {
			b = append(append(b, ' '), t...)
		}
		m.scratch = b
		out = append(out, m.intern(b))
		i = end - 1
	}
	m.toks = out
}

// quantityEnd is the end of the quantity that starts at toks[i]: i+1 when
// toks[i] is not a number or nothing follows it that belongs to it.
func quantityEnd(toks []string, i int) int {
	if !endsInNumber(toks[i]) {
		return i + 1
	}
	j := i + 1
	if j < len(toks) && isUnit(strings.TrimRight(toks[j], ",;)")) {
		if closed(toks[j]) {
			return j + 1
		}
		j++
	}
	if j < len(toks) && strings.HasPrefix(toks[j], "(") && endsInNumber(toks[j]) {
		if k := j + 1; k < len(toks) && isUnit(strings.TrimRight(toks[k], ",;)")) && strings.Contains(toks[k], ")") {
			return k + 1 // "(1.23 KB)"
		}
	}
	if j < len(toks) && strings.HasPrefix(toks[j], "(") && strings.HasSuffix(strings.TrimRight(toks[j], ",;"), ")") && holdsMask(toks[j]) && strings.Count(toks[j], "<") == 1 {
		return j + 1 // "(<NUM>)", "(1.2KB)"
	}
	return j
}

// endsInNumber: the token is a number mask with nothing after it ("<NUM>",
// "<<NUM>" for "<1", "(<NUM>" for "(1.23").
func endsInNumber(tok string) bool {
	return strings.HasSuffix(tok, "<NUM>") && strings.TrimLeft(strings.TrimSuffix(tok, "<NUM>"), "(<>~≈") == ""
}

// closed: punctuation after a unit ends the quantity ("21.2 KB, free …").
func closed(tok string) bool {
	c := tok[len(tok)-1]
	return c == ',' || c == ';' || c == ')'
}

// isUnit: a unit of size or time, as a number is followed by it.
func isUnit(w string) bool {
	switch w {
	case "B", "KB", "kB", "MB", "GB", "TB", "PB", "KiB", "MiB", "GiB", "TiB", "byte", "bytes",
		"ns", "us", "µs", "ms", "s", "sec", "secs", "second", "seconds", "min", "mins", "minute", "minutes",
		"h", "hr", "hrs", "hour", "hours", "day", "days":
		return true
	}
	return false
}
