package stack

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func shopLog(t *testing.T, name string) string {
	_, here, _, _ := runtime.Caller(0)
	return read(t, filepath.Join(filepath.Dir(here), "..", "..", "testdata", "shop", "logs", name))
}

// wantFrame is a frame a test expects: its index among the trace's frames,
// func, repo path ("" = not in the repo) and line.
type wantFrame struct {
	i    int
	fn   string
	path string
	line int
}

func TestParseRealTraces(t *testing.T) {
	cases := []struct {
		name     string
		text     string
		repo     []string
		traces   int
		trace    int // which trace to check
		lang     string
		typ, msg string
		frames   int
		want     []wantFrame
	}{
		{
			name: "go panic (shop panic.log)", text: shopLog(t, "panic.log"),
			repo:   []string{"internal/auth/service.go", "internal/sessions/janitor.go", "cmd/shopd/main.go"},
			traces: 1, lang: "go", typ: "panic", msg: "runtime error: invalid memory address or nil pointer dereference", frames: 4,
			want: []wantFrame{
				{0, "example.com/shop/internal/auth.(*Service).recordLastSeen", "internal/auth/service.go", 160},
				{1, "example.com/shop/internal/sessions.(*Janitor).Sweep", "internal/sessions/janitor.go", 64},
				{3, "main.run", "cmd/shopd/main.go", 61},
			},
		},
		{
			name: "go race (go run -race)", text: read(t, "testdata/go_race.txt"), repo: []string{"main.go"},
			traces: 1, lang: "go", typ: "data race", msg: "Read at 0x00c0000180f8 by goroutine 7", frames: 5,
			want: []wantFrame{{0, "main.(*counter).inc", "main.go", 7}, {4, "main.main", "main.go", 12}},
		},
		{
			name: "python chain, root cause first", text: read(t, "testdata/python_chained.txt"),
			repo:   []string{"app/main.py", "app/billing/invoice.py", "app/__init__.py"},
			traces: 3, trace: 0, lang: "python", typ: "ValueError", msg: "invalid literal for int() with base 10: 'x3'", frames: 3,
			want: []wantFrame{{0, "parse_amount", "app/billing/invoice.py", 2}, {2, "total", "app/billing/invoice.py", 6}},
		},
		{
			name: "python chain, what propagated", text: read(t, "testdata/python_chained.txt"),
			repo:   []string{"app/main.py", "app/billing/invoice.py"},
			traces: 3, trace: 2, lang: "python", typ: "KeyError", msg: "'missing'", frames: 2,
			want: []wantFrame{{0, "handle", "app/main.py", 8}, {1, "<module>", "app/main.py", 9}},
		},
		{
			name: "java caused by", text: read(t, "testdata/java_caused.txt"),
			repo:   []string{"src/com/acme/orders/OrderService.java"},
			traces: 2, trace: 1, lang: "java", typ: "java.lang.NumberFormatException", msg: `For input string: "ten"`, frames: 5,
			want: []wantFrame{
				{0, "java.base/java.lang.NumberFormatException.forInputString", "", 67},
				{3, "com.acme.orders.OrderService.parseQty", "src/com/acme/orders/OrderService.java", 5},
			},
		},
		{
			name: "node type error", text: read(t, "testdata/node_typeerror.txt"), repo: []string{"server.js", "lib/cart.js"},
			traces: 1, lang: "node", typ: "TypeError", msg: "Cannot read properties of undefined (reading 'toUpperCase')", frames: 10,
			want: []wantFrame{{0, "price", "lib/cart.js", 2}, {1, "Array.map", "", 0}, {3, "handle", "server.js", 2}, {5, "Module._compile", "", 1521}},
		},
		{
			name: "rust backtrace", text: read(t, "testdata/rust_backtrace.txt"), repo: []string{"src/main.rs", "src/config.rs"},
			traces: 1, lang: "rust", typ: "panic", msg: "missing config key", frames: 8,
			want: []wantFrame{{0, "__rustc::rust_begin_unwind", "", 689}, {5, "rustapp::config::load", "src/config.rs", 3}, {6, "rustapp::main", "src/main.rs", 3}},
		},
		{
			name: "rust without backtrace", text: "thread 'main' panicked at src/config.rs:3:9:\nmissing config key\nnote: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n",
			repo: []string{"src/config.rs"}, traces: 1, lang: "rust", typ: "panic", msg: "missing config key", frames: 1,
			want: []wantFrame{{0, "", "src/config.rs", 3}},
		},
		{
			name: "CRLF and a docker json-file line", text: "{\"log\":\"panic: boom\\n\",\"stream\":\"stderr\"}\r\n\r\ngoroutine 1 [running]:\r\nmain.main()\r\n\t/app/main.go:9 +0x1d\r\n",
			repo: []string{"main.go"}, traces: 1, lang: "go", typ: "panic", msg: "boom", frames: 1,
			want: []wantFrame{{0, "main.main", "main.go", 9}},
		},
		{
			// spf13/viper#1978 as pasted: blanks after a frame's offset, a
			// Windows module cache.
			name: "go panic pasted with trailing blanks", text: "panic: runtime error: invalid memory address or nil pointer dereference\n[signal 0xc0000005 code=0x0 addr=0x68 pc=0x7ff65768aa0e]\n\ngoroutine 214013 [running]:  \ngithub.com/spf13/viper.(*Viper).getConfigFile(0x32?)\n        C:/Users/u/go/pkg/mod/github.com/spf13/viper@v1.19.0/viper.go:2227 +0xe       \ngithub.com/spf13/viper.(*Viper).WatchConfig.func1() \n        C:/Users/u/go/pkg/mod/github.com/spf13/viper@v1.19.0/viper.go:450 +0xf9\ncreated by github.com/spf13/viper.(*Viper).WatchConfig in goroutine 1\t\n        C:/Users/u/go/pkg/mod/github.com/spf13/viper@v1.19.0/viper.go:442 +0x9f\n",
			// (the module cache resolves with the project's go.mod: resolve_test.go)
			repo: []string{"viper.go"}, traces: 1, lang: "go", typ: "panic", msg: "runtime error: invalid memory address or nil pointer dereference", frames: 3,
			want: []wantFrame{{0, "github.com/spf13/viper.(*Viper).getConfigFile", "", 2227}, {1, "github.com/spf13/viper.(*Viper).WatchConfig.func1", "", 450}},
		},
		{
			// black#2030: frames pasted without their exception, then the
			// file that failed.
			name: "python frames followed by other text", text: "Log file content:\n  File \"c:\\envs\\lib\\site-packages\\black\\__init__.py\", line 6141, in assert_equivalent\n    dst_ast = parse_ast(dst)\n  File \"c:\\envs\\lib\\site-packages\\black\\__init__.py\", line 6052, in parse_ast\n    return ast27.parse(src)\nimport unittest\nfrom polymer.core import x\n",
			repo: []string{"src/black/__init__.py"}, traces: 1, lang: "python", typ: "", msg: "", frames: 2,
			want: []wantFrame{{0, "parse_ast", "", 6052}, {1, "assert_equivalent", "", 6141}}, // resolved with the project: resolve_test.go
		},
		{
			// An Android crash pasted into an issue: the first frame flush
			// left, the others indented by logcat's column.
			name: "java frames flush left", text: "java.lang.IllegalArgumentException: Illegal URL: \nat retrofit2.Retrofit$Builder.baseUrl(Retrofit.java:437)\n                                                                  at com.shuf.phone.OpenVBX.getApiInstance(OpenVBX.java:110)\n",
			repo: []string{"retrofit/src/main/java/retrofit2/Retrofit.java"}, traces: 1, lang: "java", typ: "java.lang.IllegalArgumentException", msg: "Illegal URL:", frames: 2,
			want: []wantFrame{{0, "retrofit2.Retrofit$Builder.baseUrl", "retrofit/src/main/java/retrofit2/Retrofit.java", 437}},
		},
		{
			// okhttp in the field, as Crashlytics prints it: a blank before
			// each frame's parenthesis (the Play Console does the same).
			name: "jvm frames with a blank before the parenthesis", text: "java.lang.IllegalStateException: \n  at okio.AsyncTimeout$Companion.scheduleTimeout (AsyncTimeout.kt:225)\n  at okio.RealBufferedSource.readUtf8LineStrict (RealBufferedSource.kt:320)\n  at okhttp3.internal.http1.HeadersReader.readLine (HeadersReader.kt:29)\n  at okhttp3.internal.http1.Http1ExchangeCodec.readResponseHeaders (Http1ExchangeCodec.kt:178)\n",
			repo: []string{"okhttp/src/commonJvmAndroid/kotlin/okhttp3/internal/http1/HeadersReader.kt", "okhttp/src/commonJvmAndroid/kotlin/okhttp3/internal/http1/Http1ExchangeCodec.kt"}, traces: 1, lang: "java", typ: "java.lang.IllegalStateException", msg: "", frames: 4,
			want: []wantFrame{{0, "okio.AsyncTimeout$Companion.scheduleTimeout", "", 225}, {2, "okhttp3.internal.http1.HeadersReader.readLine", "okhttp/src/commonJvmAndroid/kotlin/okhttp3/internal/http1/HeadersReader.kt", 29}},
		},
		{
			// okhttp 4.x: Crashlytics' "Fatal Exception:" before the
			// exception, and a frame of a class since converted from Java to
			// Kotlin.
			name: "crashlytics fatal exception, a java frame of a class now in kotlin", text: "Fatal Exception: java.lang.IllegalStateException: state: 0\n       at okhttp3.internal.http1.Http1ExchangeCodec.readResponseHeaders(Http1ExchangeCodec.java:173)\n       at okhttp3.internal.connection.Exchange.readResponseHeaders(Exchange.kt:110)\n",
			repo: []string{"okhttp/src/commonJvmAndroid/kotlin/okhttp3/internal/http1/Http1ExchangeCodec.kt", "okhttp/src/commonJvmAndroid/kotlin/okhttp3/internal/connection/Exchange.kt"}, traces: 1, lang: "java", typ: "java.lang.IllegalStateException", msg: "state: 0", frames: 2,
			want: []wantFrame{{0, "okhttp3.internal.http1.Http1ExchangeCodec.readResponseHeaders", "okhttp/src/commonJvmAndroid/kotlin/okhttp3/internal/http1/Http1ExchangeCodec.kt", 173}},
		},
		{
			// okhttp#4722: Crashlytics' export, no exception, no "at", the
			// reporter's package elided, ProGuard's "Unknown Source".
			name: "jvm frames without at or exception", text: "We saw it during an outage.\n\nokhttp3.internal.connection.Transmitter.prepareToConnect (Transmitter.java:129)\nokhttp3.internal.http.RetryAndFollowUpInterceptor.intercept (RetryAndFollowUpInterceptor.java:79)\n...$AuthInterceptor.intercept (HttpClient.java:94)\nokhttp3.RealCall$AsyncCall.execute (Unknown Source)\n\nAny idea?\n",
			repo: []string{"okhttp/src/main/java/okhttp3/internal/connection/Transmitter.java", "okhttp/src/main/kotlin/okhttp3/RealCall.kt"}, traces: 1, lang: "java", typ: "", msg: "", frames: 4,
			want: []wantFrame{{0, "okhttp3.internal.connection.Transmitter.prepareToConnect", "okhttp/src/main/java/okhttp3/internal/connection/Transmitter.java", 129}, {2, "...$AuthInterceptor.intercept", "", 94}, {3, "okhttp3.RealCall$AsyncCall.execute", "okhttp/src/main/kotlin/okhttp3/RealCall.kt", 0}},
		},
		{
			// typer's pretty exceptions (rich), as pasted in linkding-cli#581:
			// the box, frames with source lines, the exception after it.
			name: "rich traceback", text: "╭───── Traceback (most recent call last) ─────╮\n" +
				"│ /home/u/.venv/lib/python3.10/site-packages/typer/main.py:323 in __call__│\n" +
				"│                                              │\n" +
				"│ C:\\Users\\me\\Lib\\site-packages\\click\\core.py:1442 in __call__ │\n" +
				"│ /home/u/.venv/lib/python3.10/site-packages/typer/core.py:195 in _main   │\n" +
				"│    194 │   │   │   │   if e.errno == errno.EPIPE:   │\n" +
				"│ ❱  195 │   │   │   │   │   raise                    │\n" +
				"│                                              │\n" +
				"│ ╭──── locals ────╮                           │\n" +
				"│ │ e = OSError()  │                           │\n" +
				"│ ╰────────────────╯                           │\n" +
				"╰──────────────────────────────────────────────╯\n" +
				"TypeError: Parameter.make_metavar() missing 1 required positional argument: 'ctx'\n",
			repo: []string{"typer/main.py", "typer/core.py"}, traces: 1, lang: "python", typ: "TypeError", msg: "Parameter.make_metavar() missing 1 required positional argument: 'ctx'", frames: 3,
			want: []wantFrame{{0, "_main", "", 195}, {1, "__call__", "", 1442}, {2, "__call__", "", 323}}, // site-packages resolve with the project: resolve_test.go
		},
		{
			// shell_gpt#182: a rich traceback pasted from a frame on, and a
			// frame of a frozen module.
			name: "rich traceback without its top border", text: "```sh\n│ in _run_module_as_main:198          │\n│                                      │\n│ C:\\Python\\Lib\\site-packages\\typer\\core.py:190 in _main │\n╰──────────────────────────────────────╯\nAttributeError: module 'click.utils' has no attribute '_expand_args'\n```\n",
			repo: []string{"typer/core.py"}, traces: 1, lang: "python", typ: "AttributeError", msg: "module 'click.utils' has no attribute '_expand_args'", frames: 2,
			want: []wantFrame{{0, "_main", "", 190}, {1, "_run_module_as_main", "", 198}},
		},
		{
			// fd#678: other threads' panics printed inside the backtrace.
			name: "rust backtrace with other threads' panics inside it", text: "thread '<unnamed>' panicked at 'called `Result::unwrap()` on an `Err` value: \"SendError(..)\"', src/walk.rs:371:21\nstack backtrace:\n" +
				"thread '<unnamed>' panicked at 'called `Result::unwrap()` on an `Err` value: \"SendError(..)\"', src/walk.rs:371:21\n" +
				"   0: <std::sys_common::backtrace::_print::DisplayBacktrace as core::fmt::Display>::fmt\n   1: core::result::unwrap_failed\n" +
				"   2: fd::walk::spawn_senders::{{closure}}::{{closure}}\n   3: <ignore::walk::FnVisitorImp as ignore::walk::ParallelVisitor>::visit\n",
			// (a release build's backtrace, without files: the location is
			// where the first frame past the standard library panicked)
			repo: []string{"src/walk.rs"}, traces: 1, lang: "rust", typ: "panic", msg: "called `Result::unwrap()` on an `Err` value: \"SendError(..)\"", frames: 4,
			want: []wantFrame{{1, "core::result::unwrap_failed", "", 0}, {2, "fd::walk::spawn_senders::{{closure}}::{{closure}}", "src/walk.rs", 371}},
		},
		{
			name: "stack inside a zap JSON record", text: `{"level":"error","msg":"handler failed","stacktrace":"TypeError: x is not a function\n    at run (/srv/app/lib/cart.js:4:3)"}`,
			repo: []string{"lib/cart.js"}, traces: 1, lang: "node", typ: "TypeError", msg: "x is not a function", frames: 1,
			want: []wantFrame{{0, "run", "lib/cart.js", 4}},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			traces := Parse(c.text)
			NewResolver(c.repo).Resolve(traces)
			if len(traces) != c.traces {
				t.Fatalf("%d traces, want %d: %+v", len(traces), c.traces, traces)
			}
			tr := traces[c.trace]
			if tr.Lang != c.lang || tr.Type != c.typ || tr.Message != c.msg {
				t.Errorf("lang/type/message = %q %q %q, want %q %q %q", tr.Lang, tr.Type, tr.Message, c.lang, c.typ, c.msg)
			}
			if len(tr.Frames) != c.frames {
				t.Fatalf("%d frames, want %d: %+v", len(tr.Frames), c.frames, tr.Frames)
			}
			for _, w := range c.want {
				f := tr.Frames[w.i]
				if f.Func != w.fn || f.Path != w.path || f.Line != w.line || f.InApp != (w.path != "") {
					t.Errorf("frame %d = %q %q:%d in_app=%v, want %q %q:%d", w.i, f.Func, f.Path, f.Line, f.InApp, w.fn, w.path, w.line)
				}
			}
		})
	}
}

// TestRichTracebackSource: the line rich marks with ❱ is the innermost
// frame's printed source, without the box's indent guides.
func TestRichTracebackSource(t *testing.T) {
	text := "│ /x/site-packages/typer/core.py:195 in _main   │\n│    194 │   │   if e.errno == errno.EPIPE:   │\n│ ❱  195 │   │   │   raise ValueError(x)      │\n╰────────╯\nValueError: x\n"
	traces := Parse(text)
	if len(traces) != 1 || len(traces[0].Frames) != 1 || traces[0].Frames[0].Source != "raise ValueError(x)" {
		t.Fatalf("traces %+v, want one frame with source %q", traces, "raise ValueError(x)")
	}
}

func TestWorkerLogHasEveryCrash(t *testing.T) {
	text := shopLog(t, "worker.log")
	traces := Parse(text)
	want := strings.Count(text, "\npanic: ")
	if strings.HasPrefix(text, "panic: ") {
		want++
	}
	if want == 0 || len(traces) != want {
		t.Fatalf("%d traces, the log has %d panics", len(traces), want)
	}
	lines := strings.Split(text, "\n")
	for _, tr := range traces {
		if !strings.HasPrefix(lines[tr.StartLine-1], "panic: ") || !strings.HasPrefix(lines[tr.EndLine-1], "\t") {
			t.Errorf("trace spans lines %d-%d: %q … %q", tr.StartLine, tr.EndLine, lines[tr.StartLine-1], lines[tr.EndLine-1])
		}
		if len(tr.Frames) != 4 || !tr.Frames[3].CreatedBy {
			t.Errorf("frames: %+v", tr.Frames)
		}
	}
}

func TestParseNothing(t *testing.T) {
	for _, s := range []string{"", "\n\n", "all good\nat noon we ate\n", "\x00\xff\xfe binary \x01", "panic: no stack"} {
		traces := Parse(s)
		if s == "panic: no stack" {
			if len(traces) != 1 || len(traces[0].Frames) != 0 {
				t.Errorf("%q: %+v", s, traces)
			}
			continue
		}
		if len(traces) != 0 {
			t.Errorf("%q: %+v", s, traces)
		}
	}
}

func TestSymbol(t *testing.T) {
	for _, c := range []struct{ lang, fn, want string }{
		{"go", "example.com/shop/internal/auth.(*Service).recordLastSeen", "auth.Service.recordLastSeen"},
		{"go", "example.com/shop/internal/sessions.(*Janitor).Run.func1", "sessions.Janitor.Run"},
		{"go", "main.run", "main.run"},
		{"java", "app//com.acme.orders.OrderService$Line.place", "OrderService.Line.place"},
		{"java", "retrofit2.Retrofit$Builder.baseUrl", "Retrofit.Builder.baseUrl"},
		{"java", "com.shuf.phone.LoginActivity1$1.onClick", "LoginActivity1.onClick"},
		{"java", "com.acme.Main$$Lambda$12/0x0000000800c0b448.run", "Main.run"},
		{"rust", "rustapp::config::load", "config.load"},
		{"rust", "<rustfmt_nightly::visitor::FmtVisitor>::format_missing_indent", "FmtVisitor.format_missing_indent"},
		{"rust", "<rustfmt_nightly::lists::ListItems<'a, I, F1, F2, F3> as core::iter::iterator::Iterator>::next", "ListItems.next"},
		{"rust", "<alacritty::event::Processor<N>>::handle_event::hcbab74fd6e05e51a", "Processor.handle_event"},
		{"rust", "<mycrate::de::Deserializer<R>>::parse::{{closure}}::{{closure}}", "Deserializer.parse"},
		{"node", "async Object.handle", "handle"},
	} {
		if got := Symbol(c.lang, c.fn); got != c.want {
			t.Errorf("Symbol(%s, %q) = %q, want %q", c.lang, c.fn, got, c.want)
		}
	}
}

// TestTracesQuotedInCommits parses traces as people paste them into commit
// messages of real projects (prometheus, flask; the files under
// testdata/commits are those messages verbatim): re-indented, stripped of
// tabs, behind syslog prefixes, from vendored copies, with Windows paths.
func TestTracesQuotedInCommits(t *testing.T) {
	prom := NewResolver([]string{"tsdb/exemplar.go", "tsdb/head_wal.go", "tsdb/head_append.go", "tsdb/db.go",
		"model/histogram/generic.go", "model/histogram/histogram.go", "rules/manager.go"}).WithModules("github.com/prometheus/prometheus")
	flask := NewResolver([]string{"flask/app.py", "flask/_compat.py", "flask/cli.py", "flask/__main__.py", "flask/helpers.py"})
	for _, c := range []struct {
		file     string
		r        *Resolver
		msg      string
		firstApp wantFrame
	}{
		{"prometheus-a19852de99.txt", prom, "runtime error: index out of range [-1]", wantFrame{0, "github.com/prometheus/prometheus/tsdb.(*CircularExemplarStorage).validateExemplar", "tsdb/exemplar.go", 260}},
		{"prometheus-f0521cf960.txt", prom, "runtime error: index out of range [0] with length 0", wantFrame{3, "github.com/prometheus/prometheus/model/histogram.compactBuckets[...].func1", "model/histogram/generic.go", 290}},
		{"prometheus-650dc146db.txt", prom, "runtime error: invalid memory address or nil pointer dereference", wantFrame{0, "github.com/prometheus/prometheus/tsdb.(*headAppender).Commit", "tsdb/head_append.go", 855}},
		{"prometheus-a3bb2378c0.txt", prom, "close of closed channel", wantFrame{1, "github.com/prometheus/prometheus/rules.(*Manager).ApplyConfig.func1", "rules/manager.go", 412}},
		{"flask-7a7a163f.txt", flask, "No module named whatisthisidonteven", wantFrame{1, "locate_app", "flask/cli.py", 91}},
		{"flask-8bb71852.txt", flask, "'bool' object is not callable", wantFrame{3, "make_response", "flask/app.py", 2070}},
	} {
		t.Run(c.file, func(t *testing.T) {
			traces := Parse(read(t, "testdata/commits/"+c.file))
			c.r.Resolve(traces)
			if len(traces) == 0 {
				t.Fatal("no trace")
			}
			tr := traces[0]
			if tr.Message != c.msg {
				t.Errorf("message %q, want %q", tr.Message, c.msg)
			}
			w := c.firstApp
			if len(tr.Frames) <= w.i {
				t.Fatalf("frames: %+v", tr.Frames)
			}
			for i := 0; i < w.i; i++ {
				if tr.Frames[i].InApp {
					t.Errorf("frame %d (%s %s) is in app; the first in-app frame should be #%d", i, tr.Frames[i].Func, tr.Frames[i].File, w.i)
				}
			}
			f := tr.Frames[w.i]
			if f.Func != w.fn || f.Path != w.path || f.Line != w.line || !f.InApp {
				t.Errorf("frame %d = %q %q:%d in_app=%v, want %q %q:%d", w.i, f.Func, f.Path, f.Line, f.InApp, w.fn, w.path, w.line)
			}
		})
	}
	// No frame of flask's own in the werkzeug-only traceback.
	traces := Parse(read(t, "testdata/commits/flask-0049922f.txt"))
	flask.Resolve(traces)
	if len(traces) != 1 || traces[0].Type != "UnicodeEncodeError" {
		t.Fatalf("%+v", traces)
	}
	for _, f := range traces[0].Frames {
		if f.InApp {
			t.Errorf("in app: %+v", f)
		}
	}
}

// An installed copy of the repository's own Python package is the
// repository's code; other installed packages stay libraries.
func TestOwnPythonPackageUnderSitePackages(t *testing.T) {
	r := NewResolver([]string{"werkzeug/debug/__init__.py", "werkzeug/serving.py", "flask/app.py"}).WithPackages("werkzeug")
	for _, c := range []struct{ file, want string }{
		{"/Users/p/lib/python3.5/site-packages/werkzeug/debug/__init__.py", "werkzeug/debug/__init__.py"},
		{"/usr/lib/python3/dist-packages/werkzeug/serving.py", "werkzeug/serving.py"},
		{"/Users/p/lib/python3.5/site-packages/flask/app.py", ""},
		{"/Users/p/lib/python3.5/re.py", ""},
	} {
		if got := r.File("python", "f", c.file); got != c.want {
			t.Errorf("File(%q) = %q, want %q", c.file, got, c.want)
		}
	}
}

// A traceback quoted with "> " (Markdown, e-mail) parses like a printed one
// (werkzeug b2ea63f76c's commit message).
func TestQuotedTraceback(t *testing.T) {
	text := `While working on a Flask application, I ran into the following backtrace:

> Traceback (most recent call last):
> File "/path/to/venv/lib/python2.7/site-packages/werkzeug/wsgi.py", line 682, in __next__
>     return self._next()
> File "/path/to/venv/lib/python2.7/site-packages/werkzeug/wrappers.py", line 82, in _iter_encoded
>     for item in iterable:
> TypeError: 'NoneType' object is not iterable
`
	traces := Parse(text)
	if len(traces) != 1 || traces[0].Type != "TypeError" || len(traces[0].Frames) != 2 {
		t.Fatalf("traces: %+v", traces)
	}
	if f := traces[0].Frames[0]; f.Func != "_iter_encoded" || f.Line != 82 {
		t.Errorf("innermost frame %+v", f)
	}
}

// testify's assert.NotPanics prints the panic inside its message column;
// it parses as the Go panic it is (gin 0aae1ab6's regression test at the
// fix's parent).
func TestTestifyNotPanics(t *testing.T) {
	text := "--- FAIL: TestContextPostFormOnEmptyRequest (0.00s)\n" +
		"    context_test.go:908: \n" +
		"        \tError Trace:\t/tmp/rt/gin/context_test.go:908\n" +
		"        \tError:      \tfunc (assert.PanicTestFunc)(0xf231e0) should not panic\n" +
		"        \t            \t\tPanic value:\truntime error: invalid memory address or nil pointer dereference\n" +
		"        \t            \t\tPanic stack:\tgoroutine 21 [running]:\n" +
		"        \t            \truntime/debug.Stack()\n" +
		"        \t            \t\t/usr/local/go/src/runtime/debug/stack.go:26 +0x5e\n" +
		"        \t            \tgithub.com/gin-gonic/gin.(*Context).initFormCache(0x1a7e476b0700)\n" +
		"        \t            \t\t/tmp/rt/gin/context.go:652 +0x7a\n" +
		"        \t            \tgithub.com/gin-gonic/gin.(*Context).GetPostForm(0x1a7e476b0700, {0x11edcce, 0x5})\n" +
		"        \t            \t\t/tmp/rt/gin/context.go:635 +0x25\n" +
		"        \tTest:       \tTestContextPostFormOnEmptyRequest\n"
	traces := Parse(text)
	if len(traces) != 1 {
		t.Fatalf("traces: %+v", traces)
	}
	tr := traces[0]
	if tr.Message != "runtime error: invalid memory address or nil pointer dereference" || len(tr.Frames) != 3 {
		t.Fatalf("trace: %+v", tr)
	}
	if f := tr.Frames[1]; f.Func != "github.com/gin-gonic/gin.(*Context).initFormCache" || f.File != "/tmp/rt/gin/context.go" || f.Line != 652 {
		t.Errorf("frame 1: %+v", f)
	}
}

// Two files end in the frame's last components; the one the frame's path
// names in full wins (alertmanager 5ce63f6ab0: config/config.go, not
// cli/config/config.go, for /home/u/get/f-alertmanager/config/config.go).
func TestSuffixTieGoesToTheWholeMatch(t *testing.T) {
	r := NewResolver([]string{"cli/config/config.go", "config/config.go", "a/x/util.go", "b/x/util.go"})
	for _, c := range []struct{ file, want string }{
		{"/home/u/get/f-alertmanager/config/config.go", "config/config.go"},
		{"/src/cli/config/config.go", "cli/config/config.go"},
		{"/src/c/x/util.go", ""}, // a true tie stays unresolved
	} {
		if got := r.File("go", "f", c.file); got != c.want {
			t.Errorf("File(%q) = %q, want %q", c.file, got, c.want)
		}
	}
}

// Two race reports pasted without their "=====" separators are two
// traces, and the first frame of each access is marked (caddy d816a2a1e1).
func TestRaceReportsBackToBack(t *testing.T) {
	text := `  WARNING: DATA RACE
  Write at 0x00c000a5ca90 by main goroutine:
    github.com/caddyserver/caddy/v2/modules/caddypki.(*PKI).renewCertsForCA()
        modules/caddypki/maintain.go:89
    github.com/caddyserver/caddy/v2/modules/caddypki.(*PKI).renewCerts()
        modules/caddypki/maintain.go:60
  Previous read at 0x00c000a5ca90 by goroutine 176:
    github.com/caddyserver/caddy/v2/modules/caddypki.(*CA).NewAuthority()
        modules/caddypki/ca.go:199

  WARNING: DATA RACE
  Write at 0x00c000a5cc28 by main goroutine:
    github.com/caddyserver/caddy/v2/modules/caddytls.(*TLS).keepStorageClean()
        modules/caddytls/tls.go:789
`
	traces := Parse(text)
	if len(traces) != 2 {
		t.Fatalf("%d traces, want 2: %+v", len(traces), traces)
	}
	var access []int
	for _, f := range traces[0].Frames {
		access = append(access, map[bool]int{true: f.Line}[f.Access])
	}
	if len(access) != 3 || access[0] != 89 || access[1] != 0 || access[2] != 199 {
		t.Errorf("access frames of the first report: %v, want [89 0 199]", access)
	}
	if len(traces[1].Frames) != 1 || traces[1].Frames[0].Line != 789 || !traces[1].Frames[0].Access {
		t.Errorf("second report: %+v", traces[1])
	}
}

// An error printed with its stack (github.com/pkg/errors' %+v) has no
// goroutine header; its frames still parse, the line before is the
// message (helm 071646cc6c).
func TestErrorWithStack(t *testing.T) {
	text := "Error: failed to fetch https://example.com/c.tgz : 404 Not Found\n" +
		"helm.go:75: [debug] failed to fetch https://example.com/c.tgz : 404 Not Found\n" +
		"helm.sh/helm/v3/pkg/getter.(*HTTPGetter).get\n" +
		"        /home/circleci/helm.sh/helm/pkg/getter/httpgetter.go:72\n" +
		"helm.sh/helm/v3/pkg/downloader.(*ChartDownloader).DownloadTo\n" +
		"        /home/circleci/helm.sh/helm/pkg/downloader/chart_downloader.go:97\n" +
		"main.main\n" +
		"        /home/circleci/helm.sh/helm/cmd/helm/helm.go:74\n" +
		"runtime.goexit\n" +
		"        /usr/local/go/src/runtime/asm_amd64.s:1357\n"
	traces := Parse(text)
	if len(traces) != 1 || traces[0].Type != "error" || len(traces[0].Frames) != 3 {
		t.Fatalf("traces: %+v", traces)
	}
	tr := traces[0]
	if !strings.Contains(tr.Message, "404 Not Found") || tr.Frames[1].Func != "helm.sh/helm/v3/pkg/downloader.(*ChartDownloader).DownloadTo" || tr.Frames[1].Line != 97 {
		t.Errorf("trace: %+v", tr)
	}
	// One function / file pair alone is no stack.
	if got := Parse("doing x\nmain.main\n\t/src/main.go:10\n"); len(got) != 0 {
		t.Errorf("a lone pair parsed as %+v", got)
	}
}

// A paste that ends on a function line, its file line cut off, keeps that
// frame; a trace followed by ordinary lines gains none.
func TestGoFrameCutAtTheEnd(t *testing.T) {
	const dump = "goroutine 227 [semacquire, 2 minutes]:\n" +
		"sync.(*WaitGroup).Wait(0xc00059a75c)\n" +
		"\t/usr/local/go/src/sync/waitgroup.go:130 +0x64\n" +
		"google.golang.org/grpc.(*Server).GracefulStop(0xc00059a600)"
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"cut at the end", dump, []string{"sync.(*WaitGroup).Wait", "google.golang.org/grpc.(*Server).GracefulStop"}},
		{"cut before a blank line", dump + "\n\nthat is all we saw\n", []string{"sync.(*WaitGroup).Wait", "google.golang.org/grpc.(*Server).GracefulStop"}},
		{"a file name after the trace", strings.TrimSuffix(dump, "google.golang.org/grpc.(*Server).GracefulStop(0xc00059a600)") + "main.go\n", []string{"sync.(*WaitGroup).Wait"}},
		{"a log line after the trace", strings.TrimSuffix(dump, "google.golang.org/grpc.(*Server).GracefulStop(0xc00059a600)") + "level=info msg=done\n", []string{"sync.(*WaitGroup).Wait"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			traces := Parse(tt.text)
			if len(traces) != 1 {
				t.Fatalf("%d traces: %+v", len(traces), traces)
			}
			var got []string
			for _, f := range traces[0].Frames {
				got = append(got, f.Func)
			}
			if strings.Join(got, " | ") != strings.Join(tt.want, " | ") {
				t.Errorf("frames %v, want %v", got, tt.want)
			}
		})
	}
}

// Shapes of real reports that parsed to nothing: a traceback pasted
// without its "Traceback" line (pylint aa292013c, sphinx c84dad28e9,
// quoted by their fix commits; one frame of it, sphinx #9404), a JVM exception with a blank line before
// its frames (jackson-databind #4878), a goroutine's stack pasted
// without its header, arguments and all (pgx #1827), Rust panics in the
// old format indented or spanning lines (cargo dd5806d14, serde_json
// c9bff92), and a Go panic copied from a GitHub
// Actions log, every line behind the runner's timestamp (syncthing
// fb939ec49).
func TestHeadlessAndPrefixedTraces(t *testing.T) {
	cases := []struct {
		name, text, lang, typ string
		frames                int
		first                 wantFrame // Frames[0], innermost; path unused
	}{
		{
			name: "python frames without the Traceback line (pylint aa292013c)",
			text: "Fixes:\n```\n" +
				"  File \"python3.10/site-packages/pylint/utils/ast_walker.py\", line 91, in walk\n" +
				"    callback(astroid)\n" +
				"  File \"python3.10/site-packages/pylint/checkers/refactoring/refactoring_checker.py\", line 2369, in _get_start_value\n" +
				"    return node.operand.value, HIGH\n" +
				"AttributeError: 'Name' object has no attribute 'value'\n```\n\nCrash is reproducible if you have something like this:\n",
			lang: "python", typ: "AttributeError", frames: 2,
			first: wantFrame{fn: "_get_start_value", line: 2369},
		},
		{
			name: "indented python frames without the Traceback line (sphinx c84dad28e9)",
			text: "Otherwise the build can fail with the following error:\n\n" +
				"      File \"/usr/lib/python2.7/dist-packages/sphinx/environment.py\", line 791, in read_doc\n" +
				"        pub.publish()\n" +
				"      File \"/usr/lib/python2.7/dist-packages/sphinx/transforms.py\", line 124, in apply\n" +
				"        if has_child(node.parent, nodes.caption):\n" +
				"      File \"/usr/lib/python2.7/dist-packages/sphinx/transforms.py\", line 117, in has_child\n" +
				"        return any(isinstance(child, cls) for child in node)\n" +
				"    TypeError: 'NoneType' object is not iterable\n\nThe error could be reproduced with lp:autopilot/legacy branch.\n",
			lang: "python", typ: "TypeError", frames: 3,
			first: wantFrame{fn: "has_child", line: 117},
		},
		{
			name: "one python frame after Sphinx's 'Exception occurred:' (sphinx #9404)",
			text: "reading sources... [  6%] api\nException occurred:\n" +
				"  File \"/usr/lib/python3.8/site-packages/sphinx/util/typing.py\", line 112, in restify\n" +
				"    elif cls in INVALID_BUILTIN_CLASSES:\nTypeError: unhashable type: 'LookupDict'\nThe full traceback has been saved in /tmp/sphinx-err-0z5530lc.log\n",
			lang: "python", typ: "TypeError", frames: 1,
			first: wantFrame{fn: "restify", line: 112},
		},
		{
			name: "flush-left python frames end at the exception line",
			text: "File \"a.py\", line 1, in <module>\n    f()\nFile \"a.py\", line 3, in f\n    1/0\nZeroDivisionError: division by zero\nunrelated line\n",
			lang: "python", typ: "ZeroDivisionError", frames: 2,
			first: wantFrame{fn: "f", line: 3},
		},
		{
			name: "JVM exception with a blank line before its frames (jackson-databind #4878)",
			text: "```\ncom.fasterxml.jackson.databind.JsonMappingException: Cannot invoke \"JsonSerializer.serialize()\" because \"keySerializer\" is null\n\n" +
				"\tat com.fasterxml.jackson.databind.JsonMappingException.wrapWithPath(JsonMappingException.java:400)\n" +
				"\tat com.fasterxml.jackson.databind.ser.std.MapSerializer.serializeFields(MapSerializer.java:810)\n```\n",
			lang: "java", typ: "com.fasterxml.jackson.databind.JsonMappingException", frames: 2,
			first: wantFrame{fn: "com.fasterxml.jackson.databind.JsonMappingException.wrapWithPath", line: 400},
		},
		{
			name: "go stack pasted from its panic frame on, with arguments and no header (pgx #1827)",
			text: "```\npanic({0x2db5660?, 0x555c7e0?})\n\t/usr/local/go/src/runtime/panic.go:914 +0x21f\n" +
				"github.com/jackc/pgx/v5/pgconn.(*Pipeline).Sync(0xc00bdd60c0)\n\t/go/pkg/mod/github.com/jackc/pgx/v5@v5.5.0/pgconn/pgconn.go:2000 +0x16\n" +
				"github.com/jackc/pgx/v5.(*Conn).QueryRow(...)\n\t/go/pkg/mod/github.com/jackc/pgx/v5@v5.5.0/conn.go:874\n```\n",
			lang: "go", typ: "error", frames: 3,
			first: wantFrame{fn: "panic", line: 914},
		},
		{
			name: "indented rust panic in the format before 1.73 (cargo dd5806d14)",
			text: "    {\"success\":\"true\"}\n    thread 'main' panicked at 'called `Result::unwrap()` on an `Err` value: Error(\"path contains invalid UTF-8 characters\", line: 0, column: 0)', /rustc/a5a775e3f9e8043dad405e00aee0ae60882a7b71/src/tools/cargo/src/cargo/core/shell.rs:346:51\n    note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n",
			lang: "rust", typ: "panic", frames: 1,
			first: wantFrame{line: 346},
		},
		{
			name: "rust panic whose message spans lines (serde_json c9bff92)",
			text: "Caught by test_partialeq_number:\n\n    thread 'test_partialeq_number' panicked at 'assertion failed: `(left == right)`\n      left: `-3.4028235e38`,\n     right: `Number(-3.4028235e38)`', tests/test.rs:2033:5\n",
			lang: "rust", typ: "panic", frames: 1,
			first: wantFrame{line: 2033},
		},
		{
			name: "rust panic of Rust 1.x before columns were printed (clap #410)",
			text: "thread '<main>' panicked at 'index out of bounds: the len is 1 but the index is 1', /home/cite-reader/.multirust/toolchains/stable/cargo/registry/src/github.com-88ac128001ac3a9a/clap-2.0.2/src/osstringext.rs:42\n",
			lang: "rust", typ: "panic", frames: 1,
			first: wantFrame{line: 42},
		},
		{
			name: "rust panic whose pasted backtrace stops before the panic's location (clap #4473)",
			text: "thread 'main' panicked at 'unexpected invalid UTF-8 code point', /home/matklad/.cargo/registry/src/github.com-1ecc6299db9ec823/clap-4.0.22/src/parser/parser.rs:176:53\n" +
				"stack backtrace:\n   0: rust_begin_unwind\n             at /rustc/e080cc5a659fb760c0bc561b722a790dad35b5e1/library/std/src/panicking.rs:575:5\n" +
				"   1: core::panicking::panic_fmt\n             at /rustc/e080cc5a659fb760c0bc561b722a790dad35b5e1/library/core/src/panicking.rs:65:14\n",
			lang: "rust", typ: "panic", frames: 3,
			first: wantFrame{line: 176},
		},
		{
			name: "rust panic whose backtrace holds the panic's location keeps it once",
			text: "thread 'main' panicked at src/main.rs:302:42:\ncalled `Result::unwrap()` on an `Err` value: ParseIntError { kind: Empty }\nstack backtrace:\n" +
				"   0: rust_begin_unwind\n             at /rustc/82e1608dfa6e0b5569232559e3d385fea5a93112/library/std/src/panicking.rs:645:5\n" +
				"   1: vayu::pomodoro\n             at ./src/main.rs:302:22\n   2: vayu::main\n             at ./src/main.rs:150:9\n",
			lang: "rust", typ: "panic", frames: 3,
			first: wantFrame{fn: "rust_begin_unwind", line: 645},
		},
		{
			name: "rust backtrace whose frame prints the locations of inlined calls (bat #15)",
			text: "thread 'main' panicked at 'no entry found for key', libcore/option.rs:917:5\nstack backtrace:\n" +
				"   0: std::panicking::default_hook::{{closure}}\n             at libstd/sys_common/backtrace.rs:59\n             at libstd/panicking.rs:380\n" +
				"   1: core::option::expect_failed\n             at libcore/option.rs:917\n   2: bat::main\n   3: std::rt::lang_start::{{closure}}\n",
			lang: "rust", typ: "panic", frames: 5,
			first: wantFrame{fn: "std::panicking::default_hook::{{closure}}", line: 59},
		},
		{
			name: "old rust panic whose message quotes blank lines (rustfmt #5739)",
			text: "thread 'main' panicked at 'byte index 48 is not a char boundary; it is inside '\\u{2029}' (bytes 47..50) of `// compile-flags: -Z dump-mir-spanview=block\n\n\n \n`', src/tools/rustfmt/src/missed_spans.rs:215:29\n" +
				"stack backtrace:\n   0: rust_begin_unwind\n             at /rustc/2eaeb1eee1b21772de8b935236d16ff8e03fdcf5/library/std/src/panicking.rs:577:5\n" +
				"   4: <rustfmt_nightly::visitor::FmtVisitor>::format_missing_indent\n",
			lang: "rust", typ: "panic", frames: 3,
			first: wantFrame{line: 215},
		},
		{
			name: "rust backtrace pasted without its panic line (rustfmt #2995)",
			text: "```\nstack backtrace:\n   8: core::str::slice_error_fail\n             at libcore/str/mod.rs:0\n" +
				"  10: <rustfmt_nightly::lists::ListItems<'a, I, F1, F2, F3> as core::iter::iterator::Iterator>::next\n  13: rustfmt_nightly::expr::format_expr\n```\n",
			lang: "rust", typ: "panic", frames: 3,
			first: wantFrame{fn: "core::str::slice_error_fail", line: 0},
		},
		{
			name: "node error header without frames, quoted twice (webpack 3bd930eb8)",
			text: "I currently experience these errors a lot:\n\n>> [...]/node_modules/webpack/lib/json/JsonGenerator.js:119\n>>   let data = module.buildInfo.jsonData;\n>>                                               ^\n>>   TypeError: Cannot read property 'jsonData' of undefined\n",
			lang: "node", typ: "TypeError", frames: 1,
			first: wantFrame{line: 119},
		},
		{
			name: "python error as cleo (poetry) prints it (virtualenv 9d2af790)",
			text: "```python\nModuleNotFoundError\n  No module named 'virtualenv.discovery.info'\n  at .venv/lib/python3.9/site-packages/virtualenv/discovery/py_info.py:663 in _possible_base\n```\n",
			lang: "python", typ: "ModuleNotFoundError", frames: 1,
			first: wantFrame{fn: "_possible_base", line: 663},
		},
		{
			name: "python traceback as IPython 8 prints it (httpx 7073d95c)",
			text: "Exception:\nFile /usr/local/lib/python3.11/dist-packages/httpx/_urlparse.py:411, in normalize_port(port, scheme)\n409 port_as_int = int(port)\n410 except ValueError:\n--> 411 raise InvalidURL(f\"Invalid port: {port!r}\")\n413 # See https://url.spec.whatwg.org/#url-miscellaneous\n\nInvalidURL: Invalid port: ':'\n",
			lang: "python", typ: "InvalidURL", frames: 1,
			first: wantFrame{fn: "normalize_port", line: 411},
		},
		{
			name: "IPython 8 traceback of two frames, innermost last",
			text: "Cell In[3], line 1\n----> 1 f()\n\nFile ~/work/app/mod.py:3, in f()\n      1 def f():\n----> 3     g(0)\n\nFile ~/work/app/mod.py:7, in g(x)\n----> 7     return 1 / x\n\nZeroDivisionError: division by zero\n",
			lang: "python", typ: "ZeroDivisionError", frames: 2,
			first: wantFrame{fn: "g", line: 7},
		},
		{
			name: "go panic behind GitHub Actions timestamps (syncthing fb939ec49)",
			text: "2024-09-29T21:01:53.5425372Z === RUN   TestIssue4357\n" +
				"2024-09-29T21:01:53.5505943Z panic: runtime error: integer divide by zero [recovered]\n" +
				"2024-09-29T21:01:53.5512200Z \tpanic: runtime error: integer divide by zero\n" +
				"2024-09-29T21:01:53.5516633Z\n" +
				"2024-09-29T21:01:53.5523018Z goroutine 2655 [running]:\n" +
				"2024-09-29T21:01:53.5566616Z github.com/syncthing/syncthing/lib/model.(*model).numHashers(0xc0006f6180, {0x117dc1a, 0x7})\n" +
				"2024-09-29T21:01:53.5568061Z \t/home/runner/work/syncthing/syncthing/lib/model/model.go:2581 +0x210\n" +
				"2024-09-29T21:01:53.5569912Z github.com/syncthing/syncthing/lib/model.(*folder).scanSubdirsChangedAndNew(0xc00c38c808, {0x0, 0x0, 0x0}, 0xc0003fc060)\n" +
				"2024-09-29T21:01:53.5571612Z \t/home/runner/work/syncthing/syncthing/lib/model/folder.go:653 +0x250\n",
			lang: "go", typ: "panic", frames: 2,
			first: wantFrame{fn: "github.com/syncthing/syncthing/lib/model.(*model).numHashers", line: 2581},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			traces := Parse(c.text)
			if len(traces) != 1 {
				t.Fatalf("%d traces, want 1: %+v", len(traces), traces)
			}
			tr := traces[0]
			if tr.Lang != c.lang || tr.Type != c.typ || len(tr.Frames) != c.frames {
				t.Fatalf("got %s %q with %d frames, want %s %q with %d", tr.Lang, tr.Type, len(tr.Frames), c.lang, c.typ, c.frames)
			}
			if f := tr.Frames[0]; f.Func != c.first.fn || f.Line != c.first.line {
				t.Errorf("innermost frame %s:%d, want %s:%d", f.Func, f.Line, c.first.fn, c.first.line)
			}
		})
	}
}

// A traceback pasted from an 80-column console is cut inside function
// names; the rest of the name starts the next line, where a source line
// would be indented. Only a frame line as long as a wrap width is joined.
func TestHardWrappedPythonFrameNames(t *testing.T) {
	cases := []struct {
		name, text string
		funcs      []string // innermost first
		typ        string
	}{
		{
			name: "names cut at 80 columns (ipython 52f39dd5c)",
			text: "Traceback (most recent call last):\n" +
				"  File \"C:\\Anaconda\\lib\\site-packages\\IPython\\consoleapp.py\", line 304, in init_\nssh\n" +
				"    newports = tunnel_to_kernel(info, self.sshserver, self.sshkey)\n" +
				"  File \"C:\\Anaconda\\lib\\site-packages\\IPython\\kernel\\connect.py\", line 364, in t\nunnel_to_kernel\n" +
				"    password = getpass(\"SSH Password for %s: \"%sshserver)\n" +
				"  File \"C:\\Anaconda\\lib\\getpass.py\", line 95, in win_getpass\n" +
				"    msvcrt.putch(c)\nTypeError: must be char, not unicode\n",
			funcs: []string{"win_getpass", "tunnel_to_kernel", "init_ssh"},
			typ:   "TypeError",
		},
		{
			name:  "a short frame line is not cut: the word after it is a flush-left source line",
			text:  "File \"a.py\", line 1, in <module>\nmain\nFile \"a.py\", line 3, in main\n1/0\nZeroDivisionError: division by zero\n",
			funcs: []string{"main", "<module>"},
			typ:   "ZeroDivisionError",
		},
		{
			name:  "a keyword after a long frame line is its flush-left source line",
			text:  "File \"/usr/local/lib/python2.7/dist-packages/Scrapy-0.15.1-py2.7.egg/scrapy/x.py\", line 9, in f\nraise\nRuntimeError: no active exception to reraise\n",
			funcs: []string{"f"},
			typ:   "RuntimeError",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			traces := Parse(c.text)
			if len(traces) != 1 {
				t.Fatalf("%d traces, want 1: %+v", len(traces), traces)
			}
			var funcs []string
			for _, f := range traces[0].Frames {
				funcs = append(funcs, f.Func)
			}
			if traces[0].Type != c.typ || strings.Join(funcs, ",") != strings.Join(c.funcs, ",") {
				t.Fatalf("got %s with frames %v, want %s with %v", traces[0].Type, funcs, c.typ, c.funcs)
			}
		})
	}
}

// A Go panic pasted through a hard wrap (badger 22454734): a long argument
// list goes on over the next line, and a "+0x26" lands on a line of its
// own. Every frame is still read, with its function and line.
func TestHardWrappedGoFrames(t *testing.T) {
	cases := []struct {
		name, text string
		want       []string // func:line, innermost first
	}{
		{
			name: "argument list and pc offset wrapped",
			text: "panic: runtime error: invalid memory address or nil pointer dereference\n\ngoroutine 6 [running]:\n" +
				"github.com/dgraph-io/badger/v2.(*DB).cleanup(0x0)\n" +
				"        /home/u/go/src/github.com/dgraph-io/badger/db.go:501\n+0x26\n" +
				"github.com/dgraph-io/badger/v2.Open(0x0, 0x0, 0x0, 0x0, 0x1, 0x2, 0x2,\n0x1, 0x0, 0xa4c760, ...)\n" +
				"        /home/u/go/src/github.com/dgraph-io/badger/db.go:350\n+0x1268\n" +
				"github.com/dgraph-io/badger/v2.TestMinCacheSize(0xc000001b00)\n" +
				"        /home/u/go/src/github.com/dgraph-io/badger/db_test.go:2193\n+0x1b8\n",
			want: []string{"github.com/dgraph-io/badger/v2.(*DB).cleanup:501", "github.com/dgraph-io/badger/v2.Open:350", "github.com/dgraph-io/badger/v2.TestMinCacheSize:2193"},
		},
		{
			name: "unwrapped frames read as before",
			text: "panic: boom\n\ngoroutine 1 [running]:\nmain.f(0x1)\n\t/src/main.go:5 +0x26\nmain.main()\n\t/src/main.go:9 +0x1b\n",
			want: []string{"main.f:5", "main.main:9"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			for _, tr := range Parse(c.text) {
				for _, f := range tr.Frames {
					got = append(got, fmt.Sprintf("%s:%d", f.Func, f.Line))
				}
			}
			if strings.Join(got, " ") != strings.Join(c.want, " ") {
				t.Fatalf("frames %v, want %v", got, c.want)
			}
		})
	}
}

// Python's warnings module prints "file:line: Category: message"; a
// reporter pastes it with the crash that followed. It is read as a
// warning with one frame, the code that warned; other lines that merely
// name a .py file and a line are not.
func TestPythonWarningLines(t *testing.T) {
	cases := []struct {
		name, line     string
		warning        bool
		file, typ, msg string
		lineNo         int
	}{
		{"egg path (scrapy eb91cad0d)", "/usr/local/lib/python2.7/dist-packages/Scrapy-0.15.1-py2.7.egg/scrapy/utils/project.py:17: UserWarning: Cannot import scrapy settings module settings",
			true, "/usr/local/lib/python2.7/dist-packages/Scrapy-0.15.1-py2.7.egg/scrapy/utils/project.py", "UserWarning", "Cannot import scrapy settings module settings", 17},
		{"windows path", `C:\Python38\lib\site-packages\pkg\mod.py:3: DeprecationWarning: use g()`, true, `C:\Python38\lib\site-packages\pkg\mod.py`, "DeprecationWarning", "use g()", 3},
		{"relative path, indented as pytest's summary prints it", "  src/app/x.py:120: PytestUnraisableExceptionWarning: Exception ignored", true, "src/app/x.py", "PytestUnraisableExceptionWarning", "Exception ignored", 120},
		{"a linter's message is not a warning", "src/app/x.py:12: error: Incompatible types", false, "", "", "", 0},
		{"a category that is not a Warning", "src/app/x.py:12: UserError: no", false, "", "", "", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			traces := Parse(c.line + "\n")
			if !c.warning {
				if len(traces) != 0 {
					t.Fatalf("read as a trace: %+v", traces)
				}
				return
			}
			if len(traces) != 1 || !traces[0].Warning || len(traces[0].Frames) != 1 {
				t.Fatalf("want one warning with one frame, got %+v", traces)
			}
			tr, f := traces[0], traces[0].Frames[0]
			if tr.Type != c.typ || tr.Message != c.msg || f.File != c.file || f.Line != c.lineNo {
				t.Fatalf("got %s %q at %s:%d, want %s %q at %s:%d", tr.Type, tr.Message, f.File, f.Line, c.typ, c.msg, c.file, c.lineNo)
			}
		})
	}
}

// A trace names the thread that failed, and Python prints the code line
// under each frame: both are kept, for they find code where no frame's
// path does. A panic of old Rust printed (or pasted) without its location
// is still a panic, of no frame.
func TestThreadAndSourceOfATrace(t *testing.T) {
	cases := []struct {
		name, text, lang, thread, msg string
		frames                        int
		source                        string // of the innermost frame
	}{
		{
			name: "old rust panic pasted without its location (alacritty #1897)",
			text: "thread 'pty reader' panicked at 'called `Result::unwrap()` on an `Err` value: Os { code: 2, kind: NotFound, message: \"No such file or directory\" }'\n",
			lang: "rust", thread: "pty reader", frames: 0,
			msg: "called `Result::unwrap()` on an `Err` value: Os { code: 2, kind: NotFound, message: \"No such file or directory\" }",
		},
		{
			name: "rust before 1.0 printed no location (clap 3d0199da8)",
			text: "```\nthread '<main>' panicked at 'arithmetic operation overflowed'\n```\n",
			lang: "rust", thread: "<main>", frames: 0, msg: "arithmetic operation overflowed",
		},
		{
			name: "old rust panic with its location (ripgrep #1891)",
			text: "thread '<unnamed>' panicked at 'assertion failed: self.start <= end', /private/tmp/ripgrep-20210612-52810-yuhb53/ripgrep-13.0.0/crates/matcher/src/lib.rs:131:9\n",
			lang: "rust", thread: "<unnamed>", frames: 1, msg: "assertion failed: self.start <= end",
		},
		{
			name: "rust panic since 1.73",
			text: "thread 'tokio-runtime-worker' panicked at src/pool.rs:31:9:\nconnection reset\n",
			lang: "rust", thread: "tokio-runtime-worker", frames: 1, msg: "connection reset",
		},
		{
			name: "java exception in a thread (jsoup #162)",
			text: "Exception in thread \"main\" java.lang.NullPointerException\n    at org.jsoup.parser.TreeBuilder.resetInsertionMode(TreeBuilder.java:388)\n",
			lang: "java", thread: "main", frames: 1,
		},
		{
			name: "python thread with its target (3.10)",
			text: "Exception in thread Thread-1 (serve):\nTraceback (most recent call last):\n  File \"/srv/app/server.py\", line 12, in serve\n    conn.recv(4096)\nConnectionResetError: [Errno 104] Connection reset by peer\n",
			lang: "python", thread: "Thread-1", frames: 1, msg: "[Errno 104] Connection reset by peer", source: "conn.recv(4096)",
		},
		{
			name: "python code lines under the frames (kombu 6ef88c34)",
			text: "Traceback (most recent call last):\n  File \"/tmp/x.py\", line 2, in <module>\n    from functools import _NOT_FOUND\nImportError: cannot import name '_NOT_FOUND' from 'functools' (/usr/local/lib/python3.12/functools.py)\n",
			lang: "python", frames: 1, source: "from functools import _NOT_FOUND",
			msg: "cannot import name '_NOT_FOUND' from 'functools' (/usr/local/lib/python3.12/functools.py)",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			traces := Parse(c.text)
			if len(traces) != 1 {
				t.Fatalf("%d traces, want 1: %+v", len(traces), traces)
			}
			tr := traces[0]
			if tr.Lang != c.lang || tr.Thread != c.thread || len(tr.Frames) != c.frames {
				t.Fatalf("got %s in thread %q with %d frames, want %s in %q with %d", tr.Lang, tr.Thread, len(tr.Frames), c.lang, c.thread, c.frames)
			}
			if c.msg != "" && tr.Message != c.msg {
				t.Errorf("message %q, want %q", tr.Message, c.msg)
			}
			if c.frames > 0 && tr.Frames[0].Source != c.source {
				t.Errorf("source of the innermost frame %q, want %q", tr.Frames[0].Source, c.source)
			}
		})
	}
}
