package trace

import (
	"strings"
	"testing"
)

// suspectIndex returns the rank (0-based) of the suspect with the symbol,
// or -1.
func suspectIndex(out Output, symbol string) int {
	for i, s := range out.Suspects {
		if s.Symbol == symbol {
			return i
		}
	}
	return -1
}

// A panic seen in a failing test runs through the test function; the
// code it calls holds the fault. The test's frame ranks below the code
// frames, and does not push the frame after it down.
func TestTestFramesRankBelowTheCodeUnderTest(t *testing.T) {
	t.Parallel()
	ix, _ := openShop(t)
	text := "panic: runtime error: invalid memory address or nil pointer dereference [recovered, repanicked]\n\n" +
		"goroutine 7 [running]:\n" +
		"example.com/shop/internal/auth.(*Service).recordLastSeen(0x1, {0x2})\n" +
		"\t/src/shop/internal/auth/service.go:160 +0x5a\n" +
		"example.com/shop/internal/auth.TestLoginOpensSession(0x3)\n" +
		"\t/src/shop/internal/auth/service_test.go:30 +0x1e\n" +
		"example.com/shop/internal/sessions.(*Janitor).Sweep(0x4)\n" +
		"\t/src/shop/internal/sessions/janitor.go:64 +0x15b\n"
	out, err := Run(t.Context(), ix, Input{Text: text, MaxSuspects: 10})
	if err != nil {
		t.Fatal(err)
	}
	test, sweep := suspectIndex(out, "auth.TestLoginOpensSession"), suspectIndex(out, "sessions.Janitor.Sweep")
	if out.Suspects[0].Symbol != "auth.Service.recordLastSeen" || sweep != 1 || test >= 0 && test < sweep {
		t.Fatalf("ranks: recordLastSeen first, Sweep %d, the test %d:\n%s", sweep, test, Markdown(out))
	}
	if why := strings.Join(out.Suspects[sweep].Why, "; "); !strings.Contains(why, "in-repo frame #2") {
		t.Errorf("Sweep is the second code frame: %s", why)
	}
	if test >= 0 && !strings.Contains(strings.Join(out.Suspects[test].Why, "; "), "a test's frame") {
		t.Errorf("the test frame's score does not say why: %v", out.Suspects[test].Why)
	}
}

// In a race report each access is where the race surfaced: the previous
// read's first frame ranks with the write's, above the write's callers.
func TestRaceAccessesRankAlike(t *testing.T) {
	t.Parallel()
	ix, _ := openShop(t)
	text := "==================\nWARNING: DATA RACE\n" +
		"Write at 0x00c000a5ca90 by goroutine 7:\n" +
		"  example.com/shop/internal/auth.(*Service).recordLastSeen()\n" +
		"      /src/shop/internal/auth/service.go:160 +0x5a\n" +
		"  example.com/shop/internal/sessions.(*Janitor).Sweep()\n" +
		"      /src/shop/internal/sessions/janitor.go:64 +0x15b\n\n" +
		"Previous read at 0x00c000a5ca90 by goroutine 9:\n" +
		"  example.com/shop/internal/auth.(*Service).Login()\n" +
		"      /src/shop/internal/auth/service.go:109 +0x44\n" +
		"==================\n"
	out, err := Run(t.Context(), ix, Input{Text: text, MaxSuspects: 10})
	if err != nil {
		t.Fatal(err)
	}
	login, sweep := suspectIndex(out, "auth.Service.Login"), suspectIndex(out, "sessions.Janitor.Sweep")
	if login < 0 || login > 1 || sweep >= 0 && sweep < login {
		t.Fatalf("Login (the other access) at %d, Sweep (a caller of the write) at %d:\n%s", login, sweep, Markdown(out))
	}
	if why := out.Suspects[login].Why[0]; !strings.HasPrefix(why, "the first in-repo frame") {
		t.Errorf("Login's weight: %s", why)
	}
}

// The fixture's bug commit is the latest to touch internal/auth/service.go,
// eight days before the newest commit; it also changed ExpiryHook, which
// hands recordLastSeen to the janitor. ExpiryHook is a suspect for that
// reason, and the rule adds nothing from other files.
func TestRecentChangeTiedToTheFailingFunction(t *testing.T) {
	t.Parallel()
	ix, commits := openShop(t)
	out, err := Run(t.Context(), ix, Input{Path: "logs/panic.log", MaxSuspects: 10})
	if err != nil {
		t.Fatal(err)
	}
	if out.Suspects[0].Symbol != "auth.Service.recordLastSeen" {
		t.Fatalf("top suspect %s", out.Suspects[0].Symbol)
	}
	hook := suspectIndex(out, "auth.Service.ExpiryHook")
	if hook < 0 || !strings.Contains(out.Suspects[hook].Why[0], "changed by "+commits["bug"][:10]) {
		t.Fatalf("ExpiryHook is not a suspect for the bug commit:\n%s", Markdown(out))
	}
	if h := out.Suspects[hook].Hypothesis; !strings.Contains(h, "is not on the trace") || !strings.Contains(h, "changed by") {
		t.Errorf("ExpiryHook's hypothesis does not say why it is a suspect: %s", h)
	}
	for _, s := range out.Suspects {
		if strings.HasPrefix(s.Why[0], "changed by") && s.Path != "internal/auth/service.go" {
			t.Errorf("%s %s added from another file", s.Path, s.Symbol)
		}
	}
}

func TestTiedTo(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		symbol, code string
		want         bool
	}{
		{"caddyhttp.lengthReader.Close", "func getLengthReader() *lengthReader {", true},
		{"caddyhttp.lengthReader.Close", "func getLengthReaderX() *lengthReaders {", false},
		{"auth.Service.recordLastSeen", "return s.recordLastSeen", true},
		{"flask.cli.locate_app", "rv = locate_app(path)", true},
		{"histogram.compactBuckets", "func compactBucketsX()", false},
	} {
		if got := tiedTo(c.symbol).MatchString(c.code); got != c.want {
			t.Errorf("tiedTo(%q) on %q = %v, want %v", c.symbol, c.code, got, c.want)
		}
	}
}

// A trace with no frame in the repository: the code that calls the
// library's top function ranks first, and the code holding a literal the
// message quotes is a suspect too; the definition of a same-named method
// (the shop's own Hasher.Verify) is no caller.
func TestLibraryTraceLeadsToTheCallingCode(t *testing.T) {
	t.Parallel()
	ix, _ := openShop(t)
	text := "panic: worker: job \"session_expired\" failed\n\n" +
		"goroutine 12 [running]:\n" +
		"github.com/acme/worker.(*Pool).Verify(0xc000123)\n" +
		"\t/go/pkg/mod/github.com/acme/worker@v1.2.0/pool.go:40 +0x1d\n" +
		"github.com/acme/worker.(*Pool).run.func1()\n" +
		"\t/go/pkg/mod/github.com/acme/worker@v1.2.0/pool.go:22 +0x5a\n" +
		"sync.(*WaitGroup).Wait(0xc000456)\n" +
		"\t/usr/local/go/src/sync/waitgroup.go:130 +0x64\n"
	out, err := Run(t.Context(), ix, Input{Text: text, MaxSuspects: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Suspects) == 0 || out.Suspects[0].Symbol != "auth.Service.Login" {
		t.Fatalf("the caller of Verify is not first:\n%s", Markdown(out))
	}
	if why := out.Suspects[0].Why[0]; !strings.HasPrefix(why, "calls Verify, library frame #1") {
		t.Errorf("Login's weight: %s", why)
	}
	if suspectIndex(out, "auth.Hasher.Verify") >= 0 {
		t.Errorf("a same-named definition is a suspect:\n%s", Markdown(out))
	}
	lit := -1
	for i, s := range out.Suspects {
		if s.Path == "internal/httpapi/middleware.go" && strings.Contains(s.Why[0], `"session_expired"`) {
			lit = i
		}
	}
	if lit < 0 || lit > 2 {
		t.Errorf("the code holding the quoted literal is at %d:\n%s", lit, Markdown(out))
	}
}

func TestLibraryFuncAndMessageWords(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		lang, fn, file, pkg, name string
	}{
		{"go", "google.golang.org/grpc.(*Server).GracefulStop", "", "google.golang.org/grpc", "GracefulStop"},
		{"go", "go.opentelemetry.io/otel/sdk/trace.NewBatchSpanProcessor.func2", "", "go.opentelemetry.io/otel/sdk/trace", "NewBatchSpanProcessor"},
		{"go", "go.opentelemetry.io/otel/sdk/trace.(*batchSpanProcessor).processQueue", "", "go.opentelemetry.io/otel/sdk/trace", "\x00"},
		{"go", "sync.(*WaitGroup).Wait", "", "", ""},
		{"python", "run_wsgi", "/usr/lib/python3.6/site-packages/werkzeug/serving.py", "", "run_wsgi"},
		{"python", "send_header", "/usr/lib64/python3.6/http/server.py", "", ""},
	} {
		pkg, name := libraryFunc(c.lang, Frame{Func: c.fn, File: c.file})
		if pkg != c.pkg || name != c.name {
			t.Errorf("libraryFunc(%s) = %q %q, want %q %q", c.fn, pkg, name, c.pkg, c.name)
		}
	}
	if got := strings.Join(quotedLiterals(`'latin-1' codec can't encode character '\uff0f' in position 58`), ","); got != "latin-1" {
		t.Errorf("quotedLiterals = %s", got)
	}
	if got := strings.Join(messageIdentifiers("interface conversion: *http.timeoutWriter is not http.Hijacker: missing method Hijack"), ","); got != "timeoutWriter,Hijacker,Hijack" {
		t.Errorf("messageIdentifiers = %s", got)
	}
	for _, c := range []struct{ src, pkg, alias string }{
		{"import (\n\tsdktrace \"go.opentelemetry.io/otel/sdk/trace\"\n)", "go.opentelemetry.io/otel/sdk/trace", "sdktrace"},
		{"import (\n\t\"google.golang.org/grpc\"\n)", "google.golang.org/grpc", "grpc"},
		{"import \"github.com/go-kit/log/v2\"", "github.com/go-kit/log/v2", "log"},
	} {
		if alias, ok := goImportAlias(c.src, c.pkg); !ok || alias != c.alias {
			t.Errorf("goImportAlias(%s) = %q %v, want %q", c.pkg, alias, ok, c.alias)
		}
	}
}

// A slice out of range in orders.Service.List: the page it slices by was
// built by pageFromQuery in the handler that passed it down. pageFromQuery
// is a suspect with the frame that passed the value, never above the
// frame where the panic surfaced.
func TestBuilderOfAPassedValueIsASuspect(t *testing.T) {
	t.Parallel()
	ix, _ := openShop(t)
	text := "panic: runtime error: slice bounds out of range [:20] with capacity 3\n\n" +
		"goroutine 31 [running]:\n" +
		"example.com/shop/internal/orders.(*Service).List(0xc0001, {0x2, 0x3}, {0xc0002, 0x5}, {0x2, 0x10})\n" +
		"\t/src/shop/internal/orders/service.go:94 +0x2c5\n" +
		"example.com/shop/internal/httpapi.(*Server).handleListOrders(0xc0003, {0x4, 0x5}, 0xc0004)\n" +
		"\t/src/shop/internal/httpapi/handlers_orders.go:51 +0x1a5\n" +
		"net/http.HandlerFunc.ServeHTTP(0xc0005, {0x4, 0x5}, 0xc0004)\n" +
		"\t/usr/local/go/src/net/http/server.go:2294 +0x29\n"
	out, err := Run(t.Context(), ix, Input{Text: text, MaxSuspects: 10})
	if err != nil {
		t.Fatal(err)
	}
	if out.Suspects[0].Symbol != "orders.Service.List" {
		t.Fatalf("the failing frame is not first:\n%s", Markdown(out))
	}
	page := suspectIndex(out, "httpapi.pageFromQuery")
	if page < 0 || page > 2 {
		t.Fatalf("pageFromQuery, which built the page passed down, at %d:\n%s", page, Markdown(out))
	}
	if why := out.Suspects[page].Why[0]; !strings.HasPrefix(why, "built page (line 46), which httpapi.Server.handleListOrders passes down") {
		t.Errorf("pageFromQuery's weight: %s", why)
	}
}

// A nil field read in the failing frame was set (or not) by a constructor:
// the trace's frame that called the constructor (main.run, through
// auth.NewService, which sets users) ranks right after the failing frame,
// above the frames that only passed the service along.
func TestFrameThatBuiltTheNilValueRanksSecond(t *testing.T) {
	t.Parallel()
	ix, _ := openShop(t)
	text := "panic: runtime error: invalid memory address or nil pointer dereference\n\n" +
		"goroutine 1 [running]:\n" +
		"example.com/shop/internal/auth.(*Service).recordLastSeen(0x1, {0x2})\n" +
		"\t/src/shop/internal/auth/service.go:159 +0x5a\n" +
		"example.com/shop/internal/sessions.(*Janitor).Sweep(0x4)\n" +
		"\t/src/shop/internal/sessions/janitor.go:64 +0x15b\n" +
		"example.com/shop/internal/sessions.(*Janitor).Run(0x4, {0x5, 0x6})\n" +
		"\t/src/shop/internal/sessions/janitor.go:53 +0x165\n" +
		"main.run()\n" +
		"\t/src/shop/cmd/shopd/main.go:61 +0x9bf\n"
	out, err := Run(t.Context(), ix, Input{Text: text, MaxSuspects: 10})
	if err != nil {
		t.Fatal(err)
	}
	run, sweep := suspectIndex(out, "main.run"), suspectIndex(out, "sessions.Janitor.Run")
	if out.Suspects[0].Symbol != "auth.Service.recordLastSeen" || run < 0 || run > 2 || sweep >= 0 && sweep < run {
		t.Fatalf("recordLastSeen first, main.run %d above Janitor.Run %d:\n%s", run, sweep, Markdown(out))
	}
	if why := strings.Join(out.Suspects[run].Why, "; "); !strings.Contains(why, "sets users (through auth.NewService)") {
		t.Errorf("main.run's weight does not say it built the value: %s", why)
	}
}
