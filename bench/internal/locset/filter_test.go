package locset

import "testing"

func TestSkipReason(t *testing.T) {
	tests := []struct{ subject, want string }{
		{"tsdb: fix head compaction race", ""},
		{"Add support for native histograms in remote write", ""},
		{"fix: handle nil pointer in rule manager", ""},
		{"Merge branch 'stable'", SkipMerge},
		{"Merge pull request #19461 from a/b", SkipMerge},
		{`Revert "tsdb: faster compaction"`, SkipRevert},
		{"fix(deps): update module google.golang.org/protobuf to v1.36.12", SkipDeps},
		{"build(deps): bump github.com/foo/bar from 1.2.0 to 1.3.0", SkipDeps},
		{"chore(deps): update actions/checkout action to v5", SkipDeps},
		{"Bump werkzeug from 2.0 to 2.1", SkipDeps},
		{"Update dependencies", SkipDeps},
		{"fix typo in docs", SkipFormatting},
		{"Fix typos", SkipFormatting},
		{"run gofmt", SkipFormatting},
		{"apply black formatting", SkipFormatting},
		{"Release 3.1.0", SkipRelease},
		{"release version 2.2.5", SkipRelease},
		{"Prepare release 2.54.0", SkipRelease},
		{"v2.53.1", SkipRelease},
		{"Update CHANGELOG for 3.0", SkipRelease},
		{"changelog: 3.0", SkipRelease},
	}
	for _, tt := range tests {
		if got := SkipReason(tt.subject); got != tt.want {
			t.Errorf("SkipReason(%q) = %q, want %q", tt.subject, got, tt.want)
		}
	}
}

func TestSourceAndTest(t *testing.T) {
	tests := []struct {
		path         string
		source, test bool
	}{
		{"tsdb/head.go", true, false},
		{"tsdb/head_test.go", true, true},
		{"src/flask/app.py", true, false},
		{"tests/test_basic.py", true, true},
		{"src/flask/testing.py", true, false},
		{"tests/conftest.py", true, true},
		{"web/ui/src/App.tsx", true, false},
		{"web/ui/src/App.test.tsx", true, true},
		{"src/main/java/a/Foo.java", true, false},
		{"src/test/java/a/FooTest.java", true, true},
		{"util/testutil/context.go", true, true},
		{"cmd/exit.go", true, false},
		{"prompb/types.pb.go", false, false},
		{"vendor/github.com/x/y.go", false, false},
		{"web/ui/node_modules/react/index.js", false, false},
		{"docs/configuration.md", false, false},
		{"go.mod", false, false},
		{"web/ui/static/app.min.js", false, false},
	}
	for _, tt := range tests {
		if got := IsSource(tt.path); got != tt.source {
			t.Errorf("IsSource(%q) = %v, want %v", tt.path, got, tt.source)
		}
		if got := IsTest(tt.path); got != tt.test {
			t.Errorf("IsTest(%q) = %v, want %v", tt.path, got, tt.test)
		}
	}
}
