package drain

import (
	"os"
	"strings"
	"testing"
)

// A `go test -v` run: the failures (--- FAIL, FAIL pkg, the panic) lead
// the summary, and the passing verdicts are info, not errors.
func TestGoTestFailuresLeadTheSummary(t *testing.T) {
	f, err := os.Open("../logparse/testdata/go-test-v.log")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := Summarize(f, SummaryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	errors := 0
	for _, tp := range s.Templates {
		if tp.Error {
			errors++
		}
	}
	if errors == 0 {
		t.Fatalf("no template is an error: %+v", s.Templates)
	}
	var lead []string
	for i, tp := range s.Templates[:errors] {
		if !tp.Error {
			t.Errorf("template %d (%q) is not an error but comes before one", i, tp.Example)
		}
		lead = append(lead, tp.Example)
	}
	all := strings.Join(lead, "\n")
	for _, want := range []string{"--- FAIL: TestAdd ", "FAIL\texample.com/gt/calc", "panic: runtime error: index out of range"} {
		if !strings.Contains(all, want) {
			t.Errorf("the leading error templates do not show %q:\n%s", want, all)
		}
	}
	for _, tp := range s.Templates[errors:] {
		if strings.Contains(tp.Example, "--- PASS") && tp.Levels["info"] == 0 {
			t.Errorf("%q: levels %v, want info", tp.Example, tp.Levels)
		}
	}
}
