package trace

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/devaiops/devai/memory"
)

// byNameRepo is a small repository whose functions a trace from another
// version of it names at lines that now hold other code.
var byNameRepo = map[string]string{
	"go.mod": "module example.com/db\n\ngo 1.22\n",
	"db/db.go": `package db

// DB is a store.
type DB struct{ closed bool }

// DropAll empties the store.
func (d *DB) DropAll() error {
	d.stop()
	return nil
}

// stop stops the flusher.
func (d *DB) stop() {
	d.closed = true
}
`,
	"db/flush.go": `package db

// flush writes what the store holds.
func (d *DB) flush() error {
	return nil
}
`,
	"pkg/settings.py": `import warnings


def inside_project():
    try:
        import settings
    except ImportError:
        warnings.warn("Cannot import settings module settings")
        return False
    return True
`,
	"pkg/errors.py": `def handle(x):
    y = x + 1
    return y


class HTTPError(Exception):
    def __init__(self, code):
        self.code = code

    def __str__(self):
        return "HTTP %d" % self.code
`,
	"pkg/keys.py": `class PKey:
    def _read_file(self, name):
        with open(name) as f:
            data = self._read(f)
        return data

    def _read(self, f):
        lines = f.readlines()
        return lines[0]
` + pyPadding + `

def run(items):
    def inner(x):
        return x + 1
    return [inner(i) for i in items]


def inner(x):
    return x
`,
}

// pyPadding makes PKey big enough that the chunker cuts it into its
// methods, as it does the classes of real projects.
var pyPadding = "\n    def _pad(self):\n" + strings.Repeat("        self.x = 1\n", 70)

// lineOf is the 1-based line of the first line of text holding s.
func lineOf(text, s string) int {
	return strings.Count(text[:strings.Index(text, s)], "\n") + 1
}

func openByNameRepo(t *testing.T) *memory.Index {
	t.Helper()
	return openFiles(t, byNameRepo)
}

// openFiles indexes a repository made of these files (slash paths).
func openFiles(t *testing.T, files map[string]string) *memory.Index {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ix, err := memory.Open(t.Context(), memory.Options{Repo: dir, StateDir: t.TempDir(), Embedder: "hash"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	if err := ix.Sync(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	return ix
}

// A frame that names its function is placed at that function of the
// checkout when the printed line holds another one (the reporter ran
// another version); a frame whose line agrees with its name, or whose name
// the chunk at the line defines inside it, or that names no function,
// keeps its line.
func TestFrameNamedFunctionOverrulesAStaleLine(t *testing.T) {
	t.Parallel()
	ix := openByNameRepo(t)
	keys := byNameRepo["pkg/keys.py"]
	read, readFile := lineOf(keys, "def _read(self"), lineOf(keys, "def _read_file")
	nested := lineOf(keys, "        return x + 1")
	errs := byNameRepo["pkg/errors.py"]
	errHandle, errStr := lineOf(errs, "y = x + 1"), lineOf(errs, "def __str__")
	pyIn := func(file string, line int, fn string) string {
		return "Traceback (most recent call last):\n  File \"/opt/venv/src/proj/" + file + "\", line " + strconv.Itoa(line) + ", in " + fn + "\n    x\nTypeError: not enough arguments for format string\n"
	}
	py := func(line int, fn string) string {
		return "Traceback (most recent call last):\n  File \"/opt/venv/src/proj/pkg/keys.py\", line " + strconv.Itoa(line) + ", in " + fn + "\n    x\nIndexError: list index out of range\n"
	}
	goPanic := func(fn, line string) string {
		return "panic: runtime error: invalid memory address or nil pointer dereference\n\ngoroutine 1 [running]:\n" +
			fn + "(...)\n\t/home/u/go/pkg/mod/example.com/db@v1.0.0/db/db.go:" + line + " +0x26\n"
	}
	for _, tc := range []struct {
		name, text  string
		symbol      string
		line, print int
	}{
		{"python name elsewhere than the line", py(readFile+2, "_read"), "PKey._read", read, readFile + 2},
		{"python line past the end of the file", py(900, "_read"), "PKey._read", read, 900},
		{"python line agrees with the name", py(read+2, "_read"), "PKey._read", read + 2, 0},
		{"python nested def inside the chunk at the line", py(nested, "inner"), "run", nested, 0},
		{"python <module> names no function", py(readFile+1, "<module>"), "PKey._read_file", readFile + 1, 0},
		{"python name not in the file", py(readFile+2, "missing"), "PKey._read_file", readFile + 2, 0},
		{"python method of a class kept whole, line elsewhere (tornado 0b86507e)", pyIn("pkg/errors.py", errHandle, "__str__"), "HTTPError", errStr, errHandle},
		{"go method elsewhere than the line", goPanic("example.com/db/db.(*DB).stop", "8"), "db.DB.stop", 13, 8}, // its func line, past the doc comment
		{"python function moved to a sibling module (black's parse_ast)", pyIn("pkg/errors.py", 900, "_read"), "PKey._read", read, 900},
		{"go method moved to another file of the package", goPanic("example.com/db/db.(*DB).flush", "30"), "db.DB.flush", 4, 30},
		{"go line agrees", goPanic("example.com/db/db.(*DB).DropAll", "8"), "db.DB.DropAll", 8, 0},
		{"go closure of the named function", goPanic("example.com/db/db.(*DB).DropAll.func1", "14"), "db.DB.DropAll", 7, 14},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := Run(t.Context(), ix, Input{Text: tc.text})
			if err != nil {
				t.Fatal(err)
			}
			if len(out.Errors) == 0 || len(out.Errors[0].Frames) == 0 {
				t.Fatalf("no frames: %+v", out.Errors)
			}
			f := out.Errors[0].Frames[0]
			if f.Symbol != tc.symbol || f.Line != tc.line || f.PrintedLine != tc.print {
				t.Fatalf("frame %s at line %d (printed %d), want %s at %d (printed %d)", f.Symbol, f.Line, f.PrintedLine, tc.symbol, tc.line, tc.print)
			}
			said := strings.Contains(strings.Join(out.Notes, " "), "another version of the code") && strings.Contains(Markdown(out), "printed line")
			if said != (tc.print != 0) {
				t.Errorf("the answer says the frame was placed by name: %v, want %v\n%s", said, tc.print != 0, Markdown(out))
			}
		})
	}
}

// A warning pasted before a traceback names the code that warned: it is a
// suspect below the failure's first frame, in the top 3, and says it is a
// warning; the failure stays the root cause and the naive answer.
func TestWarningBeforeTheCrashIsALead(t *testing.T) {
	t.Parallel()
	ix := openByNameRepo(t)
	keys := byNameRepo["pkg/keys.py"]
	text := "/opt/venv/src/proj/pkg/settings.py:8: UserWarning: Cannot import settings module settings\n" +
		"  warnings.warn(\"Cannot import settings module settings\")\n" +
		"Traceback (most recent call last):\n" +
		"  File \"/opt/venv/src/proj/pkg/keys.py\", line " + strconv.Itoa(lineOf(keys, "data = self._read(f)")) + ", in _read_file\n    data = self._read(f)\n" +
		"  File \"/opt/venv/src/proj/pkg/keys.py\", line " + strconv.Itoa(lineOf(keys, "return lines[0]")) + ", in _read\n    return lines[0]\n" +
		"IndexError: list index out of range\n"
	out, err := Run(t.Context(), ix, Input{Text: text})
	if err != nil {
		t.Fatal(err)
	}
	warned, read := suspectIndex(out, "inside_project"), suspectIndex(out, "PKey._read")
	if read != 0 || warned < 1 || warned > 2 {
		t.Fatalf("PKey._read at %d (want 0), inside_project at %d (want 1 or 2):\n%s", read, warned, Markdown(out))
	}
	if why := strings.Join(out.Suspects[warned].Why, "; "); !strings.Contains(why, "a warning printed on the way") {
		t.Errorf("the warning's suspect does not say so: %s", why)
	}
	for _, e := range out.Errors {
		if e.Warning && e.RootCause {
			t.Errorf("the warning is taken for a root cause: %+v", e)
		}
	}
}

// bundledRepo is a JavaScript library whose users run a bundle of it that
// the checkout does not hold (dist/ is built).
var bundledRepo = map[string]string{
	"package.json": `{"name": "mylib", "main": "dist/mylib.js"}`,
	"src/Module.js": `export class Module {
	constructor(exports) {
		this.exports = exports
	}

	getExportNames() {
		return Object.keys(this.exports.names)
	}
}
`,
	"src/Bundle.js": `import { Module } from './Module.js'

export class Bundle {
	generate(modules) {
		return modules.map(m => m.getExportNames())
	}
}

export function renderChunks(bundle, modules) {
	return bundle.generate(modules)
}
`,
}

// A trace through a bundle of the repository's own package is placed by
// its functions' names: the failing method first, with a note that says
// why the bundle's lines were not used.
func TestBundleFramesPlacedByName(t *testing.T) {
	t.Parallel()
	ix := openFiles(t, bundledRepo)
	trace := "TypeError: Cannot convert undefined or null to object\n" +
		"    at Function.keys (<anonymous>)\n" +
		"    at Module.getExportNames (/home/u/app/node_modules/mylib/dist/mylib.js:1620:24)\n" +
		"    at Array.map (<anonymous>)\n" +
		"    at Bundle.generate (/home/u/app/node_modules/mylib/dist/mylib.js:1702:17)\n" +
		"    at renderChunks (/home/u/app/node_modules/mylib/dist/mylib.js:1710:9)\n" +
		"    at main (/home/u/app/build.js:4:3)\n"
	out, err := Run(t.Context(), ix, Input{Text: trace})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Suspects) < 3 || out.Suspects[0].Path != "src/Module.js" || out.Suspects[0].Line != 6 {
		t.Fatalf("want Module.getExportNames, src/Module.js:6, first:\n%s", Markdown(out))
	}
	type place struct {
		path          string
		line, printed int
	}
	placed := map[string]place{}
	for _, f := range out.Errors[0].Frames {
		if f.Built && f.InApp {
			placed[f.Func] = place{f.Path, f.Line, f.PrintedLine}
		}
	}
	want := map[string]place{"Module.getExportNames": {"src/Module.js", 6, 1620}, "Bundle.generate": {"src/Bundle.js", 4, 1702},
		"renderChunks": {"src/Bundle.js", 9, 1710}}
	for fn, p := range want {
		if placed[fn] != p {
			t.Errorf("frame %s: placed at %+v, want %+v", fn, placed[fn], p)
		}
	}
	if !strings.Contains(strings.Join(out.Notes, "\n"), "3 frame(s) are in a build of this repository's own package") {
		t.Errorf("no note on the bundle's frames: %q", out.Notes)
	}
}

// definitionLine finds where a chunk defines a name, past its doc comment:
// a keyword definition in any language, a typed signature in the
// languages that write one; a call, a return, a raise or a new is no
// definition.
func TestDefinitionLine(t *testing.T) {
	t.Parallel()
	ix := openFiles(t, map[string]string{
		"src/main/java/a/JsonReader.java": `package a;

public class JsonReader {
  /**
   * Consumes the next token.
   */
  public void beginObject() throws java.io.IOException {
    peek();
  }

  int peek() {
    return beginObject2();
  }

  Object make() {
    return new JsonReader();
  }
}
`,
		"pkg/handlers.py": `def handle(code):
    if code:
        raise HTTPError(code)
    return code
`,
	})
	for _, c := range []struct {
		path, name string
		line       int // 0: none
	}{
		{"src/main/java/a/JsonReader.java", "beginObject", 7},
		{"src/main/java/a/JsonReader.java", "peek", 11},
		{"src/main/java/a/JsonReader.java", "beginObject2", 0},
		{"pkg/handlers.py", "HTTPError", 0},
		{"pkg/handlers.py", "handle", 1},
	} {
		line := 0
		for _, ch := range ix.ChunksOf(c.path) {
			if l, ok := definitionLine(ix, ch, c.name); ok {
				line = l
				break
			}
		}
		if line != c.line {
			t.Errorf("%s: %s defined at line %d, want %d", c.path, c.name, line, c.line)
		}
	}
}

// A Python frame whose printed line falls in a class that defines the
// frame's function, while the code line the traceback printed is in
// another class's method of that name (the reporter ran another version),
// is placed where the printed code is; when two places hold it, the line
// stands.
func TestPrintedSourceOverrulesAStaleLine(t *testing.T) {
	t.Parallel()
	fields := `class Integer:
    def _validated(self, value):
        if self.strict:
            raise ValueError("not an integer")
        return int(value)


class Decimal:
    def _validated(self, value):
        num = self._format_num(value)
        return num

    def _format_num(self, value):
        return value
`
	ix := openFiles(t, map[string]string{"pkg/__init__.py": "\"\"\"Fields.\"\"\"\n", "pkg/fields.py": fields})
	trace := func(source string) string {
		return "Traceback (most recent call last):\n" +
			"  File \"/srv/.venv/lib/python3.12/site-packages/pkg/fields.py\", line 3, in _validated\n" +
			"    " + source + "\n" +
			"decimal.InvalidOperation: [<class 'decimal.ConversionSyntax'>]\n"
	}
	for _, c := range []struct {
		source, symbol string
		line           int
	}{
		{"num = self._format_num(value)", "Decimal", 9},
		{"if self.strict:", "Integer", 3},
		{"return num", "Integer", 3}, // too short to tell
	} {
		out, err := Run(t.Context(), ix, Input{Text: trace(c.source)})
		if err != nil {
			t.Fatal(err)
		}
		f := out.Errors[0].Frames[0]
		if f.Symbol != c.symbol || f.Line != c.line {
			t.Errorf("printed %q: frame at %s line %d, want %s line %d\n%s", c.source, f.Symbol, f.Line, c.symbol, c.line, Markdown(out))
		}
	}
}

// TestTraceWithoutItsException: frames pasted without the exception line
// (black#2030: the frames, then the file that failed) take the input's
// error line as their message, and the answer never shows an empty one.
func TestTraceWithoutItsException(t *testing.T) {
	t.Parallel()
	ix := openByNameRepo(t)
	keys := byNameRepo["pkg/keys.py"]
	text := "Error: INTERNAL ERROR: Black produced invalid code: invalid syntax\n\nLog file content:\n" +
		"  File \"c:\\envs\\tools\\lib\\site-packages\\pkg\\keys.py\", line " + strconv.Itoa(lineOf(keys, "data = self._read(f)")) + ", in _read_file\n" +
		"    data = self._read(f)\n" +
		"  File \"c:\\envs\\tools\\lib\\site-packages\\pkg\\keys.py\", line " + strconv.Itoa(lineOf(keys, "lines = f.readlines()")) + ", in _read\n" +
		"    lines = f.readlines()\n" +
		"import unittest\nfrom polymer.core.exceptions import short_callstack\n"
	out, err := Run(t.Context(), ix, Input{Text: text})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Errors) == 0 || len(out.Errors[0].Frames) != 2 {
		t.Fatalf("errors %+v, want one with 2 frames", out.Errors)
	}
	if e := out.Errors[0]; e.Type != "" || !strings.Contains(e.Message, "Black produced invalid code") {
		t.Errorf("type %q, message %q: want no type and the input's error line", e.Type, e.Message)
	}
	if md := Markdown(out); strings.Contains(md, "``") || strings.Contains(md, "import unittest") {
		t.Errorf("the answer shows an empty error or the pasted file as one:\n%s", md)
	}
	if len(out.Suspects) == 0 || out.Suspects[0].Symbol != "PKey._read" {
		t.Errorf("suspects %+v, want PKey._read first", out.Suspects)
	}
}

// okhttp#4722's shape: JVM frames exported by Crashlytics, with no
// exception, no "at" and a blank before each parenthesis, of a class since
// converted from Java to Kotlin. The frame is placed in the Kotlin file,
// and the reasons name "the trace", not an empty error.
func TestCrashlyticsFramesOfAClassNowInKotlin(t *testing.T) {
	t.Parallel()
	ix := openFiles(t, map[string]string{
		"okhttp/src/main/kotlin/okhttp3/internal/http/RetryAndFollowUpInterceptor.kt": `package okhttp3.internal.http

class RetryAndFollowUpInterceptor {
  fun intercept(chain: Chain): Response {
    val request = chain.request()
    while (true) {
      return chain.proceed(request)
    }
  }
}
`,
	})
	trace := "We saw it during an outage:\n\n" +
		"okhttp3.internal.connection.Transmitter.prepareToConnect (Transmitter.java:129)\n" +
		"okhttp3.internal.http.RetryAndFollowUpInterceptor.intercept (RetryAndFollowUpInterceptor.java:7)\n" +
		"...$AuthInterceptor.intercept (HttpClient.java:94)\n"
	out, err := Run(t.Context(), ix, Input{Text: trace})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Suspects) == 0 || out.Suspects[0].Path != "okhttp/src/main/kotlin/okhttp3/internal/http/RetryAndFollowUpInterceptor.kt" || out.Suspects[0].Line != 7 {
		t.Fatalf("want the Kotlin file's line 7 first:\n%s", Markdown(out))
	}
	if md := Markdown(out); strings.Contains(md, "``") || strings.Contains(md, "the failure") || !strings.Contains(md, "The trace fails at") {
		t.Errorf("the reasons should name the trace, not an empty error:\n%s", md)
	}
}
