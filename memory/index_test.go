package memory

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/devaiops/devai/memory/chunk"
)

// miniRepo is a small project with one file of each kind.
var miniRepo = map[string]string{
	"internal/sessions/janitor.go": `package sessions

import "time"

// Janitor removes expired sessions from the store at a fixed interval.
type Janitor struct {
	store    *Store
	interval time.Duration
}

// CleanupExpired deletes every session whose expiry is in the past and
// returns how many it removed.
func (j *Janitor) CleanupExpired(now time.Time) int {
	return j.store.DeleteExpired(now)
}
`,
	"internal/sessions/store.go": `package sessions

import "time"

// Store keeps sessions in memory.
type Store struct{ byID map[string]time.Time }

// DeleteExpired removes sessions that expired before now.
func (s *Store) DeleteExpired(now time.Time) int {
	n := 0
	for id, exp := range s.byID {
		if exp.Before(now) {
			delete(s.byID, id)
			n++
		}
	}
	return n
}
`,
	"internal/sessions/janitor_test.go": `package sessions

import (
	"testing"
	"time"
)

// verifies: FR-002
func TestJanitorRemovesExpiredSessions(t *testing.T) {
	s := &Store{byID: map[string]time.Time{"a": time.Unix(0, 0)}}
	j := &Janitor{store: s}
	if n := j.CleanupExpired(time.Unix(10, 0)); n != 1 {
		t.Fatalf("removed %d", n)
	}
}
`,
	"docs/specs/001-sessions.md": `# Sessions

## Requirements

- **FR-001**: WHEN a user logs in THE service SHALL create a session that expires after 30 minutes.
- **FR-002**: WHEN a session has expired THE service SHALL delete it within one minute.

## Out of scope

Single sign-on.
`,
	"logs/app.log": `2026-01-02T10:00:00Z INFO server started addr=:8080
2026-01-02T10:05:00Z INFO janitor removed 3 expired sessions
2026-01-02T11:00:00Z ERROR order cancel failed: session not found
`,
	"README.md": "# mini\n\nA tiny shop.\n",
}

func writeRepo(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for p, body := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func openSynced(t testing.TB, repo string) *Index {
	t.Helper()
	ix, err := Open(context.Background(), Options{Repo: repo})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { ix.Close() })
	if err := ix.Sync(context.Background(), nil); err != nil {
		t.Fatalf("Sync: %v", err)
	}
	return ix
}

func search(t testing.TB, ix *Index, q Query) Result {
	t.Helper()
	res, err := ix.Search(context.Background(), q)
	if err != nil {
		t.Fatalf("Search(%q): %v", q.Text, err)
	}
	return res
}

func paths(hits []Hit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.Path)
	}
	return out
}

func TestSearchFindsEachKind(t *testing.T) {
	ix := openSynced(t, writeRepo(t, miniRepo))
	tests := []struct {
		query string
		kinds []chunk.Kind
		want  string // path of the first hit
	}{
		{"how are expired sessions cleaned up", []chunk.Kind{chunk.Code}, "internal/sessions/janitor.go"},
		{"CleanupExpired", nil, "internal/sessions/janitor.go"},
		{"DeleteExpired", []chunk.Kind{chunk.Code}, "internal/sessions/store.go"},
		{"FR-002", []chunk.Kind{chunk.Spec}, "docs/specs/001-sessions.md"},
		{"FR-002", []chunk.Kind{chunk.Test}, "internal/sessions/janitor_test.go"},
		{"session not found", []chunk.Kind{chunk.Log}, "logs/app.log"},
	}
	for _, tt := range tests {
		res := search(t, ix, Query{Text: tt.query, Kinds: tt.kinds})
		if len(res.Hits) == 0 || res.Hits[0].Path != tt.want {
			t.Errorf("%q: first hits %v, want %s first", tt.query, paths(res.Hits), tt.want)
			continue
		}
		h := res.Hits[0]
		if !strings.HasPrefix(h.URI, "devai://"+string(h.Kind)+"/"+h.Path+"#L") || h.Why == "" || h.Snippet == "" {
			t.Errorf("%q: hit not cited: %+v", tt.query, h)
		}
		for _, k := range tt.kinds {
			for _, hit := range res.Hits {
				if hit.Kind != k {
					t.Errorf("%q: kind filter %s let through %s", tt.query, k, hit.URI)
				}
			}
		}
	}
}

func TestSearchSymbolHitHasLinesAndSnippet(t *testing.T) {
	ix := openSynced(t, writeRepo(t, miniRepo))
	res := search(t, ix, Query{Text: "CleanupExpired", Kinds: []chunk.Kind{chunk.Code}, Limit: 1})
	h := res.Hits[0]
	if h.Symbol != "sessions.Janitor.CleanupExpired" || h.StartLine != 11 || h.EndLine != 15 {
		t.Errorf("hit = %s lines %d-%d, want sessions.Janitor.CleanupExpired lines 11-15", h.Symbol, h.StartLine, h.EndLine)
	}
	if !strings.Contains(h.Snippet, "func (j *Janitor) CleanupExpired") || !strings.Contains(h.Why, "names CleanupExpired") {
		t.Errorf("snippet/why: %q / %q", h.Snippet, h.Why)
	}
}

func TestSearchGraphBringsTheTest(t *testing.T) {
	ix := openSynced(t, writeRepo(t, miniRepo))
	res := search(t, ix, Query{Text: "CleanupExpired"})
	found := false
	for _, h := range res.Hits {
		if h.Path == "internal/sessions/janitor_test.go" {
			found = true
		}
	}
	if !found {
		t.Errorf("the test of CleanupExpired is missing from %v", paths(res.Hits))
	}
}

func TestSearchFilters(t *testing.T) {
	ix := openSynced(t, writeRepo(t, miniRepo))
	res := search(t, ix, Query{Text: "sessions expired", PathGlob: "docs/**"})
	for _, h := range res.Hits {
		if !strings.HasPrefix(h.Path, "docs/") {
			t.Errorf("path filter let through %s", h.Path)
		}
	}
	res = search(t, ix, Query{Text: "sessions", Language: "Markdown"})
	for _, h := range res.Hits {
		if h.Language != "Markdown" {
			t.Errorf("language filter let through %s (%s)", h.Path, h.Language)
		}
	}
	res = search(t, ix, Query{Text: "session", Kinds: []chunk.Kind{chunk.Log},
		Since: time.Date(2026, 1, 2, 10, 30, 0, 0, time.UTC)})
	for _, h := range res.Hits {
		if h.Time.Before(time.Date(2026, 1, 2, 10, 30, 0, 0, time.UTC)) {
			t.Errorf("time filter let through %s at %s", h.URI, h.Time)
		}
	}
}

func TestSearchRejectsBadQueries(t *testing.T) {
	ix := openSynced(t, writeRepo(t, miniRepo))
	for _, q := range []Query{
		{Text: "  "},
		{Text: "x", Kinds: []chunk.Kind{"docs"}},
		{Text: "x", PathGlob: "a/["},
		{Text: "x", Mode: "fuzzy"},
		{Text: "x", Since: time.Unix(100, 0), Until: time.Unix(50, 0)},
	} {
		if _, err := ix.Search(context.Background(), q); !errors.Is(err, ErrBadQuery) {
			t.Errorf("Search(%+v) = %v, want ErrBadQuery", q, err)
		}
	}
}

func TestTokenBudgetTrimsInsteadOfDropping(t *testing.T) {
	ix := openSynced(t, writeRepo(t, miniRepo))
	full := search(t, ix, Query{Text: "expired sessions", Limit: 5})
	tight := search(t, ix, Query{Text: "expired sessions", Limit: 5, MaxTokens: 120})
	if len(tight.Hits) != len(full.Hits) {
		t.Fatalf("budget dropped hits: %d → %d", len(full.Hits), len(tight.Hits))
	}
	if tight.Tokens > 120 {
		t.Errorf("used %d tokens of 120", tight.Tokens)
	}
	trimmed := false
	for _, h := range tight.Hits {
		trimmed = trimmed || h.Truncated
	}
	if !trimmed {
		t.Error("no snippet marked truncated under a tight budget")
	}
}

func TestFileLevelAggregates(t *testing.T) {
	ix := openSynced(t, writeRepo(t, miniRepo))
	res := search(t, ix, Query{Text: "session", FileLevel: true, Limit: 20})
	seen := map[string]bool{}
	for _, h := range res.Hits {
		if seen[h.Path] {
			t.Errorf("file %s appears twice at file level", h.Path)
		}
		seen[h.Path] = true
	}
}

func TestIncrementalSync(t *testing.T) {
	repo := writeRepo(t, miniRepo)
	ix := openSynced(t, repo)
	before := ix.Status()

	count := func() int {
		n := 0
		if err := ix.Sync(context.Background(), func(done, total int, path string) { n = total }); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(); n != 0 {
		t.Errorf("a sync with no change touched %d files", n)
	}
	// Change one file: only it is re-read, and the new text is searchable.
	p := filepath.Join(repo, "internal/sessions/store.go")
	body, _ := os.ReadFile(p)
	body = append(body, []byte("\n// PurgeEverythingNow is new.\nfunc PurgeEverythingNow() {}\n")...)
	if err := os.WriteFile(p, body, 0o644); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 1 {
		t.Errorf("changing one file re-read %d", n)
	}
	if res := search(t, ix, Query{Text: "PurgeEverythingNow"}); len(res.Hits) == 0 || res.Hits[0].Symbol != "sessions.PurgeEverythingNow" {
		t.Errorf("new function not found: %v", paths(res.Hits))
	}
	// Rename: the old path leaves the index, the new one enters.
	if err := os.Rename(filepath.Join(repo, "internal/sessions/janitor.go"), filepath.Join(repo, "internal/sessions/sweeper.go")); err != nil {
		t.Fatal(err)
	}
	count()
	res := search(t, ix, Query{Text: "CleanupExpired", Kinds: []chunk.Kind{chunk.Code}})
	if got := paths(res.Hits); len(got) == 0 || got[0] != "internal/sessions/sweeper.go" {
		t.Errorf("after rename: %v", got)
	}
	for _, h := range res.Hits {
		if h.Path == "internal/sessions/janitor.go" {
			t.Error("renamed file still in the index")
		}
	}
	if _, err := ix.Read("devai://code/internal/sessions/janitor.go"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Read of a deleted file: %v", err)
	}
	after := ix.Status()
	if after.Files != before.Files {
		t.Errorf("files %d → %d after a rename", before.Files, after.Files)
	}
}

func TestReopenKeepsIndex(t *testing.T) {
	repo := writeRepo(t, miniRepo)
	ix, err := Open(context.Background(), Options{Repo: repo})
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Sync(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	want := ix.Status()
	ix.Close()

	ix2, err := Open(context.Background(), Options{Repo: repo})
	if err != nil {
		t.Fatal(err)
	}
	defer ix2.Close()
	got := ix2.Status()
	if got.Files != want.Files || got.Chunks != want.Chunks || got.Symbols != want.Symbols {
		t.Errorf("reopened: files %d chunks %d symbols %d, want %d %d %d", got.Files, got.Chunks, got.Symbols, want.Files, want.Chunks, want.Symbols)
	}
	if res := search(t, ix2, Query{Text: "CleanupExpired"}); len(res.Hits) == 0 {
		t.Error("reopened index finds nothing")
	}
}

func TestSecondWriterIsRefused(t *testing.T) {
	repo := writeRepo(t, miniRepo)
	ix := openSynced(t, repo)
	_ = ix
	_, err := Open(context.Background(), Options{Repo: repo})
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "--state-dir") {
		t.Fatalf("second Open: %v, want ErrLocked with advice", err)
	}
}

func TestCorruptIndexIsRebuilt(t *testing.T) {
	for _, victim := range []string{"manifest.gob", "graph.gob", "vectors.gob", "text/root.bolt"} {
		t.Run(victim, func(t *testing.T) {
			repo := writeRepo(t, miniRepo)
			ix, err := Open(context.Background(), Options{Repo: repo})
			if err != nil {
				t.Fatal(err)
			}
			if err := ix.Sync(context.Background(), nil); err != nil {
				t.Fatal(err)
			}
			ix.Close()
			if err := os.WriteFile(filepath.Join(repo, ".devai", victim), []byte("garbage, not an index"), 0o644); err != nil {
				t.Fatal(err)
			}
			ix = openSynced(t, repo)
			if res := search(t, ix, Query{Text: "CleanupExpired"}); len(res.Hits) == 0 {
				t.Errorf("after corrupting %s and reopening, nothing is found", victim)
			}
		})
	}
}

func TestReadURIs(t *testing.T) {
	ix := openSynced(t, writeRepo(t, miniRepo))
	doc, err := ix.Read("devai://spec/docs/specs/001-sessions.md#L3-L4")
	if err != nil {
		t.Fatal(err)
	}
	if doc.Text != "## Requirements\n" && !strings.HasPrefix(doc.Text, "## Requirements") {
		t.Errorf("range text = %q", doc.Text)
	}
	bad := []struct{ uri, want string }{
		{"devai://code/docs/specs/001-sessions.md", "indexed as spec"},
		{"devai://code/../../etc/passwd", "inside"},
		{"devai://code/nope.go", "not found"},
		{"http://x/y", "not a devai URI"},
		{"devai://spec/docs/specs/001-sessions.md#L9-L2", "line range"},
		{"devai://spec/docs/specs/001-sessions.md#L999", "past the end"},
	}
	for _, b := range bad {
		if _, err := ix.Read(b.uri); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("Read(%s) = %v, want an error about %q", b.uri, err, b.want)
		}
	}
}

func TestStateDirExcludedFromGit(t *testing.T) {
	repo := writeRepo(t, miniRepo)
	if err := os.MkdirAll(filepath.Join(repo, ".git", "info"), 0o755); err != nil {
		t.Fatal(err)
	}
	openSynced(t, repo).Close()
	openSynced(t, repo)
	data, _ := os.ReadFile(filepath.Join(repo, ".git", "info", "exclude"))
	if strings.Count(string(data), "/.devai/") != 1 {
		t.Errorf(".git/info/exclude = %q, want /.devai/ once", data)
	}
}

func TestWatchPicksUpASave(t *testing.T) {
	repo := writeRepo(t, miniRepo)
	ix := openSynced(t, repo)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go ix.Watch(ctx)
	time.Sleep(200 * time.Millisecond) // let the watches be set up
	p := filepath.Join(repo, "internal/sessions/fresh.go")
	if err := os.WriteFile(p, []byte("package sessions\n\n// FreshlySavedThing is new.\nfunc FreshlySavedThing() {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if res := search(t, ix, Query{Text: "FreshlySavedThing"}); len(res.Hits) > 0 && res.Hits[0].Path == "internal/sessions/fresh.go" {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("a saved file never became searchable")
}

func TestSyncPaths(t *testing.T) {
	repo := writeRepo(t, miniRepo)
	ix := openSynced(t, repo)
	os.Remove(filepath.Join(repo, "internal/sessions/store.go"))
	os.WriteFile(filepath.Join(repo, "internal/sessions/extra.go"), []byte("package sessions\n\n// ExtraThing is new.\nfunc ExtraThing() {}\n"), 0o644)
	os.WriteFile(filepath.Join(repo, ".gitignore"), []byte("secret.go\n"), 0o644)
	os.WriteFile(filepath.Join(repo, "secret.go"), []byte("package x\n\nfunc SecretThing() {}\n"), 0o644)
	os.WriteFile(filepath.Join(repo, "blob.go"), []byte("\x00\x01\x02binary"), 0o644)
	if err := ix.SyncPaths(context.Background(), []string{"internal/sessions/store.go", "internal/sessions/extra.go", "secret.go", "blob.go"}); err != nil {
		t.Fatal(err)
	}
	if res := search(t, ix, Query{Text: "ExtraThing"}); len(res.Hits) == 0 || res.Hits[0].Path != "internal/sessions/extra.go" {
		t.Errorf("new file not indexed: %v", paths(res.Hits))
	}
	for _, h := range search(t, ix, Query{Text: "DeleteExpired SecretThing"}).Hits {
		if h.Path == "internal/sessions/store.go" || h.Path == "secret.go" || h.Path == "blob.go" {
			t.Errorf("%s should have left the index", h.Path)
		}
	}
	st := ix.Status()
	if st.SkippedBy["binary"] != 1 {
		t.Errorf("skipped = %v, want blob.go as binary", st.Skipped)
	}
	// Applied but not yet checkpointed: a crash now would re-read them.
	journal, _ := os.ReadFile(filepath.Join(repo, ".devai", "journal"))
	if !strings.Contains(string(journal), "internal/sessions/extra.go") {
		t.Errorf("journal = %q, want the unflushed path", journal)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(repo, ".devai", "journal")); !os.IsNotExist(err) {
		t.Errorf("Close left the journal behind: %v", err)
	}
	ix2 := openSynced(t, repo)
	if res := search(t, ix2, Query{Text: "ExtraThing"}); len(res.Hits) == 0 {
		t.Error("the change did not survive Close and reopen")
	}
}

func TestChunksAndGraphAccessors(t *testing.T) {
	ix := openSynced(t, writeRepo(t, miniRepo))
	tests := ix.Chunks(func(c ChunkInfo) bool { return len(c.TestNames) > 0 })
	if len(tests) != 1 || tests[0].TestNames[0] != "TestJanitorRemovesExpiredSessions" || tests[0].Requirements[0] != "FR-002" {
		t.Fatalf("test chunks = %+v", tests)
	}
	text, err := ix.ReadChunk(tests[0])
	if err != nil || !strings.Contains(text, "func TestJanitorRemovesExpiredSessions") {
		t.Errorf("ReadChunk = %q, %v", text, err)
	}
	c, ok := ix.ChunkAt("internal/sessions/janitor.go", 13)
	if !ok || c.Symbol != "sessions.Janitor.CleanupExpired" {
		t.Errorf("ChunkAt = %+v, %v", c, ok)
	}
	if got := ix.Graph().TestsFor("sessions.Janitor.CleanupExpired"); len(got) != 1 {
		t.Errorf("TestsFor = %+v", got)
	}
}

func TestSecretsNeverLeaveTheIndex(t *testing.T) {
	const token = "ghp_R8mQ2vX7kL4pN9sT1wY6zB3cF5hJ0dG2aE8u"
	files := map[string]string{
		"deploy/config.go": "package deploy\n\n// DeployToken authenticates the release bot.\nconst DeployToken = \"" + token + "\"\n",
	}
	repo := writeRepo(t, files)
	ix := openSynced(t, repo)
	res := search(t, ix, Query{Text: "DeployToken release bot"})
	if len(res.Hits) == 0 {
		t.Fatal("the file with the secret is not found at all")
	}
	for _, h := range res.Hits {
		if strings.Contains(h.Snippet, token) {
			t.Errorf("snippet leaks the token: %s", h.Snippet)
		}
	}
	if !strings.Contains(res.Hits[0].Snippet, "[REDACTED:") {
		t.Errorf("snippet not marked redacted: %s", res.Hits[0].Snippet)
	}
	if doc, err := ix.Read("devai://code/deploy/config.go"); err != nil || strings.Contains(doc.Text, token) {
		t.Errorf("Read leaks the token or fails: %v %q", err, doc.Text)
	}
	if hits := search(t, ix, Query{Text: token, Mode: ModeText}).Hits; len(hits) > 0 {
		t.Errorf("the raw token is searchable in the text index: %v", paths(hits))
	}
}

// TestLogEventSecretsNeverLeaveTheIndex: a log event's symbol is its own
// text, so a secret in it must be redacted like the chunk's text, or the
// hit's symbol shows it and the text index finds it (issue 11, row 6).
func TestLogEventSecretsNeverLeaveTheIndex(t *testing.T) {
	const secret = "hunter2-correct-horse"
	files := map[string]string{
		"logs/backup.log": "2026/11/24 03:00:02.000000 backup: ERROR backup failed: mysql --password " + secret + " exit status 1\n",
	}
	ix := openSynced(t, writeRepo(t, files))
	res := search(t, ix, Query{Text: "backup failed mysql exit status", Kinds: []chunk.Kind{chunk.Log}})
	if len(res.Hits) == 0 {
		t.Fatal("the log event is not found at all")
	}
	if out, _ := json.Marshal(res); strings.Contains(string(out), secret) {
		t.Errorf("a hit shows the secret: %s", out)
	}
	if hits := search(t, ix, Query{Text: secret, Mode: ModeText}).Hits; len(hits) > 0 {
		t.Errorf("the secret is searchable in the text index: %v", paths(hits))
	}
}

// Copies of one text tie in both channels; which copy survives dedupe must
// not depend on the order parallel indexing happened to store them in.
func TestCopiesRankTheSameEveryTime(t *testing.T) {
	const body = "panic: runtime error: invalid memory address or nil pointer dereference\n"
	files := map[string]string{}
	for _, name := range []string{"e", "b", "g", "a", "f", "c", "d", "h"} {
		files["logs/"+name+".log"] = body
	}
	for run := 0; run < 3; run++ {
		ix := openSynced(t, writeRepo(t, files))
		res := search(t, ix, Query{Text: "nil pointer dereference", Kinds: []chunk.Kind{chunk.Log}})
		if len(res.Hits) != 1 || res.Hits[0].Path != "logs/a.log" {
			t.Fatalf("run %d: hits %v, want the copies folded into logs/a.log", run, paths(res.Hits))
		}
	}
}

func TestQueryTermsNameIdentifiersOnly(t *testing.T) {
	tests := []struct {
		query string
		want  []string
	}{
		{"resource templates for devai URIs with path completion", nil},
		{"where is DeleteExpired called", []string{"deleteexpired"}},
		{"sessions.Store.Touch and the IDs it keeps", []string{"sessions.store.touch"}},
		{"max_retries default", []string{"max_retries"}},
		{"APIs", []string{"apis"}}, // a one-word query may be a name
	}
	for _, tt := range tests {
		got := queryTerms(tt.query)
		if len(got) != len(tt.want) {
			t.Errorf("queryTerms(%q) = %v, want %v", tt.query, got, tt.want)
			continue
		}
		for _, w := range tt.want {
			if !got[w] {
				t.Errorf("queryTerms(%q) = %v, want %v", tt.query, got, tt.want)
			}
		}
	}
}

// TestTextStatsFollowTheFiles: the BM25 statistics the text index scores
// with are those of the chunks the manifest lists, through a sync, an added
// and a deleted file, and a reopen.
func TestTextStatsFollowTheFiles(t *testing.T) {
	repo := writeRepo(t, miniRepo)
	ix := openSynced(t, repo)
	start := ix.text.Stats()
	if start.Docs != ix.Status().Chunks || start.Docs == 0 {
		t.Fatalf("stats count %d docs, the index has %d chunks", start.Docs, ix.Status().Chunks)
	}
	added := filepath.Join(repo, "internal/sessions/extra.go")
	if err := os.WriteFile(added, []byte("package sessions\n\n// Extra is new.\nfunc Extra() int { return 42 }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := ix.Sync(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	grown := ix.text.Stats()
	if grown.Docs <= start.Docs || grown.Tokens == start.Tokens || grown.Docs != ix.Status().Chunks {
		t.Errorf("after adding a file: %+v, before %+v (%d chunks)", grown, start, ix.Status().Chunks)
	}
	if err := os.Remove(added); err != nil {
		t.Fatal(err)
	}
	if err := ix.Sync(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if got := ix.text.Stats(); got != start {
		t.Errorf("after deleting it again: %+v, want %+v", got, start)
	}
	ix.Close()
	reopened, err := Open(context.Background(), Options{Repo: repo})
	if err != nil {
		t.Fatal(err)
	}
	defer reopened.Close()
	if got := reopened.text.Stats(); got != start {
		t.Errorf("after reopening: %+v, want %+v", got, start)
	}
}
