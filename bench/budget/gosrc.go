package main

// This file reads a Go repository's own source (go/parser, no type
// checking) for what the realistic calls need: the module path, exported
// functions and who calls them, and comment lines to edit.

import (
	"bufio"
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// goFunc is one function or method with a body, in a non-test file.
type goFunc struct {
	Pkg      string // import path
	File     string // repository-relative, slash-separated
	Recv     string // receiver type name, "" for a function
	PtrRecv  bool
	Name     string
	Line     int            // first statement of the body (where a panic inside would point)
	Calls    map[string]int // called names -> line of the first call
	Exported bool
}

// frameName is how a Go stack trace names fn: pkg.Func, pkg.T.M or
// pkg.(*T).M.
func (fn goFunc) frameName() string {
	switch {
	case fn.Recv == "":
		return fn.Pkg + "." + fn.Name
	case fn.PtrRecv:
		return fmt.Sprintf("%s.(*%s).%s", fn.Pkg, fn.Recv, fn.Name)
	default:
		return fmt.Sprintf("%s.%s.%s", fn.Pkg, fn.Recv, fn.Name)
	}
}

// goRepo is what the calls are derived from.
type goRepo struct {
	Lang   string    // langGo, langPython, langTypeScript or langJavaScript
	Module string    // the module path, or the package's name
	Funcs  []goFunc  // sorted by file, then line
	Files  []srcFile // non-test Go files, sorted by path
}

type srcFile struct {
	Path string // repository-relative, slash-separated
	Size int64
}

// skipDir is a directory no library frame comes from.
func skipDir(name string) bool {
	return name == "testdata" || name == "vendor" || name == "_examples" || name == "examples" ||
		strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")
}

// readGoRepo parses every non-test Go file under dir. A file that does
// not parse is skipped (generated or build-tagged oddities).
func readGoRepo(dir string) (goRepo, error) {
	mod, err := modulePath(filepath.Join(dir, "go.mod"))
	if err != nil {
		return goRepo{}, err
	}
	r := goRepo{Module: mod}
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != dir && skipDir(d.Name()) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		r.Files = append(r.Files, srcFile{Path: rel, Size: info.Size()})
		r.Funcs = append(r.Funcs, parseFuncs(p, mod, rel)...)
		return nil
	})
	if err != nil {
		return goRepo{}, fmt.Errorf("read Go files of %s: %w", dir, err)
	}
	sort.Slice(r.Files, func(i, j int) bool { return r.Files[i].Path < r.Files[j].Path })
	sort.SliceStable(r.Funcs, func(i, j int) bool {
		if r.Funcs[i].File != r.Funcs[j].File {
			return r.Funcs[i].File < r.Funcs[j].File
		}
		return r.Funcs[i].Line < r.Funcs[j].Line
	})
	return r, nil
}

// modulePath is the module line of a go.mod file.
func modulePath(gomod string) (string, error) {
	data, err := os.ReadFile(gomod)
	if err != nil {
		return "", fmt.Errorf("read the module path: %w", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) == 2 && f[0] == "module" {
			return strings.Trim(f[1], `"`), nil
		}
	}
	return "", fmt.Errorf("%s has no module line", gomod)
}

func parseFuncs(file, mod, rel string) []goFunc {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, nil, parser.SkipObjectResolution)
	if err != nil || f.Name.Name == "main" {
		return nil
	}
	pkg := mod
	if d := path.Dir(rel); d != "." {
		pkg = mod + "/" + d
	}
	var out []goFunc
	for _, decl := range f.Decls {
		fd, ok := decl.(*ast.FuncDecl)
		if !ok || fd.Body == nil || len(fd.Body.List) == 0 {
			continue
		}
		fn := goFunc{Pkg: pkg, File: rel, Name: fd.Name.Name, Exported: fd.Name.IsExported(),
			Line: fset.Position(fd.Body.List[0].Pos()).Line, Calls: map[string]int{}}
		if fd.Recv != nil && len(fd.Recv.List) == 1 {
			fn.Recv, fn.PtrRecv = receiver(fd.Recv.List[0].Type)
			if fn.Recv == "" || !ast.IsExported(fn.Recv) {
				fn.Exported = false
			}
		}
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			var name string
			switch fun := call.Fun.(type) {
			case *ast.Ident:
				name = fun.Name
			case *ast.SelectorExpr:
				name = fun.Sel.Name
			}
			if _, seen := fn.Calls[name]; name != "" && !seen {
				fn.Calls[name] = fset.Position(call.Pos()).Line
			}
			return true
		})
		out = append(out, fn)
	}
	return out
}

// receiver is the type name of a receiver and whether it is a pointer;
// generic receivers (T[K]) keep their plain name.
func receiver(e ast.Expr) (string, bool) {
	ptr := false
	if s, ok := e.(*ast.StarExpr); ok {
		ptr, e = true, s.X
	}
	switch t := e.(type) {
	case *ast.IndexExpr:
		e = t.X
	case *ast.IndexListExpr:
		e = t.X
	}
	if id, ok := e.(*ast.Ident); ok {
		return id.Name, ptr
	}
	return "", ptr
}

// callers are the functions of r whose bodies call fn by name, with the
// line of the call; the same name in another package still counts, as a
// person reading the trace could not tell either.
func (r goRepo) callers(fn goFunc) []goFunc {
	var out []goFunc
	for _, g := range r.Funcs {
		if _, ok := g.Calls[fn.Name]; ok && !(g.File == fn.File && g.Name == fn.Name && g.Recv == fn.Recv) {
			out = append(out, g)
		}
	}
	return out
}

// commentLine is a line of a file that is a comment of some substance (//
// in Go, TypeScript and JavaScript, # in Python) and occurs once in the
// file, so that a search/replace edit can name it.
func commentLine(data []byte) (string, bool) {
	lines := strings.Split(string(data), "\n")
	count := map[string]int{}
	for _, l := range lines {
		count[l]++
	}
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if (strings.HasPrefix(t, "// ") || strings.HasPrefix(t, "# ")) && len(t) >= 24 && !strings.HasPrefix(t, "//go:") && count[l] == 1 &&
			!strings.Contains(t, "Copyright") && !strings.Contains(t, "SPDX") && !strings.Contains(t, "noqa") && !strings.Contains(t, "type: ") {
			return l, true
		}
	}
	return "", false
}

// escapeModule is a module path as the module cache spells it: an upper
// case letter becomes ! and the letter in lower case.
func escapeModule(p string) string {
	var b strings.Builder
	for _, r := range p {
		if 'A' <= r && r <= 'Z' {
			b.WriteByte('!')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}
