package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEscapeModule(t *testing.T) {
	for in, want := range map[string]string{
		"github.com/labstack/echo/v4":   "github.com/labstack/echo/v4",
		"github.com/BurntSushi/toml":    "github.com/!burnt!sushi/toml",
		"github.com/Microsoft/go-winio": "github.com/!microsoft/go-winio",
	} {
		if got := escapeModule(in); got != want {
			t.Errorf("escapeModule(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFeatureRequest(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"feat(router): add wildcard route groups (#2711)", "add wildcard route groups"},
		{"Add Conditions to Ensure Bind Succeeds with chunked bodies by @someone in https://github.com/x/y/pull/1", "Add Conditions to Ensure Bind Succeeds with chunked bodies"},
		{"support [RFC 9457](https://x) problem details [#3062](https://x)", "support RFC 9457 problem details"},
		{"fix: nil pointer in Bind", ""},
		{"Add tests", ""}, // too short to be a request
		{"Update golang.org/x/net dependency", ""},
	} {
		if got := featureRequest(tt.in); got != tt.want {
			t.Errorf("featureRequest(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCommentLineIsUniqueAndSubstantial(t *testing.T) {
	src := "// Copyright 2024 The Authors. All rights reserved.\npackage x\n\n// short\n// Repeated comment line here.\nfunc A() {}\n// Repeated comment line here.\n\t// B handles the second case of it.\nfunc B() {}\n"
	got, ok := commentLine([]byte(src))
	if !ok || got != "\t// B handles the second case of it." {
		t.Errorf("commentLine = %q, %v", got, ok)
	}
}

// The panics follow real calls: each frame's function calls the one
// above it, at the line of the call, under the module cache path.
func TestPanicsFollowRealCalls(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module github.com/Acme/lib\n\ngo 1.22\n")
	write("lib.go", "package lib\n\ntype Pool struct{ n int }\n\nfunc (p *Pool) Get() int {\n\treturn p.n\n}\n\nfunc (p Pool) Run() int {\n\tx := 1\n\treturn x + new(Pool).Get()\n}\n")
	write("sub/sub.go", "package sub\n\nimport \"github.com/Acme/lib\"\n\nfunc Start() int {\n\tvar p lib.Pool\n\treturn p.Run()\n}\n")
	write("lib_test.go", "package lib\n\nfunc TestX() { new(Pool).Get() }\n")
	r, err := readGoRepo(dir)
	if err != nil {
		t.Fatal(err)
	}
	traces, notes := panics(r, "v1.2.3")
	if len(traces) != 2 || len(notes) != 0 {
		t.Fatalf("panics = %d traces, notes %v", len(traces), notes)
	}
	root := "/home/u/go/pkg/mod/github.com/!acme/lib@v1.2.3/"
	// The innermost frame points at its first statement, every other
	// one at its call of the frame above.
	innermost := map[string]string{
		"github.com/Acme/lib.(*Pool).Get(": root + "lib.go:6 ",
		"github.com/Acme/lib.Pool.Run(":    root + "lib.go:10 ",
		"github.com/Acme/lib/sub.Start(":   root + "sub/sub.go:6 ",
	}
	caller := map[string]string{
		"github.com/Acme/lib.Pool.Run(":  root + "lib.go:11 ",
		"github.com/Acme/lib/sub.Start(": root + "sub/sub.go:7 ",
	}
	for _, tr := range traces {
		lines := strings.Split(tr, "\n")
		first := true
		for i, l := range lines {
			if !strings.HasPrefix(l, "github.com/Acme/") {
				continue
			}
			frame, _, _ := strings.Cut(l, "(0x")
			want := caller[frame+"("]
			if first {
				want = innermost[frame+"("]
			}
			if want == "" || !strings.HasPrefix(lines[i+1], "\t"+want) {
				t.Errorf("frame %s is at %q, want %q", frame, lines[i+1], want)
			}
			first = false
		}
		if strings.Contains(tr, "TestX") {
			t.Errorf("a test function is a frame:\n%s", tr)
		}
	}
}

func TestCountItems(t *testing.T) {
	for in, want := range map[string]int{
		`{"hits":[{},{}],"total":9}`:                       2,
		`{"requirements":[1],"files":[1,2,3]}`:             3,
		`{"sections":[{"entries":[1,2]},{"entries":[3]}]}`: 3,
		`{"title":"x"}`: -1,
		`null`:          -1,
	} {
		if got := countItems(json.RawMessage(in)); got != want {
			t.Errorf("countItems(%s) = %d, want %d", in, got, want)
		}
	}
}

func TestMedian(t *testing.T) {
	for _, tt := range []struct {
		in   []int
		want int
	}{{nil, 0}, {[]int{5}, 5}, {[]int{9, 1, 5}, 5}, {[]int{10, 2}, 6}} {
		if got := median(tt.in); got != tt.want {
			t.Errorf("median(%v) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

// The check around propose_patch sees an edited file, a new file and a
// new branch.
func TestTreeStateSeesEveryChange(t *testing.T) {
	dir := t.TempDir()
	git := func(args ...string) {
		t.Helper()
		if _, err := gitLines(t.Context(), dir, append([]string{"-c", "user.name=t", "-c", "user.email=t@example.invalid"}, args...)...); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "a.go"), []byte("package a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	git("init", "-q")
	git("add", "-A")
	git("commit", "-q", "-m", "one")
	state := func() string {
		t.Helper()
		s, err := treeState(t.Context(), dir, "a.go")
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	base := state()
	if again := state(); again != base {
		t.Fatalf("the state of an unchanged tree moved:\n%s\n%s", base, again)
	}
	for _, change := range []func(){
		func() { git("branch", "devai/proposal-x") },
		func() { os.WriteFile(filepath.Join(dir, "b.go"), []byte("package a\n"), 0o644) },
		func() { os.WriteFile(filepath.Join(dir, "a.go"), []byte("package a // x\n"), 0o644) },
	} {
		change()
		if now := state(); now == base {
			t.Errorf("a change was not seen:\n%s", now)
		} else {
			base = now
		}
	}
}

// summarize_log is called on a log of the repository, one under logs/
// first, never one in a hidden folder (.devai, .git), and its URI call
// names a line range the file has.
func TestLogCallsTakeTheRepositorysLog(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{
		".devai/serve.log":        "hidden\n",
		"internal/testdata/a.log": "a\n",
		"logs/go-test.log":        "=== RUN   TestA\n--- PASS: TestA (0.00s)\nPASS\n",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	calls, notes := logCalls(dir)
	if len(notes) > 0 || len(calls) != 4 {
		t.Fatalf("logCalls = %d calls, notes %v; want 4 calls", len(calls), notes)
	}
	want := []map[string]any{
		{"path": "logs/go-test.log"},
		{"path": "devai://log/logs/go-test.log#L1-L3"},
		{"text": "=== RUN   TestA\n--- PASS: TestA (0.00s)\nPASS\n"},
		{"path": "logs/go-test.log", "top": -1, "lines": true},
	}
	for i, c := range calls {
		got, _ := json.Marshal(c.Args)
		w, _ := json.Marshal(want[i])
		if c.Tool != "summarize_log" || string(got) != string(w) {
			t.Errorf("call %d = %s %s, want summarize_log %s", i, c.Tool, got, w)
		}
	}

	empty := t.TempDir()
	if calls, notes := logCalls(empty); len(calls) != 0 || len(notes) != 1 {
		t.Errorf("no log: %d calls, notes %v; want none and a note", len(calls), notes)
	}
}

// A Python traceback and a Node stack follow real calls too: each frame
// is a function of the repository at its call of the next one, under
// the path the package is installed at.
func TestScriptTracesFollowRealCalls(t *testing.T) {
	write := func(dir, name, text string) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	py := t.TempDir()
	write(py, "pyproject.toml", "[project]\nname = \"Shop\"\n")
	write(py, "src/shop/cart.py", "class Cart:\n    def total(self):\n        \"\"\"Sum.\"\"\"\n        return price(self.items)\n\n\ndef price(items):\n    return sum(i.cost for i in items)\n\n\ndef checkout(cart):\n    # pay for the cart\n    return cart.total()\n")
	write(py, "tests/test_cart.py", "def test_total():\n    checkout(None)\n")
	ts := t.TempDir()
	write(ts, "package.json", `{"name": "ky"}`)
	write(ts, "tsconfig.json", "{}")
	write(ts, "source/core.ts", "export class Ky {\n\tasync fetch(input: string): Promise<Response> {\n\t\treturn this.retry(input);\n\t}\n\n\tprivate retry(input: string) {\n\t\treturn globalThis.fetch(input);\n\t}\n}\n\nexport function create(url: string) {\n\treturn new Ky().fetch(url);\n}\n")
	write(ts, "test/core.test.ts", "create('x');\n")
	for _, tc := range []struct {
		dir, lang string
		want      []string
	}{
		{py, langPython, []string{
			"Traceback (most recent call last):",
			`File "/home/u/app/.venv/lib/python3.12/site-packages/shop/cart.py", line 13, in checkout` + "\n    return cart.total()",
			`File "/home/u/app/.venv/lib/python3.12/site-packages/shop/cart.py", line 4, in total` + "\n    return price(self.items)",
		}},
		{ts, langTypeScript, []string{
			"    at fetch (/home/u/app/node_modules/ky/source/core.ts:3:",
			"    at create (/home/u/app/node_modules/ky/source/core.ts:12:",
		}},
	} {
		r, err := readRepo(tc.dir)
		if err != nil {
			t.Fatal(err)
		}
		if r.Lang != tc.lang {
			t.Errorf("%s: language %q, want %q", tc.dir, r.Lang, tc.lang)
		}
		for _, f := range r.Files {
			if strings.Contains(f.Path, "test") {
				t.Errorf("%s: a test file is a source file: %s", tc.lang, f.Path)
			}
		}
		traces, notes := scriptTraces(r, tc.dir)
		if len(traces) != 2 {
			t.Fatalf("%s: %d traces, notes %v", tc.lang, len(traces), notes)
		}
		all := strings.Join(traces, "\n")
		for _, w := range tc.want {
			if !strings.Contains(all, w) {
				t.Errorf("%s: no %q in\n%s", tc.lang, w, all)
			}
		}
	}
}
