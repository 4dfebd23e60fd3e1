package main

import (
	"slices"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	ms := func(n ...int) []time.Duration {
		var out []time.Duration
		for _, x := range n {
			out = append(out, time.Duration(x)*time.Millisecond)
		}
		return out
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = i + 1
	}
	for _, tc := range []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"empty", nil, 50, 0},
		{"one", ms(7), 99, 7 * time.Millisecond},
		{"p50 of 1..100", ms(hundred...), 50, 50 * time.Millisecond},
		{"p99 of 1..100", ms(hundred...), 99, 99 * time.Millisecond},
		{"p99 of 4", ms(1, 2, 3, 40), 99, 40 * time.Millisecond},
	} {
		if got := percentile(tc.sorted, tc.p); got != tc.want {
			t.Errorf("%s: p%v = %v, want %v", tc.name, tc.p, got, tc.want)
		}
	}
}

// TestMedians: each (server, N) folds to its median-rate round, with p50,
// p99 and errors the medians of the rounds.
func TestMedians(t *testing.T) {
	lv := func(label string, n, calls int, wall time.Duration, p50, p99 time.Duration, errs int) level {
		return level{label: label, sessions: n, calls: calls, wall: wall, p50: p50, p99: p99, errors: errs}
	}
	s := time.Second
	got := medians([]level{
		lv("before", 50, 100, 4*s, 900*time.Millisecond, 3*s, 0),
		lv("after", 50, 100, 1*s, 300*time.Millisecond, 1*s, 2),
		lv("before", 50, 100, 2*s, 800*time.Millisecond, 2*s, 1),
		lv("after", 50, 100, 2*s, 100*time.Millisecond, 2*s, 0),
		lv("before", 50, 100, 5*s, 700*time.Millisecond, 4*s, 0),
		lv("after", 50, 100, 3*s, 200*time.Millisecond, 3*s, 0),
	})
	if len(got) != 2 || got[0].label != "before" || got[1].label != "after" {
		t.Fatalf("got %+v, want before then after", got)
	}
	for _, tc := range []struct {
		l        level
		rate     float64
		p50, p99 time.Duration
		errors   int
	}{
		{got[0], 25, 800 * time.Millisecond, 3 * s, 0},
		{got[1], 50, 200 * time.Millisecond, 2 * s, 0},
	} {
		if tc.l.rate() != tc.rate || tc.l.p50 != tc.p50 || tc.l.p99 != tc.p99 || tc.l.errors != tc.errors {
			t.Errorf("%s: rate %.1f p50 %v p99 %v errors %d; want %.1f %v %v %d",
				tc.l.label, tc.l.rate(), tc.l.p50, tc.l.p99, tc.l.errors, tc.rate, tc.p50, tc.p99, tc.errors)
		}
	}
}

func TestFlagsStayOnLoopback(t *testing.T) {
	for _, tc := range []struct {
		url string
		ok  bool
	}{
		{"http://127.0.0.1:7437/mcp", true},
		{"http://localhost:7437/mcp", true},
		{"http://[::1]:7437/mcp", true},
		{"http://10.0.0.5:7437/mcp", false},
		{"https://127.0.0.1:7437/mcp", false},
		{"http://example.com/mcp", false},
	} {
		if err := checkLoopbackURL(tc.url); (err == nil) != tc.ok {
			t.Errorf("%s: err %v, want ok=%v", tc.url, err, tc.ok)
		}
	}
	for _, bad := range []string{"", "0", "1,x", "5000"} {
		if _, err := parseCounts(bad); err == nil {
			t.Errorf("--sessions %q accepted", bad)
		}
	}
	if got, err := parseCounts("1, 10,50"); err != nil || len(got) != 3 || got[2] != 50 {
		t.Errorf("--sessions 1, 10,50: %v %v", got, err)
	}
}

// TestFleetFlags: replicas need a shared store on this machine, and --call
// is search or record.
func TestFleetFlags(t *testing.T) {
	bin := t.TempDir() // any existing path stands for the binary
	for _, tc := range []struct {
		args []string
		ok   bool
	}{
		{[]string{"--replicas", "1,2", "--store", "postgres://postgres@127.0.0.1:5432/postgres"}, true},
		{[]string{"--replicas", "2"}, false},
		{[]string{"--replicas", "1", "--store", "postgres://db.example.com/devai"}, false},
		{[]string{"--store", "mysql://127.0.0.1/devai"}, false},
		{[]string{"--call", "record"}, true},
		{[]string{"--call", "write"}, false},
	} {
		c, err := parseFlags(append([]string{"--devai", bin}, tc.args...))
		if (err == nil) != tc.ok {
			t.Errorf("%v: err %v, want ok=%v", tc.args, err, tc.ok)
		}
		if err == nil && len(c.replicas) == 0 {
			t.Errorf("%v: no replica counts", tc.args)
		}
	}
}

func TestQuerySets(t *testing.T) {
	for _, repo := range []string{"testdata/shop", "/root/go/pkg/mod/github.com/prometheus/prometheus@v0.316.0", "/src/unknown"} {
		qs, err := loadQueries("", repo)
		if err != nil || len(qs) < 20 {
			t.Errorf("%s: %d queries, %v", repo, len(qs), err)
		}
		for _, q := range qs {
			if q == "" || q[0] == '#' {
				t.Errorf("%s: query %q is a blank or a comment", repo, q)
			}
		}
	}
	if qs, _ := loadQueries("", "/mod/github.com/prometheus/prometheus@v0.316.0"); !slices.Contains(qs, "scrapeLoop") {
		t.Errorf("the prometheus module got another set: %q", qs)
	}
	if _, err := parseQueries("empty", "# nothing\n\n"); err == nil {
		t.Error("a set with no queries was accepted")
	}
}
