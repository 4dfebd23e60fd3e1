package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/chunk"
)

// TestWeightValue: refit reads back every weight it can set, so the
// ascent knows where it stands on each.
func TestWeightValue(t *testing.T) {
	for _, name := range memory.WeightNames {
		w := memory.DefaultWeights
		if err := w.Set(name, 0.5); err != nil {
			t.Fatal(err)
		}
		if v, ok := weightValue(w, name); !ok || v != 0.5 {
			t.Errorf("%s set to 0.5 reads %g, %v", name, v, ok)
		}
	}
}

// TestObjectiveFollowsWeights: the fit's objective moves with a weight
// that reorders the files (a hint on the fixed file, weighed or not).
func TestObjectiveFollowsWeights(t *testing.T) {
	rec := signalRecord{Files: []string{"b.go"}, Shape: memory.QueryShape{Wants: chunk.Code}, Signals: []memory.Signals{
		{ID: "1", Path: "a.go", Kind: chunk.Code, TextHash: "x", TextRank: 1},
		{ID: "2", Path: "b.go", Kind: chunk.Code, TextHash: "y", TextRank: 2, Hint: true},
	}}
	sets := []fitSet{{name: "one", records: []signalRecord{rec}}}
	with, without := memory.DefaultWeights, memory.DefaultWeights
	without.Hint = 0
	if got := objective(with, sets); got != 2 {
		t.Errorf("with the hint: objective %g, want 2 (b.go first)", got)
	}
	if got := objective(without, sets); got != 1 {
		t.Errorf("without the hint: objective %g, want 1 (b.go second: in the top 5 only)", got)
	}
}

// TestReadFitSetsKeepsOneArm: a signals file written with several arms
// fits on the arm asked for only, and an arm it lacks is an error.
func TestReadFitSetsKeepsOneArm(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sig.jsonl")
	lines := `{"arm":"bm25","commit":"a","files":["x.go"]}` + "\n" + `{"arm":"hybrid+hints","commit":"a","files":["x.go"]}` + "\n" + `{"arm":"hybrid+hints","commit":"b","files":["y.go"]}` + "\n"
	if err := os.WriteFile(path, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	sets, err := readFitSets("cs="+path, "hybrid+hints")
	if err != nil {
		t.Fatal(err)
	}
	if len(sets) != 1 || len(sets[0].records) != 2 {
		t.Fatalf("sets %+v, want one set of the 2 hybrid+hints records", sets)
	}
	if _, err := readFitSets("cs="+path, "vector"); err == nil {
		t.Error("an arm the file lacks was accepted")
	}
}
