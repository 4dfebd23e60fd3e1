package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRefDrain: reference Drain splits the header with the system's
// format, masks with its regexes and groups as Drain.py does. The optional
// group in the format is not a field (it shifted Content by one, and Drain
// scored 0.01 on Linux until the Content group was found by name).
func TestRefDrain(t *testing.T) {
	d, err := newRefDrain(drainSetting{format: `<Time> <Component>(\[<PID>\])?: <Content>`, regex: []string{`(\d+\.){3}\d+`}, st: 0.5, depth: 4})
	if err != nil {
		t.Fatal(err)
	}
	lines := []string{
		"10:00 sshd[1]: accepted key for alice from 10.0.0.1",
		"10:01 sshd: accepted key for bob from 10.0.0.2",
		"10:02 cron[7]: session opened for root",
		"10:03 cron[8]: session opened for daemon",
		"not a header line",
	}
	ids, tpls := d.Parse(lines)
	if fmt.Sprint(ids) != "[0 0 1 1 -1]" {
		t.Fatalf("ids %v, templates %q", ids, tpls)
	}
	if tpls[0] != "accepted key for <*> from <*>" || tpls[1] != "session opened for <*>" {
		t.Errorf("templates %q", tpls)
	}
}

func TestParsingAccuracy(t *testing.T) {
	truth := []string{"open <*> port <*>", "open <*> port <*>", "closed <*>"}
	got := map[int]string{1: "open <IP> port <NUM>", 2: "closed <NUM><NUM>"}
	if pa := parsingAccuracy(truth, []int{1, 1, 2}, got); pa != 1 {
		t.Errorf("PA %.3f, want 1 (typed masks and adjacent wildcards normalise)", pa)
	}
	if pa := parsingAccuracy(truth, []int{1, 2, 2}, got); pa != 2.0/3 {
		t.Errorf("PA %.3f, want 2/3", pa)
	}
}

func TestNaiveGroups(t *testing.T) {
	ids, tpls := naiveGroups([]string{"a 1 b 22 x", "a 3 b 4 y", "a 3 c 4"})
	if fmt.Sprint(ids) != "[0 0 1]" || tpls[0] != "a <*> b <*> x" {
		t.Errorf("ids %v templates %v", ids, tpls)
	}
}

// TestLoadLoghubCorrected reads the lines from loghub and the truth from
// logparser's corrected labels, grouped by corrected template (the ids are
// loghub's), and refuses a truth of another length.
func TestLoadLoghubCorrected(t *testing.T) {
	loghub, logparser := t.TempDir(), t.TempDir()
	write := func(root, path, text string) {
		t.Helper()
		p := filepath.Join(root, filepath.FromSlash(path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(loghub, "Sys/Sys_2k.log", "a 1\nb 2\n")
	write(loghub, "Sys/Sys_2k.log_structured.csv", "LineId,Content,EventId,EventTemplate\n1,a 1,E1,a <*>\n2,b 2,E2,b <*>\n")
	write(logparser, "data/loghub_2k_corrected/Sys/Sys_2k.log_structured_corrected.csv",
		"LineId,Content,EventId,EventTemplate\n1,a 1,E7,a <*>\n2,b 2,E7,<*> <*>\n")

	orig, err := loadLoghub(loghub, "", "Sys")
	if err != nil || strings.Join(orig.events, ",") != "E1,E2" {
		t.Fatalf("loghub's labels: %v, %v", orig.events, err)
	}
	fixed, err := loadLoghub(loghub, logparser, "Sys")
	if err != nil || strings.Join(fixed.events, ",") != "a <*>,<*> <*>" || fixed.templates[1] != "<*> <*>" || fixed.lines[1] != "b 2" {
		t.Fatalf("corrected labels: %+v, %v", fixed, err)
	}

	write(logparser, "data/loghub_2k_corrected/Sys/Sys_2k.log_structured_corrected.csv", "LineId,Content,EventId,EventTemplate\n1,a 1,E7,a <*>\n")
	if _, err := loadLoghub(loghub, logparser, "Sys"); err == nil || !strings.Contains(err.Error(), "2 lines, 1 truth rows") {
		t.Fatalf("a short truth file: err = %v, want a count mismatch", err)
	}
}
