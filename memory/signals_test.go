package memory

import (
	"context"
	"strings"
	"testing"

	"github.com/devaiops/devai/memory/chunk"
)

// TestSearchSignals: the signals are those the fusion uses — the text rank,
// the named symbol — only for chunks that pass the filters.
func TestSearchSignals(t *testing.T) {
	repo := writeRepo(t, map[string]string{
		"go.mod":                "module example.com/r\n\ngo 1.22\n",
		"retry/backoff.go":      "package retry\n\n// backoffDelay is the wait before attempt n.\nfunc backoffDelay(n int) int { return n * 100 }\n",
		"retry/jitter.go":       "package retry\n\n// jitter spreads the wait of many clients.\nfunc jitter(wait int) int { return wait + 7 }\n",
		"retry/backoff_test.go": "package retry\n\nimport \"testing\"\n\nfunc TestBackoffDelay(t *testing.T) { _ = backoffDelay(2) }\n",
	})
	ix := openSynced(t, repo)
	_, sigs, err := ix.SearchSignals(context.Background(), Query{Text: "backoffDelay waits too long", Mode: ModeText, Kinds: []chunk.Kind{chunk.Code}})
	if err != nil {
		t.Fatal(err)
	}
	var named *Signals
	for i, s := range sigs {
		if s.Kind != chunk.Code {
			t.Errorf("a %s chunk (%s) passed a code-only filter", s.Kind, s.Path)
		}
		if s.Symbol {
			named = &sigs[i]
		}
	}
	if named == nil || named.Path != "retry/backoff.go" || named.TextRank != 1 {
		t.Fatalf("signals %+v: want retry/backoff.go named by the query and first on text", sigs)
	}
	if named.Scope || named.NonCode {
		t.Errorf("signals %+v: no scope in the query, and Go is a programming language", *named)
	}
	_, sigs, err = ix.SearchSignals(context.Background(), Query{Text: "retry: backoffDelay waits too long", Mode: ModeText, Kinds: []chunk.Kind{chunk.Code}})
	if err != nil {
		t.Fatal(err)
	}
	if len(sigs) == 0 {
		t.Fatal("the scoped query found nothing")
	}
	for _, s := range sigs {
		if s.Scope != strings.HasPrefix(s.Path, "retry/") {
			t.Errorf("%s: Scope = %v for the query's scope retry", s.Path, s.Scope)
		}
	}
}

// TestRankFilesIsSearchOrder: re-fusing a query's signals offline gives
// the files a file-level Search gives, so a fit on bench/locset's signals
// scores the ranking users see.
func TestRankFilesIsSearchOrder(t *testing.T) {
	repo := writeRepo(t, map[string]string{
		"go.mod":                "module example.com/r\n\ngo 1.22\n",
		"retry/backoff.go":      "package retry\n\n// backoffDelay is the wait before attempt n.\nfunc backoffDelay(n int) int { return n * 100 }\n\n// maxDelay caps the wait.\nconst maxDelay = 5000\n",
		"retry/jitter.go":       "package retry\n\n// jitter spreads the wait of many clients.\nfunc jitter(wait int) int { return wait + 7 }\n",
		"retry/backoff_test.go": "package retry\n\nimport \"testing\"\n\nfunc TestBackoffDelay(t *testing.T) { _ = backoffDelay(2) }\n",
		"server/handler.go":     "package server\n\nimport \"errors\"\n\n// ErrTooLarge is returned when the body exceeds the limit.\nvar ErrTooLarge = errors.New(\"request body too large\")\n\n// Handle reads the request and waits before a retry.\nfunc Handle(body []byte) error {\n\tif len(body) > 1<<20 {\n\t\treturn ErrTooLarge\n\t}\n\treturn nil\n}\n",
		"server/config.yaml":    "limit: 1048576\nretry: true\nwait: 100\n",
		"copy/handler.go":       "package server\n\nimport \"errors\"\n\n// ErrTooLarge is returned when the body exceeds the limit.\nvar ErrTooLarge = errors.New(\"request body too large\")\n",
	})
	ix := openSynced(t, repo)
	long := "server: Handle returns request body too large for small bodies\n\nWhen I send a body of 2 KB the server answers 413 and the log says \"request body too large\". " +
		"I expected the limit from config.yaml to apply, and the wait before a retry to grow with backoffDelay. See server/handler.go."
	for _, text := range []string{"backoffDelay", "retry: jitter waits", "where is the request body limit checked?", "request body too large", long} {
		for _, mode := range []Mode{ModeText, ModeHybrid} {
			q := Query{Text: text, Mode: mode, Kinds: []chunk.Kind{chunk.Code}, FileLevel: true, Limit: 100}
			res, err := ix.Search(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, h := range res.Hits {
				want = append(want, h.Path)
			}
			sh, sigs, err := ix.SearchSignals(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			if got := ix.weights.RankFiles(sh, sigs); strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("%s %q: re-fused %v, Search %v", mode, text, got, want)
			}
		}
	}
}
