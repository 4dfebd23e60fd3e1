package locset

import (
	"context"
	"testing"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/chunk"
)

// TestEvaluate runs the whole pipeline on a tiny repository: history → set,
// snapshot → tree, tree → a real index, set → scores.
func TestEvaluate(t *testing.T) {
	r := newTestRepo(t)
	r.commit("Initial import of the shop", map[string]string{
		"sessions.go": "package shop\n\n// CleanupExpired removes sessions whose deadline passed.\nfunc CleanupExpired(sessions map[string]int64, now int64) {\n\tfor id, deadline := range sessions {\n\t\tif deadline < now {\n\t\t\tdelete(sessions, id)\n\t\t}\n\t}\n}\n",
		"orders.go":   "package shop\n\n// PlaceOrder totals the order lines and applies the discount.\nfunc PlaceOrder(lines []int, discount int) int {\n\ttotal := 0\n\tfor _, l := range lines {\n\t\ttotal += l\n\t}\n\treturn total - discount\n}\n",
		"README.md":   "# shop\n\nSessions and orders.\n",
	})
	r.git("tag", "snap")
	r.commit("Keep sessions whose deadline is exactly now in CleanupExpired", map[string]string{
		"sessions.go": "package shop\n\n// CleanupExpired removes sessions whose deadline passed.\nfunc CleanupExpired(sessions map[string]int64, now int64) {\n\tfor id, deadline := range sessions {\n\t\tif deadline <= now {\n\t\t\tdelete(sessions, id)\n\t\t}\n\t}\n}\n",
	})
	r.commit("Never let the order discount make the total negative", map[string]string{
		"orders.go": "package shop\n\n// PlaceOrder totals the order lines and applies the discount.\nfunc PlaceOrder(lines []int, discount int) int {\n\ttotal := 0\n\tfor _, l := range lines {\n\t\ttotal += l\n\t}\n\treturn max(0, total-discount)\n}\n",
	})

	ctx := context.Background()
	set, _, err := Build(ctx, BuildOptions{GitDir: r.dir, Snapshot: "snap"})
	if err != nil {
		t.Fatal(err)
	}
	if len(set) != 2 {
		t.Fatalf("set has %d queries, want 2: %+v", len(set), set)
	}
	tree := t.TempDir()
	if _, _, err := Extract(ctx, r.dir, set[0].Snapshot, tree); err != nil {
		t.Fatal(err)
	}
	ix, err := memory.Open(ctx, memory.Options{Repo: tree, StateDir: t.TempDir(), Embedder: "hash"})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if err := ix.Sync(ctx, nil); err != nil {
		t.Fatal(err)
	}

	modes := []memory.Mode{memory.ModeText, memory.ModeVector, memory.ModeHybrid}
	reports, results, err := Evaluate(ctx, ix, set, EvalOptions{Modes: modes, Kinds: []chunk.Kind{chunk.Code}})
	if err != nil {
		t.Fatal(err)
	}
	if len(reports) != 3 || len(results) != 6 {
		t.Fatalf("%d reports and %d results, want 3 and 6", len(reports), len(results))
	}
	for i, rep := range reports {
		if rep.Mode != modes[i] || rep.Queries != 2 || rep.P50 <= 0 {
			t.Errorf("report %d = %+v, want mode %s over 2 timed queries", i, rep, modes[i])
		}
	}
	// The words of each message name its file's function and doc comment;
	// full text must put that file first.
	if s := reports[0].Scores; s.Acc1 != 1 || s.RR != 1 {
		t.Errorf("text mode scores %+v, want every answer ranked first", s)
	}
	for _, res := range results {
		for _, p := range res.Ranked {
			if p == "README.md" {
				t.Errorf("%s ranked README.md although only code was asked for", res.Mode)
			}
		}
	}
}
