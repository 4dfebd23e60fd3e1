package textindex

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func openTemp(t *testing.T) (*Index, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "text")
	ix, err := Open(dir, Options{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = ix.Close() })
	return ix, dir
}

func mustApply(t *testing.T, ix *Index, docs ...Doc) {
	t.Helper()
	if err := ix.Apply(docs, nil); err != nil {
		t.Fatalf("Apply: %v", err)
	}
}

func mustCount(t *testing.T, ix *Index) uint64 {
	t.Helper()
	n, err := ix.Count()
	if err != nil {
		t.Fatalf("Count: %v", err)
	}
	return n
}

func TestOpenCreatesAndReopenPersists(t *testing.T) {
	ix, dir := openTemp(t)
	mustApply(t, ix,
		Doc{ID: "a.go#1", Path: "a.go", Kind: "code", Text: "func cleanupExpiredSessions() {}"},
		Doc{ID: "b.go#1", Path: "b.go", Kind: "code", Text: "func other() {}"},
	)
	if err := ix.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := ix.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := ix.Count(); !errors.Is(err, ErrClosed) {
		t.Errorf("Count after Close: %v, want ErrClosed", err)
	}

	ix2, err := Open(dir, Options{})
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer ix2.Close()
	if n := mustCount(t, ix2); n != 2 {
		t.Errorf("Count after reopen = %d, want 2", n)
	}
	hits, err := ix2.Search(context.Background(), Query{Text: "cleanupExpiredSessions"})
	if err != nil || len(hits) == 0 || hits[0].ID != "a.go#1" {
		t.Errorf("search after reopen = %v, %v", hits, err)
	}
	if ix2.ScoringModel() != "bm25" {
		t.Errorf("scoring model after reopen = %q", ix2.ScoringModel())
	}
}

func TestApplyIdempotentAndDeletes(t *testing.T) {
	ix, _ := openTemp(t)
	doc := Doc{ID: "a.go#1", Path: "a.go", Kind: "code", Text: "alpha beta"}
	for i := 0; i < 3; i++ {
		mustApply(t, ix, doc)
	}
	if n := mustCount(t, ix); n != 1 {
		t.Fatalf("Count after 3 upserts of one ID = %d, want 1", n)
	}
	// An upsert replaces: the old text no longer matches.
	doc.Text = "gamma"
	mustApply(t, ix, doc)
	if hits, _ := ix.Search(context.Background(), Query{Text: "alpha"}); len(hits) != 0 {
		t.Errorf("old text still matches after upsert: %v", hits)
	}
	if hits, _ := ix.Search(context.Background(), Query{Text: "gamma"}); len(hits) != 1 {
		t.Errorf("new text does not match after upsert: %v", hits)
	}
	// Deletes run before upserts in one batch; missing IDs are fine.
	if err := ix.Apply([]Doc{doc}, []string{"a.go#1", "missing#9"}); err != nil {
		t.Fatal(err)
	}
	if n := mustCount(t, ix); n != 1 {
		t.Errorf("delete+upsert of one ID left %d docs, want 1", n)
	}
	if err := ix.Apply(nil, []string{"a.go#1"}); err != nil {
		t.Fatal(err)
	}
	if n := mustCount(t, ix); n != 0 {
		t.Errorf("Count after delete = %d, want 0", n)
	}
}

func TestApplyRejectsBadBatchWhole(t *testing.T) {
	ix, _ := openTemp(t)
	err := ix.Apply([]Doc{{ID: "ok#1", Path: "ok", Text: "x"}, {ID: "", Text: "no id"}}, nil)
	if err == nil || !strings.Contains(err.Error(), "empty ID") {
		t.Fatalf("Apply with an empty ID: %v", err)
	}
	if err := ix.Apply(nil, []string{""}); err == nil {
		t.Error("delete of empty ID: no error")
	}
	if n := mustCount(t, ix); n != 0 {
		t.Errorf("a rejected batch wrote %d docs", n)
	}
}

func TestDeletePathAndReplacePath(t *testing.T) {
	ix, _ := openTemp(t)
	var docs []Doc
	for i := 0; i < 1500; i++ { // more than one page of idsWithPath
		docs = append(docs, Doc{ID: "big.go#" + itoa(i), Path: "big.go", Kind: "code", Text: "chunk"})
	}
	docs = append(docs, Doc{ID: "keep.go#1", Path: "keep.go", Kind: "code", Text: "chunk"},
		Doc{ID: "big.go.bak#1", Path: "big.go.bak", Kind: "code", Text: "chunk"})
	mustApply(t, ix, docs...)
	if err := ix.DeletePath("big.go"); err != nil {
		t.Fatal(err)
	}
	if n := mustCount(t, ix); n != 2 {
		t.Errorf("Count after DeletePath = %d, want 2 (keep.go and big.go.bak)", n)
	}
	if err := ix.DeletePath("never-indexed.go"); err != nil {
		t.Errorf("DeletePath of an unknown path: %v", err)
	}

	err := ix.ReplacePath("keep.go", []Doc{
		{ID: "keep.go#1", Path: "keep.go", Text: "new first"},
		{ID: "keep.go#2", Path: "keep.go", Text: "new second"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := mustCount(t, ix); n != 3 {
		t.Errorf("Count after ReplacePath = %d, want 3", n)
	}
	if err := ix.ReplacePath("keep.go", []Doc{{ID: "x#1", Path: "other.go"}}); err == nil {
		t.Error("ReplacePath with a doc of another path: no error")
	}
}

func TestSecondWriterFailsFast(t *testing.T) {
	_, dir := openTemp(t)
	start := time.Now()
	_, err := Open(dir, Options{OpenTimeout: 200 * time.Millisecond})
	took := time.Since(start)
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second writer: %v, want ErrLocked", err)
	}
	if !strings.Contains(err.Error(), "another devai process") {
		t.Errorf("error does not say what to do: %v", err)
	}
	if took > 2*time.Second {
		t.Errorf("second writer took %s to fail", took)
	}
	// A reader waits for the writer's lock as well.
	if _, err := Open(dir, Options{ReadOnly: true, OpenTimeout: 100 * time.Millisecond}); !errors.Is(err, ErrLocked) {
		t.Errorf("read-only open while a writer holds the index: %v, want ErrLocked", err)
	}
}

func TestReadOnly(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "text")
	if _, err := Open(dir, Options{ReadOnly: true}); !errors.Is(err, ErrNoIndex) {
		t.Fatalf("read-only open of nothing: %v, want ErrNoIndex", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("read-only open created %s", dir)
	}
	w, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	mustApply(t, w, Doc{ID: "a#1", Path: "a.go", Text: "hello world"})
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}

	r1, err := Open(dir, Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("read-only open: %v", err)
	}
	defer r1.Close()
	// Readers share the lock.
	r2, err := Open(dir, Options{ReadOnly: true, OpenTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatalf("second reader: %v", err)
	}
	defer r2.Close()
	if !r1.ReadOnly() {
		t.Error("ReadOnly() = false")
	}
	if hits, err := r2.Search(context.Background(), Query{Text: "hello"}); err != nil || len(hits) != 1 {
		t.Errorf("read-only search = %v, %v", hits, err)
	}
	if err := r1.Apply([]Doc{{ID: "b#1", Text: "x"}}, nil); err == nil || !strings.Contains(err.Error(), "read-only") {
		t.Errorf("Apply on a read-only index: %v", err)
	}
	if err := r1.DeletePath("a.go"); err == nil {
		t.Error("DeletePath on a read-only index: no error")
	}
	if _, err := Open(dir, Options{OpenTimeout: 100 * time.Millisecond}); !errors.Is(err, ErrLocked) {
		t.Errorf("writer open while readers hold the index: %v, want ErrLocked", err)
	}
}

func TestCorruptIndex(t *testing.T) {
	tests := []struct {
		name   string
		damage func(t *testing.T, dir string)
	}{
		{"truncated root.bolt", func(t *testing.T, dir string) {
			if err := os.Truncate(filepath.Join(dir, "store", "root.bolt"), 100); err != nil {
				t.Fatal(err)
			}
		}},
		{"empty root.bolt", func(t *testing.T, dir string) {
			if err := os.Truncate(filepath.Join(dir, "store", "root.bolt"), 0); err != nil {
				t.Fatal(err)
			}
		}},
		{"garbage root.bolt", func(t *testing.T, dir string) {
			writeGarbage(t, filepath.Join(dir, "store", "root.bolt"), 64<<10)
		}},
		{"garbage index_meta.json", func(t *testing.T, dir string) {
			writeGarbage(t, filepath.Join(dir, "index_meta.json"), 300)
		}},
		{"segments deleted", func(t *testing.T, dir string) {
			zaps, _ := filepath.Glob(filepath.Join(dir, "store", "*.zap"))
			if len(zaps) == 0 {
				t.Skip("no zap segment on disk yet")
			}
			for _, z := range zaps {
				if err := os.Remove(z); err != nil {
					t.Fatal(err)
				}
			}
		}},
		{"segments garbage", func(t *testing.T, dir string) {
			zaps, _ := filepath.Glob(filepath.Join(dir, "store", "*.zap"))
			if len(zaps) == 0 {
				t.Skip("no zap segment on disk yet")
			}
			for _, z := range zaps {
				writeGarbage(t, z, 4096)
			}
		}},
		{"store missing", func(t *testing.T, dir string) {
			if err := os.RemoveAll(filepath.Join(dir, "store")); err != nil {
				t.Fatal(err)
			}
		}},
		{"schema version differs", func(t *testing.T, dir string) {
			ix, err := Open(dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if err := ix.bi.SetInternal([]byte(schemaKey), []byte("0")); err != nil {
				t.Fatal(err)
			}
			if err := ix.Close(); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "text")
			ix, err := Open(dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var docs []Doc
			for i := 0; i < 50; i++ {
				docs = append(docs, Doc{ID: "f.go#" + itoa(i), Path: "f.go", Text: "some text " + itoa(i)})
			}
			mustApply(t, ix, docs...)
			if err := ix.Close(); err != nil {
				t.Fatal(err)
			}
			tt.damage(t, dir)
			ix, err = Open(dir, Options{OpenTimeout: 500 * time.Millisecond})
			if err == nil {
				// Some damage only shows when the data is read.
				_, err = ix.Search(context.Background(), Query{Text: "some text"})
				_ = ix.Close()
			}
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("open of a damaged index: %v, want ErrCorrupt", err)
			}
		})
	}
}

func TestForeignDirectoryIsNotOverwritten(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, Options{}); !errors.Is(err, ErrCorrupt) {
		t.Errorf("Open of a non-index directory: %v, want ErrCorrupt", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "notes.txt")); string(b) != "mine" {
		t.Error("Open touched a foreign file")
	}
}

func writeGarbage(t *testing.T, path string, n int) {
	t.Helper()
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + 13)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}
