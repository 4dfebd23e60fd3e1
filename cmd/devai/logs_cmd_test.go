package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/devaiops/devai/memory/decisions"
	"github.com/devaiops/devai/tools/logs"
)

func TestLogsCommand(t *testing.T) {
	worker := filepath.Join(shopRepo(t), "logs", "worker.log")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"logs", worker}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	md := stdout.String()
	first := strings.Index(md, "| 4 | 3 | fatal 3 |")
	if first < 0 || first > strings.Index(md, "`starting shopd`") {
		t.Errorf("the panic template is not listed first:\n%s", md)
	}
	stdout.Reset()
	if code := run([]string{"logs", "--json", "--lines", worker}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var s logs.Output
	if err := json.Unmarshal(stdout.Bytes(), &s); err != nil {
		t.Fatal(err)
	}
	if s.Source != worker || s.Lines != 50 || len(s.LineTemplates) != 50 || s.Templates[0].Count != 3 || s.LineTemplates[3] != s.Templates[0].ID {
		t.Errorf("summary: source %s, lines %d, %d line templates, first %+v", s.Source, s.Lines, len(s.LineTemplates), s.Templates[0])
	}
	// stdin, and a byte limit that is said
	out, errText, err := runCommand(logsCommand, strings.NewReader(strings.Repeat("GET /x 200\n", 50)), "--json", "--max-bytes", "100", "-")
	if err != nil {
		t.Fatalf("%v: %s", err, errText)
	}
	if !strings.Contains(out, `"truncated": true`) || !strings.Contains(out, "max-bytes") || !strings.Contains(out, `"source": "text"`) {
		t.Errorf("limit not said: %s", out)
	}
	for _, args := range [][]string{{"logs"}, {"logs", "--lines", worker}, {"logs", "--sim", "2", worker}, {"logs", "--depth", "2", worker},
		{"logs", "--top", "-1", worker}, {"logs", filepath.Join(t.TempDir(), "nope.log")}, {"logs", t.TempDir()}} {
		stderr.Reset()
		if code := run(args, &stdout, &stderr); code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, stderr.String())
		}
	}
}

// --top keeps its meaning: how many templates the Markdown lists, 0 all.
func TestLogsCommandTop(t *testing.T) {
	access := filepath.Join("..", "..", "testdata", "logs-labelled", "nginx-access.test.log")
	for _, tt := range []struct {
		top, rows int
		more      bool
	}{{2, 2, true}, {0, 6, false}} {
		var stdout, stderr bytes.Buffer
		if code := run([]string{"logs", "--top", fmt.Sprint(tt.top), access}, &stdout, &stderr); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr.String())
		}
		rows := strings.Count(stdout.String(), "\n| ") - 1 // less the header's separator
		if rows != tt.rows || strings.Contains(stdout.String(), "more templates") != tt.more {
			t.Errorf("--top %d: %d rows, want %d:\n%s", tt.top, rows, tt.rows, stdout.String())
		}
	}
}

// An nginx access log (from testdata/logs-labelled): requests group by
// method, route and status, and the 502s come first as errors.
func TestLogsCommandAccessLog(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"logs", "--json", filepath.Join("..", "..", "testdata", "logs-labelled", "nginx-access.test.log")}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var s logs.Output
	if err := json.Unmarshal(stdout.Bytes(), &s); err != nil {
		t.Fatal(err)
	}
	first := s.Templates[0]
	if s.Formats["access"] != s.Records || !first.Error || !strings.HasSuffix(first.Template, "BadGateway") || len(s.Templates) != 6 {
		t.Errorf("formats %v, %d templates, first %+v", s.Formats, len(s.Templates), first)
	}
}

func TestLogsCommandRedacts(t *testing.T) {
	line := "level=error msg=\"dial https://deploy:correcthorsebattery@db.internal/orders refused\"\n"
	for _, args := range [][]string{{"--json", "-"}, {"-"}} {
		out, errText, err := runCommand(logsCommand, strings.NewReader(line+line), args...)
		if err != nil {
			t.Fatalf("%v: %v: %s", args, err, errText)
		}
		if !strings.Contains(out, "db.internal") || strings.Contains(out, "correcthorsebattery") {
			t.Errorf("%v: the password in the URL reached the output (or the template is missing):\n%s", args, out)
		}
	}
}

// devai logs needs no index: run in a folder that is no repository, it
// creates no state directory and syncs nothing; in a repository that has
// one, the call is in the decision log like any other.
func TestLogsCommandNeedsNoIndex(t *testing.T) {
	worker := filepath.Join(shopRepo(t), "logs", "worker.log")
	empty := t.TempDir()
	if _, errText, err := runCommand(logsCommand, nil, "--repo", empty, worker); err != nil {
		t.Fatalf("%v: %s", err, errText)
	}
	if entries, _ := os.ReadDir(empty); len(entries) != 0 {
		t.Errorf("devai logs wrote into %s: %v", empty, entries)
	}
	repo, state := t.TempDir(), t.TempDir()
	if _, errText, err := runCommand(logsCommand, nil, "--repo", repo, "--state-dir", state, worker); err != nil {
		t.Fatalf("%v: %s", err, errText)
	}
	recs, err := decisions.List(decisions.Dir(state), decisions.Filter{})
	if err != nil || len(recs) != 1 || recs[0].Tool != logs.ToolName || !strings.HasPrefix(recs[0].Summary, "6 templates") {
		t.Errorf("decision records %+v (%v)", recs, err)
	}
}
