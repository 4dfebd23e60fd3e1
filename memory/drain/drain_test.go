package drain

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// maskToken is one token masked, built the plain way.
func maskToken(tok string) string {
	if b, ok := appendMasked(nil, tok); ok {
		return string(b)
	}
	return tok
}

// maskedFields masks and splits a message the plain way: what the fast
// tokenize must give.
func maskedFields(msg string) []string {
	toks := strings.Fields(msg)
	for i, t := range toks {
		toks[i] = maskToken(t)
	}
	var out []string
	for i := 0; i < len(toks); {
		end := quantityEnd(toks, i)
		out = append(out, strings.Join(toks[i:end], " "))
		i = end
	}
	return out
}

func TestMask(t *testing.T) {
	for in, want := range map[string]string{
		"removed=1":                            "removed=<NUM>",
		"took=20µs":                            "took=<NUM>",
		"user_id=u-1002":                       "user_id=<*>",
		"(0xa908a8e3c0,":                       "(<HEX>,",
		"10.0.0.12:8080":                       "<IP>",
		"123e4567-e89b-12d3-a456-426614174000": "<UUID>",
		"deadbeef42":                           "<HEX>",
		"2026/11/23":                           "<NUM>",
		"21:44:50.843699":                      "<NUM>",
		"1.083":                                "<NUM>",
		"v0.2.0-rc.1":                          "v0.2.0-rc.1",
		"started":                              "started",
		"ord-5027":                             "ord-5027",
		"21978#21978:":                         "<NUM>",
		"*25":                                  "<NUM>",
		"index:-1":                             "index:<NUM>",
		"cancel,index:0":                       "cancel,index:<NUM>",
		"ready=true,policy=3,summary=0x23,":    "ready=true,policy=<NUM>,summary=<HEX>,",
		"libx:amd64":                           "libx:amd64",
	} {
		if got := maskToken(in); got != want {
			t.Errorf("mask %q = %q, want %q", in, got, want)
		}
	}
}

func TestDrainGroups(t *testing.T) {
	m := New(Options{})
	lines := []string{
		"sweep removed=1 remaining=13 took=20µs",
		"sweep removed=0 remaining=12 took=3µs",
		"connection from 10.0.0.1 closed after 12 ms",
		"connection from 10.0.0.7 closed after 480 ms",
		"login ok for alice",
		"login ok for bob",
		"login failed for carol",
		"disk full",
	}
	ids := make([]int, len(lines))
	for i, l := range lines {
		ids[i] = m.Add(l).ID
	}
	if ids[0] != ids[1] || ids[2] != ids[3] || ids[4] != ids[5] || ids[0] == ids[2] || ids[7] == ids[0] {
		t.Errorf("ids %v", ids)
	}
	if got := m.Clusters()[ids[2]-1].Template(); got != "connection from <IP> closed after <NUM> ms" {
		t.Errorf("template %q", got)
	}
	if got := m.Clusters()[ids[4]-1].Template(); got != "login ok for <*>" {
		t.Errorf("template %q", got)
	}
	if ids[6] == ids[4] {
		t.Error("login failed joined login ok: the second token routes the tree")
	}
	// A parameter in the second (routing) position: the message joins the
	// template under the other value when 4 of its 5 tokens agree.
	if a, b := m.Add("user bob signed in from 10.0.0.1"), m.Add("user carol signed in from 10.0.0.2"); a != b || a.Template() != "user <*> signed in from <IP>" {
		t.Errorf("second-position parameter split: %q, %q", a.Template(), b.Template())
	}
	if never := New(Options{SiblingSim: 1.1}); never.Add("user bob signed in from 10.0.0.1") == never.Add("user carol signed in from 10.0.0.2") {
		t.Error("SiblingSim above 1 still joined across routing tokens")
	}
	// The threshold decides: at 0.9 "login ok for bob" (3/4 equal) starts
	// its own cluster.
	strict := New(Options{SimTh: 0.9})
	if strict.Add("login ok for alice") == strict.Add("login ok for bob") {
		t.Error("SimTh 0.9 merged 3/4-similar messages")
	}
}

func TestSummarizeWorkerLog(t *testing.T) {
	f, err := os.Open("../../testdata/shop/logs/worker.log")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := Summarize(f, SummaryOptions{Lines: true})
	if err != nil {
		t.Fatal(err)
	}
	if s.Lines != 50 || len(s.LineTemplates) != 50 {
		t.Fatalf("lines %d, line templates %d", s.Lines, len(s.LineTemplates))
	}
	first := s.Templates[0]
	if !first.Error || !strings.HasPrefix(first.Template, "panic: runtime error") || first.Count != 3 {
		t.Errorf("first template: %+v", first)
	}
	if first.Levels["fatal"] != 3 {
		t.Errorf("levels %v", first.Levels)
	}
	var sweep *Template
	for i := range s.Templates {
		if s.Templates[i].Template == "started interval=<NUM> ttl=<NUM>" { // the "janitor:" prefix is header
			sweep = &s.Templates[i]
		}
	}
	if sweep == nil || sweep.Count != 4 || sweep.FirstSeen.IsZero() || !sweep.LastSeen.After(sweep.FirstSeen) {
		t.Errorf("sweep template: %+v\nall: %+v", sweep, s.Templates)
	}
	// every line of a panic carries the panic's template
	for l := first.FirstLine; l < first.FirstLine+12; l++ {
		if s.LineTemplates[l-1] != first.ID {
			t.Errorf("line %d has template %d, want %d", l, s.LineTemplates[l-1], first.ID)
		}
	}
}

func TestSummarizeAppJSONL(t *testing.T) {
	f, err := os.Open("../../testdata/shop/logs/app.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := Summarize(f, SummaryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Formats["json"] != s.Records || s.Records != 267 {
		t.Errorf("formats %v, records %d", s.Formats, s.Records)
	}
	found := false
	for _, tm := range s.Templates {
		if tm.Template == "account deleted" {
			found = tm.Count == 3
		}
	}
	if !found {
		t.Errorf("no 'account deleted' template with count 3: %+v", s.Templates)
	}
}

// TestMaskVersions: package versions are one variable, whatever their
// shape (issue 12: a dpkg log gave 223 templates with versions unmasked).
func TestMaskVersions(t *testing.T) {
	for _, v := range []string{"1.3.3+ds-1", "2:1.1.3-3", "2.42.10+dfsg-1+deb12u2", "1.2.0-rc.1", "20230710~deb12u1"} {
		if _, kind, _, ok := maskParts(v); !ok || kind != "<VER>" && kind != "<NUM>" {
			t.Errorf("%s: kind %q ok %v, want a mask", v, kind, ok)
		}
	}
	for _, w := range []string{"libc6:amd64", "v2", "org.example.Main"} {
		if _, _, _, ok := maskParts(w); ok {
			t.Errorf("%s masked", w)
		}
	}
}

// TestSummaryOrder: errors first, then the most frequent templates, then
// the one-off lines (issue 12: a dpkg log listed 50 one-offs above its main
// pattern, "status unpacked" × 1383).
func TestSummaryOrder(t *testing.T) {
	var b strings.Builder
	b.WriteString("2024-03-01 10:00:00 status half-configured pkg-a:amd64 1.0-1\n")
	for range 5 {
		b.WriteString("2024-03-01 10:00:01 status unpacked pkg-b:amd64 2.3.3+ds-1\n")
	}
	b.WriteString("2024-03-01 10:00:02 ERROR disk full on /var\n")
	b.WriteString("2024-03-01 10:00:03 startup archives unpack\n")
	s, err := Summarize(strings.NewReader(b.String()), SummaryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tp := range s.Templates {
		got = append(got, fmt.Sprintf("%d %s", tp.Count, tp.Template))
	}
	want := []string{"1 disk full on /var", "5 status unpacked pkg-b:amd64 <VER>", "1 status half-configured pkg-a:amd64 <NUM>", "1 startup archives unpack"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("order:\n got %q\nwant %q", got, want)
	}
}

// TestSummarySyslogSeen: a template of syslog lines, whose stamps have no
// year, has a last seen. At year 0 every stamp sorted before the zero
// LastSeen, so the column stayed empty.
func TestSummarySyslogSeen(t *testing.T) {
	log := "Jun 14 15:16:01 combo sshd(pam_unix)[19939]: check pass; user unknown\n" +
		"Jun 16 02:04:59 combo sshd(pam_unix)[20882]: check pass; user unknown\n"
	s, err := Summarize(strings.NewReader(log), SummaryOptions{Now: time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)})
	if err != nil || len(s.Templates) != 1 {
		t.Fatalf("Summarize: %+v, %v", s, err)
	}
	tpl := s.Templates[0]
	want := time.Date(2026, 6, 16, 2, 4, 59, 0, time.UTC)
	if !tpl.FirstSeen.Equal(time.Date(2026, 6, 14, 15, 16, 1, 0, time.UTC)) || !tpl.LastSeen.Equal(want) {
		t.Errorf("first seen %v, last seen %v: want 2026-06-14 15:16:01 and %v", tpl.FirstSeen, tpl.LastSeen, want)
	}
}
