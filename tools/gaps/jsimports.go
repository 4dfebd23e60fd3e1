package gaps

import (
	"encoding/json"
	"path"
	"regexp"
	"strings"

	"github.com/devaiops/devai/memory/walk"
)

var (
	// jsImport binds a module of the repository to a local name:
	// const Fastify = require('..'), import Koa from './lib/application.js'.
	jsImport = regexp.MustCompile(`(?m)\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*require\(\s*['"](\.[^'"]*)['"]\s*\)|^\s*import\s+([A-Za-z_$][\w$]*)\s+from\s+['"](\.[^'"]*)['"]`)
	// jsDefaultExport is the name a module exports as a whole.
	jsDefaultExport = regexp.MustCompile(`(?m)^\s*(?:module\.exports\s*=\s*(?:async\s+)?(?:function\s*\*?\s*|class\s+)?([A-Za-z_$][\w$]*)|export\s+default\s+(?:async\s+)?(?:function\s*\*?\s*|class\s+)?([A-Za-z_$][\w$]*))`)
	jsExts          = []string{"", ".js", ".ts", ".mjs", ".cjs", ".jsx", ".tsx", "/index.js", "/index.ts"}
)

// jsDefaults are the functions and classes JavaScript and TypeScript code
// in file p calls under a name of its own: fastify's tests call
// const Fastify = require('..'), the package's main file, whose
// module.exports is fastify, and fastify.js calls its 404 handling as
// build404 = require('./lib/four-oh-four'). The symbol graph matches
// names, so without this the project's entry point is its riskiest
// "untested" code. Cached per file.
func (a *analysis) jsDefaults(p string) []string {
	if d, ok := a.defaultsOf[p]; ok {
		return d
	}
	var d []string
	if walk.LanguageFamily(path.Ext(p)) == "js" {
		d = a.defaultsCalledIn(p)
	}
	if a.defaultsOf == nil {
		a.defaultsOf = map[string][]string{}
	}
	a.defaultsOf[p] = d
	return d
}

// defaultsCalledIn lists what the test file f calls or constructs through
// a local name bound to a repository module's default export.
func (a *analysis) defaultsCalledIn(f string) []string {
	text := strings.Join(a.lines(f), "\n")
	var out []string
	for _, m := range jsImport.FindAllStringSubmatch(text, -1) {
		alias, spec := m[1]+m[3], m[2]+m[4]
		if !regexp.MustCompile(`(?:\bnew\s+|[^\w$.])` + regexp.QuoteMeta(alias) + `\s*\(`).MatchString(text) {
			continue
		}
		target := a.moduleFile(path.Dir(f), spec)
		if target == "" {
			continue
		}
		d := jsDefaultExport.FindStringSubmatch(strings.Join(a.lines(target), "\n"))
		if d == nil {
			continue
		}
		for _, c := range a.byPath[target] {
			if c.Symbol == d[1]+d[2] {
				out = append(out, c.Symbol)
			}
		}
	}
	return out
}

// moduleFile is the repository file a relative module specifier names from
// dir, as Node resolves it: the file, with an extension, its folder's index,
// or the folder's package.json main; "" when none is indexed.
func (a *analysis) moduleFile(dir, spec string) string {
	p := path.Join(dir, spec)
	for _, ext := range jsExts {
		if a.codeFiles[p+ext] {
			return p + ext
		}
	}
	var pkg struct {
		Main string `json:"main"`
	}
	if json.Unmarshal([]byte(strings.Join(a.lines(path.Join(p, "package.json")), "\n")), &pkg) == nil && pkg.Main != "" {
		main := strings.TrimPrefix(path.Join(p, pkg.Main), "./")
		for _, ext := range jsExts {
			if a.codeFiles[main+ext] {
				return main + ext
			}
		}
	}
	return ""
}
