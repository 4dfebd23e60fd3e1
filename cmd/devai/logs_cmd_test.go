package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/devaiops/devai/memory/drain"
)

func TestLogsCommand(t *testing.T) {
	worker := filepath.Join(shopRepo(t), "logs", "worker.log")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"logs", worker}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	md := stdout.String()
	first := strings.Index(md, "| 4 | 3 | fatal 3 |")
	if first < 0 || first > strings.Index(md, "supervisor: starting shopd") {
		t.Errorf("the panic template is not listed first:\n%s", md)
	}
	stdout.Reset()
	if code := run([]string{"logs", "--json", "--lines", worker}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var s drain.Summary
	if err := json.Unmarshal(stdout.Bytes(), &s); err != nil {
		t.Fatal(err)
	}
	if s.Lines != 50 || len(s.LineTemplates) != 50 || s.Templates[0].Count != 3 || s.LineTemplates[3] != s.Templates[0].ID {
		t.Errorf("summary: lines %d, %d line templates, first %+v", s.Lines, len(s.LineTemplates), s.Templates[0])
	}
	// stdin, and a byte limit that is said
	stdout.Reset()
	cfg := &logsConfig{JSON: true, MaxBytes: 100, SimTh: 0.4, Depth: 4}
	if err := runLogs(cfg, "stdin", strings.NewReader(strings.Repeat("GET /x 200\n", 50)), &stdout); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout.String(), `"truncated": true`) || !strings.Contains(stdout.String(), "max-bytes") {
		t.Errorf("limit not said: %s", stdout.String())
	}
	for _, args := range [][]string{{"logs"}, {"logs", "--lines", worker}, {"logs", "--sim", "2", worker}, {"logs", filepath.Join(t.TempDir(), "nope.log")}} {
		stderr.Reset()
		if code := run(args, &stdout, &stderr); code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, stderr.String())
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
	var s drain.Summary
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
	log := line + line
	var stdout bytes.Buffer
	if err := runLogs(&logsConfig{JSON: true, SimTh: 0.4, Depth: 4}, "stdin", strings.NewReader(log), &stdout); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(stdout.String(), "correcthorsebattery") {
		t.Errorf("the password in the URL reached the output:\n%s", stdout.String())
	}
}
