package stack

import (
	"path"
	"strings"
)

// libraryMarks are path pieces that mark a frame as library or runtime code
// even when a file with the same suffix exists in the repository (a vendored
// copy is still not the team's code).
var libraryMarks = []string{
	"/site-packages/", "/dist-packages/", "/pkg/mod/", "/vendor/", "/node_modules/",
	"/usr/lib/python", "/usr/local/lib/python", "/rustc/", "/.cargo/registry/", "/.rustup/",
	"/usr/local/go/src/", "/go/src/runtime/", "$GOROOT/", "node:", "<frozen ", "<anonymous>",
	"/lib/python3", "java.base/", "jdk.internal",
}

// Resolver maps frame files to repository files by path suffix.
type Resolver struct {
	byBase  map[string][]string // base name → repo-relative paths
	modules []string            // the repository's Go module paths
	pkgs    []string            // the repository's own Python packages
}

// WithPackages names the repository's own top-level Python packages, so
// that a traceback from an installed copy of the project
// (…/site-packages/werkzeug/debug/__init__.py, when the repository is
// werkzeug) points at the repository's werkzeug/debug/__init__.py instead
// of being taken for a library.
func (r *Resolver) WithPackages(names ...string) *Resolver {
	r.pkgs = append(r.pkgs, names...)
	return r
}

// WithModules names the repository's own Go module paths (from go.mod), so
// that its code is recognised even where another build vendored it or
// took it from the module cache (/drone/src/vendor/github.com/org/repo/…,
// /go/pkg/mod/github.com/org/repo@v1.2.3/…).
func (r *Resolver) WithModules(modules ...string) *Resolver {
	r.modules = append(r.modules, modules...)
	return r
}

// NewResolver indexes the repository's files (repo-relative, slash-separated).
func NewResolver(files []string) *Resolver {
	r := &Resolver{byBase: map[string][]string{}}
	for _, f := range files {
		r.byBase[path.Base(f)] = append(r.byBase[path.Base(f)], f)
	}
	return r
}

// Resolve sets Path and InApp on every frame of every trace.
func (r *Resolver) Resolve(traces []Trace) {
	for i := range traces {
		for j := range traces[i].Frames {
			f := &traces[i].Frames[j]
			f.Path = r.File(traces[i].Lang, f.Func, f.File)
			f.InApp = f.Path != ""
		}
	}
}

// File returns the repository file a frame's file denotes, or "". The
// frame's path is normalised (file:// URLs, backslashes, ./, build and
// container prefixes) and matched by the longest run of trailing path
// components; a bare file name (a JVM frame's "Foo.java") is placed by the
// frame's package instead. Library paths never match.
func (r *Resolver) File(lang, fn, file string) string {
	if file == "" {
		return ""
	}
	norm := strings.ReplaceAll(strings.TrimPrefix(file, "file://"), `\`, "/")
	own := false
	for _, mod := range r.modules {
		if i := strings.Index(norm, mod+"/"); i >= 0 && (i == 0 || norm[i-1] == '/') {
			norm, own = norm[i+len(mod)+1:], true
			break
		}
		if i := strings.Index(norm, mod+"@"); i >= 0 && (i == 0 || norm[i-1] == '/') {
			if j := strings.IndexByte(norm[i:], '/'); j > 0 {
				norm, own = norm[i+j+1:], true
				break
			}
		}
	}
	for _, pkg := range r.pkgs {
		if own {
			break
		}
		for _, site := range []string{"/site-packages/", "/dist-packages/"} {
			if i := strings.Index(norm, site+pkg+"/"); i >= 0 {
				norm, own = norm[i+len(site):], true
				break
			}
		}
	}
	for _, m := range libraryMarks {
		if own {
			break
		}
		if strings.Contains(norm, m) || strings.HasPrefix(norm, strings.TrimPrefix(m, "/")) && (m == "java.base/" || m == "node:") {
			return ""
		}
	}
	norm = strings.TrimPrefix(norm, "./")
	if lang == "java" && !strings.Contains(norm, "/") {
		norm = javaPath(fn, norm)
	}
	parts := strings.Split(norm, "/")
	best, bestN, tie := "", 0, false
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
			best, bestN, tie, bestWhole = cand, n, false, whole
		case n == bestN && whole && !bestWhole:
			best, tie, bestWhole = cand, false, true
		case n == bestN && whole == bestWhole:
			tie = true
		}
	}
	if best == "" || tie {
		return ""
	}
	// A bare base name that happens to exist (main.go, index.js) is only
	// trusted when the frame's path has nothing else to say.
	if bestN == 1 && len(parts) > 1 && len(strings.Split(best, "/")) > 1 {
		return ""
	}
	return best
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
