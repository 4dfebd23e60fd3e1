package gaps

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/fixture"
)

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for p, c := range files {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, p), []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestPython: test conventions and coverage.py JSON for another language.
// The def line of a never-called function ran at import; that does not make
// it tested.
func TestPython(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{
		"app/cart.py": `"""Shopping cart."""


def total(items):
    """Sum of price times quantity (FR-001)."""
    s = 0
    for it in items:
        if it["qty"] <= 0:
            raise ValueError("qty")
        s += it["price"] * it["qty"]
    return s


def discount(amount, pct):
    """Apply a percentage discount (FR-002)."""
    if pct < 0 or pct > 100:
        raise ValueError("pct")
    return amount * (100 - pct) // 100
`,
		"tests/test_cart.py": "from app.cart import total\n\n\ndef test_total_fr001():\n    assert total([{\"price\": 2, \"qty\": 3}]) == 6\n",
		"docs/spec.md":       "# Cart\n\n## Requirements\n\n- **FR-001** THE cart SHALL sum prices.\n- **FR-002** THE cart SHALL apply discounts.\n",
		"coverage.json": `{"meta": {"format": 3, "version": "7.6.1", "branch_coverage": true},
 "files": {"app/cart.py": {"executed_lines": [1, 4, 6, 7, 8, 10, 11, 14], "missing_lines": [9, 16, 17, 18], "excluded_lines": [],
   "executed_branches": [[7, 8], [8, 10]], "missing_branches": [[8, 9], [16, 17], [16, 18]]}}}`,
	})
	out, err := Run(context.Background(), openIndex(t, dir), Input{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	gaps := byKey(out)
	if g, ok := gaps["untested discount"]; !ok || g.SuggestedTest != "test_discount" || g.NearestTestFile != "tests/test_cart.py" {
		t.Errorf("discount: %+v (all: %+v)", g, out.Gaps)
	}
	if g, ok := gaps["uncovered total"]; !ok || g.Lines[0] != [2]int{9, 9} || !strings.Contains(g.Why, "1 of 3 branches never taken") {
		t.Errorf("total: %+v", g)
	}
	if _, ok := gaps["unverified FR-002"]; !ok || out.Summary.RequirementsVerified != 1 {
		t.Errorf("FR-002 should be the one unverified requirement (test_total_fr001 names FR-001): %+v", out.Summary)
	}
	if out.Summary.Branches != 5 || out.Summary.BranchesCovered != 2 {
		t.Errorf("branches %d/%d", out.Summary.BranchesCovered, out.Summary.Branches)
	}
}

// TestChurn: on the fixture's git history, churn counts the commits to
// each file, and the file the bug commit touched weighs more.
func TestChurn(t *testing.T) {
	t.Parallel()
	dir, _ := fixture.GitRepo(t)
	out, err := Run(context.Background(), openIndex(t, dir), Input{Kinds: []string{KindUntested}, Limit: MaxLimit}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.Summary.Churn, "git:") {
		t.Fatalf("churn: %s", out.Summary.Churn)
	}
	churn := func(sym string) float64 {
		for _, g := range out.Gaps {
			if g.Symbol == sym {
				for _, f := range g.Factors {
					if f.Name == "churn" {
						return f.Value
					}
				}
			}
		}
		return -1
	}
	// auth/service.go: commits "auth" and "bug"; ratelimit: one commit.
	if a, b := churn("auth.Service.ExpiryHook"), churn("ratelimit.Limiter.Prune"); a != 2 || b != 1 {
		t.Errorf("churn of ExpiryHook %g (want 2), of Prune %g (want 1)", a, b)
	}
}

// TestConstructorsTestedThroughTheirClass: code builds an object by naming
// its class (new DateTime(…), Cart(…)), so a test that reaches the class
// reaches its constructor; a constructor of a class no test reaches is
// still a gap.
func TestConstructorsTestedThroughTheirClass(t *testing.T) {
	t.Parallel()
	// Long enough for the chunker to keep each method apart.
	pad := strings.Repeat("    this.extra = null\n", 90)
	pyPad := strings.Repeat("        self.extra = None\n", 90)
	dir := writeFiles(t, map[string]string{
		"src/datetime.js":       "export class DateTime {\n  constructor(config) {\n    this.ts = config.ts\n" + pad + "  }\n\n  static now() {\n    return new DateTime({ ts: Date.now() })\n  }\n}\n",
		"src/zone.js":           "export class Zone {\n  constructor(name) {\n    this.name = name\n" + pad + "  }\n\n  static utc() {\n    return new Zone('UTC')\n  }\n}\n",
		"test/datetime.test.js": "import { DateTime } from '../src/datetime.js'\n\ntest('now has a time', () => {\n  expect(DateTime.now().ts).toBeGreaterThan(0)\n})\n",
		"app/cart.py":           "class Cart:\n    def __init__(self, items):\n        self.items = items\n" + pyPad + "\n    def total(self):\n        return sum(self.items)\n\n\ndef new_cart():\n    return Cart([])\n",
		"tests/test_cart.py":    "from app.cart import new_cart\n\n\ndef test_new_cart_is_empty():\n    assert new_cart().total() == 0\n",
	})
	out, err := Run(context.Background(), openIndex(t, dir), Input{Limit: 50}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	gaps := byKey(out)
	for _, tested := range []string{"untested DateTime.constructor", "untested Cart.__init__"} {
		if _, ok := gaps[tested]; ok {
			t.Errorf("%s: its class is reached by a test (all: %v)", tested, keys(gaps))
		}
	}
	if _, ok := gaps["untested Zone.constructor"]; !ok {
		t.Errorf("Zone.constructor: no test reaches Zone, want a gap (all: %v)", keys(gaps))
	}
}

// TestExamplesAndOtherLanguagesAreNoGapsHomes: code in a folder of usage
// examples is no gap (retrofit's samples/ Crawler ranked among its
// riskiest), and a gap's test never belongs in a suite of another language
// (retrofit's website script.js was sent to a Java test).
func TestExamplesAndOtherLanguagesAreNoGapsHomes(t *testing.T) {
	t.Parallel()
	body := strings.Repeat("    if (x > 1) { x = x - 1; }\n", 12)
	pad := "  public int other(int x) {\n" + strings.Repeat("    x = x + 1;\n", 90) + "    return x;\n  }\n"
	dir := writeFiles(t, map[string]string{
		"src/main/java/lib/Parser.java":         "package lib;\n\npublic class Parser {\n  public int parse(int x) {\n" + body + "    return x;\n  }\n" + pad + "}\n",
		"src/test/java/lib/ParserTest.java":     "package lib;\n\nclass ParserTest {\n  @Test void parses() { assertEquals(1, new Parser().parse(1)); }\n}\n",
		"src/main/java/lib/Cache.java":          "package lib;\n\npublic class Cache {\n  public int evict(int x) {\n" + body + "    return x;\n  }\n" + pad + "}\n",
		"samples/src/main/java/ex/Crawler.java": "package ex;\n\npublic class Crawler {\n  public int crawlPage(int x) {\n" + body + "    return x;\n  }\n" + pad + "}\n",
		"website/script.js":                     "function updateTabs(x) {\n" + strings.Repeat("  if (x > 1) { x = x - 1 }\n", 14) + "  return x\n}\n",
	})
	out, err := Run(context.Background(), openIndex(t, dir), Input{Limit: 50}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	gaps := byKey(out)
	if _, ok := gaps["untested Crawler.crawlPage"]; ok {
		t.Errorf("a sample's method is a gap (all: %v)", keys(gaps))
	}
	if g, ok := gaps["untested Cache.evict"]; !ok || !strings.HasSuffix(g.NearestTestFile, ".java") {
		t.Errorf("Cache.evict: %+v (all: %v)", g, keys(gaps))
	}
	if g, ok := gaps["untested updateTabs"]; !ok || strings.HasSuffix(g.NearestTestFile, ".java") {
		t.Errorf("updateTabs: %+v, want a gap whose test is not in a Java file", g)
	}
}

// TestOverrideCalledInItsOwnTestFile: a test that calls an implementation
// through its interface (retrofit's RxJavaCallAdapterFactory.get, called on
// a CallAdapter.Factory variable) tests it when the call is in the class's
// own test file; a method that overrides nothing, or that no test file of
// its class calls, is not taken for tested.
func TestOverrideCalledInItsOwnTestFile(t *testing.T) {
	impl := "public final class RxJavaCallAdapterFactory extends CallAdapter.Factory {\n  @Override\n  public CallAdapter<?, ?> get(Type t) {\n    return null;\n  }\n\n  public Scheduler scheduler() {\n    return null;\n  }\n\n  @Override public void close() {}\n}"
	a := &analysis{
		testFilesByDir: map[string][]string{"src/test/java/rx": {"src/test/java/rx/RxJavaCallAdapterFactoryTest.java"}},
		src: map[string][]string{
			"src/main/java/rx/RxJavaCallAdapterFactory.java":     strings.Split(impl, "\n"),
			"src/test/java/rx/RxJavaCallAdapterFactoryTest.java": strings.Split("class RxJavaCallAdapterFactoryTest {\n  private final CallAdapter.Factory factory = RxJavaCallAdapterFactory.create();\n  @Test public void nonRxJavaTypeReturnsNull() {\n    assertThat(factory.get(String.class)).isNull();\n    factory.scheduler();\n  }\n}", "\n"),
		},
	}
	for _, c := range []struct {
		symbol     string
		start, end int
		want       bool
	}{
		{"RxJavaCallAdapterFactory.get", 2, 5, true},
		{"RxJavaCallAdapterFactory.scheduler", 7, 9, false}, // called, but overrides nothing: the graph decides
		{"RxJavaCallAdapterFactory.close", 11, 11, false},   // overrides, but its test file never calls it
	} {
		ch := memory.ChunkInfo{Symbol: c.symbol, Path: "src/main/java/rx/RxJavaCallAdapterFactory.java", StartLine: c.start, EndLine: c.end}
		if got := a.calledInOwnTestFile(ch); got != c.want {
			t.Errorf("%s: calledInOwnTestFile = %v, want %v", c.symbol, got, c.want)
		}
	}
}

// TestRustBinaryRunByTheTests: fd's integration tests run its binary
// (CARGO_BIN_EXE_fd) on a temporary tree, so main and what it calls are
// tested; a function main never reaches still is a gap, and without such
// a test everything is.
func TestRustBinaryRunByTheTests(t *testing.T) {
	t.Parallel()
	body := strings.Repeat("    if n > 1 { n -= 1; }\n", 12)
	files := map[string]string{
		"Cargo.toml":     "[package]\nname = \"fd-find\"\nversion = \"1.0.0\"\n\n[[bin]]\nname = \"fd\"\npath = \"src/main.rs\"\n",
		"src/main.rs":    "mod walk;\n\nfn main() {\n    let n = walk::scan(3);\n    std::process::exit(n as i32);\n}\n",
		"src/walk.rs":    "pub fn scan(mut n: u32) -> u32 {\n" + body + "    n\n}\n\npub fn unused(mut n: u32) -> u32 {\n" + body + "    n\n}\n",
		"tests/tests.rs": "use std::process::Command;\n\n#[test]\nfn finds_files() {\n    let out = Command::new(env!(\"CARGO_BIN_EXE_fd\")).output().unwrap();\n    assert!(out.status.success());\n}\n",
	}
	for _, c := range []struct {
		name      string
		test      string
		scanIsGap bool
	}{
		{"runs the binary", files["tests/tests.rs"], false},
		{"runs nothing", "#[test]\nfn nothing() {\n    assert_eq!(1, 1);\n}\n", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			files := maps.Clone(files)
			files["tests/tests.rs"] = c.test
			out, err := Run(context.Background(), openIndex(t, writeFiles(t, files)), Input{Limit: 50}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			gaps := byKey(out)
			if _, ok := gaps["untested scan"]; ok != c.scanIsGap {
				t.Errorf("scan a gap: %v, want %v (all: %v)", ok, c.scanIsGap, keys(gaps))
			}
			if _, ok := gaps["untested unused"]; !ok {
				t.Errorf("unused: main never calls it, want a gap (all: %v)", keys(gaps))
			}
		})
	}
}

// TestJavaScriptDefaultExportsCalledByAnotherName: fastify's tests call
// const Fastify = require('..') (package.json's main, whose module.exports
// is fastify), and fastify.js calls its 404 handling as build404, bound to
// lib/four-oh-four.js's fourOhFour: both are tested; a function nothing
// calls is still a gap, and so is a default export bound but never called.
func TestJavaScriptDefaultExportsCalledByAnotherName(t *testing.T) {
	t.Parallel()
	body := strings.Repeat("  if (x > 1) { x = x - 1 }\n", 12)
	dir := writeFiles(t, map[string]string{
		"package.json":         `{"name": "fastify", "main": "fastify.js"}`,
		"fastify.js":           "'use strict'\nconst build404 = require('./lib/four-oh-four')\n\nfunction fastify (x) {\n" + body + "  return build404(x)\n}\n\nmodule.exports = fastify\n",
		"lib/four-oh-four.js":  "'use strict'\n\nfunction fourOhFour (x) {\n" + body + "  return x\n}\n\nmodule.exports = fourOhFour\n",
		"lib/unused.js":        "'use strict'\n\nfunction unused (x) {\n" + body + "  return x\n}\n\nmodule.exports = unused\n",
		"lib/bound.js":         "'use strict'\n\nfunction bound (x) {\n" + body + "  return x\n}\n\nmodule.exports = bound\n",
		"test/fastify.test.js": "'use strict'\nconst { test } = require('node:test')\nconst Fastify = require('..')\nconst Bound = require('../lib/bound')\n\ntest('builds', t => {\n  t.assert.ok(Fastify(3))\n  t.assert.ok(typeof Bound === 'function')\n})\n",
	})
	out, err := Run(context.Background(), openIndex(t, dir), Input{Limit: 50}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	gaps := byKey(out)
	for _, tested := range []string{"untested fastify", "untested fourOhFour"} {
		if _, ok := gaps[tested]; ok {
			t.Errorf("%s: reached through require('..') and build404 (all: %v)", tested, keys(gaps))
		}
	}
	for _, gap := range []string{"untested unused", "untested bound"} {
		if _, ok := gaps[gap]; !ok {
			t.Errorf("%s: no test calls it, want a gap (all: %v)", gap, keys(gaps))
		}
	}
}
