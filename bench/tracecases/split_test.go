package main

import (
	"os"
	"strings"
	"testing"
)

// TestSplitsFile checks that every repository of the cases added for
// issue 12 is written down in splits.txt, in the half the rule gives it,
// so that a case cannot be run before its half is on record.
func TestSplitsFile(t *testing.T) {
	b, err := os.ReadFile("splits.txt")
	if err != nil {
		t.Fatal(err)
	}
	written := map[string]string{}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) == 2 && !strings.HasPrefix(l, "#") {
			written[strings.Replace(f[0], "/", "+", 1)] = f[1]
		}
	}
	for i, c := range cases {
		if i < preIssue12 {
			continue
		}
		want := "tune"
		if splitOf(i, c.repo) {
			want = "held-out"
		}
		if got, ok := written[c.repo]; !ok || got != want {
			t.Errorf("case %d (%s): splits.txt says %q, the rule says %q", i, caseName(c), got, want)
		}
	}
}
