package memory

import (
	"fmt"
	"strings"
	"testing"

	"github.com/devaiops/devai/memory/chunk"
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
	weightDecides(t, repo, "long-exact-cut", []string{issue, short}, map[float64][]string{
		0:    {"upload/log.go", "upload/log.go"},
		0.75: {"upload/retry.go", "upload/log.go"},
	})
}

// wantFirstFile checks the first file a text search with weights w finds
// for text.
func wantFirstFile(t *testing.T, repo string, w Weights, text, want, label string) {
	t.Helper()
	res := searchWeighted(t, repo, w, Query{Text: text, Mode: ModeText, FileLevel: true})
	if len(res.Hits) == 0 || res.Hits[0].Path != want {
		t.Errorf("%s: first hits %v, want %s", label, paths(res.Hits), want)
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

// TestNonCodeWeight: a pasted issue that quotes a setting finds the source
// that reads it before the example configuration that repeats it; a short
// query asking for the configuration still gets the configuration.
func TestNonCodeWeight(t *testing.T) {
	repo := writeRepo(t, map[string]string{
		"go.mod":                  "module example.com/lint\n\ngo 1.22\n",
		"lint/format.go":          "package lint\n\nfunc format(files []string, simplify bool) []string { return nil }\n",
		".golangci.example.yml":   "# An example configuration of the linter.\nlinters-settings:\n  gofmt:\n    # simplify code: gofmt with -s option; the issues are reported as not gofmt-ed\n    simplify: true\n",
		"docs/unrelated/other.go": "package unrelated\n\nfunc other() {}\n",
	})
	issue := "# gofmt reports assume simplify: true\n\nWhen `linters-settings.gofmt.simplify: false` is set in the configuration, " +
		"gofmt issues are still reported as not gofmt-ed with -s. Run on this file with simplify false and the linter " +
		"still complains about simplify, so the setting is ignored when the reports are made."
	short := "example configuration of gofmt simplify"
	weightDecides(t, repo, "non-code", []string{issue, short}, map[float64][]string{
		0:   {".golangci.example.yml", ".golangci.example.yml"},
		0.5: {"lint/format.go", ".golangci.example.yml"},
	})
}

// TestExamplesWeight: a question about what the code does finds the code
// before an example that uses it (axum's examples/ held the first four
// hits for "what happens when the request body is too large"); asked for
// an example, the example still comes first.
func TestExamplesWeight(t *testing.T) {
	repo := writeRepo(t, map[string]string{
		"src/limit.rs":                      "/// Rejects a body over the limit with 413.\npub fn check_limit(len: usize, limit: usize) -> Result<(), Rejection> {\n    if len > limit { return Err(Rejection::PayloadTooLarge); }\n    Ok(())\n}\n",
		"examples/consume-body/src/main.rs": "/// What happens when the request body is over the limit: buffers the request body, prints the request body.\nasync fn buffer_request_body(request: Request) -> Result<Request, Response> {\n    let body = request.into_body().collect().await?;\n    print_request_body(&body);\n    Ok(request)\n}\n",
	})
	question := "what happens when the request body is over the limit"
	asked := "example that buffers the request body over the limit"
	weightDecides(t, repo, "examples", []string{question, asked}, map[float64][]string{
		0:   {"examples/consume-body/src/main.rs", "examples/consume-body/src/main.rs"},
		0.5: {"src/limit.rs", "examples/consume-body/src/main.rs"},
	})
}

// weightDecides checks, for each value of one weight (the others at their
// defaults), the file each query finds first.
func weightDecides(t *testing.T, repo, weight string, queries []string, firstAt map[float64][]string) {
	t.Helper()
	for v, firsts := range firstAt {
		w := DefaultWeights
		if err := w.Set(weight, v); err != nil {
			t.Fatal(err)
		}
		for i, q := range queries {
			wantFirstFile(t, repo, w, q, firsts[i], fmt.Sprintf("%s %g, query %d", weight, v, i+1))
		}
	}
}

// TestWeightsSet: every name of WeightNames is a weight, and a share a
// chunk loses cannot take all of its score.
func TestWeightsSet(t *testing.T) {
	for _, name := range WeightNames {
		var w Weights
		if err := w.Set(name, 0.5); err != nil {
			t.Errorf("Set(%q, 0.5): %v", name, err)
		}
		if w == (Weights{}) {
			t.Errorf("Set(%q, 0.5) changed no field", name)
		}
	}
	for _, c := range []struct {
		name string
		v    float64
	}{{"non-code", 1}, {"docs", 1}, {"other-kind", 1.5}, {"long-exact-cut", 1}, {"statement-vector-cut", 1.1}, {"history-title", -1}, {"nope", 1}} {
		var w Weights
		if err := w.Set(c.name, c.v); err == nil {
			t.Errorf("Set(%q, %g) = nil, want an error", c.name, c.v)
		}
	}
}

// TestStatementText: a statement's BM25 rank weighs 1+StatementText times
// a question's; a short statement's verbatim match keeps pace, so one
// verbatim level still outranks the first text hit; a long statement's
// verbatim match is cut instead (LongExactCut).
func TestStatementText(t *testing.T) {
	w := DefaultWeights
	w.StatementText, w.LongExactCut = 3, 0.75
	text, exact := Signals{Kind: chunk.Code, TextRank: 1}, Signals{Kind: chunk.Code, Exact: 1}
	unit := 1.0 / (rrfK + 1)
	for _, c := range []struct {
		name             string
		sh               QueryShape
		textScore, exact float64
	}{
		{"question", QueryShape{Question: true, Wants: chunk.Code}, w.Text * unit, w.Exact * unit},
		{"short statement", QueryShape{Wants: chunk.Code}, 4 * w.Text * unit, 4 * w.Exact * unit},
		{"long statement", QueryShape{Long: true, Wants: chunk.Code}, 4 * w.Text * unit, 0.25 * w.Exact * unit},
	} {
		gotText, gotExact := w.Score(text, c.sh), w.Score(exact, c.sh)
		if !near(gotText, c.textScore) || !near(gotExact, c.exact) {
			t.Errorf("%s: text #1 %.4f, one verbatim level %.4f; want %.4f and %.4f", c.name, gotText, gotExact, c.textScore, c.exact)
		}
		if !c.sh.Long && gotExact <= gotText {
			t.Errorf("%s: a verbatim match (%.4f) does not outrank the first text hit (%.4f)", c.name, gotExact, gotText)
		}
	}
}

func near(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 }

// TestGraphKeepsPaceWithStatements: the boost the symbol graph gives the
// tests of a top code hit stands to the first text hit's score as it does
// for a question, however much more a statement's text rank weighs, so
// tests keep following the code they test (the fixture's golden set lost
// them past the tenth file without this).
func TestGraphKeepsPaceWithStatements(t *testing.T) {
	w := DefaultWeights
	w.StatementText = 4
	question, statement := QueryShape{Question: true, Wants: chunk.Code}, QueryShape{Wants: chunk.Code}
	text := Signals{Kind: chunk.Code, TextRank: 1}
	for rank := range 3 {
		q := w.graphBoost(rank, question) / w.Score(text, question)
		s := w.graphBoost(rank, statement) / w.Score(text, statement)
		if !near(q, s) || q <= 0 {
			t.Errorf("code hit #%d: graph boost / text score %.4f for a question, %.4f for a statement", rank+1, q, s)
		}
	}
}

// TestCIScriptsAreNotTheProduct: fastify's .github/scripts/lint-ecosystem.js
// came first for "how are hooks run in order"; CI scripts lose the
// examples' share like examples do, and a question about the CI keeps them.
func TestCIScriptsAreNotTheProduct(t *testing.T) {
	repo := writeRepo(t, map[string]string{
		"lib/chain.js":                      "// callAll calls each of the hooks, then next.\nfunction callAll (hooks, next) {\n  for (const hook of hooks) hook()\n  next()\n}\nmodule.exports = { callAll }\n",
		".github/scripts/lint-ecosystem.js": "// runCheck: are the ecosystem's hooks run in order? It checks the order of the ecosystem list.\nasync function runCheck () {\n  const order = await readOrder()\n  check(order)\n}\n",
	})
	question := "how are hooks run in order"
	aboutCI := "how does the CI check that the ecosystem list is in order"
	weightDecides(t, repo, "examples", []string{question, aboutCI}, map[float64][]string{
		0:   {".github/scripts/lint-ecosystem.js", ".github/scripts/lint-ecosystem.js"},
		0.5: {"lib/chain.js", ".github/scripts/lint-ecosystem.js"},
	})
}

// TestBreadthOrdersFilesAfterTheFirst: in a search for files, a file that
// many chunks match climbs past one that a single, slightly better chunk
// matches; the file of the best chunk stays first even when another
// file's breadth would lift it higher.
func TestBreadthOrdersFilesAfterTheFirst(t *testing.T) {
	type item struct {
		path  string
		score float64
	}
	ranked := []item{{"a.go", 1}, {"wide.go", 0.99}, {"b.go", 0.60}, {"c.go", 0.58}, {"c.go", 0.3}, {"c.go", 0.2}, {"c.go", 0.1}}
	for i := 0; i < 9; i++ {
		ranked = append(ranked, item{"wide.go", 0.05})
	}
	for _, tt := range []struct {
		breadth float64
		want    string
	}{
		{0, "a.go wide.go b.go c.go"},
		{0.05, "a.go wide.go c.go b.go"},
	} {
		w := DefaultWeights
		w.Breadth = tt.breadth
		var files []string
		seen := map[string]bool{}
		for _, it := range byFile(w, ranked, func(it item) (string, float64) { return it.path, it.score }) {
			if !seen[it.path] {
				seen[it.path] = true
				files = append(files, it.path)
			}
		}
		if got := strings.Join(files, " "); got != tt.want {
			t.Errorf("breadth %g: files %s, want %s", tt.breadth, got, tt.want)
		}
	}
}

// TestFileLevelHitSaysHowManyChunksMatch: a file-level hit says how many
// of its chunks the query matched, the breadth its rank grew by.
func TestFileLevelHitSaysHowManyChunksMatch(t *testing.T) {
	repo := writeRepo(t, map[string]string{
		"go.mod":        "module example.com/r\n\ngo 1.22\n",
		"retry/wait.go": "package retry\n\n// backoff waits before a retry.\nfunc backoff() {}\n\n// jitter spreads the backoff of a retry.\nfunc jitter() {}\n\n// capped bounds the backoff of a retry.\nfunc capped() {}\n",
		"proxy/dial.go": "package proxy\n\n// Dial opens a connection, with no retry.\nfunc Dial() {}\n",
	})
	res := search(t, openSynced(t, repo), Query{Text: "backoff of a retry", Mode: ModeText, FileLevel: true})
	byPath := map[string]string{}
	for _, h := range res.Hits {
		byPath[h.Path] = h.Why
	}
	// three functions and the package clause, whose path holds "retry"
	if why := byPath["retry/wait.go"]; !strings.Contains(why, "4 of its chunks match") {
		t.Errorf("retry/wait.go: why %q, want it to say 4 of its chunks match", why)
	}
	if why, ok := byPath["proxy/dial.go"]; ok && strings.Contains(why, "of its chunks match") {
		t.Errorf("proxy/dial.go, one chunk: why %q counts chunks", why)
	}
}
