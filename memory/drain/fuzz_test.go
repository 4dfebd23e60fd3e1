package drain

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/devaiops/devai/memory/fixture"
)

// FuzzMiner adds any messages: each joins a template of its own length
// whose every position is its masked token or the wildcard, the fast
// tokenizer splits as maskedFields does, and the counts add up.
func FuzzMiner(f *testing.F) {
	for _, s := range []string{
		"login ok for alice\nlogin ok for bob\nlogin failed for carol\n",
		"GET /api/orders/42 200 12ms\nGET /api/orders/43 500 9ms\n",
		"user 0x1f id=550e8400-e29b-41d4-a716-446655440000 from 10.0.0.1:443\n",
		"caf\u00e9 \u00a0 nbsp\u2003em\n\t \n",
		"sent 850 bytes (1.2 KB) in <1 sec\nsent <NUM> KB as text\n",
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, text string, plain bool) {
		m := New(Options{Plain: plain})
		msgs := strings.Split(text, "\n")
		for _, msg := range msgs {
			want := strings.Fields(msg)
			if !plain {
				want = maskedFields(msg)
			}
			m.tokenize(msg)
			if strings.Join(m.toks, "\x00") != strings.Join(want, "\x00") {
				t.Fatalf("tokenize(%q) = %q, maskedFields gives %q", msg, m.toks, want)
			}
			c := m.Add(msg)
			if len(c.Tokens) != len(want) {
				t.Fatalf("%q (%d tokens) joined template %q (%d tokens)", msg, len(want), c.Template(), len(c.Tokens))
			}
			for i, tok := range c.Tokens {
				if tok != want[i] && tok != Wildcard {
					t.Fatalf("%q joined template %q: position %d is %q, not %q or %s", msg, c.Template(), i, tok, want[i], Wildcard)
				}
			}
		}
		n := 0
		for i, c := range m.Clusters() {
			if c.ID != i+1 || c.Count < 1 {
				t.Errorf("cluster %d: ID %d count %d", i, c.ID, c.Count)
			}
			n += c.Count
		}
		if n != len(msgs) {
			t.Errorf("clusters count %d messages, %d were added", n, len(msgs))
		}
	})
}

// FuzzSummarize streams any log: every record lands in one template, every
// line has a template slot, and the template's lines are in order.
func FuzzSummarize(f *testing.F) {
	names, _ := filepath.Glob("../../testdata/shop/logs/*")
	more, _ := filepath.Glob("../../testdata/logs-labelled/*.test.log")
	for _, name := range append(names, more...) {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		lines := bytes.SplitAfter(b, []byte("\n"))
		f.Add(string(bytes.Join(lines[:min(len(lines), 60)], nil)))
	}
	f.Fuzz(func(t *testing.T, text string) {
		stop := fixture.Watchdog(10 * time.Second)
		s, err := Summarize(strings.NewReader(text), SummaryOptions{Lines: true})
		stop()
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		ids := map[int]bool{}
		for _, tm := range s.Templates {
			n += tm.Count
			ids[tm.ID] = true
			if tm.FirstLine < 1 || tm.LastLine < tm.FirstLine || tm.LastLine > s.Lines {
				t.Errorf("template %d %q: lines %d-%d of %d", tm.ID, tm.Template, tm.FirstLine, tm.LastLine, s.Lines)
			}
		}
		if n != s.Records {
			t.Errorf("templates count %d records, the summary %d", n, s.Records)
		}
		if len(s.LineTemplates) != s.Lines {
			t.Errorf("%d line templates for %d lines", len(s.LineTemplates), s.Lines)
		}
		for i, id := range s.LineTemplates {
			if id != 0 && !ids[id] {
				t.Errorf("line %d: template %d is not in the summary", i+1, id)
			}
		}
		if s.Bytes != int64(len(text)) {
			t.Errorf("read %d bytes of %d", s.Bytes, len(text))
		}
	})
}
