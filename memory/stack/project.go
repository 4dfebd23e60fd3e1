package stack

import (
	"encoding/json"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// Unit is one thing the repository publishes under a name other programs
// use: a Go module, a JavaScript package, a Rust crate. A report from a
// program that depends on the repository names its files by that name
// (…/pkg/mod/<module>@v1.2.3/…, node_modules/<package>/…,
// .cargo/registry/src/<index>/<crate>-0.3.1/…), never by the repository's
// own layout.
type Unit struct {
	Name string // the module path, package name or crate name
	Dir  string // its folder in the repository, "" for the root
}

// Project is what the repository's manifests say about its own names.
type Project struct {
	GoModules []Unit
	NodePkgs  []Unit
	Crates    []Unit
	// CrateRoots are a package's library and binaries named otherwise
	// than the package, whose modules are its src/ all the same
	// (fd-find's binary fd): how symbols name its code.
	CrateRoots []Unit
	PyPackages []string // top-level Python packages (folders with __init__.py at the root or under src/)
	// RustTargets are the crate names a backtrace prints for the
	// repository's Rust code, '-' as '_': packages, [lib] and [[bin]]
	// names, and the binaries, examples, tests and benches named by their
	// files.
	RustTargets []string
}

// ReadProject reads every go.mod, package.json and Cargo.toml among the
// repository's files (repo-relative, slash-separated) or beside them (an
// index may leave manifests out), and lists its Python packages. Unreadable
// manifests are skipped: a frame they would have named then goes to the
// path-suffix rule.
func ReadProject(repo string, files []string) Project {
	var p Project
	read := func(f string) string {
		b, err := os.ReadFile(filepath.Join(repo, filepath.FromSlash(f)))
		if err != nil {
			return ""
		}
		return string(b)
	}
	for _, f := range manifests(files) {
		dir := path.Dir(f)
		if dir == "." {
			dir = ""
		}
		if underLibrary(f) {
			continue
		}
		switch path.Base(f) {
		case "go.mod":
			if m := goModulePath(read(f)); m != "" {
				p.GoModules = append(p.GoModules, Unit{m, dir})
			}
		case "package.json":
			var pj struct {
				Name string `json:"name"`
			}
			if json.Unmarshal([]byte(read(f)), &pj) == nil && pj.Name != "" {
				p.NodePkgs = append(p.NodePkgs, Unit{pj.Name, dir})
			}
		case "Cargo.toml":
			toml := read(f)
			if c := crateName(toml); c != "" {
				p.Crates = append(p.Crates, Unit{c, dir})
				for _, alias := range rootAliases(toml, c) {
					p.CrateRoots = append(p.CrateRoots, Unit{alias, dir})
				}
			}
			p.RustTargets = append(p.RustTargets, targetNames(toml)...)
		}
	}
	if len(p.Crates) > 0 {
		p.RustTargets = append(p.RustTargets, rustFileTargets(files)...)
	}
	p.PyPackages = PythonPackages(files)
	return p
}

// targetSection finds a Cargo.toml section that names a crate: the
// package, its library, its binaries, examples, tests and benches.
var targetSection = regexp.MustCompile(`(?m)^\s*\[\[?(package|lib|bin|example|test|bench)\]\]?\s*$`)

// cargoTarget is a crate a Cargo.toml section names.
type cargoTarget struct{ kind, name, path string }

var cargoPath = regexp.MustCompile(`(?m)^\s*path\s*=\s*"([^"]+)"`)

// cargoTargets are the crates a Cargo.toml's sections name.
func cargoTargets(toml string) []cargoTarget {
	var out []cargoTarget
	locs := targetSection.FindAllStringSubmatchIndex(toml, -1)
	for i, loc := range locs {
		sect := toml[loc[1]:]
		if i+1 < len(locs) {
			sect = toml[loc[1]:locs[i+1][0]]
		}
		if j := strings.Index(sect, "\n["); j >= 0 {
			sect = sect[:j]
		}
		if m := cargoName.FindStringSubmatch(sect); m != nil {
			t := cargoTarget{kind: toml[loc[2]:loc[3]], name: m[1]}
			if pm := cargoPath.FindStringSubmatch(sect); pm != nil {
				t.path = pm[1]
			}
			out = append(out, t)
		}
	}
	return out
}

// targetNames are the crate names a Cargo.toml gives, '-' as '_'.
func targetNames(toml string) []string {
	var out []string
	for _, t := range cargoTargets(toml) {
		out = append(out, strings.ReplaceAll(t.name, "-", "_"))
	}
	return out
}

// rootAliases are the names of a package's library and binaries whose
// module tree is the package's src/, as symbols print them: fd-find's
// binary "fd" prints fd::walk::spawn_senders.
func rootAliases(toml, pkg string) []string {
	var out []string
	for _, t := range cargoTargets(toml) {
		rooted := t.path == "" || t.path == "src/main.rs" || t.path == "src/lib.rs"
		if (t.kind == "lib" || t.kind == "bin") && rooted && t.name != pkg {
			out = append(out, t.name)
		}
	}
	return out
}

// rustTargetFile: a file Cargo makes a crate of by its name.
var rustTargetFile = regexp.MustCompile(`(?:^|/)(?:src/bin|examples|tests|benches)/([^/]+?)(?:\.rs|/main\.rs)$`)

// rustFileTargets are the crate names of files Cargo builds on their own
// (src/bin/x.rs, src/bin/x/main.rs, examples/x.rs, tests/x.rs), and the
// build script's.
func rustFileTargets(files []string) []string {
	out := []string{"build_script_build"}
	for _, f := range files {
		if m := rustTargetFile.FindStringSubmatch(f); m != nil {
			out = append(out, strings.ReplaceAll(m[1], "-", "_"))
		}
	}
	return out
}

// manifests lists the manifest files among files and the ones that may sit
// in a folder that holds any of them, each once.
func manifests(files []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, f := range files {
		for _, m := range []string{"go.mod", "package.json", "Cargo.toml"} {
			p := path.Join(path.Dir(f), m)
			if !seen[p] {
				seen[p] = true
				out = append(out, p)
			}
		}
	}
	sort.Strings(out)
	return out
}

// underLibrary tells manifests of vendored or installed copies of other
// projects, whose names are not the repository's.
func underLibrary(f string) bool {
	f = "/" + f
	return strings.Contains(f, "/vendor/") || strings.Contains(f, "/node_modules/") || strings.Contains(f, "/testdata/")
}

// goModulePath is the module line of a go.mod.
func goModulePath(gomod string) string {
	for _, l := range strings.Split(gomod, "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(l), "module"); ok && rest != "" && (rest[0] == ' ' || rest[0] == '\t') {
			if i := strings.Index(rest, "//"); i >= 0 {
				rest = rest[:i]
			}
			return strings.Trim(strings.TrimSpace(rest), `"`)
		}
	}
	return ""
}

var cargoName = regexp.MustCompile(`(?m)^\s*name\s*=\s*"([^"]+)"`)

// crateName is the name of a Cargo.toml's [package] (a workspace root
// without one has none).
func crateName(toml string) string {
	i := strings.Index(toml, "[package]")
	if i < 0 {
		return ""
	}
	sect := toml[i+len("[package]"):]
	if j := strings.Index(sect, "\n["); j >= 0 {
		sect = sect[:j]
	}
	if m := cargoName.FindStringSubmatch(sect); m != nil {
		return m[1]
	}
	return ""
}

// PythonPackages lists the repository's own top-level Python packages:
// folders at the root or under src/ that hold an __init__.py. A traceback
// from an installed copy of the project names them under site-packages.
func PythonPackages(files []string) []string {
	seen := map[string]bool{}
	for _, p := range files {
		if path.Base(p) != "__init__.py" {
			continue
		}
		parts := strings.Split(p, "/")
		if parts[0] == "src" && len(parts) > 2 {
			parts = parts[1:]
		}
		if len(parts) == 2 {
			seen[parts[0]] = true
		}
	}
	out := make([]string, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}
