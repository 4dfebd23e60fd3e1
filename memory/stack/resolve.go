package stack

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"
)

// libraryMarks are path pieces that mark a frame as library or runtime code
// even when a file with the same suffix exists in the repository (a vendored
// copy is still not the team's code). They are compared with the
// lower-cased path, so C:/Program Files/Go/src/runtime/ is one too.
var libraryMarks = []string{
	"/site-packages/", "/dist-packages/", "/pkg/mod/", "/vendor/", "/_vendor/", "/node_modules/", ".egg/",
	"/usr/lib/python", "/usr/local/lib/python", "/rustc/", "-src/library/", "cargo/registry/", "cargo/git/", "/.rustup/",
	"/usr/local/go/src/", "/usr/lib/go", "/go/src/runtime/", "$goroot/", "node:", "<frozen ", "<anonymous>",
	"/lib/python3", "/lib/python2", "java.base/", "jdk.internal", "webpack/bootstrap", "/internal/modules/cjs/",
}

// Resolver maps frame files to repository files.
type Resolver struct {
	files   map[string]bool
	byBase  map[string][]string // base name → repo-relative paths
	byStyle map[string][]string // styleKey of the base name → repo-relative paths
	proj    Project
}

// Match is where a frame's file lands, and by which rule.
type Match struct {
	Path string // the repository file, "" when none
	// By names the rule that decided: "go module …", "python package …",
	// "path suffix", "library", "ambiguous", "not in the repository".
	By string
	// Candidates are the repository files an ambiguous suffix names (at
	// most a few), none of which was chosen.
	Candidates []string
	// Built: the file is in an installed copy of one of the repository's
	// packages or crates, but not in the checkout (Frame.Built).
	Built bool
}

// NewResolver indexes the repository's files (repo-relative, slash-separated).
func NewResolver(files []string) *Resolver {
	r := &Resolver{files: map[string]bool{}, byBase: map[string][]string{}, byStyle: map[string][]string{}}
	for _, f := range files {
		r.files[f] = true
		r.byBase[path.Base(f)] = append(r.byBase[path.Base(f)], f)
		r.byStyle[styleKey(path.Base(f))] = append(r.byStyle[styleKey(path.Base(f))], f)
	}
	return r
}

// styleKey is a file name without its case and its word separators:
// wrapThenable.js, wrap-thenable.js and wrap_thenable.js are one.
func styleKey(base string) string {
	return strings.NewReplacer("-", "", "_", "").Replace(strings.ToLower(base))
}

// restyled is the one file in p's folder whose name is p's written in
// another style (fastify's lib/wrapThenable.js, since renamed
// lib/wrap-thenable.js), or "".
func (r *Resolver) restyled(p string) string {
	found := ""
	for _, f := range r.byStyle[styleKey(path.Base(p))] {
		if path.Dir(f) != path.Dir(p) {
			continue
		}
		if found != "" {
			return ""
		}
		found = f
	}
	return found
}

// WithProject gives the resolver the repository's own names (ReadProject),
// so that frames of an installed, vendored or cached copy of the
// repository count as its code.
func (r *Resolver) WithProject(p Project) *Resolver {
	r.proj.GoModules = append(r.proj.GoModules, p.GoModules...)
	r.proj.NodePkgs = append(r.proj.NodePkgs, p.NodePkgs...)
	r.proj.Crates = append(r.proj.Crates, p.Crates...)
	r.proj.CrateRoots = append(r.proj.CrateRoots, p.CrateRoots...)
	r.proj.PyPackages = append(r.proj.PyPackages, p.PyPackages...)
	r.proj.RustTargets = append(r.proj.RustTargets, p.RustTargets...)
	return r
}

// WithPackages names the repository's own top-level Python packages, so
// that a traceback from an installed copy of the project
// (…/site-packages/werkzeug/debug/__init__.py, when the repository is
// werkzeug) points at the repository's werkzeug/debug/__init__.py instead
// of being taken for a library.
func (r *Resolver) WithPackages(names ...string) *Resolver {
	return r.WithProject(Project{PyPackages: names})
}

// WithModules names Go module paths of the repository's root go.mod
// (ReadProject finds nested ones with their folders).
func (r *Resolver) WithModules(modules ...string) *Resolver {
	for _, m := range modules {
		r.proj.GoModules = append(r.proj.GoModules, Unit{Name: m})
	}
	return r
}

// maxAmbiguous bounds the ambiguous frames Resolve describes.
const maxAmbiguous = 3

// Resolve sets Path and InApp on every frame of every trace. It returns a
// line for each of the first few frames whose path several repository files
// end with: they are left out rather than guessed, and a reader should know.
func (r *Resolver) Resolve(traces []Trace) []string {
	var notes []string
	seen := map[string]bool{}
	for i := range traces {
		matches := make([]Match, len(traces[i].Frames))
		for j, f := range traces[i].Frames {
			matches[j] = r.Locate(traces[i].Lang, f.Func, f.File)
		}
		r.dropStrayRootFiles(traces[i].Frames, matches)
		for j := range traces[i].Frames {
			f := &traces[i].Frames[j]
			m := matches[j]
			f.Path, f.InApp, f.Built = m.Path, m.Path != "", m.Built
			if len(m.Candidates) > 0 && !seen[f.File] && len(notes) < maxAmbiguous {
				seen[f.File] = true
				notes = append(notes, fmt.Sprintf("frame %s (%s) is taken for library code: %s (%s)", f.File, f.Func, m.By, strings.Join(m.Candidates, ", ")))
			}
		}
	}
	return notes
}

// dropStrayRootFiles unmaps the frames of one trace that only a base name
// ties to a file at the repository's root (index.js, main.go, app.py) when
// other frames of the trace show where the repository's root was on the
// machine that printed it and these frames' folder is another: the
// reporter's /home/u/app/index.js beside /home/u/app/node_modules/lib/…
// is the reporter's own file. With no other frame to tell, the match
// stands (a GOPATH checkout of root files, a program run in place).
func (r *Resolver) dropStrayRootFiles(frames []Frame, matches []Match) {
	roots := map[string]bool{}
	for j, m := range matches {
		if m.Path != "" && strings.Contains(m.Path, "/") {
			if root, ok := strings.CutSuffix(normalize(frames[j].File), "/"+m.Path); ok {
				roots[root] = true
			}
		}
	}
	if len(roots) == 0 {
		return
	}
	for j, m := range matches {
		norm := normalize(frames[j].File)
		if m.By != "path suffix" || strings.Contains(m.Path, "/") || !strings.Contains(norm, "/") {
			continue
		}
		if !roots[strings.TrimSuffix(norm, "/"+m.Path)] {
			matches[j] = Match{By: fmt.Sprintf("only the base name %s matches, in a folder other than the repository's on that machine", m.Path)}
		}
	}
}

// File returns the repository file a frame's file denotes, or "".
func (r *Resolver) File(lang, fn, file string) string {
	return r.Locate(lang, fn, file).Path
}

// Locate maps a frame's file to a repository file, whatever machine
// printed it. In order: the repository's published names (Go modules from
// every go.mod, with /vN and module-cache !-escaping; its Python packages
// under site-packages, eggs and src/ layouts; its package.json name under
// node_modules; its crates under the cargo registry), then library marks
// (someone else's code), then the longest run of trailing path components
// that names exactly one repository file. An ambiguous suffix gives no
// file and says so.
func (r *Resolver) Locate(lang, fn, file string) Match {
	if file == "" {
		if lang == "rust" {
			return r.rustPath(fn)
		}
		return Match{By: "no file"}
	}
	norm := normalize(file)
	if lang == "python" {
		norm = pythonModulePath(norm)
	}
	if m, ok := r.own(lang, fn, norm); ok {
		return m
	}
	if isLibrary(norm) {
		return Match{By: "library"}
	}
	if lang == "java" && !strings.Contains(norm, "/") {
		return r.javaFile(fn, norm)
	}
	return r.suffix(norm, "path suffix")
}

// javaFile places a JVM frame's bare file name in its class's package and
// finds that file; when none is, the class's file in the other JVM
// language (a class converted from Java to Kotlin keeps its old frames in
// the field), or, for ProGuard's "Unknown Source", the file named after
// the outer class.
func (r *Resolver) javaFile(fn, file string) Match {
	m := r.suffix(javaPath(fn, file), "path suffix")
	if m.Path != "" || len(m.Candidates) > 0 {
		return m
	}
	for _, twin := range javaTwins(fn, file) {
		if t := r.suffix(javaPath(fn, twin), "path suffix"); t.Path != "" {
			t.By = "path suffix, as " + twin + " (the frame printed " + file + ")"
			return t
		}
	}
	return m
}

// javaTwins are the other names a JVM frame's class may have its file
// under: Foo.kt for Foo.java and back; Foo.java and Foo.kt for a frame of
// pkg.Foo$Inner.m printed without its file.
func javaTwins(fn, file string) []string {
	if base, ok := strings.CutSuffix(file, ".java"); ok {
		return []string{base + ".kt"}
	}
	if base, ok := strings.CutSuffix(file, ".kt"); ok {
		return []string{base + ".java"}
	}
	if file != "Unknown Source" && file != "SourceFile" {
		return nil
	}
	parts := strings.Split(fn, ".")
	if len(parts) < 2 {
		return nil
	}
	class, _, _ := strings.Cut(parts[len(parts)-2], "$")
	return []string{class + ".java", class + ".kt"}
}

// rustHash is the hash a legacy-mangled Rust symbol ends with.
var rustHash = regexp.MustCompile(`::h[0-9a-f]{16}$`)

// rustPath places a Rust frame printed with its path and no file
// (mycrate::de::Deserializer::parse_str, <mycrate::de::Deserializer<R> as
// serde::Deserializer>::deserialize_any, as backtraces without debug info
// print them) in one of the repository's crates: the deepest module of the
// path that is a file, src/de.rs or src/de/mod.rs, else the crate's root
// (an inline module lives in its parent's file).
func (r *Resolver) rustPath(fn string) Match {
	parts := rustPathParts(fn)
	for _, u := range slices.Concat(r.proj.Crates, r.proj.CrateRoots) {
		if strings.ReplaceAll(u.Name, "-", "_") != parts[0] {
			continue
		}
		mods := parts[1:]
		for n := len(mods); n >= 0; n-- {
			base := path.Join(append([]string{u.Dir, "src"}, mods[:n]...)...)
			cands := []string{base + ".rs", base + "/mod.rs"}
			if n == 0 {
				cands = []string{base + "/lib.rs", base + "/main.rs"}
			}
			for _, c := range cands {
				if r.files[c] {
					return Match{Path: c, By: "rust path of crate " + u.Name}
				}
			}
		}
	}
	return Match{By: "no file"}
}

// rustPathParts splits a Rust frame's function into the path of the code
// it names: <mycrate::de::Deserializer<R> as serde::Deserializer>::parse
// is mycrate, de, Deserializer, parse (the implementing type's path, then
// the method; the trait, generics, closures and the legacy hash dropped).
func rustPathParts(fn string) []string {
	fn = rustHash.ReplaceAllString(fn, "")
	for strings.HasSuffix(fn, "::{{closure}}") {
		fn = strings.TrimSuffix(fn, "::{{closure}}")
	}
	method := ""
	if strings.HasPrefix(fn, "<") {
		if end := closingAngle(fn); end > 0 {
			method = strings.TrimPrefix(fn[end+1:], "::")
			fn = strings.TrimPrefix(fn[1:end], "impl ")
			if i := strings.Index(fn, " as "); i >= 0 {
				fn = fn[:i]
			}
		}
	}
	parts := strings.Split(stripGenerics(fn), "::")
	if method != "" {
		parts = append(parts, strings.Split(stripGenerics(method), "::")...)
	}
	return parts
}

// closingAngle is the index of the > that closes the < s starts with, or
// -1.
func closingAngle(s string) int {
	depth := 0
	for i, c := range s {
		switch c {
		case '<':
			depth++
		case '>':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// stripGenerics drops <…> type arguments from a Rust path.
func stripGenerics(s string) string {
	var b strings.Builder
	depth := 0
	for _, c := range s {
		switch {
		case c == '<':
			depth++
		case c == '>' && depth > 0:
			depth--
		case depth == 0:
			b.WriteRune(c)
		}
	}
	return b.String()
}

// normalize turns a printed path into a slash-separated one: file:// and
// webpack:// URLs, Windows backslashes, ./ and ../ prefixes.
func normalize(file string) string {
	norm := strings.ReplaceAll(file, `\`, "/")
	norm = strings.TrimPrefix(norm, "file://")
	for _, scheme := range []string{"webpack-internal://", "webpack://"} {
		if rest, ok := strings.CutPrefix(norm, scheme); ok {
			if i := strings.Index(rest, "/./"); i >= 0 {
				rest = rest[i+3:] // webpack://my-app/./src/x.js
			}
			norm = strings.TrimLeft(rest, "/")
		}
	}
	for {
		switch {
		case strings.HasPrefix(norm, "./"):
			norm = norm[2:]
		case strings.HasPrefix(norm, "../"):
			norm = norm[3:]
		default:
			return norm
		}
	}
}

// pythonModulePath turns a dotted module name (pkg.sub.mod, as logging and
// some test runners print it) into a file path.
func pythonModulePath(norm string) string {
	if strings.Contains(norm, "/") || strings.HasSuffix(norm, ".py") || !strings.Contains(norm, ".") || strings.ContainsAny(norm, "<> ") {
		return norm
	}
	return strings.ReplaceAll(norm, ".", "/") + ".py"
}

// IsLibrary tells a path (a frame's, or a repository file's) that holds
// another project's code: vendored, installed, cached, the runtime's.
func IsLibrary(p string) bool { return isLibrary("/" + normalize(p)) }

func isLibrary(norm string) bool {
	low := strings.ToLower(norm)
	for _, m := range libraryMarks {
		if strings.Contains(low, m) || (m == "java.base/" || m == "node:") && strings.HasPrefix(low, strings.TrimPrefix(m, "/")) {
			return true
		}
	}
	return false
}

// own applies the rules for the repository's published names.
func (r *Resolver) own(lang, fn, norm string) (Match, bool) {
	switch lang {
	case "python":
		return r.ownPython(norm)
	case "node":
		return r.ownUnit(norm, r.proj.NodePkgs, "javascript package", nodePackageRest, builtSources)
	case "rust":
		if m, ok := r.ownUnit(norm, r.proj.Crates, "crate", crateRest, nil); ok {
			return m, true
		}
		if m, ok := r.ownGitCheckout(norm); ok {
			return m, true
		}
		return r.foreignCrate(fn)
	case "java":
		return Match{}, false
	}
	if m, ok := r.ownGo(norm); ok {
		return m, true
	}
	return r.foreignGoPackage(fn)
}

// foreignGoPackage tells a Go frame whose function's package path is
// another module's (github.com/acme/app.(*Ctx).Get when the repository is
// github.com/org/lib): the reporter's own code, whatever its file is named.
func (r *Resolver) foreignGoPackage(fn string) (Match, bool) {
	slash := strings.LastIndexByte(fn, '/')
	if len(r.proj.GoModules) == 0 || slash < 0 || !strings.Contains(fn[:strings.IndexByte(fn, '/')+1], ".") {
		return Match{}, false
	}
	pkg := fn[:slash] + strings.SplitN(fn[slash:], ".", 2)[0]
	for _, u := range r.proj.GoModules {
		for _, name := range moduleSpellings(u.Name) {
			if pkg == name || strings.HasPrefix(pkg, name+"/") {
				return Match{}, false
			}
		}
		if projectName(pkg) == projectName(u.Name) || strings.Contains(strings.ToLower(pkg), "/"+projectName(u.Name)+"/") {
			return Match{}, false // perhaps an older import path of this module
		}
	}
	return Match{By: "another module's function (" + pkg + ")"}, true
}

// foreignCrate tells a Rust frame whose function is another crate's
// (mytool::main, when the repository's crates are mdbook and mdbook_html):
// the reporter's own program, whatever its file is named (./src/main.rs).
// A crate is the repository's when a package, a target or a file Cargo
// builds on its own names it (Project.RustTargets). The standard
// library's crates are decided by their paths, not here.
func (r *Resolver) foreignCrate(fn string) (Match, bool) {
	if len(r.proj.Crates) == 0 || fn == "" {
		return Match{}, false
	}
	crate := rustPathParts(fn)[0]
	if crate == "" || !rustIdent.MatchString(crate) || rustStdCrates[crate] {
		return Match{}, false
	}
	for _, u := range r.proj.Crates {
		if strings.ReplaceAll(u.Name, "-", "_") == crate {
			return Match{}, false
		}
	}
	if slices.Contains(r.proj.RustTargets, crate) {
		return Match{}, false
	}
	return Match{By: "another crate's function (" + crate + ")"}, true
}

var (
	rustIdent     = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	rustStdCrates = map[string]bool{"std": true, "core": true, "alloc": true, "proc_macro": true, "test": true}
)

// ownGo places a Go frame by the module path of one of the repository's
// go.mod files, the longest that fits: vendor/<module>/…,
// …/pkg/mod/<module>@v1.2.3/… (with !-escaped capitals), GOPATH
// src/<module>/…, -trimpath's <module>@v1.2.3/…. A module path with a /vN
// suffix is also found without it (GOPATH builds, the v0/v1 era).
func (r *Resolver) ownGo(norm string) (Match, bool) {
	if strings.Contains(norm, "/pkg/mod/") || strings.Contains(norm, "@v") {
		norm = unescapeModule(norm)
	}
	type hit struct {
		u    Unit
		name string
		rest string
	}
	var hits []hit
	for _, u := range r.proj.GoModules {
		for _, name := range moduleSpellings(u.Name) {
			if rest, ok := afterModule(norm, name); ok {
				hits = append(hits, hit{u, name, rest})
				break
			}
		}
	}
	if len(hits) == 0 {
		return r.renamedModule(norm)
	}
	sort.SliceStable(hits, func(i, j int) bool { return len(hits[i].name) > len(hits[j].name) })
	h := hits[0]
	if isLibrary("/" + h.rest) {
		return Match{By: "library"}, true // a copy of another project vendored inside this one
	}
	by := "go module " + h.u.Name
	if p := path.Join(h.u.Dir, h.rest); r.files[p] {
		return Match{Path: p, By: by}, true
	}
	m := r.suffix(h.rest, by+", path suffix")
	return m, true
}

// renamedModule places a module-cache frame of a module whose path is not
// the repository's but whose name is (an import path from before the
// repository moved, gopkg.in/name.vN): only when the path inside the
// module names a repository file exactly.
func (r *Resolver) renamedModule(norm string) (Match, bool) {
	i := strings.Index(norm, "/pkg/mod/")
	if i < 0 {
		return Match{}, false
	}
	rest := norm[i+len("/pkg/mod/"):]
	at := strings.Index(rest, "@")
	if at < 0 {
		return Match{}, false
	}
	_, inner, ok := strings.Cut(rest[at:], "/")
	if !ok {
		return Match{}, false
	}
	name := projectName(rest[:at])
	for _, u := range r.proj.GoModules {
		if u.Dir == "" && projectName(u.Name) == name {
			if r.files[inner] {
				return Match{Path: inner, By: "go module " + rest[:at] + ", an older name of " + u.Name}, true
			}
		}
	}
	return Match{}, false
}

// projectName is a module path's last element without a major version,
// a gopkg.in .vN or a go- prefix, lower-cased.
func projectName(mod string) string {
	mod = strings.ToLower(mod)
	if i := strings.LastIndexByte(mod, '/'); i >= 0 && isMajor(mod[i+1:]) {
		mod = mod[:i]
	}
	base := mod[strings.LastIndexByte(mod, '/')+1:]
	if i := strings.LastIndex(base, ".v"); i > 0 && strings.Trim(base[i+2:], "0123456789") == "" {
		base = base[:i]
	}
	return strings.TrimPrefix(base, "go-")
}

func isMajor(s string) bool {
	return len(s) > 1 && s[0] == 'v' && strings.Trim(s[1:], "0123456789") == ""
}

// moduleSpellings are the ways a path can spell a module: as is, and
// without its /vN suffix.
func moduleSpellings(mod string) []string {
	out := []string{mod}
	if i := strings.LastIndexByte(mod, '/'); i >= 0 && isMajor(mod[i+1:]) {
		out = append(out, mod[:i])
	}
	return out
}

// afterModule finds the module path as whole components of norm, followed
// by "/" or "@version/", and returns what follows.
func afterModule(norm, mod string) (string, bool) {
	for from := 0; ; {
		i := strings.Index(norm[from:], mod)
		if i < 0 {
			return "", false
		}
		i += from
		from = i + 1
		if i > 0 && norm[i-1] != '/' {
			continue
		}
		rest := norm[i+len(mod):]
		switch {
		case strings.HasPrefix(rest, "/"):
			return rest[1:], true
		case strings.HasPrefix(rest, "@"):
			if j := strings.IndexByte(rest, '/'); j > 0 {
				return rest[j+1:], true
			}
		}
	}
}

// unescapeModule undoes the module cache's case encoding: !x is X.
func unescapeModule(p string) string {
	if !strings.Contains(p, "!") {
		return p
	}
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		if p[i] == '!' && i+1 < len(p) && p[i+1] >= 'a' && p[i+1] <= 'z' {
			b.WriteRune(unicode.ToUpper(rune(p[i+1])))
			i++
			continue
		}
		b.WriteByte(p[i])
	}
	return b.String()
}

// ownPython places a frame of an installed copy of the repository's own
// packages: …/site-packages/<pkg>/…, …/dist-packages/<pkg>/…,
// …/<Name>-1.0-py3.8.egg/<pkg>/…, matched then by suffix so that a src/
// layout (src/<pkg>/…) is found too.
func (r *Resolver) ownPython(norm string) (Match, bool) {
	for _, pkg := range r.proj.PyPackages {
		for _, site := range []string{"/site-packages/", "/dist-packages/", ".egg/"} {
			i := strings.Index(norm, site)
			if i < 0 {
				continue
			}
			rest := norm[i+len(site):]
			if j := strings.Index(rest, ".egg/"); j >= 0 && site != ".egg/" {
				rest = rest[j+len(".egg/"):]
			}
			if strings.HasPrefix(rest, pkg+"/") || rest == pkg+".py" {
				return r.suffix(rest, "python package "+pkg), true
			}
		}
	}
	return Match{}, false
}

// ownUnit places a frame of an installed copy of one of the repository's
// packages or crates; rest finds the unit's name and the path inside it,
// and sources, when not nil, the files a built file inside it may have
// been compiled from.
func (r *Resolver) ownUnit(norm string, units []Unit, kind string, rest func(norm, name string) (string, bool), sources func(inner string) []string) (Match, bool) {
	for _, u := range units {
		inner, ok := rest(norm, u.Name)
		if !ok {
			continue
		}
		by := kind + " " + u.Name
		if p := path.Join(u.Dir, inner); r.files[p] {
			return Match{Path: p, By: by}, true
		} else if re := r.restyled(p); re != "" {
			return Match{Path: re, By: fmt.Sprintf("%s, %s renamed %s", by, inner, path.Base(re))}, true
		}
		if sources != nil {
			if src := r.oneFile(u.Dir, sources(inner)); src != "" {
				return Match{Path: src, By: fmt.Sprintf("%s, built file %s compiled from %s", by, inner, src)}, true
			}
		}
		m := r.suffix(inner, by+", path suffix")
		if rel := strings.TrimPrefix(m.Path, u.Dir+"/"); m.Path != "" && !strings.Contains(rel, "/") && strings.Contains(inner, "/") {
			// The path inside the package is known from its root: a file
			// at that root is not one in a folder of it (a build/ or dist/
			// file the repository does not hold).
			return Match{By: fmt.Sprintf("%s has no %s; only the base name matches", by, inner), Built: true}, true
		}
		m.Built = m.Path == "" && len(m.Candidates) == 0
		return m, true
	}
	return Match{}, false
}

// oneFile is the one repository file among dir's candidates, or "".
func (r *Resolver) oneFile(dir string, candidates []string) string {
	found := ""
	for _, c := range candidates {
		p := path.Join(dir, c)
		if !r.files[p] || p == found {
			continue
		}
		if found != "" {
			return "" // two sources fit: no guess
		}
		found = p
	}
	return found
}

// buildDirs are the folders a JavaScript package's build writes its
// output to; sourceExts the extensions it compiles from.
var (
	buildDirs  = []string{"dist", "lib", "build", "cjs", "esm", "es", "out", "umd"}
	sourceExts = []string{".ts", ".tsx", ".mts", ".cts", ".es6", ".jsx", ".js", ".mjs", ".cjs"}
)

// builtSources are the files a package's built file (dist/source/x.js,
// lib/index.js, platform/PlatformTools.js) may be compiled from, as tsc
// and Babel keep the layout: the same path under the package, under its
// src/, or with the build folder dropped, with a source extension.
func builtSources(inner string) []string {
	stem := strings.TrimSuffix(inner, path.Ext(inner))
	stem = strings.TrimSuffix(stem, ".min")
	stems := []string{stem}
	if dir, rest, ok := strings.Cut(stem, "/"); ok && slices.Contains(buildDirs, dir) {
		stems = append(stems, rest)
		if sub, rest2, ok := strings.Cut(rest, "/"); ok && slices.Contains(buildDirs, sub) {
			stems = append(stems, rest2) // dist/cjs/…
		}
	}
	var out []string
	for _, st := range stems {
		for _, prefix := range []string{"", "src/"} {
			for _, ext := range sourceExts {
				if c := prefix + st + ext; c != inner {
					out = append(out, c)
				}
			}
		}
	}
	return out
}

// nodePackageRest finds node_modules/<name>/ (the last one: pnpm nests
// node_modules/.pnpm/<name>@1.2.3/node_modules/<name>/).
func nodePackageRest(norm, name string) (string, bool) {
	mark := "node_modules/" + name + "/"
	i := strings.LastIndex(norm, mark)
	if i < 0 || i > 0 && norm[i-1] != '/' {
		return "", false
	}
	return norm[i+len(mark):], true
}

// cargoDir finds a cargo home's folder (…/.cargo/registry/src/,
// multirust's …/cargo/registry/src/, a container's
// /usr/local/cargo/…) and returns what follows it.
func cargoDir(norm, dir string) (string, bool) {
	i := strings.Index(norm, "cargo/"+dir)
	if i <= 0 || norm[i-1] != '/' && norm[i-1] != '.' {
		return "", false
	}
	return norm[i+len("cargo/"+dir):], true
}

// crateRest finds .cargo/registry/src/<index>/<name>-<version>/.
func crateRest(norm, name string) (string, bool) {
	rest, ok := cargoDir(norm, "registry/src/")
	if !ok {
		return "", false
	}
	_, rest, ok = strings.Cut(rest, "/") // the index's folder
	if !ok {
		return "", false
	}
	dir, inner, ok := strings.Cut(rest, "/")
	ver, ok2 := strings.CutPrefix(dir, name+"-")
	if !ok || !ok2 || ver == "" || ver[0] < '0' || ver[0] > '9' {
		return "", false
	}
	return inner, true
}

// gitHash is the hash cargo appends to a git checkout's folder.
var gitHash = regexp.MustCompile(`-[0-9a-f]{16}$`)

// ownGitCheckout places a frame of a git dependency on the repository:
// cargo checks out the whole repository under
// .cargo/git/checkouts/<repository>-<hash>/<revision>/, so what follows
// is a path from the repository's root. The folder is named after the
// repository, which is taken to be this one when one of its crates has
// that name.
func (r *Resolver) ownGitCheckout(norm string) (Match, bool) {
	rest, ok := cargoDir(norm, "git/checkouts/")
	if !ok {
		return Match{}, false
	}
	parts := strings.SplitN(rest, "/", 3)
	if len(parts) < 3 || !gitHash.MatchString(parts[0]) {
		return Match{}, false
	}
	name := strings.ReplaceAll(gitHash.ReplaceAllString(parts[0], ""), "_", "-")
	for _, u := range r.proj.Crates {
		if strings.ReplaceAll(u.Name, "_", "-") == name {
			by := "git checkout of crate " + u.Name
			if r.files[parts[2]] {
				return Match{Path: parts[2], By: by}, true
			}
			return r.suffix(parts[2], by+", path suffix"), true
		}
	}
	return Match{}, false
}

// suffix matches norm by the longest run of trailing path components.
func (r *Resolver) suffix(norm, by string) Match {
	parts := strings.Split(norm, "/")
	best, bestN, tie := "", 0, false
	var tied []string
	// bestWhole: the best candidate matched in full (config/config.go for
	// /home/u/src/app/config/config.go), which the frame's path cannot
	// contradict, unlike cli/config/config.go whose "cli" it does.
	bestWhole := false
	for _, cand := range r.byBase[parts[len(parts)-1]] {
		cparts := strings.Split(cand, "/")
		n := commonSuffix(parts, cparts)
		whole := n == len(cparts)
		switch {
		case n > bestN:
			best, bestN, tie, bestWhole, tied = cand, n, false, whole, []string{cand}
		case n == bestN && whole && !bestWhole:
			best, tie, bestWhole, tied = cand, false, true, []string{cand}
		case n == bestN && whole == bestWhole:
			tie, tied = true, append(tied, cand)
		}
	}
	switch {
	case best == "":
		return Match{By: "not in the repository"}
	case tie:
		sort.Strings(tied)
		if len(tied) > 3 {
			tied = tied[:3]
		}
		return Match{By: fmt.Sprintf("ambiguous: %d repository files end with %s", len(tied), strings.Join(parts[len(parts)-bestN:], "/")), Candidates: tied}
	}
	// A bare base name that happens to exist (main.go, index.js) is only
	// trusted when the frame's path has nothing else to say.
	if bestN == 1 && len(parts) > 1 && len(strings.Split(best, "/")) > 1 {
		return Match{By: "only the base name " + parts[len(parts)-1] + " matches"}
	}
	return Match{Path: best, By: by}
}

// javaPath places a JVM frame's bare file name in its class's package:
// com.acme.orders.OrderService.place + OrderService.java →
// com/acme/orders/OrderService.java.
func javaPath(fn, file string) string {
	if i := strings.LastIndexByte(fn, '/'); i >= 0 {
		fn = fn[i+1:] // module or class loader prefix: java.base/, app//
	}
	parts := strings.Split(fn, ".")
	if len(parts) < 3 {
		return file
	}
	return strings.Join(parts[:len(parts)-2], "/") + "/" + file
}

func commonSuffix(a, b []string) int {
	n := 0
	for n < len(a) && n < len(b) && a[len(a)-1-n] == b[len(b)-1-n] {
		n++
	}
	return n
}
