package memory

import (
	"reflect"
	"testing"
)

func TestQueryScopes(t *testing.T) {
	for _, c := range []struct {
		query string
		want  []string
	}{
		{"promql: fix the rate of a counter reset", []string{"promql"}},
		{"net/http: close idle connections", []string{"net", "http"}[:1]},
		{"ignore/doc: explain require_git", []string{"ignore"}},
		{"fix(parser): accept a trailing comma", []string{"parser"}},
		{"feat(client, pool)!: retry on reset", []string{"client", "pool"}},
		{"# CSS: animation: none !important gets renamed\n\nbody", []string{"css"}},
		{"[tsdb]: compact head", []string{"tsdb"}},
		{"fix: close the stream", nil},
		{"Error: cannot find module 'x'", nil},
		{"where are route parameters parsed", nil},
		{"TypeError: 'NoneType' object is not subscriptable", nil},
		{"httpx.InvalidURL: Invalid port: 'abc'", nil},
		{"KnexTimeoutError: Knex: Timeout acquiring a connection", nil},
		{"body line\npromql: not the first line", nil},
	} {
		if got := queryScopes(c.query); !reflect.DeepEqual(got, c.want) {
			t.Errorf("queryScopes(%q) = %q, want %q", c.query, got, c.want)
		}
	}
}

func TestScopeFolder(t *testing.T) {
	for _, c := range []struct {
		file   string
		scopes []string
		want   string
	}{
		{"crates/printer/src/json.rs", []string{"printer"}, "printer"},
		{"promql/parser/lex.go", []string{"parser"}, "parser"},
		{"lib/CSS/CssParser.js", []string{"css"}, "CSS"},
		{"printer.go", []string{"printer"}, ""},
		{"crates/core/search.rs", []string{"printer"}, ""},
		{"crates/core/search.rs", nil, ""},
	} {
		if got := scopeFolder(c.file, c.scopes); got != c.want {
			t.Errorf("scopeFolder(%q, %q) = %q, want %q", c.file, c.scopes, got, c.want)
		}
	}
}

// TestScopeWeight: a commit subject's scope brings the code of that folder
// first, where the subject's words alone favour another folder.
func TestScopeWeight(t *testing.T) {
	repo := writeRepo(t, map[string]string{
		"go.mod":            "module example.com/rg\n\ngo 1.22\n",
		"printer/json.go":   "package printer\n\n// JSON writes matches as JSON lines.\nfunc JSON(m string) string { return m }\n",
		"core/replace.go":   "package core\n\n// replacement flag: replace every match with the replacement text.\nfunc replacement(m, r string) string { return r }\n",
		"core/flags/doc.go": "package flags\n\n// The replace flag.\nconst replaceFlag = \"--replace\"\n",
	})
	subject := "printer: support the replace flag\n\nThe replacement text replaces every match, as the replace flag asks."
	for _, c := range []struct {
		scope float64
		first string
	}{{0, "core/replace.go"}, {2, "printer/json.go"}} {
		w := DefaultWeights
		w.Scope = c.scope
		wantFirstFile(t, repo, w, subject, c.first, "scope weight")
	}
}
