package memory

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestStateDirInsideTheRepoIsNotIndexed: with --state-dir inside the
// repository under another name than .devai, devai's own files (the
// decision log with every call's arguments among them) stay out of the
// index, as .devai does.
func TestStateDirInsideTheRepoIsNotIndexed(t *testing.T) {
	repo := t.TempDir()
	state := filepath.Join(repo, "var", "state")
	files := map[string]string{
		"main.go": "package main\n\n// Charge takes the payment.\nfunc Charge() {}\n",
		"var/state/decisions/decisions-000001.jsonl": `{"tool":"search_context","arguments":{"query":"charge the payment"}}` + "\n",
	}
	for rel, body := range files {
		p := filepath.Join(repo, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ix, err := Open(context.Background(), Options{Repo: repo, StateDir: state, Embedder: "none"})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if err := ix.Sync(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	res, err := ix.Search(context.Background(), Query{Text: "charge payment search_context", Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range res.Hits {
		if strings.HasPrefix(h.Path, "var/state/") {
			t.Errorf("the state directory was indexed: hit %s", h.Path)
		}
	}
	for _, s := range ix.Status().Skipped {
		if strings.HasPrefix(s.Path, "var/state/") {
			t.Errorf("the state directory was walked: skipped %s", s.Path)
		}
	}
	if st := ix.Status(); st.Files != 1 {
		t.Errorf("%d files indexed, want main.go only", st.Files)
	}
}
