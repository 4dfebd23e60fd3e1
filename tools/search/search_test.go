package search

import (
	"strings"
	"testing"
	"time"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/chunk"
	"github.com/devaiops/devai/tools/tool"
)

func TestToQuery(t *testing.T) {
	tests := []struct {
		name    string
		in      Input
		wantErr string
		check   func(memory.Query) bool
	}{
		{"defaults", Input{Query: " login "}, "", func(q memory.Query) bool {
			return q.Text == "login" && q.Limit == DefaultLimit && q.MaxTokens == DefaultMaxTokens && len(q.Kinds) == 0
		}},
		{"kinds any case", Input{Query: "x", Kinds: []string{"Spec", "log"}}, "", func(q memory.Query) bool {
			return len(q.Kinds) == 2 && q.Kinds[0] == chunk.Spec && q.Kinds[1] == chunk.Log
		}},
		{"date only", Input{Query: "x", Since: "2024-05-01"}, "", func(q memory.Query) bool { return q.Since.Year() == 2024 }},
		{"an age, as fix-log takes it", Input{Query: "x", Since: "2h"}, "", func(q memory.Query) bool {
			return time.Since(q.Since) > 119*time.Minute && time.Since(q.Since) < 3*time.Hour
		}},
		{"no zone", Input{Query: "x", Since: "2024-05-01T10:00:00"}, "", func(q memory.Query) bool { return q.Since.Hour() == 10 }},
		{"empty", Input{Query: "   "}, "query is empty", nil},
		{"bad kind", Input{Query: "x", Kinds: []string{"docs"}}, `unknown kind "docs"`, nil},
		{"bad since", Input{Query: "x", Since: "yesterday"}, "RFC 3339", nil},
		{"until before since", Input{Query: "x", Since: "2024-05-02T00:00:00Z", Until: "2024-05-01T00:00:00Z"}, "not after", nil},
		{"limit", Input{Query: "x", Limit: 51}, "limit 51", nil},
		{"negative tokens", Input{Query: "x", MaxTokens: -1}, "max_tokens", nil},
		{"bad glob", Input{Query: "x", Path: "[oops"}, "not a valid glob", nil},
		{"unclosed brace, as the index reads globs", Input{Query: "x", Path: "internal/{a,b"}, "not a valid glob", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := ToQuery(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !tool.IsInputError(err) {
					t.Fatalf("err = %v, want an InputError with %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || !tt.check(q) {
				t.Fatalf("ToQuery(%+v) = %+v, %v", tt.in, q, err)
			}
		})
	}
}

func TestFromResultAndMarkdown(t *testing.T) {
	out := FromResult(memory.Result{})
	if out.Hits == nil || out.Index != "ready" {
		t.Fatalf("empty result: %+v (hits must be [] for the output schema)", out)
	}
	if md := Markdown("nothing", out); !strings.Contains(md, "No hits") {
		t.Errorf("empty markdown: %s", md)
	}
	out = FromResult(memory.Result{Index: "indexing 40%", Total: 5, Hits: []memory.Hit{{
		URI: "devai://code/a.go#L1-L3", Path: "a.go", Kind: chunk.Code, Language: "Go", StartLine: 1, EndLine: 3,
		Symbol: "A", Score: 0.5, Why: "text", Snippet: "func A() {\n```\n}", Truncated: true,
	}}})
	md := Markdown("a", out)
	for _, want := range []string{"indexing 40%", "devai://code/a.go#L1-L3", "````go", "truncated", "1 of 5"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
}

// openShop indexes testdata/shop for one test.
func openShop(t *testing.T) *memory.Index {
	t.Helper()
	ix, err := memory.Open(t.Context(), memory.Options{Repo: "../../testdata/shop", StateDir: t.TempDir(), Embedder: "hash"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	if err := ix.Sync(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	return ix
}

func TestRunOnTheShop(t *testing.T) {
	ix := openShop(t)
	out, err := Run(t.Context(), ix, Input{Query: "lockout", Limit: 2, FileLevel: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Hits) == 0 || len(out.Hits) > 2 || out.Tokens <= 0 {
		t.Fatalf("Run: %+v", out)
	}
	if out.Hits[0].Path == "" || !strings.HasPrefix(out.Hits[0].URI, "devai://") {
		t.Errorf("hit without a citation: %+v", out.Hits[0])
	}
	if _, err := Run(t.Context(), nil, Input{Query: "x"}); err == nil || tool.IsInputError(err) {
		t.Errorf("nil index: err = %v, want a non-input error", err)
	}
}

// TestLogTemplatesFound: a search over the logs for a template phrase finds
// the log file and says the template and how often it came.
func TestLogTemplatesFound(t *testing.T) {
	ix := openShop(t)
	tests := []struct {
		query, path, template, count string
	}{
		{"login refused: account locked", "logs/app.jsonl", "template: login refused: account locked", "×"},
		{"account locked after failed logins", "logs/app.jsonl", "template: account locked after failed logins", "(×3 in this file; warn 3;"},
		{"supervisor: shopd exited with status", "logs/worker.log", "template: shopd exited with status", "(×4 in this file;"}, // the Go log prefix is header (issue 12)
	}
	for _, tt := range tests {
		out, err := Run(t.Context(), ix, Input{Query: tt.query, Kinds: []string{"log"}, Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Hits) == 0 || out.Hits[0].Path != tt.path {
			t.Errorf("%q: hits %+v, want %s first", tt.query, out.Hits, tt.path)
			continue
		}
		found := false
		for _, h := range out.Hits {
			for _, tpl := range h.Templates {
				found = found || h.Path == tt.path && strings.HasPrefix(tpl, tt.template) && strings.Contains(tpl, tt.count)
			}
		}
		if !found {
			t.Errorf("%q: no hit's templates have %q with %q: %+v", tt.query, tt.template, tt.count, out.Hits)
		}
		if md := Markdown(tt.query, out); !strings.Contains(md, "- "+tt.template) {
			t.Errorf("%q: markdown lacks the template:\n%s", tt.query, md)
		}
	}
}

// TestShrinkShortensSnippetsBeforeDroppingHits: an answer over budget keeps
// its hits, with shorter snippets marked truncated, until no snippet is
// long; only then does it lose its lowest hits.
func TestShrinkShortensSnippetsBeforeDroppingHits(t *testing.T) {
	long := strings.Repeat("line of code in a long function\n", 100)
	out := Output{Hits: []Hit{{Snippet: long, Tokens: 800}, {Snippet: long[:400], Tokens: 100}, {Snippet: long, Tokens: 800}}, Tokens: 1700}
	for range 6 {
		if !shrink(&out) {
			t.Fatal("nothing left to cut too soon")
		}
	}
	if len(out.Hits) != 3 || !out.Hits[0].Truncated || !out.Hits[2].Truncated || out.Hits[1].Truncated {
		t.Fatalf("after shortening: %d hits, truncated %v %v %v", len(out.Hits), out.Hits[0].Truncated, out.Hits[1].Truncated, out.Hits[2].Truncated)
	}
	for _, h := range out.Hits {
		if len(h.Snippet) > minSnippet {
			t.Errorf("a snippet of %d bytes is still long", len(h.Snippet))
		}
		if h.Truncated && !strings.HasSuffix(h.Snippet, "\n") {
			t.Errorf("a snippet was cut inside a line: %q", h.Snippet[len(h.Snippet)-20:])
		}
	}
	for shrink(&out) {
	}
	if len(out.Hits) != 1 || out.Tokens <= 0 {
		t.Errorf("then hits go down to one: %d hits, %d tokens", len(out.Hits), out.Tokens)
	}
}
