package spec

import (
	"testing"
)

// TestLintRules: for every rule a requirement that passes it and one that
// fails it.
func TestLintRules(t *testing.T) {
	t.Parallel()
	src := []string{"devai://code/internal/httpapi/handlers_auth.go#L39-L73"}
	for _, tc := range []struct {
		rule string
		pass Requirement
		fail Requirement
	}{
		{RuleEARS,
			Requirement{ID: "FR-1", Text: "WHEN a client sends POST /v1/login THE service SHALL respond 429.", Sources: src},
			Requirement{ID: "FR-1", Text: "Login attempts shall be limited to 10 per minute.", Sources: src}},
		{RuleEARS,
			Requirement{ID: "FR-1", Text: "IF the limit is exceeded, THEN THE service SHALL respond 429.", Sources: src},
			Requirement{ID: "FR-1", Text: "IF the limit is exceeded THE service SHALL respond 429.", Sources: src}},
		{RuleOneShall,
			Requirement{ID: "FR-2", Text: "THE service SHALL respond 429 with a Retry-After header.", Sources: src},
			Requirement{ID: "FR-2", Text: "THE service SHALL respond 429 and SHALL log the address.", Sources: src}},
		{RuleVague,
			Requirement{ID: "FR-3", Text: "THE service SHALL answer a refused login fast, within 50 ms.", Sources: src},
			Requirement{ID: "FR-3", Text: "THE service SHALL answer a refused login fast.", Sources: src}},
		{RuleVague,
			Requirement{ID: "FR-3", Text: "THE service SHALL log refusals with the address and the count.", Sources: src},
			Requirement{ID: "FR-3", Text: "THE service SHALL log refusals, the address, etc.", Sources: src}},
		{RuleSource,
			Requirement{ID: "FR-4", Text: "THE service SHALL respond 429.", Question: "Q1"},
			Requirement{ID: "FR-4", Text: "THE service SHALL respond 429."}},
		{RuleTestable,
			Requirement{ID: "FR-5", Text: "THE service SHALL refuse the 11th login within a minute with 429.", Sources: src},
			Requirement{ID: "FR-5", Text: "THE service SHALL be secure against password guessing.", Sources: src}},
		{RulePlaceholder,
			Requirement{ID: "FR-6", Text: "THE service SHALL respond 429.", Sources: src},
			Requirement{ID: "FR-6", Text: "THE service SHALL respond <status>.", Sources: src}},
	} {
		if got := rules(Lint([]Requirement{tc.pass})); got[tc.rule] {
			t.Errorf("%s: %q fails it: %v", tc.rule, tc.pass.Text, Lint([]Requirement{tc.pass}))
		}
		if got := rules(Lint([]Requirement{tc.fail})); !got[tc.rule] {
			t.Errorf("%s: %q passes it: %v", tc.rule, tc.fail.Text, Lint([]Requirement{tc.fail}))
		}
	}
	// Duplicate IDs are a property of the set.
	a := Requirement{ID: "FR-7", Text: "THE service SHALL respond 429.", Sources: src}
	b := Requirement{ID: "FR-8", Text: "THE service SHALL log the address.", Sources: src}
	if rules(Lint([]Requirement{a, b}))[RuleDuplicateID] {
		t.Error("distinct IDs flagged")
	}
	b.ID = "FR-7"
	fs := Lint([]Requirement{a, b})
	if !rules(fs)[RuleDuplicateID] {
		t.Errorf("duplicate ID not flagged: %v", fs)
	}
	for _, f := range fs {
		if f.Rule == RuleDuplicateID && f.ID != "FR-7" {
			t.Errorf("finding names %s", f.ID)
		}
	}
}

func rules(fs []Finding) map[string]bool {
	m := map[string]bool{}
	for _, f := range fs {
		m[f.Rule] = true
	}
	return m
}

func TestPatternOf(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]string{
		"THE service SHALL respond 429.":                                     Ubiquitous,
		"WHEN a client sends POST /v1/login THE service SHALL count it.":     Event,
		"WHILE an account is locked THE service SHALL refuse every login.":   State,
		"IF the password does not match, THEN THE service SHALL respond 401": Unwanted,
		"WHERE audit logging is enabled THE service SHALL record logins.":    Optional,
		"WHILE locked, WHEN a login arrives THE service SHALL respond 423.":  State,
		"The service must respond 429.":                                      "",
	} {
		if got := PatternOf(text); got != want {
			t.Errorf("PatternOf(%q) = %q, want %q", text, got, want)
		}
	}
}

func TestComponentScope(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		request, component, in, out string
	}{
		{"tsdb: add native histogram head metrics", "tsdb", "tsdb/head.go", "storage/series.go"},
		{"feat(scrape): support Unix sockets", "scrape", "scrape/target.go", "discovery/aws/ec2.go"},
		{"storage/remote: add a config option", "storage/remote", "storage/remote/write.go", "storage/merge.go"},
		{"docker: add Image to labels", "docker", "discovery/moby/docker.go", "discovery/moby/network.go"},
		{"add rate limiting to the login endpoint", "", "", ""},
	} {
		got := componentOf(tc.request)
		if got != tc.component {
			t.Errorf("componentOf(%q) = %q, want %q", tc.request, got, tc.component)
		}
		if got == "" {
			continue
		}
		if !inComponent(tc.in, got) || inComponent(tc.out, got) {
			t.Errorf("%s: %s in %v, %s in %v", got, tc.in, inComponent(tc.in, got), tc.out, inComponent(tc.out, got))
		}
	}
	if !isFixture("config/testdata/x.yml") || !isFixture("testdata/a.go") || isFixture("tsdb/head.go") {
		t.Error("isFixture")
	}
}
