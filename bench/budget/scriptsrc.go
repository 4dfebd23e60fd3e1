package main

// This file reads a Python, TypeScript or JavaScript repository's own
// source for what the realistic calls need, as gosrc.go does for Go: the
// package name, functions and who calls them (by name, line by line: no
// parser, as a person reading a traceback would), and comment lines to
// edit. The traces built from them are what a user of the package would
// paste: a Python traceback under site-packages, a Node stack under
// node_modules.

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// Languages of a repository.
const (
	langGo         = "go"
	langPython     = "python"
	langTypeScript = "typescript"
	langJavaScript = "javascript"
)

// readRepo reads the repository at dir in its language: Go when it has a
// go.mod, else Python (pyproject.toml, setup.py) or TypeScript/JavaScript
// (package.json).
func readRepo(dir string) (goRepo, error) {
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
		r, err := readGoRepo(dir)
		r.Lang = langGo
		return r, err
	}
	switch {
	case exists(dir, "pyproject.toml"), exists(dir, "setup.py"):
		return readScriptRepo(dir, langPython, packageName(dir, "pyproject.toml", pyName))
	case exists(dir, "package.json"):
		lang := langJavaScript
		if exists(dir, "tsconfig.json") {
			lang = langTypeScript
		}
		return readScriptRepo(dir, lang, packageName(dir, "package.json", jsName))
	}
	return goRepo{}, fmt.Errorf("%s: no go.mod, pyproject.toml, setup.py or package.json: not a repository bench/budget can read", dir)
}

func exists(dir, name string) bool {
	_, err := os.Stat(filepath.Join(dir, name))
	return err == nil
}

var pyName = regexp.MustCompile(`(?m)^name\s*=\s*["']([^"']+)["']`)

func jsName(data []byte) string {
	var p struct {
		Name string `json:"name"`
	}
	_ = json.Unmarshal(data, &p)
	return p.Name
}

// packageName is the name a manifest gives, lower case, else the
// directory's name.
func packageName[T *regexp.Regexp | func([]byte) string](dir, manifest string, how T) string {
	data, _ := os.ReadFile(filepath.Join(dir, manifest))
	name := ""
	switch h := any(how).(type) {
	case *regexp.Regexp:
		if m := h.FindSubmatch(data); m != nil {
			name = string(m[1])
		}
	case func([]byte) string:
		name = h(data)
	}
	if name == "" {
		name = filepath.Base(dir)
	}
	return strings.ToLower(name)
}

// sourceFile says whether rel is a non-test source file of lang.
func sourceFile(rel, lang string) bool {
	base := filepath.Base(rel)
	for _, dir := range strings.Split(filepath.Dir(rel), "/") {
		if dir == "tests" || dir == "test" || dir == "__tests__" || dir == "docs" || dir == "node_modules" || dir == "dist" || dir == "distribution" || dir == "benchmarks" {
			return false
		}
	}
	switch lang {
	case langPython:
		return strings.HasSuffix(base, ".py") && !strings.HasPrefix(base, "test_") && !strings.HasSuffix(base, "_test.py") && base != "conftest.py" && base != "setup.py"
	case langTypeScript, langJavaScript:
		for _, ext := range []string{".ts", ".tsx", ".js", ".mjs", ".cjs"} {
			if strings.HasSuffix(base, ext) {
				return !strings.HasSuffix(base, ".d.ts") && !strings.Contains(base, ".test.") && !strings.Contains(base, ".spec.") && !strings.HasSuffix(base, ".config.js")
			}
		}
	}
	return false
}

// readScriptRepo reads every non-test source file of lang under dir.
func readScriptRepo(dir, lang, name string) (goRepo, error) {
	r := goRepo{Module: name, Lang: lang}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != dir && (skipDir(d.Name()) || d.Name() == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if !sourceFile(rel, lang) {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		r.Files = append(r.Files, srcFile{Path: rel, Size: int64(len(data))})
		if lang == langPython {
			r.Funcs = append(r.Funcs, pythonFuncs(rel, string(data))...)
		} else {
			r.Funcs = append(r.Funcs, scriptFuncs(rel, string(data))...)
		}
		return nil
	})
	if err != nil {
		return goRepo{}, fmt.Errorf("read %s files of %s: %w", lang, dir, err)
	}
	sort.Slice(r.Files, func(i, j int) bool { return r.Files[i].Path < r.Files[j].Path })
	return r, nil
}

var (
	pyDef   = regexp.MustCompile(`^(\s*)(?:async\s+)?def\s+(\w+)\s*\(`)
	callRe  = regexp.MustCompile(`\b([A-Za-z_]\w*)\s*\(`)
	jsFunc  = regexp.MustCompile(`^\s*(?:export\s+)?(?:default\s+)?(?:async\s+)?function\s*\*?\s*(\w+)\s*[(<]`)
	jsArrow = regexp.MustCompile(`^\s*(?:export\s+)?(?:const|let)\s+(\w+)\s*=\s*(?:async\s*)?(?:\([^)]*\)|\w+)\s*(?::\s*[^=]+)?=>`)
	jsMeth  = regexp.MustCompile(`^\s+(?:(?:public|private|protected|static|async|readonly|override)\s+)*#?(\w+)\s*(?:<[^>]*>)?\s*\([^)]*\)?\s*(?::\s*[^{]+)?\{\s*$`)
)

// keywords look like calls or methods but are not.
var keywords = map[string]bool{"if": true, "for": true, "while": true, "switch": true, "catch": true, "return": true, "function": true,
	"constructor": true, "super": true, "print": true, "isinstance": true, "len": true, "str": true, "int": true, "dict": true, "list": true,
	"set": true, "tuple": true, "type": true, "getattr": true, "setattr": true, "hasattr": true, "def": true, "elif": true, "not": true, "and": true, "or": true, "with": true, "in": true}

// pythonFuncs are the functions of a Python file with a body: a def
// runs to the next line indented no deeper than itself.
func pythonFuncs(rel, text string) []goFunc {
	lines := strings.Split(text, "\n")
	var out []goFunc
	for i, l := range lines {
		m := pyDef.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		indent := len(m[1])
		fn := goFunc{File: rel, Name: m[2], Exported: !strings.HasPrefix(m[2], "_"), Calls: map[string]int{}}
		start := i // the signature ends at the first line that ends with a colon
		for start < len(lines)-1 && !strings.HasSuffix(strings.TrimSpace(lines[start]), ":") {
			start++
		}
		for j := start + 1; j < len(lines); j++ {
			body := lines[j]
			t := strings.TrimSpace(body)
			if t == "" || strings.HasPrefix(t, "#") {
				continue
			}
			if len(body)-len(strings.TrimLeft(body, " \t")) <= indent {
				break
			}
			if fn.Line == 0 && !strings.HasPrefix(t, `"""`) && !strings.HasPrefix(t, `'''`) && !strings.HasPrefix(t, "@") && !strings.HasPrefix(t, "def ") {
				fn.Line = j + 1
			}
			for _, c := range callRe.FindAllStringSubmatch(body, -1) {
				if _, seen := fn.Calls[c[1]]; !seen && !keywords[c[1]] {
					fn.Calls[c[1]] = j + 1
				}
			}
		}
		if fn.Line > 0 {
			out = append(out, fn)
		}
	}
	return out
}

// scriptFuncs are the functions and methods of a TypeScript or
// JavaScript file: a body runs until its braces balance.
func scriptFuncs(rel, text string) []goFunc {
	lines := strings.Split(text, "\n")
	var out []goFunc
	for i, l := range lines {
		name := ""
		for _, re := range []*regexp.Regexp{jsFunc, jsArrow, jsMeth} {
			if m := re.FindStringSubmatch(l); m != nil {
				name = m[1]
				break
			}
		}
		if name == "" || keywords[name] || !strings.Contains(l, "{") && !strings.Contains(l, "=>") {
			continue
		}
		fn := goFunc{File: rel, Name: name, Exported: !strings.HasPrefix(name, "_"), Calls: map[string]int{}}
		depth := strings.Count(l, "{") - strings.Count(l, "}")
		for j := i + 1; j < len(lines) && depth > 0; j++ {
			body := lines[j]
			t := strings.TrimSpace(body)
			depth += strings.Count(body, "{") - strings.Count(body, "}")
			if t == "" || strings.HasPrefix(t, "//") || strings.HasPrefix(t, "*") || strings.HasPrefix(t, "/*") {
				continue
			}
			if fn.Line == 0 {
				fn.Line = j + 1
			}
			for _, c := range callRe.FindAllStringSubmatch(body, -1) {
				if _, seen := fn.Calls[c[1]]; !seen && !keywords[c[1]] {
					fn.Calls[c[1]] = j + 1
				}
			}
		}
		if fn.Line > 0 {
			out = append(out, fn)
		}
	}
	return out
}

// installedPath is where a file of the package lies once installed: a
// Python package under site-packages (src/flask/app.py -> flask/app.py),
// a Node package under node_modules/<name>/.
func installedPath(r goRepo, file string) string {
	if r.Lang == langPython {
		return "/home/u/app/.venv/lib/python3.12/site-packages/" + strings.TrimPrefix(file, "src/")
	}
	return "/home/u/app/node_modules/" + r.Module + "/" + file
}

// scriptTraces are two crashes of a program that uses the package, as its
// user would paste them: a chain of real calls (each frame's function
// calls the one below it in a Python traceback, above it in a Node stack,
// at the line of the call) with the user's own code around it.
func scriptTraces(r goRepo, dir string) ([]string, []string) {
	var starts []goFunc
	for _, fn := range r.Funcs {
		if fn.Exported && len(r.callers(fn)) > 0 {
			starts = append(starts, fn)
		}
	}
	if len(starts) < 2 {
		return nil, []string{"fewer than two public functions with a caller: no crash to trace"}
	}
	rng := rand.New(rand.NewPCG(13, 16))
	var out []string
	for i := range 2 {
		chain := callChain(r, starts[rng.IntN(len(starts))], rng)
		if r.Lang == langPython {
			out = append(out, pythonTraceback(r, dir, chain, i))
		} else {
			out = append(out, nodeStack(r, chain, i))
		}
	}
	return out, nil
}

// frame is one function of a chain and the line it is at.
type frame struct {
	fn   goFunc
	line int
}

// callChain is fn, then up to three callers, each at its call of the one
// before: innermost first.
func callChain(r goRepo, fn goFunc, rng *rand.Rand) []frame {
	chain := []frame{{fn, fn.Line}}
	for len(chain) < 4 {
		callers := r.callers(fn)
		if len(callers) == 0 {
			break
		}
		next := callers[rng.IntN(len(callers))]
		chain = append(chain, frame{next, next.Calls[fn.Name]})
		fn = next
	}
	return chain
}

// sourceLine is line n of a repository file, trimmed, as a traceback
// quotes it.
func sourceLine(dir, file string, n int) string {
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(file)))
	if err != nil {
		return ""
	}
	lines := strings.Split(string(data), "\n")
	if n < 1 || n > len(lines) {
		return ""
	}
	return strings.TrimSpace(lines[n-1])
}

func pythonTraceback(r goRepo, dir string, chain []frame, i int) string {
	var b strings.Builder
	b.WriteString("Traceback (most recent call last):\n")
	b.WriteString("  File \"/home/u/app/main.py\", line 31, in <module>\n    main()\n")
	b.WriteString("  File \"/home/u/app/main.py\", line 24, in main\n    result = run(config)\n")
	for k := len(chain) - 1; k >= 0; k-- {
		f := chain[k]
		fmt.Fprintf(&b, "  File \"%s\", line %d, in %s\n", installedPath(r, f.fn.File), f.line, f.fn.Name)
		if src := sourceLine(dir, f.fn.File, f.line); src != "" {
			fmt.Fprintf(&b, "    %s\n", src)
		}
	}
	errs := []string{"AttributeError: 'NoneType' object has no attribute 'get'\n", "KeyError: 'content-type'\n"}
	b.WriteString(errs[i%len(errs)])
	return b.String()
}

func nodeStack(r goRepo, chain []frame, i int) string {
	heads := []string{"TypeError: Cannot read properties of undefined (reading 'headers')\n", "RangeError: Maximum call stack size exceeded\n"}
	var b strings.Builder
	b.WriteString(heads[i%len(heads)])
	for k, f := range chain {
		fmt.Fprintf(&b, "    at %s (%s:%d:%d)\n", f.fn.Name, installedPath(r, f.fn.File), f.line, 9+4*k)
	}
	b.WriteString("    at async main (file:///home/u/app/index.js:12:5)\n")
	return b.String()
}
