//go:build cgo && !notreesitter

package chunk

import (
	"reflect"
	"strings"
	"testing"
)

// TestTreeSitterWins pins what the tree-sitter splitter gets right and the
// scanners get wrong, one row per case seen in real repositories (jsoup's
// one-line @Test methods, express's CommonJS, ripgrep-style one-line test
// attributes, Python fallbacks under try/if). Each row fails on the scanner
// path.
func TestTreeSitterWins(t *testing.T) {
	tests := []struct {
		name, path, lang, src string
		symbol, kind          string
		parents               []string
		start, end            int
		testName              string // "" when the chunk is not a test
	}{
		{
			name: "python def under try/except", path: "pkg/speed.py", lang: "Python",
			src:    "import sys\n\ntry:\n    from _speed import speedup\nexcept ImportError:\n    def speedup(data):\n        \"\"\"Pure-Python fallback.\"\"\"\n        return bytes(reversed(data))\n",
			symbol: "speedup", kind: "function", start: 6, end: 8,
		},
		{
			name: "python class under if", path: "pkg/compat.py", lang: "Python",
			src:    "import sys\n\nif sys.version_info >= (3, 11):\n    class Reader:\n        def read(self):\n            return 1\nelse:\n    Reader = None\n",
			symbol: "Reader", kind: "class", start: 4, end: 6,
		},
		{
			name: "javascript method assigned to an object, JSDoc across a blank line", path: "lib/response.js", lang: "JavaScript",
			src:    "'use strict';\n\nvar res = module.exports = {};\n\n/**\n * Send a response.\n */\n\nres.send = function send(body) {\n  this.end(body);\n  return this;\n};\n",
			symbol: "send", kind: "method", parents: []string{"res"}, start: 5, end: 12,
		},
		{
			name: "javascript exports.name = function", path: "lib/view.js", lang: "JavaScript",
			src:    "var path = require('path');\n\nexports.compile = function (src, options) {\n  return path.join(src, options.root);\n};\n",
			symbol: "compile", kind: "function", start: 3, end: 5,
		},
		{
			name: "javascript prototype method", path: "lib/router.js", lang: "JavaScript",
			src:    "function Router() {}\n\nRouter.prototype.route = function route(path) {\n  return new Route(path);\n};\n",
			symbol: "route", kind: "method", parents: []string{"Router"}, start: 3, end: 5,
		},
		{
			name: "javascript module.exports object", path: "lib/utils.js", lang: "JavaScript",
			src:    "module.exports = {\n  parse(s) {\n    return JSON.parse(s);\n  },\n  format: function (v) {\n    return String(v);\n  },\n};\n",
			symbol: "exports", kind: "object", start: 1, end: 8,
		},
		{
			name: "javascript export default of a guarded named function (axios' adapters)", path: "lib/adapters/http.js", lang: "JavaScript",
			src:    "const isHttpAdapterSupported = typeof process !== 'undefined';\n\nexport default isHttpAdapterSupported && function httpAdapter(config) {\n  return new Promise(function dispatchHttpRequest(resolve) {\n    resolve(config);\n  });\n}\n",
			symbol: "httpAdapter", kind: "function", start: 3, end: 7,
		},
		{
			name: "javascript const of a parenthesised guarded function", path: "lib/adapters/xhr.js", lang: "JavaScript",
			src:    "const supported = typeof XMLHttpRequest !== 'undefined';\n\nconst xhrAdapter = (supported && function (config) {\n  return config;\n});\n",
			symbol: "xhrAdapter", kind: "function", start: 3, end: 5,
		},
		{
			name: "java one-line @Test method", path: "src/test/java/org/acme/ParserTest.java", lang: "Java",
			src:    "package org.acme;\n\npublic class ParserTest {\n    @Test public void parsesEmpty() {\n        assertEquals(\"\", Parser.parse(\"\"));\n    }\n" + strings.Repeat("\n    @Test public void other() {\n        assertTrue(true);\n    }\n", 16) + "}\n",
			symbol: "parsesEmpty", kind: "method", parents: []string{"ParserTest"}, start: 4, end: 6, testName: "ParserTest.parsesEmpty",
		},
		{
			name: "rust one-line #[test] fn", path: "src/lib.rs", lang: "Rust",
			src:    "pub fn add(a: u32, b: u32) -> u32 {\n    a + b\n}\n\n#[cfg(test)]\nmod tests {\n    use super::*;\n\n    #[test] fn adds() {\n        assert_eq!(add(1, 2), 3);\n    }\n}\n",
			symbol: "tests", kind: "mod", start: 5, end: 12, testName: "tests::adds",
		},
		{
			name: "rust impl dyn Trait", path: "src/rt/timer.rs", lang: "Rust",
			src:    "pub trait Sleep {}\n\nimpl dyn Sleep {\n" + strings.Repeat("    /// Filler.\n    pub fn filler(&self) -> bool {\n        true\n    }\n\n", 13) + "    pub fn is(&self) -> bool {\n        false\n    }\n}\n",
			symbol: "is", kind: "method", parents: []string{"Sleep"}, start: 69, end: 72,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			chunks := Split(tt.path, Code, tt.lang, []byte(tt.src))
			checkChunks(t, []byte(tt.src), chunks)
			c := findChunk(t, chunks, tt.symbol)
			if c.SymbolKind != tt.kind || c.StartLine != tt.start || c.EndLine != tt.end || !reflect.DeepEqual(c.Parents, tt.parents) {
				t.Errorf("%s = %s %d-%d %q, want %s %d-%d %q", tt.symbol, c.SymbolKind, c.StartLine, c.EndLine, c.Parents, tt.kind, tt.start, tt.end, tt.parents)
			}
			if tt.testName != "" && !contains(c.TestNames, tt.testName) {
				t.Errorf("%s tests = %q, want %q among them", tt.symbol, c.TestNames, tt.testName)
			}
		})
	}
}

// TestTreeSitterFallsBack keeps a file the grammar does not parse cleanly
// on the scanner, whole: a syntax error must not cost its definitions.
func TestTreeSitterFallsBack(t *testing.T) {
	src := "def ok():\n    return 1\n\ndef broken(:\n    pass\n"
	if _, ok := splitTreeSitter("pkg/broken.py", "Python", []byte(src)); ok {
		t.Fatal("tree-sitter accepted a file with a syntax error")
	}
	chunks := Split("pkg/broken.py", Code, "Python", []byte(src))
	checkChunks(t, []byte(src), chunks)
	if c := findChunk(t, chunks, "ok"); c.StartLine != 1 || c.EndLine != 2 {
		t.Errorf("ok = %d-%d, want 1-2", c.StartLine, c.EndLine)
	}
}
