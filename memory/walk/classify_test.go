package walk

import (
	"strings"
	"testing"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		path, head, want string
	}{
		// logs
		{"app.log", "", "log Log"},
		{"var/app.LOG", "", "log Log"},
		{"app.log.3", "", "log Log"},
		{"app.log.2024-01-02", "", "log Log"},
		{"catalog.go", "package x", "code Go"},
		{"out.jsonl", `{"@timestamp":"2024-01-01","message":"hi"}`, "log Log"},
		{"out.ndjson", `{"Time":"x","Body":"y"}` + "\n{", "log Log"},
		{"serilog.jsonl", `{"@t":"2024-01-01","@mt":"Hello {Name}","Name":"x"}`, "log Log"},
		{"cut.jsonl", `{"ts":1, "msg":"` + strings.Repeat("a", 9000), "log Log"}, // cut by the head: keys seen so far count
		{"rows.jsonl", `{"id":1,"time":"x"}`, "code JSON"},
		{"rows.jsonl", `[1,2,3]`, "code JSON"},
		{"rows.jsonl", ``, "code JSON"},
		// specs
		{"README.md", "# x", "spec Markdown"},
		// issue and pull-request templates are forms, not code
		{".github/ISSUE_TEMPLATE/bug_report.yml", "name: Bug report\nbody:", "spec YAML"},
		{".github/ISSUE_TEMPLATE/config.yml", "blank_issues_enabled: false", "spec YAML"},
		{".gitlab/issue_templates/Bug.md", "## Summary", "spec Markdown"},
		{".github/PULL_REQUEST_TEMPLATE.md", "", "spec Markdown"},
		{".github/workflows/ci.yml", "on: push", "code YAML"},
		{"doc.markdown", "", "spec Markdown"},
		{"page.mdx", "", "spec Markdown"},
		{"docs/decisions/0002-x.md", "", "spec Markdown"},
		{"g.asciidoc", "", "spec AsciiDoc"},
		{"x.rst", "", "spec reStructuredText"},
		// manuals in other markup (fd's doc/fd.1)
		{"doc/fd.1", ".TH FD 1\n.SH NAME\n", "spec Roff Manpage"},
		{"lib/Foo.pod", "=head1 NAME\n", "spec Pod"},
		{"notes.org", "* Heading\n", "spec Org"},
		{"a/b.feature", "Feature: x", "spec Gherkin"},
		{"svc.proto", "service Foo{}", "spec Protobuf"},
		{"svc.proto", "// service Foo {\nmessage A {}", "code Protobuf"},
		{"openapi.yml", "openapi: 3.1.0\n", "spec OpenAPI"},
		{"swagger.yaml", "---\nswagger: \"2.0\"\n", "spec OpenAPI"},
		{"quoted.yaml", "\"openapi\": 3.0.0\n", "spec OpenAPI"},
		{"events.yaml", "asyncapi: 3.0.0\n", "spec AsyncAPI"},
		{"events.json", `{"asyncapi": "2.6.0"}`, "spec AsyncAPI"},
		{"api.json", `{"openapi":"3.0.0"}`, "spec OpenAPI"},
		{"plain.yaml", "kind: Deployment\nspec:\n  openapi: x\n", "code YAML"},
		{"plain.json", `{"name": "openapi", "x": {"swagger": 1}}`, "code JSON"},
		{"broken.json", `{"a": [1, 2`, "code JSON"},
		{"README.txt", "", "spec Text"},
		{"CHANGELOG", "", "spec Text"},
		{"docs/howto.txt", "", "spec Text"},
		{"notes.txt", "", "code Text"},
		{"LICENSE", "", "code Text"},
		{"LICENSE.txt", "", "code Text"},
		{"requirements.txt", "flask\n", "code Pip Requirements"},
		{"CMakeLists.txt", "", "code CMake"},
		{"noext", "just words", "code Text"},
		// tests
		{"a_test.go", "", "test Go"},
		{"a_test.py", "", "test Python"},
		{"sub/test_a.py", "", "test Python"},
		{"conftest.py", "", "test Python"},
		{"tests/unit/helpers.py", "", "test Python"},
		{"test/e2e/framework.go", "", "test Go"},
		{"contest.py", "", "code Python"},
		{"c.test.tsx", "", "test TSX"},
		{"c.spec.ts", "", "test TypeScript"},
		{"mod_test.ts", "", "test TypeScript"},
		{"src/__tests__/x.jsx", "", "test JavaScript"},
		{"spec/models/user.js", "", "test JavaScript"},
		{"UserTest.java", "", "test Java"},
		{"UserTests.java", "", "test Java"},
		{"UserIT.java", "", "test Java"},
		{"Contest.java", "", "code Java"},
		{"mod/src/test/kotlin/Fixtures.kt", "", "test Kotlin"},
		{"UserSpec.scala", "", "test Scala"},
		{"crate/tests/api.rs", "", "test Rust"},
		{"crate/src/tests.rs", "", "test Rust"}, // #[cfg(test)] mod tests; in lib.rs
		{"crate/src/parser/lexer_tests.rs", "", "test Rust"},
		{"crate/src/attest.rs", "", "code Rust"},
		{"user_spec.rb", "", "test Ruby"},
		{"test_user.rb", "", "test Ruby"},
		{"UserTests.cs", "", "test C#"},
		{"UserTest.php", "", "test PHP"},
		{"foo_unittest.cc", "", "test C++"},
		{"check.bats", "", "test Shell"},
		{"tests/golden.json", "{}", "code JSON"},
		{"tests/README.md", "", "spec Markdown"},
		{"pkg/testdata/x_test.go", "", "code Go"},
		{"testdata/tests/x.py", "", "code Python"},
		// code
		{"main.go", "package main", "code Go"},
		{"x.h", "#include <vector>\nclass A { public: std::vector<int> v; };\n", "code C++"},
		{"x.h", "int f(void);\n", "code C"},
		{"Dockerfile", "FROM alpine\n", "code Dockerfile"},
		{"bin/tool", "#!/bin/bash\necho\n", "code Shell"},
		{"a.tsx", "export const A = () => <div/>\n", "code TSX"},
		{"win\\path\\x.go", "", "code Go"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			k, lang := Classify(tt.path, []byte(tt.head))
			if got := string(k) + " " + lang; got != tt.want {
				t.Errorf("Classify(%q) = %q, want %q", tt.path, got, tt.want)
			}
		})
	}
}

func TestClassifyNeverPanics(t *testing.T) {
	heads := []string{"", "{", "{\"", "\x00\xff\xfe", "openapi", strings.Repeat("{", 10000), "{\"ts\":1,\"msg\":" + strings.Repeat("[", 5000)}
	for _, name := range []string{"a.jsonl", "a.json", "a.yaml", "a.proto", "a", ".", "/", "a/b/", "x.h"} {
		for _, h := range heads {
			Classify(name, []byte(h))
		}
	}
}

func TestIsGenerated(t *testing.T) {
	tests := []struct {
		path, head string
		want       bool
	}{
		{"a.go", "// Code generated by mockgen. DO NOT EDIT.\npackage a\n", true},
		{"a.go", "// Copyright x\n\n// Code generated from x.y; DO NOT EDIT.\n\npackage a\n", true},
		{"a.go", "package a\n// this mentions Code generated … DO NOT EDIT. in prose\n", false},
		{"a.py", "# @generated by tool\n", true},
		{"a.ts", "/* Auto-generated file. Do not edit. */\n", true},
		{"a.ts", "// hand written\nexport {}\n", false},
		{"foo.designer.cs", "class A {}", true},
		{"a.md", "<!-- Code generated by gendoc. DO NOT EDIT. -->\n# Title\n", true},
		{"a.md", "# Title\n\ntext\n", false},
	}
	for _, tt := range tests {
		if got := isGenerated(tt.path, []byte(tt.head)); got != tt.want {
			t.Errorf("isGenerated(%q, %q) = %v, want %v", tt.path, tt.head, got, tt.want)
		}
	}
}

func TestIsVendored(t *testing.T) {
	tests := []struct {
		path string
		want bool
	}{
		{"vendor/", true},
		{"a/node_modules/", true},
		{"third_party/x/", true},
		{"web/jquery-3.6.0.js", true},
		{"types/index.d.ts", true},
		{"testdata/", false},
		{"tests/fixtures/", false},
		{".github/workflows/ci.yml", false},
		{".gitignore", false},
		{"internal/cache/", false},
		{"Jenkinsfile", false},
		{"pkg/server.go", false},
		{"angular-app/src/main.js", false},
		{"react-app/src/setupProxy.js", false},
		{"src/prototype-utils/x.js", false},
		{"js/angular.js", true},
		{"js/angular-route.js", true},
		{"static/react-dom.js", true},
		{"js/prototype.js", true},
		{"js/prototype-1.7.js", true},
		{"js/jquery-ui.custom.js", true},
		{"ext/extjs/src/core.js", true},
	}
	for _, tt := range tests {
		if got := isVendored(tt.path); got != tt.want {
			t.Errorf("isVendored(%q) = %v, want %v", tt.path, got, tt.want)
		}
	}
}

// TestVendorRuleGroups guards isVendoredFile's grouping: a rule that names
// no extension is only tried on files without one and on dotfiles, so it
// must name a whole extensionless file, a dotfile, or only folders (already
// tried on every folder). A new enry version that breaks this fails here.
func TestVendorRuleGroups(t *testing.T) {
	known := []string{
		"configure$", "_esy$", "rebar$", "waf$", "gradlew$", "mvnw$", "activator$", "[Dd][Ss]_[Ss]tore$",
		"tiny_mce/(langs", "[Cc]ode[Mm]irror/", "[Pp]ackages",
	}
	for _, rule := range vendor.otherSrc {
		ok := false
		for _, k := range known {
			ok = ok || strings.Contains(rule, k)
		}
		if !ok {
			t.Errorf("vendoring rule %q names no known extension: add it to vendorExts or to this test", rule)
		}
	}
	if len(vendor.extension) < 10 {
		t.Errorf("only %d extensions grouped: %v", len(vendor.extension), vendor.extension)
	}
}

func TestIsCIScript(t *testing.T) {
	for p, want := range map[string]bool{
		".github/scripts/lint-ecosystem.js": true, ".circleci/config.yml": true, ".ci/run": true,
		"lib/ci.js": false, "scripts/build.js": false, "docs/.github.md": false,
	} {
		if got := IsCIScript(p); got != want {
			t.Errorf("IsCIScript(%q) = %v, want %v", p, got, want)
		}
	}
}

func TestIsExample(t *testing.T) {
	for p, want := range map[string]bool{
		"examples/graceful-shutdown/src/main.rs": true, "_examples/basic/main.go": true, "samples/src/Crawler.java": true,
		"lib/example.go": false, "src/examples.rs": false, "docs/demo.md": false, "pkg/demo/run.go": true,
		"docs_src/subcommands/name_help/tutorial007_py310.py": true,
	} {
		if got := IsExample(p); got != want {
			t.Errorf("IsExample(%q) = %v, want %v", p, got, want)
		}
	}
}
