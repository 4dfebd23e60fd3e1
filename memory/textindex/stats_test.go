package textindex

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/index/scorch"
	index "github.com/blevesearch/bleve_index_api"
)

// statsDocs are docs of every shape: long and short bodies, identifiers
// that split into parts, symbols, comments, test names and requirements.
func statsDocs(n int) []Doc {
	docs := make([]Doc, n)
	for i := range docs {
		body := fmt.Sprintf("func cleanupExpiredSessions%d(store *SessionStore) error {\n", i)
		body += "\t// " + sharedWords + "\n"
		for range i % 7 {
			body += "\tif err := store.deleteExpired(ctx); err != nil { return fmt.Errorf(\"cleanup: %w\", err) }\n"
		}
		docs[i] = Doc{
			ID: fmt.Sprintf("internal/sessions/store%d.go#%d", i%5, i), Path: fmt.Sprintf("internal/sessions/store%d.go", i%5),
			Kind: "code", Language: "go", Symbol: fmt.Sprintf("sessions.Store.Cleanup%d", i),
			Signature: "func (s *Store) Cleanup(ctx context.Context) error", Text: body,
			Comments: "Cleanup removes the sessions whose deadline passed.",
		}
		if i%3 == 0 {
			docs[i].TestNames = []string{"TestCleanupRemovesExpired", "TestCleanupKeepsLive"}
			docs[i].Requirements = []string{"FR-012", "nfr-7"}
		}
	}
	return docs
}

// sharedWords are in every body, so that a segment per doc counts each of
// them once per segment and one merged segment counts them once.
const sharedWords = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu"

// tokensInIndex sums, per scored field, the frequency of every term in
// every live doc: the total length bleve's norms encode.
func tokensInIndex(t *testing.T, ix *Index) map[string]uint64 {
	t.Helper()
	adv, err := ix.bi.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	r, err := adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	out := map[string]uint64{}
	for _, f := range scoredFields {
		d, err := r.FieldDict(f)
		if err != nil {
			t.Fatal(err)
		}
		for e, err := d.Next(); e != nil && err == nil; e, err = d.Next() {
			tfr, err := r.TermFieldReader(context.Background(), []byte(e.Term), f, true, false, false)
			if err != nil {
				t.Fatal(err)
			}
			var doc index.TermFieldDoc
			for m, err := tfr.Next(&doc); m != nil && err == nil; m, err = tfr.Next(&doc) {
				out[f] += m.Freq
			}
			_ = tfr.Close()
		}
		_ = d.Close()
	}
	return out
}

func TestLengthsMatchIndex(t *testing.T) {
	ix, _ := openTemp(t)
	docs := statsDocs(40)
	mustApply(t, ix, docs...)
	var s Stats
	for _, d := range docs {
		s.Add(d.Lengths())
	}
	got := tokensInIndex(t, ix)
	for i, f := range scoredFields {
		if s.Tokens[i] != got[f] {
			t.Errorf("field %s: Lengths sum to %d tokens, the index holds %d", f, s.Tokens[i], got[f])
		}
		if s.Tokens[i] == 0 {
			t.Errorf("field %s: no tokens; the docs should exercise every scored field", f)
		}
	}
	if s.Docs != len(docs) {
		t.Errorf("Docs = %d, want %d", s.Docs, len(docs))
	}
}

// TestStatsFollowContent: with SetStats, the same docs score the same
// whether they were written in one batch (one segment) or one at a time
// (many segments, merged in the background whenever scorch likes); bleve's
// own statistics count distinct terms per segment, so they move with the
// segments.
func TestStatsFollowContent(t *testing.T) {
	docs := statsDocs(60)
	var s Stats
	for _, d := range docs {
		s.Add(d.Lengths())
	}
	whole, _ := openTemp(t)
	mustApply(t, whole, docs...)
	forceMerge(t, whole)
	pieces, _ := openTemp(t)
	for _, d := range docs {
		mustApply(t, pieces, d)
	}
	q := Query{Text: "cleanup expired sessions store", Limit: 20}
	for _, ix := range []*Index{whole, pieces} {
		ix.SetStats(s)
	}
	want, got := scores(t, whole, q), scores(t, pieces, q)
	if len(want) != len(got) {
		t.Fatalf("%d hits from one batch, %d from many", len(want), len(got))
	}
	for id, w := range want {
		if math.Abs(got[id]-w) > 1e-9*w {
			t.Errorf("%s: score %v from one batch, %v from many", id, w, got[id])
		}
	}
}

func forceMerge(t *testing.T, ix *Index) {
	t.Helper()
	adv, err := ix.bi.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	sc, ok := adv.(*scorch.Scorch)
	if !ok {
		t.Fatalf("index is %T, want scorch", adv)
	}
	if err := sc.ForceMerge(context.Background(), nil); err != nil {
		t.Fatalf("ForceMerge: %v", err)
	}
}

func scores(t *testing.T, ix *Index, q Query) map[string]float64 {
	t.Helper()
	hits, err := ix.Search(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	out := make(map[string]float64, len(hits))
	for _, h := range hits {
		out[h.ID] = h.Score
	}
	return out
}

// TestCountTermsMatchesAnalyze runs both counts over every Go and Markdown
// file of this repository, and over shapes the analyzer treats specially.
func TestCountTermsMatchesAnalyze(t *testing.T) {
	texts := []string{
		"", "the", "THE And", "HTTPServer parseURL2 snake_case_name pkg.ChunkDiskMapper a.b.c",
		"Ünïcödé wörds and 日本語 text", strings.Repeat("x", 81) + " " + strings.Repeat("y", 80),
		"isTheOne ofTheWay How_To_Do_It", "v1.2.3 0x1F 10ms 1.5MB", "ToTheMoon.AndBack.AT",
	}
	files, err := filepath.Glob("../../*/*.go")
	if err != nil {
		t.Fatal(err)
	}
	more, _ := filepath.Glob("../../*.md")
	for _, f := range append(files, more...) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, string(b))
	}
	if len(texts) < 30 {
		t.Fatalf("only %d texts; the globs should find the repository's files", len(texts))
	}
	for i, text := range texts {
		if got, want := countTerms([]byte(text)), uint32(len(Analyze(text))); got != want {
			t.Errorf("text %d (%.40q): countTerms %d, Analyze %d terms", i, text, got, want)
		}
	}
}

func BenchmarkLengths(b *testing.B) {
	text, err := os.ReadFile("search.go")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("analyze", func(b *testing.B) {
		for b.Loop() {
			_ = len(Analyze(string(text)))
		}
	})
	b.Run("count", func(b *testing.B) {
		for b.Loop() {
			_ = countTerms(text)
		}
	})
}

// TestTiesRankByID: documents of equal text score alike however the index
// was written (one batch, or one document at a time in reverse), and rank
// by ID among themselves, so the same files always give the same ranking.
// bleve alone scores them a few ulps apart when segments differ.
func TestTiesRankByID(t *testing.T) {
	var docs []Doc
	for i := range 40 {
		d := statsDocs(7)[i%7] // 7 texts, each in several documents
		d.ID = fmt.Sprintf("copy%02d/%s", i, d.ID)
		docs = append(docs, d)
	}
	var s Stats
	for _, d := range docs {
		s.Add(d.Lengths())
	}
	whole, _ := openTemp(t)
	mustApply(t, whole, docs...)
	pieces, _ := openTemp(t)
	for i := len(docs) - 1; i >= 0; i-- {
		mustApply(t, pieces, docs[i])
	}
	for _, ix := range []*Index{whole, pieces} {
		ix.SetStats(s)
	}
	for _, text := range []string{"cleanup expired sessions store", "delete expired store error cleanup romeo", "SessionStore deleteExpired ctx"} {
		q := Query{Text: text, Limit: 25}
		a, b := rankedIDs(t, whole, q), rankedIDs(t, pieces, q)
		if strings.Join(a, " ") != strings.Join(b, " ") {
			t.Errorf("%q: one batch ranks %v, one at a time %v", text, a, b)
		}
	}
}

func rankedIDs(t *testing.T, ix *Index, q Query) []string {
	t.Helper()
	hits, err := ix.Search(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i, h := range hits {
		if i > 0 && h.Score == hits[i-1].Score && h.ID < hits[i-1].ID {
			t.Errorf("%q: %s after %s at the same score", q.Text, h.ID, hits[i-1].ID)
		}
		ids = append(ids, h.ID)
	}
	return ids
}
