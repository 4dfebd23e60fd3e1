package memory

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/devaiops/devai/memory/chunk"
)

// feedRepo is a small Python project where the words of a bug report are
// everywhere in the settings module, and the code the report's traceback
// points at says little.
var feedRepo = map[string]string{
	"scrapy/__init__.py": `"""Scrapy."""
`,
	"scrapy/extensions/feedexport.py": `"""Exports."""


class Exporter:
    def open_spider(self, spider):
        return self.fmt % self._get(spider)
`,
	"scrapy/settings/default_settings.py": `"""Default settings: feed URI params, custom params, spider name params.

The feed URI params setting names a function that returns the custom
params of the feed URI: spider name, batch id, time; the params of the
spider export items to a jsonline file named after the spider; custom uri
params of the spider name. Export items with custom params; params of the
feed. Custom params throw errors when the spider name is missing.
Custom feed uri params throw KeyError for a spider name missing from the
params: the custom uri params of the feed export, scrapy version 2.4.1.
"""

FEED_EXPORT_ENCODING = None  # export items to jsonline with custom params
`,
}

const feedReport = `FEED_URI_PARAMS: custom params throws KeyError

With Scrapy version 2.4.1, any custom feed uri params (FEED_URI_PARAMS) throws KeyError.

Steps to Reproduce
1. on myproject/settings.py FEED_URI_PARAMS = 'myproject.utils.uri_params'
2. def uri_params(params, spider): return {**params, 'spider_name': spider.name}

Traceback (most recent call last):
  File "/venv/lib/python3.8/site-packages/scrapy/extensions/feedexport.py", line 294, in open_spider
    uri=uri % uri_params,
KeyError: 'spider_name'
`

// TestLongQueryTracebackNamesTheFile: the file a traceback's frame names
// ranks first once Hints is on (as it is by default); with Hints off, the
// settings module that repeats the report's words wins.
func TestLongQueryTracebackNamesTheFile(t *testing.T) {
	repo := writeRepo(t, feedRepo)
	const frameFile = "scrapy/extensions/feedexport.py"
	for _, tt := range []struct {
		rules     QueryRules
		wantFirst bool
	}{
		{DefaultQueryRules, true},
		{QueryRules{Hints: true}, true},
		{QueryRules{}, false},
	} {
		ix := openSyncedRules(t, repo, tt.rules)
		res := search(t, ix, Query{Text: feedReport, Kinds: []chunk.Kind{chunk.Code}, FileLevel: true})
		first := len(res.Hits) > 0 && res.Hits[0].Path == frameFile
		if first != tt.wantFirst {
			t.Errorf("rules %+v: first hits %v; want %s first: %v", tt.rules, paths(res.Hits), frameFile, tt.wantFirst)
		}
		if first && !strings.Contains(res.Hits[0].Why, "named by the query") {
			t.Errorf("rules %+v: first hit's why = %q, want the file hint named", tt.rules, res.Hits[0].Why)
		}
		ix.Close()
	}
}

func openSyncedRules(t *testing.T, repo string, rules QueryRules) *Index {
	t.Helper()
	ix, err := Open(context.Background(), Options{Repo: repo, StateDir: t.TempDir(), Rules: &rules})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { ix.Close() })
	if err := ix.Sync(context.Background(), nil); err != nil {
		t.Fatalf("Sync: %v", err)
	}
	return ix
}

func TestStripBoilerplate(t *testing.T) {
	report := strings.Join([]string{
		"Graceful shutdown is not blocking",
		"### Checklist",
		"- [x] Dependencies installed",
		"- [ ] No typos",
		"Hi,",
		"## Steps to reproduce",
		"call `Start` and send SIGINT, see https://example.com/docs",
		"**Expected behaviour:** the server waits",
		"Scrapy       : 2.4.1",
		"- Python version: 3.12.0",
		"```go",
		"## not a heading inside code",
		"```",
		"Thanks!",
	}, "\n")
	want := strings.Join([]string{
		"Graceful shutdown is not blocking",
		"call `Start` and send SIGINT, see  ",
		"the server waits",
		"## not a heading inside code",
	}, "\n")
	if got := stripBoilerplate(report); got != want {
		t.Errorf("stripBoilerplate:\n%s\nwant:\n%s", got, want)
	}
}

func TestStrongNeedles(t *testing.T) {
	report := "`suite.Require` deadlock\n\nIf `require` object hasn't been initialized before calling " +
		"`suite.Require` method, it will be created:\n\n```go\nfunc (suite *Suite) Require() *require.Assertions {\n" +
		"\tsuite.mu.Lock()\n}\n```\n\nThis will result in a deadlock because `suite.T()` wants the lock."
	pq := parseQuery(report, QueryRules{Strong: true}, nil)
	want := []needle{{text: "suite.Require", ident: true}, {text: "require", ident: true}, {text: "suite.T", ident: true}}
	if !reflect.DeepEqual(pq.needles, want) {
		t.Errorf("strong needles %+v, want %+v (code spans only, none from the code block)", pq.needles, want)
	}
	if all := parseQuery(report, QueryRules{}, nil); len(all.needles) <= len(want) {
		t.Errorf("without Strong the report gives %d needles, want more than the %d strong ones", len(all.needles), len(want))
	}
}

func TestShortQueriesAreNotRewritten(t *testing.T) {
	rules := QueryRules{Strip: true, Hints: true, Strong: true}
	for _, q := range []string{"### Steps to reproduce", "fix parseRequestURL for paths in server.go"} {
		pq := parseQuery(q, rules, func(string, string, string) string { return "server.go" })
		if pq.text != q || len(pq.hints) != 0 || !reflect.DeepEqual(pq.needles, exactNeedles(q)) {
			t.Errorf("%q: parsed as %+v, want it unchanged", q, pq)
		}
	}
}

func TestWantedKind(t *testing.T) {
	tests := []struct {
		query string
		want  chunk.Kind
	}{
		{"where are the tests for following redirects?", chunk.Test},
		{"tests that check request decompression stops a zip bomb", chunk.Test},
		{"how is the body limit tested", chunk.Test},
		{"a unit test for the router", chunk.Test},
		{"test for digest authentication", chunk.Test},
		{"TestRouterParam", chunk.Test},
		{"test_redirect_loop", chunk.Test},
		{"what happens when the app under test raises an exception", chunk.Code},
		{"classify test files by each language's conventions", chunk.Code},
		{"where are route parameters parsed", chunk.Code},
		{"contest entries are ranked how", chunk.Code},
		// A pasted error is emitted by code, whatever it names.
		{"java.lang.IllegalArgumentException: TestService.foo: Only one HTTP method is allowed. Found: GET and GET.", chunk.Code},
		// A long query mentions tests in passing; it is about code.
		{"The upload fails with a 413 although the limit is 10MB. I tested with curl and the tests in our CI fail the same way; this started after upgrading to the latest release of the library last week and nothing else changed in our setup.", chunk.Code},
	}
	for _, tt := range tests {
		if got := parseQuery(tt.query, DefaultQueryRules, nil).wants; got != tt.want {
			t.Errorf("%q: wants %s, want %s", tt.query, got, tt.want)
		}
	}
}
