package vector

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
)

// countingEmbedder wraps a real embedder and counts the texts it embeds.
type countingEmbedder struct {
	Embedder
	texts atomic.Int64
	calls atomic.Int64
}

func (c *countingEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	c.calls.Add(1)
	c.texts.Add(int64(len(texts)))
	return c.Embedder.Embed(ctx, texts)
}

var storeDocs = []struct{ id, kind, text string }{
	{"spec/auth.md#1", "spec", "Expired sessions are removed every hour by the cleanup job."},
	{"code/session.go#10", "code", "func deleteExpiredSessions(ctx context.Context, db *sql.DB) error"},
	{"code/invoice.go#3", "code", "func computeInvoiceTotal(items []Item, taxRate float64) Money"},
	{"test/invoice_test.go#5", "test", "func TestInvoiceTotalIncludesTax(t *testing.T)"},
	{"log/app.log#77", "log", "ERROR database connection pool exhausted: too many open connections"},
}

func fillStore(t *testing.T, s *Store) {
	t.Helper()
	var ids, texts []string
	var meta []map[string]string
	for _, d := range storeDocs {
		ids, texts = append(ids, d.id), append(texts, d.text)
		meta = append(meta, map[string]string{"kind": d.kind})
	}
	if err := s.Upsert(context.Background(), ids, texts, meta); err != nil {
		t.Fatal(err)
	}
}

func TestStoreUpsertSearchDelete(t *testing.T) {
	ctx := context.Background()
	s, err := OpenStore("", mustBuiltin(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	// Empty collection: chromem-go errors here; we return no hits.
	if hits, err := s.Search(ctx, "anything", 10, nil); err != nil || len(hits) != 0 {
		t.Fatalf("empty store: %v, %v", hits, err)
	}
	fillStore(t, s)
	if s.Count() != len(storeDocs) || s.Dim() != 100 {
		t.Fatalf("Count %d Dim %d", s.Count(), s.Dim())
	}

	hits, err := s.Search(ctx, "stale session tokens cleanup", 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 2 || (hits[0].ID != "spec/auth.md#1" && hits[0].ID != "code/session.go#10") {
		t.Fatalf("hits = %+v", hits)
	}
	if hits[0].Score < hits[1].Score || hits[0].Meta["kind"] == "" || hits[0].Meta[hashKey] != "" {
		t.Errorf("hits not ordered or metadata wrong: %+v", hits)
	}

	// k larger than Count is clamped, not an error.
	if hits, err := s.Search(ctx, "tax", 50, nil); err != nil || len(hits) != len(storeDocs) {
		t.Fatalf("clamp: %d hits, %v", len(hits), err)
	}
	if _, err := s.Search(ctx, "tax", 0, nil); err == nil {
		t.Errorf("k=0 should be an error")
	}

	// where filter; fewer matches than k is fine.
	hits, err = s.Search(ctx, "session", 5, map[string]string{"kind": "code"})
	if err != nil || len(hits) != 2 {
		t.Fatalf("where kind=code: %+v, %v", hits, err)
	}
	for _, h := range hits {
		if h.Meta["kind"] != "code" {
			t.Errorf("where filter let %s through", h.ID)
		}
	}
	if hits, _ := s.Search(ctx, "session", 5, map[string]string{"kind": "nope"}); len(hits) != 0 {
		t.Errorf("no match should give no hits, got %v", hits)
	}

	// Upsert replaces by ID.
	if err := s.Upsert(ctx, []string{"log/app.log#77"}, []string{"user avatar image rendered"}, []map[string]string{{"kind": "log"}}); err != nil {
		t.Fatal(err)
	}
	if s.Count() != len(storeDocs) {
		t.Errorf("upsert of an existing ID changed Count to %d", s.Count())
	}
	if hits, _ := s.Search(ctx, "avatar picture", 1, nil); hits[0].ID != "log/app.log#77" {
		t.Errorf("replaced doc not found: %+v", hits)
	}

	if err := s.Delete("code/session.go#10", "no/such#id"); err != nil {
		t.Fatal(err)
	}
	if s.Count() != len(storeDocs)-1 {
		t.Errorf("Count after delete %d", s.Count())
	}
	for _, h := range mustSearch(t, s, "expired sessions", 10) {
		if h.ID == "code/session.go#10" {
			t.Errorf("deleted doc still found")
		}
	}
	// Delete everything: the store is empty again and Search still works.
	var all []string
	for _, d := range storeDocs {
		all = append(all, d.id)
	}
	s.Delete(all...)
	if hits := mustSearch(t, s, "x", 3); len(hits) != 0 || s.Count() != 0 {
		t.Errorf("after deleting all: %d hits, count %d", len(hits), s.Count())
	}
}

func mustSearch(t *testing.T, s *Store, q string, k int) []Hit {
	t.Helper()
	hits, err := s.Search(context.Background(), q, k, nil)
	if err != nil {
		t.Fatal(err)
	}
	return hits
}

func TestStoreBadInput(t *testing.T) {
	s, _ := OpenStore("", NewHashing(32))
	ctx := context.Background()
	for name, err := range map[string]error{
		"length mismatch": s.Upsert(ctx, []string{"a"}, []string{"x", "y"}, nil),
		"meta mismatch":   s.Upsert(ctx, []string{"a"}, []string{"x"}, []map[string]string{{}, {}}),
		"empty id":        s.Upsert(ctx, []string{""}, []string{"x"}, nil),
		"duplicate id":    s.Upsert(ctx, []string{"a", "a"}, []string{"x", "y"}, nil),
		"reserved key":    s.Upsert(ctx, []string{"a"}, []string{"x"}, []map[string]string{{"_texthash": "h"}}),
	} {
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if s.Count() != 0 {
		t.Errorf("bad input stored something")
	}
	if _, err := OpenStore("", nil); err == nil {
		t.Errorf("nil embedder accepted")
	}
}

func TestStoreCacheReuse(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "vectors.snap")
	ce := &countingEmbedder{Embedder: mustBuiltin(t)}
	s, err := OpenStore(path, ce)
	if err != nil {
		t.Fatal(err)
	}
	fillStore(t, s)
	if got := ce.texts.Load(); got != int64(len(storeDocs)) {
		t.Fatalf("first upsert embedded %d texts, want %d", got, len(storeDocs))
	}
	fillStore(t, s) // unchanged
	if got := ce.texts.Load(); got != int64(len(storeDocs)) {
		t.Fatalf("unchanged upsert embedded %d more texts", got-int64(len(storeDocs)))
	}
	// A moved chunk (new ID, same text) after its old ID was deleted, and
	// the same new text twice in one batch, embed at most once each.
	s.Delete(storeDocs[0].id)
	err = s.Upsert(ctx, []string{"spec/auth.md#40", "n1", "n2"}, []string{storeDocs[0].text, "brand new text", "brand new text"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := ce.texts.Load() - int64(len(storeDocs)); got != 1 {
		t.Fatalf("embedded %d texts, want 1 (only the new text, once)", got)
	}
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	s.Close()

	// After reopening, the cache comes from the snapshot.
	ce2 := &countingEmbedder{Embedder: mustBuiltin(t)}
	s2, err := OpenStore(path, ce2)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	fillStore(t, s2)
	if got := ce2.texts.Load(); got != 0 {
		t.Fatalf("after reopen, unchanged chunks embedded %d texts", got)
	}
	if h, ok := s2.TextHashOf("n1"); !ok || h != TextHash("brand new text") {
		t.Errorf("TextHashOf = %q, %v", h, ok)
	}
}

func TestStoreSaveReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "vectors.snap")
	e := mustBuiltin(t)
	s, _ := OpenStore(path, e)
	fillStore(t, s)
	before := mustSearch(t, s, "database connections", 5)
	if err := s.Close(); err != nil { // Close saves
		t.Fatal(err)
	}
	s2, err := OpenStore(path, e)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if s2.Count() != len(storeDocs) || s2.NeedsReembed() {
		t.Fatalf("reopened: count %d, reembed %v", s2.Count(), s2.NeedsReembed())
	}
	after := mustSearch(t, s2, "database connections", 5)
	for i := range before {
		if before[i].ID != after[i].ID || before[i].Score != after[i].Score || before[i].Meta["kind"] != after[i].Meta["kind"] {
			t.Fatalf("hit %d: %+v before, %+v after", i, before[i], after[i])
		}
	}
	// No temp files left behind.
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("folder holds %d entries, want only the snapshot", len(entries))
	}
	if _, err := s2.Search(context.Background(), "x", 1, nil); err != nil {
		t.Fatal(err)
	}
	s2.Close()
	if _, err := s2.Search(context.Background(), "x", 1, nil); !errors.Is(err, ErrClosed) && s2.Count() != 0 {
		t.Errorf("closed store still answers")
	}
}

func TestStoreEmbedderChange(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vectors.snap")
	s, _ := OpenStore(path, NewHashing(64))
	fillStore(t, s)
	s.Close()
	orig, _ := os.ReadFile(path)

	s2, err := OpenStore(path, mustBuiltin(t))
	if err != nil {
		t.Fatal(err)
	}
	if s2.Count() != 0 || !s2.NeedsReembed() || s2.PreviousEmbedder() != "hashing-v1-d64" {
		t.Fatalf("count %d reembed %v previous %q", s2.Count(), s2.NeedsReembed(), s2.PreviousEmbedder())
	}
	// The old snapshot is untouched until the next Save.
	if now, _ := os.ReadFile(path); string(now) != string(orig) {
		t.Fatalf("opening with another embedder changed the snapshot")
	}
	fillStore(t, s2)
	if err := s2.Save(); err != nil {
		t.Fatal(err)
	}
	if s2.NeedsReembed() {
		t.Errorf("NeedsReembed still true after Save")
	}
	s2.Close()
	s3, _ := OpenStore(path, mustBuiltin(t))
	defer s3.Close()
	if s3.Count() != len(storeDocs) || s3.NeedsReembed() {
		t.Errorf("after re-embed and save: count %d reembed %v", s3.Count(), s3.NeedsReembed())
	}
}

func TestStoreCorruptSnapshot(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.snap")
	s, _ := OpenStore(good, NewHashing(32))
	fillStore(t, s)
	s.Close()
	data, _ := os.ReadFile(good)

	flip := append([]byte(nil), data...)
	flip[len(flip)-10] ^= 0x40
	cases := map[string][]byte{
		"empty":       {},
		"garbage":     []byte("hello world"),
		"truncated":   data[:len(data)/2],
		"no header":   []byte(snapshotMagic),
		"bad header":  []byte(snapshotMagic + "{nope\n"),
		"flipped bit": flip,
	}
	for name, b := range cases {
		p := filepath.Join(dir, name+".snap")
		os.WriteFile(p, b, 0o644)
		_, err := OpenStore(p, NewHashing(32))
		if !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: err = %v, want ErrCorrupt", name, err)
		}
		if now, _ := os.ReadFile(p); string(now) != string(b) {
			t.Errorf("%s: the corrupt file was changed", name)
		}
	}
}

// TestStoreSaveLeavesOldOnFailure simulates a crash after the temp file was
// written but before the rename: the old snapshot still opens.
func TestStoreSaveLeavesOldOnFailure(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "v.snap")
	s, _ := OpenStore(path, NewHashing(32))
	fillStore(t, s)
	s.Save()
	os.WriteFile(filepath.Join(dir, ".v.snap.tmp-123"), []byte("half a snapshot"), 0o644)
	s2, err := OpenStore(path, NewHashing(32))
	if err != nil || s2.Count() != len(storeDocs) {
		t.Fatalf("old snapshot unreadable after a crashed save: %v", err)
	}
}

func TestStoreConcurrent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v.snap")
	s, _ := OpenStore(path, NewHashing(64))
	defer s.Close()
	ctx := context.Background()
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 30; i++ {
				id := fmt.Sprintf("w%d-%d", w, i)
				if err := s.Upsert(ctx, []string{id}, []string{"text " + id}, []map[string]string{{"kind": "code"}}); err != nil {
					t.Error(err)
					return
				}
				if _, err := s.Search(ctx, "text", 3, map[string]string{"kind": "code"}); err != nil {
					t.Error(err)
					return
				}
				if i%10 == 0 {
					if err := s.Save(); err != nil {
						t.Error(err)
					}
				}
				if i%7 == 0 {
					s.Delete(id)
				}
			}
		}()
	}
	wg.Wait()
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	s2, err := OpenStore(path, NewHashing(64))
	if err != nil || s2.Count() != s.Count() {
		t.Fatalf("reopen after concurrent use: %v, %d vs %d", err, s2.Count(), s.Count())
	}
}
