package spec

import "testing"

func TestTitleOf(t *testing.T) {
	tests := []struct{ request, want string }{
		{"Add a DateTime.toUnixInteger variant that rounds instead of truncating", "Add a DateTime.toUnixInteger variant that rounds instead of truncating"},
		{"lock accounts after five failed logins. Admins can unlock them.", "Lock accounts after five failed logins"},
		{"Support Go 1.24 range-over-func iterators!\nThey are stable now.", "Support Go 1.24 range-over-func iterators"},
		{"Why does export fail? It used to work.", "Why does export fail"},
		{"Let users hide a command group from --help while keeping it callable", "Let users hide a command group from --help while keeping it callable"},
		{"Let users hide a command group from the generated help output and the shell completion while keeping it callable from scripts", "Let users hide a command group from the generated help output"},
		{"Retry idempotent requests on connection resets, timeouts, refused connections, protocol errors, TLS handshake failures and DNS errors", "Retry idempotent requests on connection resets, timeouts, refused connections, protocol errors, TLS handshake failures"},
	}
	for _, tt := range tests {
		if got := titleOf(tt.request); got != tt.want {
			t.Errorf("titleOf(%q) = %q, want %q", tt.request, got, tt.want)
		}
	}
}

// A new test is named as its file's language names tests.
func TestNewTestNames(t *testing.T) {
	event := Requirement{ID: "FR-001", Pattern: Event, Text: "WHEN a caller rounds THE library SHALL round."}
	unwanted := Requirement{ID: "FR-002", Pattern: Unwanted, Text: "IF it cannot THEN THE library SHALL respond with an error."}
	const base, title = "DatetimeTounixinteger", "Add a DateTime.toUnixInteger variant"
	tests := []struct {
		file string
		r    Requirement
		name string
		tag  string
	}{
		{"internal/auth/service_test.go", event, "TestDatetimeTounixinteger_FR001", "// verifies: FR-001"},
		{"tests/test_time.py", unwanted, "test_datetime_tounixinteger_error_fr002", "# verifies: FR-002"},
		{"src/time.rs", event, "datetime_tounixinteger_fr001", "// verifies: FR-001"},
		{"src/test/java/TimeTest.java", event, "testDatetimeTounixinteger_FR001", "// verifies: FR-001"},
		{"test/datetime/create.test.js", event, "Add a DateTime.toUnixInteger variant (FR-001)", "// verifies: FR-001"},
		{"test/time.spec.ts", unwanted, "Add a DateTime.toUnixInteger variant: fails with a clear error (FR-002)", "// verifies: FR-002"},
	}
	for _, tt := range tests {
		got := newTest(tt.file, base, title, tt.r)
		if got.Name != tt.name || got.Tag != tt.tag {
			t.Errorf("%s: %q %q, want %q %q", tt.file, got.Name, got.Tag, tt.name, tt.tag)
		}
	}
}
