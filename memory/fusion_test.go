package memory

import "testing"

// TestFileSecond: with file-level evidence on, a file two chunks of which
// match the query outranks a file with one chunk that matches a little
// better; off, the single best chunk decides.
func TestFileSecond(t *testing.T) {
	repo := writeRepo(t, map[string]string{
		"go.mod": "module example.com/c\n\ngo 1.22\n",
		"lru/trim.go": "package lru\n\n// trim drops the oldest cache entries.\nfunc trim(n int) int { return n }\n\n" +
			"// purge drops cache entries when full.\nfunc purge(n int) int { return n - 1 }\n",
		"store/flush.go": "package store\n\n// flushAll drops the oldest cache entries when full.\nfunc flushAll(n int) int { return n + 1 }\n",
	})
	query := "drop the oldest cache entries when full"
	for _, c := range []struct {
		fileSecond float64
		first      string
	}{
		{0, "store/flush.go"},
		{1, "lru/trim.go"},
	} {
		w := DefaultWeights
		w.FileSecond = c.fileSecond
		res := searchWeighted(t, repo, w, Query{Text: query, Mode: ModeText, FileLevel: true})
		if len(res.Hits) == 0 || res.Hits[0].Path != c.first {
			t.Errorf("file-second %g: first hits %v, want %s", c.fileSecond, paths(res.Hits), c.first)
		}
	}
}
