package main

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestBlindLabelsLoad: every committed label file parses, names its file
// exactly (repo, path, commit, blob) and has at least 3 events with a
// template each. With DEVAI_BLIND_DIR set to a checkout or mirror of
// elastic/beats, every line of every system also has exactly one event
// (the files are not committed, so without it that half is skipped).
func TestBlindLabelsLoad(t *testing.T) {
	systems, err := loadBlindSystems()
	if err != nil {
		t.Fatal(err)
	}
	if len(systems) < 6 {
		t.Fatalf("%d systems, the blind set has 6", len(systems))
	}
	loghub := map[string]bool{}
	for _, s := range loghubSystems {
		loghub[strings.ToLower(s.name)] = true
	}
	for _, s := range systems {
		if loghub[strings.ToLower(s.name)] {
			t.Errorf("%s is one of loghub's systems: the blind set must not repeat them", s.name)
		}
		if len(s.blob) != 40 || len(s.commit) != 40 {
			t.Errorf("%s: blob %q, commit %q: want 40 hex digits each", s.name, s.blob, s.commit)
		}
		for _, e := range s.events {
			if e.template == "" || e.basis == "" {
				t.Errorf("%s %s: template %q, basis %q: both are required", s.name, e.id, e.template, e.basis)
			}
		}
	}
	dir := os.Getenv("DEVAI_BLIND_DIR")
	if dir == "" {
		t.Skip("DEVAI_BLIND_DIR unset: set it to a checkout or mirror of elastic/beats to check every line's event")
	}
	for _, s := range systems {
		set, err := loadBlindSet(dir, s)
		if err != nil {
			t.Error(err)
			continue
		}
		if len(set.events) != s.lines {
			t.Errorf("%s: %d events for %d lines", s.name, len(set.events), s.lines)
		}
	}
}

const blindSample = `# a comment
system Sample
repo example/repo
file logs/app.log
commit 0123456789012345678901234567890123456789
blob 0123456789012345678901234567890123456789
lines 6

event A started on port <*>
basis judged
match started on port \d+$
event B request <*> took <*>
basis judged
match request \S+ took
at 5
event C stopped
basis judged
match stopped$
`

func TestBlindAssign(t *testing.T) {
	s, err := parseBlindLabels(strings.NewReader(blindSample))
	if err != nil {
		t.Fatal(err)
	}
	ok := []string{ // line 4 is in no event
		"10:00 started on port 80",
		"10:01 request /a took 3ms",
		"10:02 request /b took 9ms",
		"",
		"  at handler.go:12", // a continuation line, assigned by number
		"10:03 stopped",
	}
	for _, c := range []struct {
		name  string
		lines []string
		want  string
	}{
		{"a blank line in no event", ok, "line 4 []"},
		{"a line in two events", []string{"started on port 1", "request x took started on port 2", "x", "x", "y", "stopped"}, "line 2 [A B]"},
		{"an event without lines", []string{"started on port 1", "request a took 1", "request b took 2", "request c took 3", "at x", "started on port 2"}, "event C has no line"},
		{"the wrong line count", ok[:5], "5 lines, the labels are for 6"},
	} {
		_, _, err := s.assign(c.lines)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
	fixed := append([]string{}, ok...)
	fixed[3] = "10:02 request /c took 1ms"
	events, tpls, err := s.assign(fixed)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(events); got != "[A B B B B C]" {
		t.Errorf("events %s, want [A B B B B C]", got)
	}
	if tpls[4] != "request <*> took <*>" {
		t.Errorf("template of the continuation line %q, want its event's", tpls[4])
	}
}

func TestParseBlindLabelsErrors(t *testing.T) {
	for _, c := range []struct {
		name, edit, want string
	}{
		{"unknown key", "colour blue\n", `unknown key "colour"`},
		{"bad regexp", "event D x\nmatch (\n", "event D"},
		{"line beyond the file", "event D x\nat 7\n", "line 7 of 6"},
		{"event with no rule", "event D x\n", "neither match nor at"},
		{"duplicate id", "event A again\nat 1\n", "event id A twice"},
		{"match before any event", "", ""},
	} {
		text := blindSample + c.edit
		if c.name == "match before any event" {
			text = "match x\n" + blindSample
			c.want = `"match" before the first event`
		}
		_, err := parseBlindLabels(strings.NewReader(text))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
	missing := strings.Replace(blindSample, "blob 0123456789012345678901234567890123456789\n", "", 1)
	if _, err := parseBlindLabels(strings.NewReader(missing)); err == nil || !strings.Contains(err.Error(), "no blob line") {
		t.Errorf("no blob: error %v", err)
	}
}

// TestGitBlobID: the id git hash-object gives (printf 'hello\n' | git
// hash-object --stdin), so a label's blob line is checkable with git.
func TestGitBlobID(t *testing.T) {
	if got := gitBlobID([]byte("hello\n")); got != "ce013625030ba8dba906f756967f9e9ca394464a" {
		t.Errorf("blob id %s", got)
	}
}

// TestBlindDrainGroups: Drain with the one generic setting groups records'
// messages (header read by devai's record parser), a continuation line
// takes its record's group, and blank lines between records share one.
func TestBlindDrainGroups(t *testing.T) {
	lines := []string{
		"2024-01-02 10:00:00 INFO connected to 10.0.0.1:5432 in 3 ms",
		"2024-01-02 10:00:01 INFO connected to 10.0.0.2:5432 in 12 ms",
		"2024-01-02 10:00:02 ERROR query failed: timeout",
		"",
		"2024-01-02 10:00:03 INFO connected to 10.0.0.3:5432 in 4 ms",
	}
	ids, tpls, err := blindDrainGroups(lines)
	if err != nil {
		t.Fatal(err)
	}
	if ids[0] != ids[1] || ids[1] != ids[4] || ids[2] == ids[0] || ids[3] == ids[0] || ids[3] == ids[2] {
		t.Fatalf("ids %v, templates %v", ids, tpls)
	}
	if tpls[ids[0]] != "connected to <*> in <*> ms" {
		t.Errorf("template %q", tpls[ids[0]])
	}
}

// TestPrintLoghubHalves: halves are averaged in the order they first
// appear, "all" only when there are several, and each half's lowest GA.
func TestPrintLoghubHalves(t *testing.T) {
	var b strings.Builder
	printLoghub(&b, []loghubRow{{System: "A", Half: "tune", DevaiGA: 0.5}, {System: "B", Half: "held-out", DevaiGA: 1}, {System: "C", Half: "tune", DevaiGA: 1}})
	out := b.String()
	for _, want := range []string{"| **average** | tune | | **0.750**", "| **average** | held-out | | **1.000**", "| **average** | all | | **0.833**", "lowest devai GA: tune 0.500, held-out 1.000"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	b.Reset()
	printLoghub(&b, []loghubRow{{System: "A", Half: "blind", DevaiGA: 0.25}})
	if out := b.String(); strings.Contains(out, "| all |") || !strings.Contains(out, "lowest devai GA: blind 0.250") {
		t.Errorf("one half: %s", out)
	}
}

// TestLoadBlindSetChecksTheFile: a file whose bytes differ from the
// labelled blob is refused with the commit to check out; the labelled
// bytes load with one event per line.
func TestLoadBlindSetChecksTheFile(t *testing.T) {
	s, err := parseBlindLabels(strings.NewReader(blindSample))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	body := "started on port 80\nrequest /a took 3ms\nrequest /b took 1ms\nrequest /c took 2ms\n  at x.go:1\nstopped\n"
	if err := os.MkdirAll(dir+"/logs", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir+"/logs/app.log", []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := loadBlindSet(dir, s); err == nil || !strings.Contains(err.Error(), "use example/repo at commit 0123456789012345678901234567890123456789") {
		t.Errorf("changed file: error %v", err)
	}
	s.blob = gitBlobID([]byte(body))
	set, err := loadBlindSet(dir, s)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(set.events) != "[A B B B B C]" || set.half != "blind" {
		t.Errorf("events %v, half %q", set.events, set.half)
	}
}
