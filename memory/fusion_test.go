package memory

import (
	"strings"
	"testing"
)

// TestLongExactCut: in a long query (a pasted issue) a string quoted in
// passing outranks the file the report names only while a long query's
// verbatim matches keep their full weight; cut, the named file leads. A
// short query's verbatim match is not cut.
func TestLongExactCut(t *testing.T) {
	repo := writeRepo(t, map[string]string{
		"go.mod":          "module example.com/up\n\ngo 1.22\n",
		"upload/retry.go": "package upload\n\n// backoff is the delay before retry n of an upload.\nfunc backoff(n int) int { return n * 100 }\n",
		"upload/log.go":   "package upload\n\nimport \"log\"\n\nfunc logFailure() { log.Print(\"upload failed, retrying\") }\n",
	})
	issue := "# Uploads retry at once\n\nAfter a failed upload the log says \"upload failed, retrying\" and the next retry of the upload starts " +
		"at once, with no delay at all. The backoff in upload/retry.go seems to return zero for the first retry, so every " +
		"client retries together and the server sees a burst of requests."
	short := "\"upload failed, retrying\" comes too often"
	for _, c := range []struct {
		cut               float64
		issueFirst, short string
	}{
		{0, "upload/log.go", "upload/log.go"},
		{0.75, "upload/retry.go", "upload/log.go"},
	} {
		w := DefaultWeights
		w.LongExactCut = c.cut
		res := searchWeighted(t, repo, w, Query{Text: issue, Mode: ModeText, FileLevel: true})
		if len(res.Hits) == 0 || res.Hits[0].Path != c.issueFirst {
			t.Errorf("cut %g, issue: first hits %v, want %s", c.cut, paths(res.Hits), c.issueFirst)
		}
		res = searchWeighted(t, repo, w, Query{Text: short, Mode: ModeText, FileLevel: true})
		if len(res.Hits) == 0 || res.Hits[0].Path != c.short {
			t.Errorf("cut %g, short query: first hits %v, want %s", c.cut, paths(res.Hits), c.short)
		}
	}
}

// TestVectorWeight: a hybrid search asks the vector store only when the
// query's vector weight is above 0 — no hit is there for its meaning alone
// with a score of 0 — and a statement (not a question) loses
// StatementVectorCut of it; vector mode always asks.
func TestVectorWeight(t *testing.T) {
	repo := writeRepo(t, map[string]string{
		"go.mod":          "module example.com/up\n\ngo 1.22\n",
		"upload/retry.go": "package upload\n\n// backoff is the delay before retry n of an upload.\nfunc backoff(n int) int { return n * 100 }\n",
		"upload/log.go":   "package upload\n\nimport \"log\"\n\nfunc logFailure() { log.Print(\"upload failed\") }\n",
	})
	statement, question := "delay before the next retry", "where is the delay before the next retry?"
	for _, c := range []struct {
		vector, cut float64
		mode        Mode
		text        string
		wantMeaning bool
	}{
		{0.3, 0, ModeHybrid, statement, true},
		{0, 0, ModeHybrid, statement, false},
		{0, 0, ModeVector, statement, true},
		{0.3, 1, ModeHybrid, statement, false},
		{0.3, 1, ModeHybrid, question, true},
		{0.3, 1, ModeVector, statement, true},
	} {
		w := DefaultWeights
		w.Vector, w.StatementVectorCut = c.vector, c.cut
		res := searchWeighted(t, repo, w, Query{Text: c.text, Mode: c.mode})
		meaning := false
		for _, h := range res.Hits {
			meaning = meaning || strings.Contains(h.Why, "meaning #")
		}
		if meaning != c.wantMeaning {
			t.Errorf("vector %g, cut %g, %s, %q: a hit found for its meaning: %v, want %v (%v)", c.vector, c.cut, c.mode, c.text, meaning, c.wantMeaning, paths(res.Hits))
		}
	}
}

// TestDefaultWeightsFor: the statement cut is the built-in embedder's; a
// team's model keeps its vector channel for every query.
func TestDefaultWeightsFor(t *testing.T) {
	for _, tt := range []struct {
		embedder string
		want     float64
	}{{"builtin", DefaultWeights.StatementVectorCut}, {"hash", DefaultWeights.StatementVectorCut}, {"ollama", 0}, {"openai", 0}} {
		if got := DefaultWeightsFor(tt.embedder).StatementVectorCut; got != tt.want {
			t.Errorf("DefaultWeightsFor(%q).StatementVectorCut = %g, want %g", tt.embedder, got, tt.want)
		}
	}
	if DefaultWeights.StatementVectorCut != 1 {
		t.Errorf("the built-in default cut is %g; this test assumes it asks no vectors for statements", DefaultWeights.StatementVectorCut)
	}
}
