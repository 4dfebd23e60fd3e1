package chunk

import (
	"go/ast"
	"strconv"
	"strings"
)

// goRefCollector gathers the identifiers a Go declaration references, the
// raw material of the symbol graph: "pkg.Name" for a selector on an imported
// package, the bare name for a method call (x.Method → "Method") and for
// package-level functions, types, constants and variables. Locals,
// parameters, fields, labels and predeclared identifiers are left out. It
// leans on the parser's object resolution, so it needs no type checking and
// stays cheap; the price is that a name declared in another file of the
// package cannot be told from an undeclared one, and both are kept.
type goRefCollector struct {
	//lint:ignore SA1019 syntactic object resolution is this collector's design (above): go/types would need every imported package; the T{K: v} ambiguity the deprecation names is handled in visit
	fileScope *ast.Scope
	imports   map[string]bool // local names of imported packages
	refs      []string
	seen      map[string]bool // already in refs, or skipped for this declaration
}

func newGoRefCollector(f *ast.File) *goRefCollector {
	rc := &goRefCollector{fileScope: f.Scope, imports: make(map[string]bool, len(f.Imports)), seen: make(map[string]bool)}
	for _, imp := range f.Imports {
		path, err := strconv.Unquote(imp.Path.Value)
		if err != nil {
			continue
		}
		name := goImportName(path)
		if imp.Name != nil {
			name = imp.Name.Name
		}
		if name != "_" && name != "." && name != "" {
			rc.imports[name] = true
		}
	}
	return rc
}

// take returns the references collected since the last take.
func (rc *goRefCollector) take() []string {
	refs := rc.refs
	rc.refs = nil
	clear(rc.seen)
	return refs
}

// skip keeps names out of the current declaration's references.
func (rc *goRefCollector) skip(names ...string) {
	for _, n := range names {
		rc.seen[n] = true
	}
}

func (rc *goRefCollector) add(name string) {
	if !rc.seen[name] {
		rc.seen[name] = true
		rc.refs = append(rc.refs, name)
	}
}

func (rc *goRefCollector) collect(n ast.Node) {
	ast.Inspect(n, rc.visit)
}

func (rc *goRefCollector) visit(n ast.Node) bool {
	switch n := n.(type) {
	case *ast.CallExpr:
		if sel, ok := n.Fun.(*ast.SelectorExpr); ok && !rc.isPackage(sel.X) {
			rc.add(sel.Sel.Name)
		}
	case *ast.SelectorExpr:
		if rc.isPackage(n.X) {
			rc.add(n.X.(*ast.Ident).Name + "." + n.Sel.Name)
			return false
		}
		// Sel is a field or a method; calls were recorded above.
		rc.collect(n.X)
		return false
	case *ast.KeyValueExpr:
		// An unresolved key in a composite literal is a field name.
		if id, ok := n.Key.(*ast.Ident); ok && id.Obj == nil {
			rc.collect(n.Value)
			return false
		}
	case *ast.Ident:
		if rc.isPackageLevel(n) {
			rc.add(n.Name)
		}
	}
	return true
}

// isPackage reports whether x names an imported package.
func (rc *goRefCollector) isPackage(x ast.Expr) bool {
	id, ok := x.(*ast.Ident)
	return ok && id.Obj == nil && rc.imports[id.Name]
}

// isPackageLevel reports whether id refers to something declared at package
// level: in this file (resolved to the file scope) or, unresolved, in another
// file of the package. Predeclared names are not references.
func (rc *goRefCollector) isPackageLevel(id *ast.Ident) bool {
	if id.Name == "_" {
		return false
	}
	if id.Obj != nil {
		return rc.fileScope != nil && rc.fileScope.Objects[id.Name] == id.Obj
	}
	return !goPredeclared[id.Name] && !rc.imports[id.Name]
}

// goImportName guesses a package's name from its import path the way most
// code is written: the last element, without a /vN major version, a .vN
// gopkg.in suffix, or a go- / -go affix.
func goImportName(path string) string {
	elems := strings.Split(path, "/")
	name := elems[len(elems)-1]
	if len(elems) > 1 && isMajorVersion(name) {
		name = elems[len(elems)-2]
	}
	if i := strings.IndexByte(name, '.'); i > 0 {
		name = name[:i]
	}
	name = strings.TrimSuffix(strings.TrimPrefix(name, "go-"), "-go")
	return strings.ReplaceAll(name, "-", "")
}

func isMajorVersion(s string) bool {
	if len(s) < 2 || s[0] != 'v' {
		return false
	}
	for _, r := range s[1:] {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// goPredeclared holds the universe scope: builtin types, constants and
// functions, which no symbol graph needs to link.
var goPredeclared = map[string]bool{
	"any": true, "bool": true, "byte": true, "comparable": true, "complex64": true, "complex128": true,
	"error": true, "float32": true, "float64": true, "int": true, "int8": true, "int16": true,
	"int32": true, "int64": true, "rune": true, "string": true, "uint": true, "uint8": true,
	"uint16": true, "uint32": true, "uint64": true, "uintptr": true,
	"true": true, "false": true, "iota": true, "nil": true,
	"append": true, "cap": true, "clear": true, "close": true, "complex": true, "copy": true,
	"delete": true, "imag": true, "len": true, "make": true, "max": true, "min": true, "new": true,
	"panic": true, "print": true, "println": true, "real": true, "recover": true,
}
