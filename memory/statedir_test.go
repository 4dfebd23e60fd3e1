package memory

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
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

// TestWatchKeepsItsRulesWhenIgnoreFilesChange: after a .gitignore edit the
// watcher rebuilds its ignore rules with the index's own options, so a log
// the user named with --logs inside an ignored folder is still followed.
func TestWatchKeepsItsRulesWhenIgnoreFilesChange(t *testing.T) {
	repo := t.TempDir()
	for rel, body := range map[string]string{
		".gitignore":   "logs/\n",
		"main.go":      "package main\n\nfunc main() {}\n",
		"logs/app.log": "2026-12-04T10:00:00Z INFO started\n",
	} {
		p := filepath.Join(repo, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ix, err := Open(context.Background(), Options{Repo: repo, Embedder: "none", LogPaths: []string{"logs/app.log"}})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if err := ix.Sync(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go ix.Watch(ctx)
	time.Sleep(200 * time.Millisecond) // let the watches be set up
	if err := os.WriteFile(filepath.Join(repo, ".gitignore"), []byte("logs/\n*.tmp\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond) // the rebuild and its full sync
	f, err := os.OpenFile(filepath.Join(repo, "logs", "app.log"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("2026-12-04T10:00:05Z ERROR quokkaoverflow in the ledger\n"); err != nil {
		t.Fatal(err)
	}
	f.Close()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		res, err := ix.Search(context.Background(), Query{Text: "quokkaoverflow", Limit: 5})
		if err == nil && len(res.Hits) > 0 {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("a line appended to a --logs file was never indexed after .gitignore changed")
}
