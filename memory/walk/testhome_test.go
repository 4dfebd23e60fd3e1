package walk

import "testing"

// okhttpTests: okhttp's suite, many tests at the package root of one
// source set, a package's own in another.
var okhttpTests = map[string][]string{
	"okhttp/src/jvmTest/kotlin/okhttp3":                 {"okhttp/src/jvmTest/kotlin/okhttp3/AddressTest.kt", "okhttp/src/jvmTest/kotlin/okhttp3/CallTest.kt", "okhttp/src/jvmTest/kotlin/okhttp3/CacheTest.kt"},
	"okhttp/src/commonTest/kotlin/okhttp3/internal/dns": {"okhttp/src/commonTest/kotlin/okhttp3/internal/dns/MemoryCacheTest.kt", "okhttp/src/commonTest/kotlin/okhttp3/internal/dns/StateMachineDnsCallTest.kt"},
}

func TestTestHome(t *testing.T) {
	flask := map[string][]string{"tests": {"tests/test_basic.py", "tests/test_templating.py"}}
	tests := []struct {
		name, file string
		tests      map[string][]string
		want       string
	}{
		{"python src layout: the tests/ file named after it", "src/flask/templating.py", flask, "tests/test_templating.py"},
		{"python: no own file, the closest test folder's first", "src/flask/ctx.py", flask, "tests/test_basic.py"},
		{"go: its own _test.go", "pkg/auth/service.go", map[string][]string{"pkg/auth": {"pkg/auth/a_test.go", "pkg/auth/service_test.go"}}, "pkg/auth/service_test.go"},
		{"go: the package's test file", "pkg/auth/token.go", map[string][]string{"pkg/auth": {"pkg/auth/service_test.go"}}, "pkg/auth/service_test.go"},
		{"go: none yet", "pkg/auth/token.go", nil, "pkg/auth/token_test.go (new)"},
		{"java: FooTest under src/test wins over a nearer folder", "src/main/java/com/x/Foo.java",
			map[string][]string{"src/main/java/com/x/util": {"src/main/java/com/x/util/HelperTest.java"}, "src/test/java/com/x": {"src/test/java/com/x/FooTest.java"}},
			"src/test/java/com/x/FooTest.java"},
		{"no tests anywhere", "lib/router.js", nil, ""},
		{"the main suite, not an example's, and no conftest", "src/flask/app.py",
			map[string][]string{"examples/javascript/tests": {"examples/javascript/tests/conftest.py", "examples/javascript/tests/test_js_example.py"}, "tests": {"tests/conftest.py", "tests/test_basic.py", "tests/test_cli.py"}},
			"tests/test_basic.py"},
		{"only setup files: still a place", "src/pkg/x.py", map[string][]string{"tests": {"tests/conftest.py"}}, "tests/conftest.py"},
		{"javascript: a mirrored test tree's file of the same name (axios)", "lib/adapters/http.js",
			map[string][]string{"test/specs": {"test/specs/__helpers.js", "test/specs/adapter.spec.js", "test/specs/api.spec.js"},
				"test/unit/adapters": {"test/unit/adapters/fetch.js", "test/unit/adapters/http.js"}},
			"test/unit/adapters/http.js"},
		{"javascript: a helper file is no test's home", "lib/core/mergeConfig.js",
			map[string][]string{"test/specs": {"test/specs/__helpers.js", "test/specs/api.spec.js"}}, "test/specs/api.spec.js"},
		{"a folder of helpers comes after a folder of tests", "lib/core/settle.js",
			map[string][]string{"test/helpers": {"test/helpers/server.js", "test/helpers/a.js", "test/helpers/b.js"}, "test/specs": {"test/specs/api.spec.js"}},
			"test/specs/api.spec.js"},
		{"python: a package's __init__.py is not matched by the tests' __init__.py (black)", "src/black/__init__.py",
			map[string][]string{"tests": {"tests/__init__.py", "tests/conftest.py", "tests/test_black.py"}}, "tests/test_black.py"},
		{"the files a suite reads are no test's home, however many (black's tests/data/cases)", "src/black/parsing.py",
			map[string][]string{"tests": {"tests/test_black.py", "tests/test_format.py"},
				"tests/data/cases": {"tests/data/cases/a.py", "tests/data/cases/b.py", "tests/data/cases/c.py"}}, "tests/test_black.py"},
		{"a test of another language is no home (retrofit's website script.js)", "website/1.x/script.js",
			map[string][]string{"retrofit/src/test/java/retrofit2": {"retrofit/src/test/java/retrofit2/RetrofitTest.java"}}, ""},
		{"kotlin source sets: the test set's same package, and a file named with okhttp's - prefix", "okhttp/src/commonJvmAndroid/kotlin/okhttp3/internal/dns/-StateMachineDnsCall.kt", okhttpTests,
			"okhttp/src/commonTest/kotlin/okhttp3/internal/dns/StateMachineDnsCallTest.kt"},
		{"kotlin source sets: no own test, the same package's", "okhttp/src/commonJvmAndroid/kotlin/okhttp3/internal/dns/DnsCache.kt", okhttpTests,
			"okhttp/src/commonTest/kotlin/okhttp3/internal/dns/MemoryCacheTest.kt"},
		{"an example's test of the same name is no home (typer's docs_src/…/test_main.py for typer/main.py)", "typer/main.py",
			map[string][]string{"tests": {"tests/test_cli.py", "tests/test_other.py"}, "docs_src/testing/app01_py310": {"docs_src/testing/app01_py310/test_main.py"}}, "tests/test_cli.py"},
		{"python: a private module's test", "src/pkg/_utils.py", map[string][]string{"tests": {"tests/test_a.py", "tests/test_utils.py"}}, "tests/test_utils.py"},
		{"typescript and javascript share a suite", "src/index.ts",
			map[string][]string{"test": {"test/index.test.js"}}, "test/index.test.js"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := TestHome(tt.file, tt.tests); got != tt.want {
				t.Errorf("TestHome(%q) = %q, want %q", tt.file, got, tt.want)
			}
		})
	}
}
