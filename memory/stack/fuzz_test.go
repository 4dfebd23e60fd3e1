package stack

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/devaiops/devai/memory/fixture"
)

// FuzzParse feeds Parse any text: pasted traces, logs, commit messages. It
// must not panic, must give the same traces for the same text, and every
// trace must point inside the text with well-formed frames.
func FuzzParse(f *testing.F) {
	for _, glob := range []string{"testdata/*.txt", "testdata/commits/*.txt", "../../testdata/shop/logs/*.log"} {
		names, _ := filepath.Glob(glob)
		for _, name := range names {
			if b, err := os.ReadFile(name); err == nil && len(b) <= 64<<10 {
				f.Add(string(b))
			}
		}
	}
	for _, s := range []string{
		"panic: boom\n\ngoroutine 1 [running]:\nmain.main()\n\t/x/main.go:5 +0x1d\n",
		"Traceback (most recent call last):\n  File \"a.py\", line 3, in <module>\n    f()\nValueError: x\n",
		"Exception in thread \"main\" java.lang.IllegalStateException: x\n\tat a.B.c(B.java:10)\n\t... 3 more\n",
		"TypeError: x\n    at f (/a/b.js:1:2)\n    at Object.<anonymous> (node:internal/x:3:4)\n",
		"thread 'main' panicked at src/main.rs:2:5:\nboom\nstack backtrace:\n   0: a::b\n             at ./src/main.rs:2:5\n",
		"thread 'main' panicked at 'x', libcore/option.rs:1:5\nstack backtrace:\n   0: a::b\n             at a.rs:1\n             at b.rs:2\n   1: app::main\n",
		"stack backtrace:\n   0: <a::B<'x, T> as c::D>::e\n   1: a::main\n",
		"thread 'main' panicked at 'a\n\n \n`', src/x.rs:3:1\n",
		"{\"level\":\"error\",\"stack\":\"main.f()\\n\\t/a.go:1\"}\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		stop := fixture.Watchdog(10 * time.Second)
		traces := Parse(text)
		stop()
		if again := Parse(text); !reflect.DeepEqual(traces, again) {
			t.Fatalf("Parse is not deterministic:\n%+v\n%+v", traces, again)
		}
		lines := strings.Count(text, "\n") + 1
		chain := 0
		for i, tr := range traces {
			checkTrace(t, i, tr, lines)
			if tr.Chain < chain {
				t.Errorf("trace %d: chain %d after chain %d", i, tr.Chain, chain)
			}
			chain = tr.Chain
		}
	})
}

var fuzzLangs = map[string]bool{"go": true, "python": true, "java": true, "node": true, "rust": true}

func checkTrace(t *testing.T, i int, tr Trace, lines int) {
	t.Helper()
	if !fuzzLangs[tr.Lang] {
		t.Errorf("trace %d: language %q", i, tr.Lang)
	}
	if tr.StartLine < 1 || tr.EndLine < tr.StartLine || tr.EndLine > lines {
		t.Errorf("trace %d: lines %d-%d outside the input's 1-%d", i, tr.StartLine, tr.EndLine, lines)
	}
	if !utf8.ValidString(tr.Type) || !utf8.ValidString(tr.Message) {
		t.Errorf("trace %d: type or message not valid UTF-8: %q %q", i, tr.Type, tr.Message)
	}
	for j, fr := range tr.Frames {
		if fr.Line < 0 || fr.Col < 0 {
			t.Errorf("trace %d frame %d: negative position %d:%d", i, j, fr.Line, fr.Col)
		}
		if fr.Func == "" && fr.File == "" {
			t.Errorf("trace %d frame %d: neither function nor file", i, j)
		}
		if !utf8.ValidString(fr.Func) || !utf8.ValidString(fr.File) {
			t.Errorf("trace %d frame %d: not valid UTF-8: %q %q", i, j, fr.Func, fr.File)
		}
	}
}
