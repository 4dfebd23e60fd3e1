package memory

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestChunkOfDoc(t *testing.T) {
	tests := []struct {
		doc, id string
		part    int
	}{
		{"lib/http.js#3", "lib/http.js#3", -1},
		{"lib/http.js#3~1", "lib/http.js#3", 0},
		{"lib/http.js#3~12", "lib/http.js#3", 11},
		{"a~b/c.go#0~2", "a~b/c.go#0", 1},
		{"a~b/c.go#0", "a~b/c.go#0", -1},
		{"notes~#1", "notes~#1", -1},
	}
	for _, tt := range tests {
		if id, part := chunkOfDoc(tt.doc); id != tt.id || part != tt.part {
			t.Errorf("chunkOfDoc(%q) = %q, %d; want %q, %d", tt.doc, id, part, tt.id, tt.part)
		}
		if tt.part >= 0 && partID(tt.id, tt.part) != tt.doc {
			t.Errorf("partID(%q, %d) = %q, want %q", tt.id, tt.part, partID(tt.id, tt.part), tt.doc)
		}
	}
}

// adapter is a Go function of about n lines whose middle sets the
// request's deadline.
func adapter(n int) string {
	var b strings.Builder
	b.WriteString("package fetch\n\nfunc Do(req *Request) (*Response, error) {\n")
	for i := 0; i < n; i++ {
		switch {
		case i == n/2:
			b.WriteString("\t// the watchdog enforces the request deadline: a slow server is cut off\n\tconn.SetDeadline(watchdogDeadline(req))\n")
		case i%8 == 7:
			b.WriteString("\n")
		default:
			fmt.Fprintf(&b, "\treq.header%d = encodeHeader(req, %d)\n", i, i)
		}
	}
	b.WriteString("\treturn send(req)\n}\n")
	return b.String()
}

// A long function is searched in parts: a question about a few of its
// lines finds it, pointed at the part that holds them, above a short
// function that merely mentions the words; when the function shrinks, its
// parts leave the index with it.
func TestLongChunkSearchedInParts(t *testing.T) {
	repo := writeRepo(t, map[string]string{
		"fetch/do.go":    adapter(300),
		"fetch/names.go": "package fetch\n\n// deadlineName is the name of the header that carries a deadline.\nfunc deadlineName() string { return \"X-Deadline\" }\n",
	})
	ix := openSynced(t, repo)
	res := search(t, ix, Query{Text: "where does the watchdog enforce the request deadline", Limit: 5})
	if len(res.Hits) == 0 || res.Hits[0].Symbol != "fetch.Do" {
		t.Fatalf("hits %+v, want fetch.Do first", res.Hits)
	}
	h := res.Hits[0]
	text, err := os.ReadFile(filepath.Join(repo, "fetch/do.go"))
	if err != nil {
		t.Fatal(err)
	}
	line := 1 + strings.Count(string(text[:strings.Index(string(text), "the watchdog enforces")]), "\n")
	if h.StartLine > line || h.EndLine < line || h.EndLine-h.StartLine > 80 || !strings.Contains(h.Why, "the part at") {
		t.Errorf("hit L%d-L%d (%s), want the part around line %d", h.StartLine, h.EndLine, h.Why, line)
	}
	if !strings.Contains(h.Snippet, "the watchdog enforces") || !strings.HasPrefix(h.URI, fmt.Sprintf("devai://code/fetch/do.go#L%d-", h.StartLine)) {
		t.Errorf("snippet or URI is not the part's: %s\n%s", h.URI, h.Snippet)
	}

	if err := os.WriteFile(filepath.Join(repo, "fetch/do.go"), []byte(adapter(40)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := ix.Sync(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	res = search(t, ix, Query{Text: "encodeHeader header200", Limit: 5})
	for _, h := range res.Hits {
		if h.Path == "fetch/do.go" && strings.Contains(h.Why, "the part at") {
			t.Errorf("a part of the old, long function is still found: %s %s", h.URI, h.Why)
		}
	}
	res = search(t, ix, Query{Text: "where does the watchdog enforce the request deadline", Limit: 5})
	if len(res.Hits) == 0 || res.Hits[0].Symbol != "fetch.Do" || strings.Contains(res.Hits[0].Why, "the part at") {
		t.Errorf("after the function shrank: hits %v (%v), want fetch.Do whole", paths(res.Hits), res.Hits)
	}
}
