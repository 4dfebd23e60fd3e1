package gaps

import (
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/chunk"
)

// An import of names from a module of the project, as a test file writes it.
var (
	pyFromImport = regexp.MustCompile(`(?m)^\s*from\s+(\.*[\w.]*)\s+import\s+\(?([\w\s,]+?)\)?\s*$`)
	jsNamedImp   = regexp.MustCompile(`(?m)^\s*import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*['"](\.{1,2}/[^'"]+)['"]`)
	jsRequire    = regexp.MustCompile(`(?m)^\s*(?:const|let|var)\s*\{([^}]*)\}\s*=\s*require\(\s*['"](\.{1,2}/[^'"]+)['"]\s*\)`)
	// Modules that may define names without writing them out.
	pyDynamic = regexp.MustCompile(`(?m)^\s*from\s+\S+\s+import\s+\*|__getattr__|globals\(\)`)
	jsDynamic = regexp.MustCompile(`export\s*\*|module\.exports\s*=\s*(?:require|\{\s*\.\.\.)|Object\.assign\(\s*(?:module\.)?exports`)
)

// importedName is one name a test file imports from a project module.
type importedName struct {
	name, local string // as the module would define it; as the test uses it
	module      string // repo-relative path of the module
	spec        string // the import as written
}

// symbolOrphans finds tests that use a name they import from a module of
// the project that no longer has that name anywhere in its text: a
// renamed or removed function the test still calls. It looks at Python
// and JavaScript/TypeScript tests only: a Go test naming a missing symbol
// does not compile, and go vet already says so. Precision first: a module
// that can define names without spelling them out (star imports and
// re-exports, __getattr__) is never judged, nor is an import that does not
// resolve to exactly one indexed file, nor a name nothing in a test uses.
func (a *analysis) symbolOrphans() []Gap {
	files := map[string][]memory.ChunkInfo{}
	var order []string
	for _, t := range a.tests {
		if t.Kind != chunk.Test || !importLangs[t.Language] {
			continue
		}
		if _, ok := files[t.Path]; !ok {
			order = append(order, t.Path)
		}
		files[t.Path] = append(files[t.Path], t)
	}
	sort.Strings(order)
	var out []Gap
	for _, p := range order {
		src := strings.Join(a.lines(p), "\n")
		missing := map[string][]string{} // test chunk ID → what it uses that is gone
		for _, imp := range a.projectImports(p, src) {
			mod := strings.Join(a.lines(imp.module), "\n")
			if mod == "" || a.dynamicModule(imp.module, mod) || wordIn(imp.name, mod) {
				continue
			}
			for _, t := range files[p] {
				// A name inside a string (a test's title) is not a use.
				body := quoted.ReplaceAllString(a.text(t.Path, t.StartLine, t.EndLine), `""`)
				if wordIn(imp.local, body) {
					missing[t.ID] = append(missing[t.ID], fmt.Sprintf("%s (imported by `%s`; %s no longer has %s anywhere in it)", imp.local, imp.spec, imp.module, imp.name))
				}
			}
		}
		for _, t := range files[p] {
			uses := missing[t.ID]
			if len(uses) == 0 {
				continue
			}
			g := Gap{Kind: KindOrphan, URI: t.URI, Path: t.Path, StartLine: t.StartLine, EndLine: t.EndLine, Symbol: t.Symbol,
				Why: fmt.Sprintf("the test uses %s: renamed or removed? Point the test at the current name or delete it", strings.Join(uses, "; "))}
			g.Risk, g.Driver, g.Factors = score(riskInputs{size: t.EndLine - t.StartLine + 1, uncovered: 0.5})
			g.Driver = "orphan"
			g.NearestTestFile = t.Path
			out = append(out, g)
		}
	}
	return out
}

// quoted matches string literals on one line.
var quoted = regexp.MustCompile(`'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|` + "`[^`]*`")

func (a *analysis) dynamicModule(p, text string) bool {
	if strings.HasSuffix(p, ".py") {
		return pyDynamic.MatchString(text)
	}
	return jsDynamic.MatchString(text)
}

// projectImports are the names test file p imports from modules that
// resolve to exactly one indexed file.
func (a *analysis) projectImports(p, src string) []importedName {
	var out []importedName
	if strings.HasSuffix(p, ".py") {
		for _, m := range pyFromImport.FindAllStringSubmatch(src, -1) {
			mod := a.pyModule(p, m[1])
			if mod == "" {
				continue
			}
			for _, part := range strings.Split(m[2], ",") {
				f := strings.Fields(part)
				if len(f) == 0 || (len(f) != 1 && (len(f) != 3 || f[1] != "as")) {
					continue
				}
				local := f[len(f)-1]
				// "from pkg import mod" names a submodule, not a symbol.
				if a.pyModule(p, strings.TrimSuffix(m[1], ".")+"."+f[0]) != "" || (strings.Trim(m[1], ".") == "" && a.pyModule(p, m[1]+f[0]) != "") {
					continue
				}
				out = append(out, importedName{name: f[0], local: local, module: mod, spec: strings.TrimSpace(m[0])})
			}
		}
		return append(out, a.pyAttributeUses(p, src)...)
	}
	for _, re := range []*regexp.Regexp{jsNamedImp, jsRequire} {
		for _, m := range re.FindAllStringSubmatch(src, -1) {
			mod := a.jsModule(p, m[2])
			if mod == "" {
				continue
			}
			for _, part := range strings.Split(m[1], ",") {
				part = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(part), "type "))
				name, local := part, part
				if n, l, ok := strings.Cut(part, " as "); ok {
					name, local = strings.TrimSpace(n), strings.TrimSpace(l)
				} else if n, l, ok := strings.Cut(part, ":"); ok {
					name, local = strings.TrimSpace(n), strings.TrimSpace(l)
				}
				if !identifier.MatchString(name) || !identifier.MatchString(local) || name == "default" {
					continue
				}
				out = append(out, importedName{name: name, local: local, module: mod, spec: strings.TrimSpace(m[0])})
			}
		}
	}
	return out
}

var pyImport = regexp.MustCompile(`(?m)^[ \t]*import[ \t]+([\w.]+)(?:[ \t]+as[ \t]+(\w+))?[ \t]*$`)

// pyAttributeUses are the names a test file reaches through a project
// module it imports whole (`import flask` … `flask.views.MethodView`): the
// dotted chain is followed through submodules while they are files, and
// the first segment that is not one is the name the module must have.
func (a *analysis) pyAttributeUses(p, src string) []importedName {
	var out []importedName
	seen := map[string]bool{}
	for _, m := range pyImport.FindAllStringSubmatch(src, -1) {
		modName, local := m[1], m[2]
		if local == "" {
			local = modName
		}
		file := a.pyModule(p, modName)
		if file == "" {
			continue
		}
		use := regexp.MustCompile(`(?:^|[^\w.])` + regexp.QuoteMeta(local) + `((?:\.\w+)+)`)
		for _, u := range use.FindAllStringSubmatch(src, -1) {
			mod, f, expr := modName, file, local
			for _, seg := range strings.Split(strings.TrimPrefix(u[1], "."), ".") {
				expr += "." + seg
				if sub := a.pyModule(p, mod+"."+seg); sub != "" {
					mod, f = mod+"."+seg, sub
					continue
				}
				if !seen[expr] {
					seen[expr] = true
					out = append(out, importedName{name: seg, local: expr, module: f, spec: strings.TrimSpace(m[0])})
				}
				break
			}
		}
	}
	return out
}

var identifier = regexp.MustCompile(`^[A-Za-z_$][\w$]*$`)

// pyModule resolves a Python module name to the one indexed file that is
// it: relative to the test for ".x", else from the repository root or a
// src/ layout.
func (a *analysis) pyModule(from, mod string) string {
	var bases []string
	if strings.HasPrefix(mod, ".") {
		dots := len(mod) - len(strings.TrimLeft(mod, "."))
		dir := path.Dir(from)
		for i := 1; i < dots; i++ {
			dir = path.Dir(dir)
		}
		rest := strings.ReplaceAll(strings.TrimLeft(mod, "."), ".", "/")
		bases = []string{path.Join(dir, rest)}
	} else {
		rest := strings.ReplaceAll(mod, ".", "/")
		bases = []string{rest, "src/" + rest}
	}
	return a.oneFile(bases, ".py", "/__init__.py")
}

// jsModule resolves a relative JavaScript/TypeScript import.
func (a *analysis) jsModule(from, spec string) string {
	base := path.Join(path.Dir(from), spec)
	return a.oneFile([]string{base}, "", ".js", ".ts", ".jsx", ".tsx", ".mjs", ".cjs", "/index.js", "/index.ts")
}

// oneFile is the single indexed code file among bases+suffixes, or "".
func (a *analysis) oneFile(bases []string, suffixes ...string) string {
	found := ""
	for _, b := range bases {
		for _, s := range suffixes {
			if a.codeFiles[b+s] {
				if found != "" && found != b+s {
					return ""
				}
				found = b + s
			}
		}
	}
	return found
}

// wordIn reports whether w occurs in text as a whole identifier.
func wordIn(w, text string) bool {
	for i := 0; ; {
		j := strings.Index(text[i:], w)
		if j < 0 {
			return false
		}
		j += i
		before, after := j == 0 || !identByte(text[j-1]), j+len(w) == len(text) || !identByte(text[j+len(w)])
		if before && after {
			return true
		}
		i = j + 1
	}
}

func identByte(b byte) bool {
	return b == '_' || b == '$' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= 0x80
}

// importLangs are the test languages whose imports symbolOrphans reads.
var importLangs = map[string]bool{"Python": true, "JavaScript": true, "TypeScript": true, "JSX": true, "TSX": true}
