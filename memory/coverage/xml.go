package coverage

import (
	"encoding/xml"
	"errors"
	"io"
	"path"
	"strconv"
	"strings"
)

// parseCobertura reads Cobertura XML (coverage.py xml, gcovr, Istanbul's
// cobertura reporter, dotnet coverlet): class elements name a file relative
// to one of the <source> roots; line elements carry hits, and
// condition-coverage="50% (1/2)" on branch lines. Roots are kept in
// rep.sourceRoots for the path mapping.
func parseCobertura(r io.Reader, rep *Report) error {
	d := xml.NewDecoder(r)
	d.Strict = false
	var cur *File
	var method *Func
	inSource := false
	var text strings.Builder
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			line, _ := d.InputPos()
			rep.problemf(line, "XML: %v; kept what was read before it", xmlErr(err))
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "source":
				inSource = true
				text.Reset()
			case "class":
				fn := attr(t, "filename")
				if fn == "" {
					line, _ := d.InputPos()
					rep.problemf(line, "class %q has no filename attribute", attr(t, "name"))
					cur = nil
					continue
				}
				cur = rep.file(fn)
			case "method":
				if cur != nil {
					cur.Funcs = append(cur.Funcs, Func{Name: attr(t, "name")})
					method = &cur.Funcs[len(cur.Funcs)-1]
				}
			case "line":
				if cur == nil {
					continue
				}
				n, err1 := strconv.Atoi(attr(t, "number"))
				h, err2 := atoiHits(attr(t, "hits"))
				if err1 != nil || err2 != nil || n <= 0 {
					line, _ := d.InputPos()
					rep.problemf(line, "line element with number=%q hits=%q", attr(t, "number"), attr(t, "hits"))
					continue
				}
				if method != nil {
					// Method lines repeat the class's lines; they only
					// place the method and give its hits.
					if method.Line == 0 || n < method.Line {
						method.Line = n
					}
					method.EndLine = max(method.EndLine, n)
					method.Hits = max(method.Hits, h)
					continue
				}
				cur.hit(n, h)
				if attr(t, "branch") == "true" {
					if c, tot, ok := conditionCoverage(attr(t, "condition-coverage")); ok {
						cur.branch(n, c, tot)
					}
				}
			}
		case xml.CharData:
			if inSource {
				text.Write(t)
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "source":
				inSource = false
				if s := strings.TrimSpace(text.String()); s != "" {
					rep.sourceRoots = append(rep.sourceRoots, s)
				}
			case "method":
				method = nil
			case "class":
				cur = nil
			}
		}
	}
	return nil
}

// conditionCoverage parses "50% (1/2)".
func conditionCoverage(s string) (covered, total int, ok bool) {
	open, close := strings.IndexByte(s, '('), strings.IndexByte(s, ')')
	if open < 0 || close < open {
		return 0, 0, false
	}
	a, b, found := strings.Cut(s[open+1:close], "/")
	if !found {
		return 0, 0, false
	}
	c, err1 := strconv.Atoi(strings.TrimSpace(a))
	t, err2 := strconv.Atoi(strings.TrimSpace(b))
	if err1 != nil || err2 != nil || c < 0 || t < c {
		return 0, 0, false
	}
	return c, t, true
}

// parseJaCoCo reads a JaCoCo XML report: per package, sourcefile elements
// with line elements (mi/ci missed and covered instructions, mb/cb missed
// and covered branches), and class/method elements with counters. A file's
// path is its package path plus the source file name; Load finds it in the
// repository (src/main/java/…, or wherever the sources live) by suffix.
func parseJaCoCo(r io.Reader, rep *Report) error {
	d := xml.NewDecoder(r)
	d.Strict = false
	d.Entity = xml.HTMLEntity
	pkg := ""
	var cur *File
	classFile := ""
	var method *Func
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			line, _ := d.InputPos()
			rep.problemf(line, "XML: %v; kept what was read before it", xmlErr(err))
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "package":
				pkg = attr(t, "name")
			case "class":
				classFile = attr(t, "sourcefilename")
			case "method":
				if classFile == "" {
					continue
				}
				l, _ := strconv.Atoi(attr(t, "line"))
				f := rep.file(path.Join(pkg, classFile))
				f.Funcs = append(f.Funcs, Func{Name: attr(t, "name"), Line: l})
				method = &f.Funcs[len(f.Funcs)-1]
			case "counter":
				if method != nil && attr(t, "type") == "METHOD" {
					if c, _ := strconv.Atoi(attr(t, "covered")); c > 0 {
						method.Hits = c
					}
				}
			case "sourcefile":
				cur = rep.file(path.Join(pkg, attr(t, "name")))
			case "line":
				if cur == nil {
					continue
				}
				n, err := strconv.Atoi(attr(t, "nr"))
				ci, err2 := strconv.Atoi(attr(t, "ci"))
				if err != nil || err2 != nil || n <= 0 {
					line, _ := d.InputPos()
					rep.problemf(line, "line element with nr=%q ci=%q", attr(t, "nr"), attr(t, "ci"))
					continue
				}
				cur.hit(n, ci)
				mb, _ := strconv.Atoi(attr(t, "mb"))
				cb, _ := strconv.Atoi(attr(t, "cb"))
				if mb+cb > 0 {
					cur.branch(n, cb, mb+cb)
				}
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "method":
				method = nil
			case "class":
				classFile = ""
			case "sourcefile":
				cur = nil
			case "package":
				pkg = ""
			}
		}
	}
	return nil
}

func attr(t xml.StartElement, name string) string {
	for _, a := range t.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// xmlErr turns a truncated document's bare EOF into words.
func xmlErr(err error) string {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return "unexpected end of file (truncated?)"
	}
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return se.Msg
	}
	return err.Error()
}
