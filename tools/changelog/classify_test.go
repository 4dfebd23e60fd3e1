package changelog

import "testing"

// Subjects from the histories bench/changelog scores (labstack/echo,
// encode/starlette, encode/httpx), each with where its maintainers put it.
func TestClassifyRealSubjects(t *testing.T) {
	tests := []struct {
		rule, subject, section string
	}{
		// Release commits: every maintainer left them out.
		{"release", "Version 0.47.3 (#2985)", SectionMaintenance},
		{"release", "Changelog for v5.3.0", SectionMaintenance},
		{"release", "Update CHANGELOG.md (#3000)", SectionMaintenance},
		{"release", "chore(release): 1.2.0", SectionMaintenance},
		// sharkdp/fd v10.4.0, read as a user would
		{"changelog entry", "Add changelog entry for Windows hyperlink fix", SectionMaintenance},
		{"formatting", "Cargo fmt", SectionMaintenance},
		{"formatting", "Run gofmt on the tree", SectionMaintenance},
		{"a [scope] as well as a (scope)", "Feat[release]: Add attestation for release artifacts", SectionAdded},
		// Dependency updates, by bots and by people.
		{"dependency update", "Bump the python-packages group with 7 updates (#2957)", SectionMaintenance},
		{"dependency update", "Bump uvicorn from 0.18.3 to 0.19.0 (#2429)", SectionMaintenance},
		{"dependency update", "update golang.org/x deps to latest versions", SectionMaintenance},
		{"dependency update", "Update deps", SectionMaintenance},
		// CI and tooling.
		{"tooling", "pin GitHub Actions to full commit SHAs and rework actions shas to own block", SectionMaintenance},
		{"tooling", "Include Python 3.14 to the pipeline (#2919)", SectionMaintenance},
		{"tooling", "Typing: enable strict_equality (#2480)", SectionMaintenance},
		// Documentation and the project's pages.
		{"docs", "Document how to resize the threadpool (#2881)", SectionMaintenance},
		{"docs", "Fix issue with broken link in release notes (#2758)", SectionMaintenance},
		{"docs", "Add sponsorship page (#2877)", SectionMaintenance},
		{"browser edit", "Update _client.py (#2247)", SectionMaintenance},
		// Tests: words, test files, coverage pragmas.
		{"tests", "Drop private imports from test_main.py (#2574)", SectionMaintenance},
		{"tests", "Add `pragma: no branch` in `middleware/exceptions.py`", SectionMaintenance},
		// A one-word Test… is an API type users see, not a Go test.
		{"not a test name", "Add `client` parameter to `TestClient` (#2810)", SectionAdded},
		// First words.
		{"first word ensure", "Ensure proxy connection is closed in proxyRaw function (#2837)", SectionFixed},
		{"first word raise", "Raise TypeError if content is passed a 'dict' instance. (#2495)", SectionFixed},
		{"do not", "Do not set http.Server.WriteTimeout in StartConfig this is bad for SSE and static file serving (#2932)", SectionFixed},
		{"first word modernize", "Modernize context.go by replacing interface{} with any (#2822)", SectionChanged},
		// The area's own name when the description has no verb.
		{"area", "optimization: struct alignment (#2636)", SectionChanged},
		// A verb after a leading name.
		{"later verb", "AutoHandleHEAD enables automatic handling of HTTP HEAD requests by falling back to the corresponding GET route", SectionAdded},
		{"later verb should", "CORS middleware should compile allowOrigin regexp at creation.", SectionFixed},
		// Unchanged: a commit with a clear first verb, and one with none.
		{"first word fix", "Fix DefaultBinder empty body handling for unknown ContentLength", SectionFixed},
		{"no verb", "Streaming multipart support (#2382)", SectionOther},
	}
	for _, tt := range tests {
		t.Run(tt.rule+"/"+tt.subject, func(t *testing.T) {
			if p := classify(tt.subject, ""); p.Section != tt.section {
				t.Errorf("classify(%q) = %q (rule %s), want %q", tt.subject, p.Section, p.Rule, tt.section)
			}
		})
	}
}
