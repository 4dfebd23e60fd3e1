package stack

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// resolverRepos are small repositories shaped like the ones real reports
// come from, each with the names its manifests publish.
func resolverRepos() map[string]*Resolver {
	return map[string]*Resolver{
		// A Go library at major version 4 with a nested module (contrib/),
		// a vendored dependency and a root file whose name is common.
		"golib": NewResolver([]string{
			"go.mod", "router.go", "context.go", "tree.go", "render/json.go", "binding/form.go",
			"internal/bytesconv/bytesconv.go", "contrib/go.mod", "contrib/sessions/store.go",
			"vendor/github.com/other/dep/context.go", "cmd/tool/main.go", "main.go",
			"a/x/util.go", "b/x/util.go", "encoding/json/decode.go",
		}).WithProject(Project{GoModules: []Unit{{"github.com/org/lib/v4", ""}, {"github.com/org/lib-contrib", "contrib"}}}),
		// A Go module whose owner has capitals (module cache escapes them).
		"toml": NewResolver([]string{"go.mod", "decode.go", "internal/tz.go"}).
			WithProject(Project{GoModules: []Unit{{"github.com/CapsOrg/TomlKit", ""}}}),
		// A GOPATH-era Go repository: no go.mod.
		"gopath": NewResolver([]string{"formatter.go", "hooks/syslog/syslog.go", "entry.go"}),
		// A Python project in a src/ layout.
		"pysrc": NewResolver([]string{
			"src/mypkg/__init__.py", "src/mypkg/core.py", "src/mypkg/exceptions.py", "src/mypkg/sub/mod.py",
			"tests/test_core.py", "setup.py", "docs/conf.py", "src/mypkg/utils.py",
		}).WithProject(Project{PyPackages: []string{"mypkg"}}),
		// A flat Python project with a second package.
		"pyflat": NewResolver([]string{"tool/__init__.py", "tool/cli.py", "tool/utils.py", "helper/utils.py", "helper/__init__.py"}).
			WithPackages("tool", "helper"),
		// A JavaScript/TypeScript package.
		"node": NewResolver([]string{
			"package.json", "src/index.ts", "src/router/index.ts", "lib/index.js", "lib/router/layer.js", "lib/wrap-thenable.js",
			"packages/core/package.json", "packages/core/src/parse.js", "index.cjs",
		}).WithProject(Project{NodePkgs: []Unit{{"myrouter", ""}, {"@scope/core", "packages/core"}}}),
		// A Java/Kotlin multi-module project.
		"jvm": NewResolver([]string{
			"core/src/main/java/com/acme/orders/OrderService.java",
			"core/src/main/kotlin/com/acme/orders/Pricing.kt",
			"web/src/main/java/com/acme/web/Controller.java",
			"core/src/test/java/com/acme/orders/OrderServiceTest.java",
			"a/src/main/java/com/acme/dup/Twin.java", "b/src/main/java/com/acme/dup/Twin.java",
		}),
		// A Rust workspace of two crates.
		"rust": NewResolver([]string{
			"Cargo.toml", "src/lib.rs", "src/de.rs", "macros/Cargo.toml", "macros/src/lib.rs",
			"src/panicking.rs", "src/rt.rs",
		}).WithProject(Project{Crates: []Unit{{"mycrate", ""}, {"mycrate-macros", "macros"}}}),
	}
}

// TestResolverRealShapedFrames: frames in the shapes real reports print,
// from machines where the repository is the program, a dependency in the
// module cache, site-packages, node_modules or the cargo registry, a
// vendored copy, a GOPATH checkout or a Windows box; library frames that
// must stay library frames; and ambiguous suffixes that must give none.
func TestResolverRealShapedFrames(t *testing.T) {
	repos := resolverRepos()
	cases := []struct {
		repo, lang, fn, file, want string
	}{
		// Go: module cache, with version, /vN, nested modules.
		{"golib", "go", "github.com/org/lib/v4.(*Router).ServeHTTP", "/home/u/go/pkg/mod/github.com/org/lib/v4@v4.1.17/router.go", "router.go"},
		{"golib", "go", "", "/root/go/pkg/mod/github.com/org/lib/v4@v4.0.0-20230101120000-abcdef123456/render/json.go", "render/json.go"},
		{"golib", "go", "", "/go/pkg/mod/github.com/org/lib/v4@v4.2.0/internal/bytesconv/bytesconv.go", "internal/bytesconv/bytesconv.go"},
		{"golib", "go", "", "github.com/org/lib/v4@v4.1.17/tree.go", "tree.go"}, // -trimpath
		{"golib", "go", "", "/home/u/go/pkg/mod/github.com/org/lib-contrib@v0.3.0/sessions/store.go", "contrib/sessions/store.go"},
		{"golib", "go", "", "/go/pkg/mod/github.com/org/lib/v4@v4.1.17/context.go", "context.go"},
		{"golib", "go", "", "/go/pkg/mod/github.com/org/lib/v4@v4.1.17/main.go", "main.go"},
		// Go: GOPATH, vendored copies, /vN dropped in GOPATH builds.
		{"golib", "go", "", "/Users/u/go/src/github.com/org/lib/binding/form.go", "binding/form.go"},
		{"golib", "go", "", "/go/src/github.com/org/lib/router.go", "router.go"},
		{"golib", "go", "", "/drone/src/vendor/github.com/org/lib/v4/context.go", "context.go"},
		{"golib", "go", "", "/project/vendor/github.com/org/lib/render/json.go", "render/json.go"},
		{"golib", "go", "", "$GOPATH/src/github.com/org/lib/tree.go", "tree.go"},
		// Go: Windows.
		{"golib", "go", "", `C:\Users\u\go\pkg\mod\github.com\org\lib\v4@v4.1.17\router.go`, "router.go"},
		{"golib", "go", "", "C:/Users/u/go/pkg/mod/github.com/org/lib/v4@v4.1.17/binding/form.go", "binding/form.go"},
		{"golib", "go", "", `D:\a\lib\lib\render\json.go`, "render/json.go"},
		// Go: the repository's own checkout.
		{"golib", "go", "", "/home/runner/work/lib/lib/context.go", "context.go"},
		{"golib", "go", "", "/tmp/lib/cmd/tool/main.go", "cmd/tool/main.go"},
		// Go: library frames that must not resolve although a file of that
		// name exists here.
		{"golib", "go", "", "/go/pkg/mod/github.com/other/dep@v1.0.0/context.go", ""},
		{"golib", "go", "", "/go/pkg/mod/github.com/other/dep@v1.0.0/render/json.go", ""},
		{"golib", "go", "", "/project/vendor/github.com/other/dep/context.go", ""},
		{"golib", "go", "", "/go/src/github.com/org/lib/vendor/github.com/other/dep/context.go", ""},
		{"golib", "go", "", "/usr/local/go/src/encoding/json/decode.go", ""},
		{"golib", "go", "", "C:/Program Files/Go/src/runtime/panic.go", ""},
		{"golib", "go", "", "/usr/lib/go-1.21/src/net/http/server.go", ""},
		// Go: the function's package path names another module.
		{"golib", "go", "github.com/acme/app.(*Ctx).Get", "/home/u/app/context.go", ""},
		{"golib", "go", "github.com/acme/app/render.JSON", "/home/u/app/render/json.go", ""},
		{"golib", "go", "github.com/org/lib/v4/render.JSON.Render", "/home/u/src/lib/render/json.go", "render/json.go"},
		// Go: ambiguous suffix.
		{"golib", "go", "", "/build/x/util.go", ""},
		{"golib", "go", "", "/home/u/go/src/example.com/app/x/util.go", ""},
		// Go: module cache with !-escaped capitals, and a renamed module.
		{"toml", "go", "", "/home/u/go/pkg/mod/github.com/!caps!org/!toml!kit@v1.2.0/decode.go", "decode.go"},
		{"toml", "go", "", "/go/pkg/mod/github.com/!caps!org/!toml!kit@v1.2.0/internal/tz.go", "internal/tz.go"},
		{"toml", "go", "", "/go/pkg/mod/github.com/oldorg/tomlkit@v0.4.0/decode.go", "decode.go"},
		{"toml", "go", "", "/go/pkg/mod/gopkg.in/tomlkit.v1@v1.0.0/internal/tz.go", "internal/tz.go"},
		{"toml", "go", "", "/go/pkg/mod/github.com/!other/parser@v1.0.0/decode.go", ""},
		// Go: GOPATH era without a go.mod.
		{"gopath", "go", "", "/Users/u/go/src/github.com/org/logkit/formatter.go", "formatter.go"},
		{"gopath", "go", "", "/go/src/github.com/org/logkit/hooks/syslog/syslog.go", "hooks/syslog/syslog.go"},
		{"gopath", "go", "", `C:\gopath\src\github.com\org\logkit\entry.go`, "entry.go"},
		// Python: site-/dist-packages, eggs, editable installs, src/ layout.
		{"pysrc", "python", "", "/usr/local/lib/python3.11/site-packages/mypkg/exceptions.py", "src/mypkg/exceptions.py"},
		{"pysrc", "python", "", "/home/u/.venv/lib/python3.8/site-packages/mypkg/core.py", "src/mypkg/core.py"},
		{"pysrc", "python", "", "/usr/lib/python3/dist-packages/mypkg/sub/mod.py", "src/mypkg/sub/mod.py"},
		{"pysrc", "python", "", "/usr/lib/python2.7/site-packages/mypkg-1.0-py2.7.egg/mypkg/core.py", "src/mypkg/core.py"},
		{"pysrc", "python", "", "/home/u/.virtualenvs/x/src/mypkg/src/mypkg/core.py", "src/mypkg/core.py"},
		{"pysrc", "python", "", `C:\Python311\Lib\site-packages\mypkg\utils.py`, "src/mypkg/utils.py"},
		{"pysrc", "python", "", "/home/u/code/mypkg/src/mypkg/sub/mod.py", "src/mypkg/sub/mod.py"},
		{"pysrc", "python", "", "mypkg/core.py", "src/mypkg/core.py"},
		{"pysrc", "python", "", "mypkg.sub.mod", "src/mypkg/sub/mod.py"},
		{"pysrc", "python", "", "/usr/local/lib/python3.11/site-packages/requests/utils.py", ""},
		{"pysrc", "python", "", "/usr/lib/python3.11/logging/__init__.py", ""},
		{"pysrc", "python", "", "<frozen importlib._bootstrap>", ""},
		{"pysrc", "python", "", "/home/u/.venv/lib/python3.8/site-packages/otherpkg/core.py", ""},
		{"pyflat", "python", "", "/opt/conda/lib/python3.10/site-packages/tool/cli.py", "tool/cli.py"},
		{"pyflat", "python", "", "/home/u/.local/lib/python3.9/site-packages/helper/utils.py", "helper/utils.py"},
		{"pyflat", "python", "", "/home/u/proj/utils.py", ""}, // tool/utils.py or helper/utils.py
		{"pyflat", "python", "", "tool.utils", "tool/utils.py"},
		// JavaScript/TypeScript.
		{"node", "node", "", "/home/u/app/node_modules/myrouter/lib/router/layer.js", "lib/router/layer.js"},
		{"node", "node", "", "/app/node_modules/.pnpm/myrouter@2.0.1/node_modules/myrouter/lib/index.js", "lib/index.js"},
		// a file renamed from camelCase to kebab-case since (fastify's lib/wrapThenable.js)
		{"node", "node", "", "/workspaces/app/node_modules/myrouter/lib/wrapThenable.js", "lib/wrap-thenable.js"},
		{"node", "node", "", `C:\app\node_modules\myrouter\lib\wrap_thenable.js`, "lib/wrap-thenable.js"},
		{"node", "node", "", "/app/node_modules/@scope/core/src/parse.js", "packages/core/src/parse.js"},
		{"node", "node", "", "webpack:///./src/router/index.ts", "src/router/index.ts"},
		{"node", "node", "", "webpack://myrouter/./src/index.ts", "src/index.ts"},
		{"node", "node", "", "file:///home/u/myrouter/lib/router/layer.js", "lib/router/layer.js"},
		{"node", "node", "", "/app/node_modules/express/lib/router/layer.js", ""},
		// A built file of the package (build/, dist/) that the repository
		// does not hold is not the root file of the same name (yargs
		// 28d55e10).
		{"node", "node", "", "//node_modules/myrouter/build/index.cjs", ""},
		{"node", "node", "", "/app/node_modules/myrouter/index.cjs", "index.cjs"},
		{"node", "node", "", "node:internal/modules/cjs/loader", ""},
		{"node", "node", "", "webpack:///webpack/bootstrap", ""},
		// Java/Kotlin.
		{"jvm", "java", "com.acme.orders.OrderService.place", "OrderService.java", "core/src/main/java/com/acme/orders/OrderService.java"},
		{"jvm", "java", "com.acme.orders.PricingKt.price", "Pricing.kt", "core/src/main/kotlin/com/acme/orders/Pricing.kt"},
		{"jvm", "java", "app//com.acme.web.Controller$Inner.handle", "Controller.java", "web/src/main/java/com/acme/web/Controller.java"},
		{"jvm", "java", "com.acme.dup.Twin.run", "Twin.java", ""},
		// a class converted between Java and Kotlin since the trace was printed
		{"jvm", "java", "com.acme.orders.Pricing.price", "Pricing.java", "core/src/main/kotlin/com/acme/orders/Pricing.kt"},
		{"jvm", "java", "com.acme.orders.OrderService.place", "OrderService.kt", "core/src/main/java/com/acme/orders/OrderService.java"},
		// ProGuard's "Unknown Source": the outer class's file
		{"jvm", "java", "com.acme.web.Controller$Inner.handle", "Unknown Source", "web/src/main/java/com/acme/web/Controller.java"},
		{"jvm", "java", "com.acme.web.Missing.handle", "SourceFile", ""},
		{"jvm", "java", "java.base/java.util.ArrayList.get", "ArrayList.java", ""},
		{"jvm", "java", "org.springframework.web.servlet.FrameworkServlet.service", "FrameworkServlet.java", ""},
		// Rust.
		{"rust", "rust", "", "/home/u/.cargo/registry/src/index.crates.io-6f17d22bba15001f/mycrate-0.3.1/src/de.rs", "src/de.rs"},
		{"rust", "rust", "", "/home/u/.cargo/registry/src/github.com-1ecc6299db9ec823/mycrate-macros-0.3.1/src/lib.rs", "macros/src/lib.rs"},
		{"rust", "rust", "", `C:\Users\u\.cargo\registry\src\index.crates.io-6f17d22bba15001f\mycrate-0.3.1\src\lib.rs`, "src/lib.rs"},
		{"rust", "rust", "", "./src/de.rs", "src/de.rs"},
		// A git dependency: cargo checks out the whole repository under
		// .cargo/git/checkouts/<repository>-<hash>/<revision>/ (clap #3858).
		{"rust", "rust", "", "/home/u/.cargo/git/checkouts/mycrate-78dbe9b58f9073fe/dabb571/src/de.rs", "src/de.rs"},
		{"rust", "rust", "", "/home/u/.cargo/git/checkouts/mycrate-78dbe9b58f9073fe/dabb571/macros/src/lib.rs", "macros/src/lib.rs"},
		{"rust", "rust", "", `C:\Users\u\.cargo\git\checkouts\mycrate-78dbe9b58f9073fe\dabb571\src\lib.rs`, "src/lib.rs"},
		{"rust", "rust", "", "/home/u/.cargo/git/checkouts/serde-0123456789abcdef/abc1234/src/de.rs", ""},
		// A cargo home other than ~/.cargo: multirust's, a container's.
		{"rust", "rust", "", "/home/u/.multirust/toolchains/stable/cargo/registry/src/github.com-88ac128001ac3a9a/mycrate-0.3.1/src/de.rs", "src/de.rs"},
		{"rust", "rust", "", "/usr/local/cargo/registry/src/index.crates.io-6f17d22bba15001f/serde-1.0.188/src/de.rs", ""},
		{"rust", "rust", "", "/home/u/.cargo/registry/src/index.crates.io-6f17d22bba15001f/serde-1.0.188/src/de.rs", ""},
		{"rust", "rust", "", "/rustc/90c541806f23a127002de5b4038be731ba1458ca/library/core/src/panicking.rs", ""},
		// a Homebrew-built rustc's own sources (fd#1064)
		{"rust", "rust", "", "/private/tmp/rust-20220304-34642-f8s218/rustc-1.59.0-src/library/std/src/sync/mpsc/mod.rs", ""},
		// The standard library as a release rustc prints it, although the
		// crate has files of those names (clap e9cbed34c, issue 4473).
		{"rust", "rust", "std::panicking::begin_panic_handler", "/rustc/e080cc5a659fb760c0bc561b722a790dad35b5e1/library/std/src/panicking.rs", ""},
		{"rust", "rust", "std::rt::lang_start_internal", "/rustc/a4cb3c831823d9baa56c3d90514b75b2660116fa/library/std/src/rt.rs", ""},
		{"rust", "rust", "", `C:\rustc\a4cb3c831823d9baa56c3d90514b75b2660116fa\library\std\src\panicking.rs`, ""},
		{"rust", "rust", "", "/home/u/.rustup/toolchains/nightly-x86_64-unknown-linux-gnu/lib/rustlib/src/rust/library/std/src/panicking.rs", ""},
		// Rust: a backtrace without debug info names the path, no file.
		{"rust", "rust", "mycrate::de::Deserializer::parse_str", "", "src/de.rs"},
		{"rust", "rust", "<mycrate::de::Deserializer<R> as serde::de::Deserializer>::deserialize_any", "", "src/de.rs"},
		{"rust", "rust", "mycrate::de::parse::h0123456789abcdef", "", "src/de.rs"},
		{"rust", "rust", "mycrate::de::Deserializer::parse_str::{{closure}}", "", "src/de.rs"},
		{"rust", "rust", "mycrate_macros::expand", "", "macros/src/lib.rs"},
		{"rust", "rust", "mycrate::inline_mod::f", "", "src/lib.rs"},
		{"rust", "rust", "serde::de::Visitor::visit_str", "", ""},
		{"rust", "rust", "std::panicking::begin_panic", "", ""},
	}
	if len(cases) < 60 {
		t.Fatalf("only %d frames; the table must hold at least 60", len(cases))
	}
	for _, c := range cases {
		m := repos[c.repo].Locate(c.lang, c.fn, c.file)
		if m.Path != c.want {
			t.Errorf("%s %s %q: got %q (%s), want %q", c.repo, c.lang, c.file, m.Path, m.By, c.want)
		}
	}
}

// TestAmbiguousSuffixSaysSo: a suffix two files share resolves to none,
// and the match names the candidates.
func TestAmbiguousSuffixSaysSo(t *testing.T) {
	m := resolverRepos()["golib"].Locate("go", "", "/build/x/util.go")
	if m.Path != "" || !strings.HasPrefix(m.By, "ambiguous") || len(m.Candidates) != 2 {
		t.Fatalf("got %+v, want no path, an ambiguous reason and both candidates", m)
	}
}

// TestResolveNotesAmbiguousFrames: Resolve says which frames it left out
// because several files end with their path.
func TestResolveNotesAmbiguousFrames(t *testing.T) {
	traces := []Trace{{Lang: "go", Frames: []Frame{{Func: "x.f", File: "/build/x/util.go", Line: 3}, {Func: "main.main", File: "/build/router.go", Line: 9}}}}
	notes := resolverRepos()["golib"].Resolve(traces)
	if len(notes) != 1 || !strings.Contains(notes[0], "a/x/util.go, b/x/util.go") || traces[0].Frames[0].InApp || !traces[0].Frames[1].InApp {
		t.Fatalf("notes %q, frames %+v", notes, traces[0].Frames)
	}
}

// TestReadProject reads the names the manifests publish, nested ones with
// their folders, and skips vendored manifests.
func TestReadProject(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"go.mod":                             "module github.com/org/lib/v4 // the library\n\ngo 1.21\n",
		"contrib/go.mod":                     "module \"github.com/org/lib-contrib\"\n",
		"vendor/github.com/x/y/go.mod":       "module github.com/x/y\n",
		"web/package.json":                   `{"name": "@org/web", "version": "1.0.0"}`,
		"Cargo.toml":                         "[workspace]\nmembers = [\"macros\"]\n",
		"macros/Cargo.toml":                  "[package]\nname = \"lib-macros\"\nversion = \"0.1.0\"\n\n[dependencies]\nname = \"x\"\n",
		"src/lib/__init__.py":                "",
		"node_modules/left-pad/package.json": `{"name": "left-pad"}`,
	}
	paths := writeFiles(t, dir, files)
	p := ReadProject(dir, paths)
	want := map[string]string{"github.com/org/lib/v4": "", "github.com/org/lib-contrib": "contrib"}
	if len(p.GoModules) != 2 {
		t.Fatalf("go modules %+v, want %v", p.GoModules, want)
	}
	for _, u := range p.GoModules {
		if d, ok := want[u.Name]; !ok || d != u.Dir {
			t.Errorf("go module %+v, want %v", u, want)
		}
	}
	if len(p.NodePkgs) != 1 || p.NodePkgs[0] != (Unit{"@org/web", "web"}) {
		t.Errorf("node packages %+v", p.NodePkgs)
	}
	if len(p.Crates) != 1 || p.Crates[0] != (Unit{"lib-macros", "macros"}) {
		t.Errorf("crates %+v", p.Crates)
	}
	if len(p.PyPackages) != 1 || p.PyPackages[0] != "lib" {
		t.Errorf("python packages %v", p.PyPackages)
	}
}

func TestPythonPackages(t *testing.T) {
	got := PythonPackages([]string{"werkzeug/__init__.py", "werkzeug/debug/__init__.py", "src/click/__init__.py",
		"tests/conftest.py", "setup.py", "docs/conf.py", "examples/app/__init__.py/x"})
	if strings.Join(got, ",") != "click,werkzeug" {
		t.Errorf("PythonPackages = %v, want [click werkzeug]", got)
	}
}

// A frame tied to a file at the repository's root by its base name alone
// (index.js, main.go, app.py) is the reporter's own file when other frames
// of the same trace put the repository's root elsewhere on that machine;
// it stands when they agree, or when no frame tells.
func TestStrayRootFiles(t *testing.T) {
	files := []string{"index.js", "main.go", "app.py", "node.go", "tx.go", "lib/router/layer.js", "render/json.go", "mypkg/__init__.py", "mypkg/core.py"}
	proj := Project{NodePkgs: []Unit{{"myrouter", ""}}, GoModules: []Unit{{"github.com/org/lib/v4", ""}}, PyPackages: []string{"mypkg"}}
	type frame struct{ lang, fn, file, want string }
	cases := []struct {
		name   string
		frames []frame
		gopath bool // the repository has no manifest (a GOPATH-era checkout)
	}{
		{"the reporter's index.js beside the repository in node_modules", []frame{
			{"node", "Layer.handle", "/home/u/app/node_modules/myrouter/lib/router/layer.js", "lib/router/layer.js"},
			{"node", "Object.<anonymous>", "/home/u/app/index.js", ""},
		}, false},
		{"the same on Windows", []frame{
			{"node", "Layer.handle", `C:\Users\u\app\node_modules\myrouter\lib\router\layer.js`, "lib/router/layer.js"},
			{"node", "Object.<anonymous>", `C:\Users\u\app\index.js`, ""},
		}, false},
		{"the repository run in its checkout: the root file agrees", []frame{
			{"node", "Layer.handle", "/home/ci/work/myrouter/lib/router/layer.js", "lib/router/layer.js"},
			{"node", "Object.<anonymous>", "/home/ci/work/myrouter/index.js", "index.js"},
		}, false},
		{"a root file with no other frame to tell stands", []frame{
			{"node", "Object.<anonymous>", "/srv/x/index.js", "index.js"},
		}, false},
		{"the reporter's main.go beside the module cache", []frame{
			{"go", "github.com/org/lib/v4/render.JSON", "/home/u/go/pkg/mod/github.com/org/lib/v4@v4.1.17/render/json.go", "render/json.go"},
			{"go", "main.main", "/home/u/svc/main.go", ""},
		}, false},
		{"a GOPATH checkout of root files only (bbolt bdc109bdc7)", []frame{
			{"go", "github.com/boltdb/bolt.(*node).split", "$GOPATH/src/github.com/boltdb/bolt/node.go", "node.go"},
			{"go", "github.com/boltdb/bolt.(*Tx).Commit", "$GOPATH/src/github.com/boltdb/bolt/tx.go", "tx.go"},
		}, true},
		{"the reporter's app.py beside site-packages", []frame{
			{"python", "run", "/usr/lib/python3/site-packages/mypkg/core.py", "mypkg/core.py"},
			{"python", "<module>", "/home/u/site/app.py", ""},
		}, false},
		{"a root file reached through the module cache stands", []frame{
			{"go", "github.com/org/lib/v4/render.JSON", "/go/pkg/mod/github.com/org/lib/v4@v4.1.17/render/json.go", "render/json.go"},
			{"go", "github.com/org/lib/v4.Run", "/go/pkg/mod/github.com/org/lib/v4@v4.1.17/main.go", "main.go"},
		}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr := Trace{Lang: c.frames[0].lang}
			for _, f := range c.frames {
				tr.Frames = append(tr.Frames, Frame{Func: f.fn, File: f.file})
			}
			traces := []Trace{tr}
			p := proj
			if c.gopath {
				p = Project{}
			}
			NewResolver(files).WithProject(p).Resolve(traces)
			for j, f := range c.frames {
				if got := traces[0].Frames[j]; got.Path != f.want || got.InApp != (f.want != "") {
					t.Errorf("%s: got %q (in app %v), want %q", f.file, got.Path, got.InApp, f.want)
				}
			}
		})
	}
}

// TestBuiltFramesOfOwnPackage: a frame of an installed copy of the
// repository's own package whose file the checkout lacks (a bundle its
// build wrote) is marked Built, so that its function's name can place it;
// other packages' frames, and own frames the checkout holds, are not.
func TestBuiltFramesOfOwnPackage(t *testing.T) {
	node := resolverRepos()["node"]
	for _, c := range []struct {
		file, want string
		built      bool
	}{
		{"/home/u/app/node_modules/myrouter/dist/shared/myrouter.js", "", true},
		{"//node_modules/myrouter/build/index.cjs", "", true}, // src/index.ts and index.cjs both fit: no guess
		// A built file whose source keeps its path: tsc's and Babel's output.
		{"/srv/node_modules/myrouter/dist/router/index.js", "src/router/index.ts", false},
		{"/srv/node_modules/myrouter/router/index.js", "src/router/index.ts", false},
		{"/srv/node_modules/myrouter/dist/cjs/router/index.min.js", "src/router/index.ts", false},
		{"/app/node_modules/@scope/core/dist/parse.js", "packages/core/src/parse.js", false},
		{"/app/node_modules/myrouter/lib/router/layer.js", "lib/router/layer.js", false},
		{"/app/node_modules/express/dist/index.js", "", false},
		{"/home/u/app/src/index.js", "", false},
	} {
		m := node.Locate("node", "Router.handle", c.file)
		if m.Path != c.want || m.Built != c.built {
			t.Errorf("%s: got %q built %v (%s), want %q built %v", c.file, m.Path, m.Built, m.By, c.want, c.built)
		}
	}
}

// TestForeignCrateFrames: a Rust frame of another crate's function is the
// reporter's program even when its file, ./src/main.rs, ends like one of
// the repository's; the repository's own packages, [lib] and [[bin]]
// names and file-named binaries stay its own.
func TestForeignCrateFrames(t *testing.T) {
	repo := t.TempDir()
	files := map[string]string{
		"Cargo.toml":              "[package]\nname = \"my-book\"\nversion = \"0.5.4\"\n\n[lib]\nname = \"mybooklib\"\n\n[[bin]]\nname = \"my-book-cli\"\npath = \"src/main.rs\"\n",
		"src/main.rs":             "fn main() {}\n",
		"src/lib.rs":              "pub mod render;\n",
		"src/render.rs":           "pub fn render() {}\n",
		"src/bin/book-tool.rs":    "fn main() {}\n",
		"crates/html/Cargo.toml":  "[package]\nname = \"my-book-html\"\n",
		"crates/html/src/lib.rs":  "pub fn make_data() {}\n",
		"crates/html/src/main.rs": "fn main() {}\n",
		"crates/html/build.rs":    "fn main() {}\n",
		"examples/quick-start.rs": "fn main() {}\n",
		"tests/render_it/main.rs": "fn main() {}\n",
	}
	paths := writeFiles(t, repo, files)
	r := NewResolver(paths).WithProject(ReadProject(repo, paths))
	for _, c := range []struct{ fn, file, want string }{
		{"mytool::main", "./src/main.rs", ""},
		{"mytool::run::h0123456789abcdef", "src/main.rs", ""},
		{"<mytool::Cli as clap::Parser>::parse", "./src/main.rs", ""},
		{"my_book::main", "./src/main.rs", "src/main.rs"},
		{"my_book_cli::main", "./src/main.rs", "src/main.rs"},
		{"mybooklib::render::render", "src/render.rs", "src/render.rs"},
		{"book_tool::main", "src/bin/book-tool.rs", "src/bin/book-tool.rs"},
		{"quick_start::main", "examples/quick-start.rs", "examples/quick-start.rs"},
		{"my_book_html::make_data", "/home/u/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/my-book-html-0.5.2/src/lib.rs", "crates/html/src/lib.rs"},
		{"build_script_build::main", "crates/html/build.rs", "crates/html/build.rs"},
		{"core::panicking::panic_fmt", "/rustc/90b35a6239c3d8bdabc530a6a0816f7ff89a0aaf/library/core/src/panicking.rs", ""},
	} {
		if m := r.Locate("rust", c.fn, c.file); m.Path != c.want {
			t.Errorf("%s at %s: got %q (%s), want %q", c.fn, c.file, m.Path, m.By, c.want)
		}
	}
}

// writeFiles writes files (slash paths to contents) under dir and returns
// their paths.
func writeFiles(t *testing.T, dir string, files map[string]string) []string {
	t.Helper()
	var paths []string
	for p, body := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths
}

// TestIsLibrary: a repository path is third-party code when it lies in a
// vendored copy (Go's vendor/, pip's and setuptools' _vendor/) or an
// installed package.
func TestIsLibrary(t *testing.T) {
	for p, want := range map[string]bool{
		"src/pip/_vendor/distlib/_backport/tarfile.py": true,
		"vendor/github.com/org/dep/dep.go":             true,
		"web/node_modules/left-pad/index.js":           true,
		"src/pip/_internal/utils/misc.py":              false,
		"internal/vendorlist/list.go":                  false,
	} {
		if got := IsLibrary(p); got != want {
			t.Errorf("IsLibrary(%q) = %v, want %v", p, got, want)
		}
	}
}

// TestRustSourcesBuiltByHomebrew: a frame in the standard library's
// sources of a locally built rustc is library code, not an ambiguous
// suffix of the crate's own mod.rs files (fd#1064).
func TestRustSourcesBuiltByHomebrew(t *testing.T) {
	m := NewResolver([]string{"src/exec/mod.rs", "src/filter/mod.rs"}).Locate("rust", "", "/private/tmp/rust-20220304-34642-f8s218/rustc-1.59.0-src/library/std/src/sync/mpsc/mod.rs")
	if m.Path != "" || m.By != "library" {
		t.Fatalf("got %+v, want library code", m)
	}
}

// TestBinaryNamedOtherwiseThanItsPackage: fd-find's Cargo.toml builds its
// src/main.rs as the binary "fd", and a backtrace prints fd::walk::…; the
// frame is placed in src/walk.rs, and no other binary's name is an alias.
func TestBinaryNamedOtherwiseThanItsPackage(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"Cargo.toml":     "[package]\nname = \"fd-find\"\nversion = \"10.4.2\"\n\n[[bin]]\nname = \"fd\"\npath = \"src/main.rs\"\n\n[[bin]]\nname = \"fd-bench\"\npath = \"benches/run.rs\"\n\n[dependencies]\nregex = \"1\"\n",
		"src/main.rs":    "mod walk;\nfn main() {}\n",
		"src/walk.rs":    "pub fn spawn_senders() {}\n",
		"benches/run.rs": "fn main() {}\n",
	}
	paths := writeFiles(t, dir, files)
	p := ReadProject(dir, paths)
	if len(p.CrateRoots) != 1 || p.CrateRoots[0] != (Unit{"fd", ""}) {
		t.Errorf("crate roots %+v, want fd at the root", p.CrateRoots)
	}
	m := NewResolver(paths).WithProject(p).Locate("rust", "fd::walk::spawn_senders::{{closure}}::{{closure}}", "")
	if m.Path != "src/walk.rs" {
		t.Errorf("fd::walk::spawn_senders: got %+v, want src/walk.rs", m)
	}
}
