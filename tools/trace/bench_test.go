package trace

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/fixture"
)

// BenchmarkShopPanic times one trace_root_cause call on the fixture's real
// panic, with its git history (blame and log through the git binary), over
// an index that is already synced:
// go test -run XXX -bench ShopPanic -benchtime 20x ./tools/trace/
func BenchmarkShopPanic(b *testing.B) {
	dir, _ := fixture.GitRepo(b)
	ix, err := memory.Open(b.Context(), memory.Options{Repo: dir, StateDir: b.TempDir(), Embedder: "hash"})
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	if err := ix.Sync(b.Context(), nil); err != nil {
		b.Fatal(err)
	}
	text, err := os.ReadFile(filepath.Join(dir, "logs", "panic.log"))
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		out, err := Run(b.Context(), ix, Input{Text: string(text)})
		if err != nil || out.Suspects[0].Symbol != "auth.Service.recordLastSeen" {
			b.Fatal(err, out.Suspects)
		}
	}
}
