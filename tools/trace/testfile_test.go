package trace

import "testing"

// TestTestFileFor: the test to write goes where the repository keeps its
// tests, not where a convention guesses (flask's tests/, not src/flask/).
func TestTestFileFor(t *testing.T) {
	tests := []struct {
		name, file string
		tests      map[string][]string
		want       string
	}{
		{"flask's tests folder", "src/flask/templating.py", map[string][]string{"tests": {"tests/test_basic.py", "tests/test_templating.py"}}, "tests/test_templating.py"},
		{"python with no tests: a new one beside it", "pkg/mod.py", nil, "pkg/test_mod.py (new)"},
		{"go", "internal/auth/service.go", nil, "internal/auth/service_test.go (new)"},
		{"java: only its own Test class, else a new one under src/test", "src/main/java/com/x/Foo.java",
			map[string][]string{"src/test/java/com/x": {"src/test/java/com/x/BarTest.java"}}, "src/test/java/com/x/FooTest.java (new)"},
		{"java: its Test class", "src/main/java/com/x/Foo.java",
			map[string][]string{"src/test/java/com/x": {"src/test/java/com/x/BarTest.java", "src/test/java/com/x/FooTest.java"}}, "src/test/java/com/x/FooTest.java"},
		{"rust: its tests module", "src/lib.rs", map[string][]string{"tests": {"tests/it.rs"}}, "src/lib.rs (a #[cfg(test)] mod tests)"},
		{"javascript with no tests", "lib/router.js", nil, "lib/router.test.js (new)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := testFileFor(tt.file, tt.tests); got != tt.want {
				t.Errorf("testFileFor(%q) = %q, want %q", tt.file, got, tt.want)
			}
		})
	}
}
