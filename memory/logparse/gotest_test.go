package logparse

import (
	"os"
	"strings"
	"testing"
)

// testdata/go-test-v.log is the real output of `go test -v ./...` (go1.26)
// on a module of three packages: one with a failing subtest, a passing
// test with t.Log and a skipped test; one whose test panics; one that
// passes.
func TestGoTestVerdictLevels(t *testing.T) {
	data, err := os.ReadFile("testdata/go-test-v.log")
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ start, level string }{
		{"=== RUN", "debug"},
		{"--- FAIL: ", "error"},
		{"    --- FAIL: ", "error"},
		{"FAIL\t", "error"},
		{"FAIL", "error"}, // the line alone, last of a failed run
		{"panic: ", "fatal"},
		{"--- PASS: ", "info"},
		{"    --- PASS: ", "info"},
		{"--- SKIP: ", "info"},
		{"PASS", "info"},
		{"ok  \t", "info"},
		{"    calc_test.go:", ""}, // t.Log and t.Error lines: the verdict says which
	}
	seen := map[string]int{}
	for _, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		for _, w := range want {
			if line == w.start || (len(w.start) > 4 || strings.HasSuffix(w.start, "\t")) && strings.HasPrefix(line, w.start) {
				seen[w.start]++
				if got := ParseLine(line).Level; got != w.level {
					t.Errorf("%q: level %q, want %q", line, got, w.level)
				}
				break
			}
		}
	}
	for _, w := range want {
		if seen[w.start] == 0 {
			t.Errorf("no line of the log starts with %q: the table is stale", w.start)
		}
	}
}

func TestGoTestShapesNeedTheirExactForm(t *testing.T) {
	for _, line := range []string{
		"FAILED to connect",        // not go test's verdict
		"ok so far",                // ok without go's spacing
		"--- FAILURE of the build", // not "--- FAIL: "
		"PASSWORD reset requested",
	} {
		if got := ParseLine(line).Level; got != "" {
			t.Errorf("%q: level %q, want none", line, got)
		}
	}
}
