package chunk

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// goGroupSplitLines is the size above which a grouped const or var block is
// cut into one chunk per spec. Smaller groups (enums, error sets) read best
// whole, and a search hit on one of them should show its siblings.
const goGroupSplitLines = 60

// splitGo cuts Go source into one chunk per top-level declaration, plus a
// header chunk for the package clause and imports. Doc comments and the free
// comments above a declaration belong to its chunk, so every non-blank line
// lands in exactly one chunk. A file that does not parse still yields what
// the parser recovered, with the unparsed stretches as anonymous "block"
// chunks; a file whose package clause does not parse yields nil so that the
// line splitter takes over.
func splitGo(p string, content []byte) []Chunk {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, p, content, parser.ParseComments)
	if f == nil || f.Name == nil || f.Name.Name == "" || !f.Package.IsValid() {
		return nil
	}
	s := newGoSplitter(p, content, fset, f)
	s.split(err != nil)
	return s.chunks
}

// goUnit is one future chunk: a declaration (or spec) and the lines it owns
// before the neighbours' comments are distributed.
type goUnit struct {
	docStart, end int // 1-based lines; docStart is the doc comment's first line
	fill          func(c *Chunk)
}

// goSplitter holds what every declaration of one file needs.
type goSplitter struct {
	path    string
	src     []byte
	tf      *token.File
	file    *ast.File
	pkg     string
	isTest  bool
	lineOff []int // byte offset of each line's start
	refs    *goRefCollector
	chunks  []Chunk
}

func newGoSplitter(p string, src []byte, fset *token.FileSet, f *ast.File) *goSplitter {
	tf := fset.File(f.Package)
	s := &goSplitter{
		path:    p,
		src:     src,
		tf:      tf,
		file:    f,
		pkg:     f.Name.Name,
		isTest:  strings.HasSuffix(p, "_test.go"),
		lineOff: tf.Lines(),
	}
	s.refs = newGoRefCollector(f)
	return s
}

func (s *goSplitter) split(parseFailed bool) {
	headerEnd := s.line(s.file.Name.End())
	var units []goUnit
	for _, d := range s.file.Decls {
		switch d := d.(type) {
		case *ast.GenDecl:
			if d.Tok == token.IMPORT {
				headerEnd = max(headerEnd, s.line(d.End()))
				continue
			}
			units = append(units, s.genDeclUnits(d)...)
		case *ast.FuncDecl:
			units = append(units, s.funcUnit(d))
		case *ast.BadDecl:
			units = append(units, goUnit{docStart: s.line(d.Pos()), end: s.line(d.End()), fill: blockFill})
		}
	}

	headerEnd = min(headerEnd, s.numLines())
	s.chunks = make([]Chunk, 0, len(units)+1)
	s.chunks = append(s.chunks, s.headerChunk(headerEnd))
	prevEnd := headerEnd
	for _, u := range units {
		if u.end < u.docStart || u.docStart < 1 {
			continue // positions lost to a parse error
		}
		start := min(u.docStart, s.firstNonBlank(prevEnd+1, u.docStart))
		// Declarations sharing a line (func a() {}; func b() {}) share it;
		// nodes a parse error left overlapping share no more than that.
		start = max(start, prevEnd)
		end := min(max(u.end, start), s.numLines())
		c := s.newChunk(start, end)
		u.fill(&c)
		s.finish(&c)
		s.chunks = append(s.chunks, c)
		prevEnd = max(prevEnd, end)
	}

	// What follows the last declaration: comments join the last chunk; in a
	// file that failed to parse it is code the parser gave up on.
	if tail := s.firstNonBlank(prevEnd+1, s.numLines()+1); tail <= s.numLines() {
		if parseFailed {
			c := s.newChunk(tail, s.numLines())
			blockFill(&c)
			s.finish(&c)
			s.chunks = append(s.chunks, c)
		} else {
			last := &s.chunks[len(s.chunks)-1]
			last.EndLine = s.numLines()
			last.Text = s.text(last.StartLine, last.EndLine)
			last.Requirements = goRequirementIDs(last.Text)
		}
	}
}

func (s *goSplitter) headerChunk(end int) Chunk {
	c := s.newChunk(1, max(end, 1))
	c.Symbol = s.pkg
	c.SymbolKind = "package"
	c.Signature = "package " + s.pkg
	for _, imp := range s.file.Imports {
		if path, err := strconv.Unquote(imp.Path.Value); err == nil {
			c.Refs = append(c.Refs, path)
		}
	}
	c.Refs = uniq(c.Refs)
	s.finish(&c)
	return c
}

func (s *goSplitter) funcUnit(d *ast.FuncDecl) goUnit {
	return goUnit{
		docStart: s.docStart(d.Doc, d.Pos()),
		end:      s.line(d.End()),
		fill: func(c *Chunk) {
			c.Symbol = d.Name.Name
			c.SymbolKind = "func"
			c.Parents = []string{s.pkg}
			if recv := GoReceiverType(d); recv != "" {
				c.SymbolKind = "method"
				c.Parents = append(c.Parents, recv)
			}
			end := d.End()
			if d.Body != nil {
				end = d.Body.Lbrace
			}
			c.Signature = strings.TrimSpace(s.slice(d.Pos(), end))
			if recv := GoReceiverType(d); recv != "" {
				s.refs.add(recv)
				s.refs.skip(goReceiverTypeParams(d)...)
			}
			s.refs.collect(d.Type)
			if d.Body != nil {
				s.refs.collect(d.Body)
			}
			c.Refs = s.refs.take()
			if s.isTest && d.Recv == nil && isGoTestFunc(d.Name.Name) {
				c.TestNames = append([]string{d.Name.Name}, goSubtests(d.Body, d.Name.Name)...)
			}
		},
	}
}

// genDeclUnits cuts a type, const or var declaration. Type groups become one
// chunk per spec so that every type is its own symbol; const and var groups
// stay whole unless they are long. The first spec of a cut group owns the
// opening line and the group's doc, the last one owns the closing paren.
func (s *goSplitter) genDeclUnits(d *ast.GenDecl) []goUnit {
	start, end := s.docStart(d.Doc, d.Pos()), s.line(d.End())
	if len(d.Specs) == 0 {
		return []goUnit{{docStart: start, end: end, fill: func(c *Chunk) { blockFill(c); c.Signature = d.Tok.String() + " ()" }}}
	}
	perSpec := len(d.Specs) > 1 && (d.Tok == token.TYPE || end-start+1 > goGroupSplitLines)
	if !perSpec {
		return []goUnit{{docStart: start, end: end, fill: func(c *Chunk) { s.fillSpecs(c, d, d.Specs) }}}
	}
	units := make([]goUnit, 0, len(d.Specs))
	for i, spec := range d.Specs {
		u := goUnit{docStart: s.docStart(goSpecDoc(spec), spec.Pos()), end: s.line(spec.End())}
		if i == 0 {
			u.docStart = start
		}
		if i == len(d.Specs)-1 {
			u.end = end
		}
		one := d.Specs[i : i+1]
		u.fill = func(c *Chunk) { s.fillSpecs(c, d, one) }
		units = append(units, u)
	}
	return units
}

// fillSpecs describes a chunk holding specs of one declaration.
func (s *goSplitter) fillSpecs(c *Chunk, d *ast.GenDecl, specs []ast.Spec) {
	c.Parents = []string{s.pkg}
	c.SymbolKind = d.Tok.String()
	var names []string
	for _, spec := range specs {
		switch spec := spec.(type) {
		case *ast.TypeSpec:
			names = append(names, spec.Name.Name)
			c.Signature = s.typeSignature(spec)
			if spec.TypeParams != nil {
				s.refs.collect(spec.TypeParams)
			}
			s.refs.collect(spec.Type)
		case *ast.ValueSpec:
			for _, n := range spec.Names {
				if n.Name != "_" {
					names = append(names, n.Name)
				}
			}
			if spec.Type != nil {
				s.refs.collect(spec.Type)
			}
			for _, v := range spec.Values {
				s.refs.collect(v)
			}
		}
	}
	c.Refs = s.refs.take()
	if len(names) > 0 {
		c.Symbol = names[0]
		c.Also = names[1:]
	}
	if d.Tok == token.TYPE {
		return
	}
	if len(specs) == 1 && len(names) <= 1 {
		c.Signature = firstLine(s.slice(d.Pos(), d.End()), 160)
		if d.Lparen.IsValid() {
			c.Signature = d.Tok.String() + " " + firstLine(s.slice(specs[0].Pos(), specs[0].End()), 160)
		}
		return
	}
	if len(names) > 8 {
		names = append(names[:8:8], "…")
	}
	c.Signature = d.Tok.String() + " (" + strings.Join(names, ", ") + ")"
}

// typeSignature renders "type X struct", "type X[T any] interface",
// "type X = Y" or, for other types, the type on one line when it is short.
func (s *goSplitter) typeSignature(spec *ast.TypeSpec) string {
	sig := "type " + spec.Name.Name
	if spec.TypeParams != nil {
		sig += s.slice(spec.TypeParams.Opening, spec.TypeParams.Closing+1)
	}
	if spec.Assign.IsValid() {
		sig += " ="
	}
	switch spec.Type.(type) {
	case *ast.StructType:
		return sig + " struct"
	case *ast.InterfaceType:
		return sig + " interface"
	}
	return sig + " " + firstLine(s.slice(spec.Type.Pos(), spec.Type.End()), 120)
}

func (s *goSplitter) newChunk(start, end int) Chunk {
	return Chunk{Path: s.path, Language: "Go", StartLine: start, EndLine: end, Text: s.text(start, end)}
}

func (s *goSplitter) finish(c *Chunk) {
	c.Requirements = goRequirementIDs(c.Text)
}

// requirementMarkers are substrings every requirement ID contains. Most Go
// declarations cite none, and testing for these is many times cheaper than
// running the requirement regexp over every chunk.
var requirementMarkers = [...]string{"FR-", "REQ-", "SC-", "US-", "AC-", "SR-", "UR-"}

// goRequirementIDs is FindRequirementIDs behind a cheap pre-check.
func goRequirementIDs(text string) []string {
	for _, m := range requirementMarkers {
		if strings.Contains(text, m) {
			return FindRequirementIDs(text)
		}
	}
	return nil
}

func blockFill(c *Chunk) { c.SymbolKind = "block" }

// docStart is the first line of a declaration: its doc comment's, if any.
func (s *goSplitter) docStart(doc *ast.CommentGroup, pos token.Pos) int {
	if doc != nil && doc.Pos().IsValid() {
		return s.line(doc.Pos())
	}
	return s.line(pos)
}

func (s *goSplitter) line(pos token.Pos) int {
	if !pos.IsValid() || int(pos) < s.tf.Base() || int(pos) > s.tf.Base()+s.tf.Size() {
		return 0
	}
	return s.tf.Line(pos)
}

func (s *goSplitter) numLines() int { return len(s.lineOff) }

// text returns lines start..end (1-based, inclusive) without the final newline.
func (s *goSplitter) text(start, end int) string {
	if start < 1 || end < start || start > len(s.lineOff) {
		return ""
	}
	from := s.lineOff[start-1]
	to := len(s.src)
	if end < len(s.lineOff) {
		to = s.lineOff[end]
	}
	return strings.TrimRight(string(s.src[from:to]), "\r\n")
}

// firstNonBlank returns the first line in [from, limit) with something on
// it, or limit.
func (s *goSplitter) firstNonBlank(from, limit int) int {
	for l := max(from, 1); l < limit && l <= s.numLines(); l++ {
		if strings.TrimSpace(s.text(l, l)) != "" {
			return l
		}
	}
	return limit
}

// slice is the source between two positions, clamped to the file.
func (s *goSplitter) slice(from, to token.Pos) string {
	if !from.IsValid() || !to.IsValid() {
		return ""
	}
	a, b := int(from)-s.tf.Base(), int(to)-s.tf.Base()
	a, b = max(a, 0), min(b, len(s.src))
	if a >= b {
		return ""
	}
	return string(s.src[a:b])
}

// firstLine is the first line of text, trimmed, cut to at most limit bytes
// (on a rune boundary) with an ellipsis when anything was dropped.
func firstLine(text string, limit int) string {
	text = strings.TrimSpace(text)
	cut := false
	if i := strings.IndexByte(text, '\n'); i >= 0 {
		text, cut = strings.TrimSpace(text[:i]), true
	}
	if len(text) > limit {
		for limit > 0 && !utf8.RuneStart(text[limit]) {
			limit--
		}
		text, cut = text[:limit], true
	}
	if cut {
		text += " …"
	}
	return text
}

func goSpecDoc(spec ast.Spec) *ast.CommentGroup {
	switch spec := spec.(type) {
	case *ast.TypeSpec:
		return spec.Doc
	case *ast.ValueSpec:
		return spec.Doc
	}
	return nil
}

// GoReceiverType names a method's receiver type without pointer or type
// arguments: "Store" for (s *Store[K, V]); "" for a function.
func GoReceiverType(d *ast.FuncDecl) string {
	if d.Recv == nil || len(d.Recv.List) == 0 {
		return ""
	}
	t := d.Recv.List[0].Type
	for {
		switch x := t.(type) {
		case *ast.StarExpr:
			t = x.X
		case *ast.ParenExpr:
			t = x.X
		case *ast.IndexExpr:
			t = x.X
		case *ast.IndexListExpr:
			t = x.X
		case *ast.Ident:
			return x.Name
		default:
			return ""
		}
	}
}

// goReceiverTypeParams lists the type parameter names a generic method's
// receiver declares: K and V in (s *Store[K, V]). The parser leaves them
// unresolved, so they would otherwise look like package-level references.
func goReceiverTypeParams(d *ast.FuncDecl) []string {
	t := d.Recv.List[0].Type
	if star, ok := t.(*ast.StarExpr); ok {
		t = star.X
	}
	var idx []ast.Expr
	switch x := t.(type) {
	case *ast.IndexExpr:
		idx = []ast.Expr{x.Index}
	case *ast.IndexListExpr:
		idx = x.Indices
	}
	var names []string
	for _, e := range idx {
		if id, ok := e.(*ast.Ident); ok {
			names = append(names, id.Name)
		}
	}
	return names
}

// isGoTestFunc reports whether name is one `go test` runs: TestXxx,
// BenchmarkXxx, FuzzXxx or ExampleXxx, where Xxx does not start with a
// lower-case letter. TestMain is the harness, not a test.
func isGoTestFunc(name string) bool {
	if name == "TestMain" {
		return false
	}
	for _, prefix := range [...]string{"Test", "Benchmark", "Fuzz", "Example"} {
		if rest, ok := strings.CutPrefix(name, prefix); ok {
			r, _ := utf8.DecodeRuneInString(rest)
			return rest == "" || !unicode.IsLower(r)
		}
	}
	return false
}

// goSubtests finds t.Run / b.Run calls with a literal name under body and
// returns their full names ("TestX/outer/inner"), nested runs included.
// Names are the literals as written; `go test` prints spaces as underscores.
func goSubtests(body *ast.BlockStmt, prefix string) []string {
	if body == nil {
		return nil
	}
	var names []string
	ast.Inspect(body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) != 2 {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != "Run" {
			return true
		}
		lit, ok := call.Args[0].(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return true
		}
		name, err := strconv.Unquote(lit.Value)
		if err != nil {
			return true
		}
		full := prefix + "/" + name
		names = append(names, full)
		if fn, ok := call.Args[1].(*ast.FuncLit); ok {
			names = append(names, goSubtests(fn.Body, full)...)
			return false
		}
		return true
	})
	return uniq(names)
}
