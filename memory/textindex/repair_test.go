package textindex

import (
	"fmt"
	"testing"
)

// TestRepairedIndexScoresLikeACleanOne overwrites documents, deletes a
// path and writes it again, as crash recovery and the next sync do, and
// compares every hit's score with an index that never held the deleted
// copies: deleted documents leave no trace in BM25's statistics.
func TestRepairedIndexScoresLikeACleanOne(t *testing.T) {
	var docs []Doc
	for i := range 40 {
		docs = append(docs, Doc{ID: fmt.Sprintf("f%d.go#1", i%8), Path: fmt.Sprintf("f%d.go", i%8), Kind: "code", Language: "Go",
			Text: fmt.Sprintf("func Charge%d(order int) error { return payment(order, %d) } // retry payment timeout", i, i*i)})
	}
	clean, _ := openTemp(t)
	mustApply(t, clean, docs[32:]...)
	repaired, _ := openTemp(t)
	mustApply(t, repaired, docs[:8]...)
	mustApply(t, repaired, docs[8:16]...)
	for _, d := range docs[:8] {
		if err := repaired.DeletePath(d.Path); err != nil {
			t.Fatal(err)
		}
	}
	mustApply(t, repaired, docs[32:]...)
	for _, q := range []string{"payment timeout", "Charge35 order", "retry"} {
		want, got := search(t, clean, Query{Text: q}), search(t, repaired, Query{Text: q})
		if len(want) != len(got) {
			t.Fatalf("%q: %d hits, want %d", q, len(got), len(want))
		}
		for i := range want {
			if want[i].ID != got[i].ID || fmt.Sprintf("%.6f", want[i].Score) != fmt.Sprintf("%.6f", got[i].Score) {
				t.Errorf("%q #%d: %s %.6f, want %s %.6f", q, i, got[i].ID, got[i].Score, want[i].ID, want[i].Score)
			}
		}
	}
}
