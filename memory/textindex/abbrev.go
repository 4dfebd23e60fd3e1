package textindex

import "github.com/blevesearch/go-porterstemmer"

// abbreviations are the short forms code writes for words a question
// spells out: "where are route parameters parsed" asks about code that
// says param, pnames and paramValues. The analyzer indexes and queries
// every listed word as its short form, so the two meet. Left out on
// purpose: short forms so common in code that the long word would stop
// meaning anything (err, ctx, fmt, len, str, id), and those whose long
// form's stem is another word (expression → express, authorization →
// author).
var abbreviations = map[string][]string{
	"addr":   {"address"},
	"alloc":  {"allocate", "allocation"},
	"arg":    {"argument"},
	"attr":   {"attribute"},
	"auth":   {"authentication", "authenticate"},
	"buf":    {"buffer"},
	"cert":   {"certificate"},
	"cmd":    {"command"},
	"col":    {"column"},
	"config": {"configuration", "configure", "conf", "cfg"},
	"conn":   {"connection", "connect"},
	"db":     {"database"},
	"dir":    {"directory"},
	"doc":    {"document", "documentation"},
	"dst":    {"destination", "dest"},
	"elem":   {"element"},
	"env":    {"environment"},
	"exec":   {"execute", "execution"},
	"hdr":    {"header"},
	"idx":    {"index"},
	"impl":   {"implementation", "implement"},
	"info":   {"information"},
	"init":   {"initialize", "initialization", "initialise"},
	"iter":   {"iterator", "iterate"},
	"lang":   {"language"},
	"lib":    {"library"},
	"msg":    {"message"},
	"num":    {"number"},
	"obj":    {"object"},
	"opt":    {"option"},
	"param":  {"parameter"},
	"pkg":    {"package"},
	"pos":    {"position"},
	"prev":   {"previous"},
	"ptr":    {"pointer"},
	"ref":    {"reference"},
	"repo":   {"repository"},
	"req":    {"request"},
	"resp":   {"response"},
	"spec":   {"specification"},
	"src":    {"source"},
	"stmt":   {"statement"},
	"tmp":    {"temporary", "temp"},
	"tx":     {"transaction"},
	"util":   {"utility"},
	"val":    {"value"},
}

// shortForms maps the stem of every long form to its short form, as terms.
var shortForms = func() map[string][]byte {
	m := map[string][]byte{}
	for short, longs := range abbreviations {
		for _, long := range longs {
			if st := porterstemmer.StemString(long); st != short {
				m[st] = []byte(short)
			}
		}
	}
	return m
}()
