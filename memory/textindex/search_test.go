package textindex

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
)

// fixture is a small project: a few Go chunks, a spec, a test and log events.
func fixture(t *testing.T) *Index {
	t.Helper()
	ix, _ := openTemp(t)
	mustApply(t, ix, fixtureDocs()...)
	return ix
}

// withCountedStats is fixture scoring with the statistics SetStats hands
// bleve, as every index devai syncs does.
func withCountedStats(t *testing.T) *Index {
	t.Helper()
	ix := fixture(t)
	var s Stats
	for _, d := range fixtureDocs() {
		s.Add(d.Lengths())
	}
	ix.SetStats(s)
	return ix
}

func fixtureDocs() []Doc {
	base := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	return []Doc{
		Doc{ID: "internal/sessions/store.go#3", Path: "internal/sessions/store.go", Kind: "code", Language: "Go",
			Symbol: "sessions.Store.cleanupExpiredSessions", Signature: "func (s *Store) cleanupExpiredSessions(now time.Time) int",
			Text:         "func (s *Store) cleanupExpiredSessions(now time.Time) int {\n\tn := 0\n\tfor id, sess := range s.byID {\n\t\tif sess.ExpiresAt.Before(now) {\n\t\t\tdelete(s.byID, id)\n\t\t\tn++\n\t\t}\n\t}\n\treturn n\n}",
			Requirements: []string{"FR-012"}},
		Doc{ID: "internal/sessions/store.go#1", Path: "internal/sessions/store.go", Kind: "code", Language: "Go",
			Symbol: "sessions.Store", Signature: "type Store struct",
			Text: "// Store keeps sessions in memory. Expired sessions are removed by the janitor.\ntype Store struct {\n\tbyID map[string]*Session\n}"},
		Doc{ID: "internal/auth/login.go#2", Path: "internal/auth/login.go", Kind: "code", Language: "Go",
			Symbol: "auth.Login", Signature: "func Login(ctx context.Context, user, password string) (*Token, error)",
			Text: "func Login(ctx context.Context, user, password string) (*Token, error) {\n\t// sessions are created here; see the janitor for cleanup\n\treturn issueToken(ctx, user)\n}"},
		Doc{ID: "web/app.py#1", Path: "web/app.py", Kind: "code", Language: "Python",
			Symbol: "app.parse_json_config2", Signature: "def parse_json_config2(path):",
			Text: "def parse_json_config2(path):\n    with open(path) as f:\n        return json.load(f)"},
		Doc{ID: "internal/sessions/store_test.go#1", Path: "internal/sessions/store_test.go", Kind: "test", Language: "Go",
			Symbol: "sessions.TestCleanupExpiredSessions", TestNames: []string{"TestCleanupExpiredSessions"},
			Text: "func TestCleanupExpiredSessions(t *testing.T) {\n\ts := NewStore()\n\tif got := s.cleanupExpiredSessions(time.Now()); got != 0 { t.Fatal(got) }\n}"},
		Doc{ID: "docs/specs/sessions.md#2", Path: "docs/specs/sessions.md", Kind: "spec", Language: "Markdown",
			Symbol: "Sessions > Expiry", Requirements: []string{"FR-012", "FR-013"},
			Text: "FR-012: When a session has been idle for 30 minutes, the system shall expire it.\nFR-013: The system shall log every expiry."},
		Doc{ID: "logs/app.log#1", Path: "logs/app.log", Kind: "log", Language: "Log", Level: "ERROR",
			Time: base, Text: "ERROR sessions: cleanup failed: database is locked"},
		Doc{ID: "logs/app.log#2", Path: "logs/app.log", Kind: "log", Language: "Log", Level: "info",
			Time: base.Add(time.Hour), Text: "INFO sessions: cleanup removed 12 expired sessions"},
		Doc{ID: "logs/app.log#3", Path: "logs/app.log", Kind: "log", Language: "Log", Level: "info",
			Time: base.Add(2 * time.Hour), Text: "INFO sessions: cleanup removed 3 expired sessions"},
	}
}

func ids(hits []Hit) []string {
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.ID
	}
	return out
}

func search(t *testing.T, ix *Index, q Query) []Hit {
	t.Helper()
	hits, err := ix.Search(context.Background(), q)
	if err != nil {
		t.Fatalf("Search(%+v): %v", q, err)
	}
	return hits
}

func TestSearchRanking(t *testing.T) {
	ix := fixture(t)
	tests := []struct {
		name  string
		q     Query
		first string
	}{
		{"exact identifier", Query{Text: "cleanupExpiredSessions", Kinds: []string{"code"}}, "internal/sessions/store.go#3"},
		{"natural language reaches identifier parts", Query{Text: "how are expired sessions cleaned up", Kinds: []string{"code"}}, "internal/sessions/store.go#3"},
		{"snake case parts", Query{Text: "parse json config"}, "web/app.py#1"},
		{"snake case whole", Query{Text: "parse_json_config2"}, "web/app.py#1"},
		{"requirement id", Query{Text: "FR-013"}, "docs/specs/sessions.md#2"},
		{"requirement id lower case", Query{Text: "what implements fr-013"}, "docs/specs/sessions.md#2"},
		{"path words", Query{Text: "auth login"}, "internal/auth/login.go#2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits := search(t, ix, tt.q)
			if len(hits) == 0 || hits[0].ID != tt.first {
				t.Errorf("%q: first hit = %v, want %s", tt.q.Text, ids(hits), tt.first)
			}
		})
	}
}

// A chunk whose symbol is the query outranks chunks that only mention it,
// even when the mention is repeated.
func TestSymbolOutranksTextMention(t *testing.T) {
	ix, _ := openTemp(t)
	mustApply(t, ix,
		Doc{ID: "mention#1", Path: "a/caller.go", Kind: "code", Symbol: "caller.Run",
			Text: "func Run() { rotateKeys(); rotateKeys(); log.Print(\"rotateKeys done\") }"},
		Doc{ID: "def#1", Path: "b/keys.go", Kind: "code", Symbol: "keys.rotateKeys",
			Text: "func rotateKeys() { for _, k := range all { k.next() } }"},
		Doc{ID: "noise#1", Path: "c/other.go", Kind: "code", Symbol: "other.Nothing", Text: "func Nothing() {}"},
	)
	hits := search(t, ix, Query{Text: "rotateKeys"})
	if got := ids(hits); !reflect.DeepEqual(got, []string{"def#1", "mention#1"}) {
		t.Fatalf("hits = %v, want [def#1 mention#1]", got)
	}
	if hits[0].Score <= hits[1].Score {
		t.Errorf("scores %v vs %v", hits[0].Score, hits[1].Score)
	}
	if !slices.Contains(hits[0].Fields, "symbol") || slices.Contains(hits[1].Fields, "symbol") {
		t.Errorf("fields = %v / %v", hits[0].Fields, hits[1].Fields)
	}
}

// Porter stemming lets "expired sessions" find expireSession although no
// unstemmed word is shared.
func TestStemmingHelps(t *testing.T) {
	ix, _ := openTemp(t)
	mustApply(t, ix,
		Doc{ID: "x#1", Path: "x.go", Kind: "code", Text: "func expireSession(s *Session) { s.dead = true }"},
		Doc{ID: "y#1", Path: "y.go", Kind: "code", Text: "func unrelated() {}"},
	)
	query := "expired sessions"
	if shared := intersect(words(query), words("func expireSession(s *Session) { s.dead = true }")); len(shared) != 0 {
		t.Fatalf("test premise: unstemmed words shared: %v", shared)
	}
	hits := search(t, ix, Query{Text: query})
	if got := ids(hits); !reflect.DeepEqual(got, []string{"x#1"}) {
		t.Errorf("hits for %q = %v, want [x#1]", query, got)
	}
}

func intersect(a, b []string) []string {
	var out []string
	for _, w := range a {
		if slices.Contains(b, w) {
			out = append(out, w)
		}
	}
	return out
}

// Stop words do not make every chunk a hit.
func TestStopWordsDoNotMatch(t *testing.T) {
	ix, _ := openTemp(t)
	mustApply(t, ix,
		Doc{ID: "a#1", Path: "a.md", Kind: "spec", Text: "how are the things that are to be done"},
		Doc{ID: "b#1", Path: "b.go", Kind: "code", Text: "func janitor() { cleanup() }"},
	)
	if hits := search(t, ix, Query{Text: "how are the"}); len(hits) != 0 {
		t.Errorf("stop-word query matched %v", ids(hits))
	}
	if got := ids(search(t, ix, Query{Text: "how is the cleanup"})); !reflect.DeepEqual(got, []string{"b#1"}) {
		t.Errorf("hits = %v, want [b#1]", got)
	}
}

func TestBM25InEffect(t *testing.T) {
	ix := fixture(t)
	if ix.ScoringModel() != "bm25" {
		t.Fatalf("scoring model = %q", ix.ScoringModel())
	}
	q := bleve.NewMatchQuery("janitor")
	q.SetField(fieldText)
	req := bleve.NewSearchRequestOptions(q, 5, 0, true)
	res, err := ix.bi.Search(req)
	if err != nil || len(res.Hits) == 0 {
		t.Fatalf("explain search: %v, %v", res, err)
	}
	var msgs []string
	var walk func(e *bsearch.Explanation)
	walk = func(e *bsearch.Explanation) {
		if e == nil {
			return
		}
		msgs = append(msgs, e.Message)
		for _, c := range e.Children {
			walk(c)
		}
	}
	walk(res.Hits[0].Expl)
	all := strings.Join(msgs, "\n")
	// Only the BM25 branch of bleve's term scorer explains with k1 saturation and avgFieldLength.
	if !strings.Contains(all, "as per bm25 model") || !strings.Contains(all, "avgFieldLength") {
		t.Errorf("explanation is not BM25:\n%s", all)
	}
}

// TestSearchFilters runs every filter under bleve's own statistics and under
// counted ones: bleve reads statistics even for a filter's fields, and for a
// disjunction of terms it merges into one searcher on the field "*".
func TestSearchFilters(t *testing.T) {
	base := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		q    Query
		want []string // as a set
	}{
		{"kind", Query{Text: "sessions", Kinds: []string{"test"}}, []string{"internal/sessions/store_test.go#1"}},
		{"kinds", Query{Text: "FR-012", Kinds: []string{"spec", "CODE"}}, []string{"docs/specs/sessions.md#2", "internal/sessions/store.go#3"}},
		{"language", Query{Text: "parse config path", Language: "python"}, []string{"web/app.py#1"}},
		{"language excludes", Query{Text: "parse_json_config2", Language: "Go"}, nil},
		{"path glob", Query{Text: "sessions", PathGlob: "internal/**/*_test.go"}, []string{"internal/sessions/store_test.go#1"}},
		{"kinds code and test", Query{Text: "sessions", Kinds: []string{"code", "test"}},
			[]string{"internal/sessions/store.go#1", "internal/sessions/store.go#3", "internal/sessions/store_test.go#1", "internal/auth/login.go#2"}},
		{"path folder", Query{Text: "sessions", PathGlob: "internal/auth"}, []string{"internal/auth/login.go#2"}},
		{"path file", Query{Text: "sessions", PathGlob: "internal/sessions/store.go"},
			[]string{"internal/sessions/store.go#1", "internal/sessions/store.go#3"}},
		{"path glob of several files", Query{Text: "sessions", PathGlob: "internal/*/*.go"},
			[]string{"internal/sessions/store.go#1", "internal/sessions/store.go#3", "internal/sessions/store_test.go#1", "internal/auth/login.go#2"}},
		{"path glob braces", Query{Text: "sessions", PathGlob: "{docs,web}/**"}, []string{"docs/specs/sessions.md#2"}},
		{"since", Query{Text: "cleanup", Kinds: []string{"log"}, Since: base.Add(30 * time.Minute)},
			[]string{"logs/app.log#2", "logs/app.log#3"}},
		{"until exclusive", Query{Text: "cleanup", Kinds: []string{"log"}, Until: base.Add(time.Hour)},
			[]string{"logs/app.log#1"}},
		{"since and until", Query{Text: "cleanup", Kinds: []string{"log"}, Since: base, Until: base.Add(90 * time.Minute)},
			[]string{"logs/app.log#1", "logs/app.log#2"}},
		{"time range lets undated docs through", Query{Text: "janitor", Since: base.Add(time.Hour)},
			[]string{"internal/sessions/store.go#1", "internal/auth/login.go#2"}},
	}
	for _, stats := range []struct {
		name string
		open func(*testing.T) *Index
	}{{"bleve's statistics", fixture}, {"counted statistics", withCountedStats}} {
		ix := stats.open(t)
		for _, tt := range tests {
			t.Run(stats.name+"/"+tt.name, func(t *testing.T) {
				got := ids(search(t, ix, tt.q))
				slices.Sort(got)
				want := slices.Clone(tt.want)
				slices.Sort(want)
				if !slices.Equal(got, want) {
					t.Errorf("hits = %v, want %v", got, want)
				}
			})
		}
	}
}

func TestSearchFilterOnlyNewestFirst(t *testing.T) {
	ix := fixture(t)
	got := ids(search(t, ix, Query{Kinds: []string{"log"}, Limit: 2}))
	if want := []string{"logs/app.log#3", "logs/app.log#2"}; !reflect.DeepEqual(got, want) {
		t.Errorf("filter-only hits = %v, want %v", got, want)
	}
	if hits := search(t, ix, Query{}); hits != nil {
		t.Errorf("empty query returned %v", ids(hits))
	}
}

func TestSearchFields(t *testing.T) {
	ix := fixture(t)
	hits := search(t, ix, Query{Text: "FR-012 cleanupExpiredSessions"})
	byID := map[string][]string{}
	for _, h := range hits {
		byID[h.ID] = h.Fields
	}
	want := map[string][]string{
		// "sessions", a part of the identifier, is also a word of the path.
		"internal/sessions/store.go#3":      {"symbol", "path", "signature", "text", "requirement"},
		"docs/specs/sessions.md#2":          {"symbol", "path", "text", "requirement"},
		"internal/sessions/store_test.go#1": {"symbol", "path", "test", "text"},
		"internal/auth/login.go#2":          {"text"},
	}
	for id, w := range want {
		if !reflect.DeepEqual(byID[id], w) {
			t.Errorf("fields of %s = %v, want %v", id, byID[id], w)
		}
	}
	if hits[0].ID != "internal/sessions/store.go#3" {
		t.Errorf("first hit = %s", hits[0].ID)
	}
}

func TestSearchBadInput(t *testing.T) {
	ix := fixture(t)
	now := time.Now()
	for _, q := range []Query{
		{Text: "x", PathGlob: "internal/[ab"},
		{Text: "x", Since: now, Until: now.Add(-time.Hour)},
	} {
		if _, err := ix.Search(context.Background(), q); err == nil {
			t.Errorf("Search(%+v): no error", q)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ix.Search(ctx, Query{Text: "sessions"}); err == nil {
		t.Error("Search with a cancelled context: no error")
	}
}

func TestSearchLimit(t *testing.T) {
	ix := fixture(t)
	if hits := search(t, ix, Query{Text: "sessions", Limit: 2}); len(hits) != 2 {
		t.Errorf("Limit 2 gave %d hits", len(hits))
	}
	if hits := search(t, ix, Query{Text: "sessions"}); len(hits) < 5 || len(hits) > DefaultLimit {
		t.Errorf("default limit gave %d hits", len(hits))
	}
}

func TestMeta(t *testing.T) {
	ix, dir := openTemp(t)
	err := ix.Write(Batch{
		Upserts: []Doc{{ID: "a#1", Path: "a.go", Text: "x"}},
		Meta:    map[string][]byte{"file:a.go": []byte("sha1"), "head": []byte("abc")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Write(Batch{Meta: map[string][]byte{"head": nil}}); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	ix2, err := Open(dir, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ix2.Close()
	if v, _ := ix2.Meta("file:a.go"); string(v) != "sha1" {
		t.Errorf("meta file:a.go = %q", v)
	}
	if v, _ := ix2.Meta("head"); v != nil {
		t.Errorf("deleted meta head = %q", v)
	}
}
