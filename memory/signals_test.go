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
	sigs, err := ix.SearchSignals(context.Background(), Query{Text: "backoffDelay waits too long", Mode: ModeText, Kinds: []chunk.Kind{chunk.Code}})
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
	sigs, err = ix.SearchSignals(context.Background(), Query{Text: "retry: backoffDelay waits too long", Mode: ModeText, Kinds: []chunk.Kind{chunk.Code}})
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
