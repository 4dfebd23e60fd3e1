package vector

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// benchTexts are short chunk-like texts: identifiers, prose and log lines.
func benchTexts(n int) []string {
	forms := []string{
		"func (s *Store) deleteExpiredSessions%d(ctx context.Context) error",
		"Expired sessions are removed by the cleanup job number %d every hour.",
		"2024-05-01T12:00:%02d ERROR db: connection pool exhausted, retrying",
		"The invoice total includes tax rate %d and shipping costs.",
	}
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf(forms[i%len(forms)], i%60)
	}
	return out
}

func benchEmbed(b *testing.B, e Embedder) {
	texts := benchTexts(1000)
	ctx := context.Background()
	e.Embed(ctx, texts[:1]) // load
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if _, err := e.Embed(ctx, texts); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(texts))/time.Since(start).Seconds(), "texts/s")
}

func BenchmarkEmbedBuiltin(b *testing.B) { benchEmbed(b, mustBuiltin(b)) }
func BenchmarkEmbedHashing(b *testing.B) { benchEmbed(b, NewHashing(256)) }

func BenchmarkBuiltinLoad(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := parseGlove(gloveTable); err != nil {
			b.Fatal(err)
		}
	}
}

// store30k fills a store with 30k builtin-embedded chunks.
func store30k(b *testing.B, path string) *Store {
	b.Helper()
	s, err := OpenStore(path, mustBuiltin(b))
	if err != nil {
		b.Fatal(err)
	}
	const n = 30000
	texts := benchTexts(n)
	ids := make([]string, n)
	meta := make([]map[string]string, n)
	kinds := []string{"code", "spec", "log", "test"}
	for i := range ids {
		ids[i] = fmt.Sprintf("chunk-%d", i)
		texts[i] = fmt.Sprintf("%s %d", texts[i], i) // distinct texts
		meta[i] = map[string]string{"kind": kinds[i%4]}
	}
	if err := s.Upsert(context.Background(), ids, texts, meta); err != nil {
		b.Fatal(err)
	}
	return s
}

func BenchmarkStoreSearch30k(b *testing.B) {
	s := store30k(b, "")
	ctx := context.Background()
	b.Run("k10", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := s.Search(ctx, "stale session cleanup", 10, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("k10-where", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := s.Search(ctx, "stale session cleanup", 10, map[string]string{"kind": "code"}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkStoreSaveOpen30k(b *testing.B) {
	path := filepath.Join(b.TempDir(), "v.snap")
	s := store30k(b, path)
	b.Run("save", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			s.dirty = true
			if err := s.Save(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("open", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			s2, err := OpenStore(path, mustBuiltin(b))
			if err != nil || s2.Count() != 30000 {
				b.Fatal(err)
			}
		}
	})
}
