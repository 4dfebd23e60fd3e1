package memory

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
)

// TestKillMidSync kills a process in the middle of indexing (SIGKILL, as a
// crash or an OOM kill would) and checks that the next Open repairs the
// index: nothing half-written remains, the checkpointed work is kept, and a
// sync completes it.
func TestKillMidSync(t *testing.T) {
	if os.Getenv("DEVAI_CRASH_CHILD") != "" {
		crashChild()
		return
	}
	if testing.Short() {
		t.Skip("spawns a child process")
	}
	repo := t.TempDir()
	for i := range 600 {
		dir := filepath.Join(repo, fmt.Sprintf("pkg%02d", i%20))
		os.MkdirAll(dir, 0o755)
		var b strings.Builder
		fmt.Fprintf(&b, "package pkg%02d\n\n", i%20)
		for j := range 12 {
			fmt.Fprintf(&b, "// Func%d_%d handles case %d of file %d.\nfunc Func%d_%d(x int) int {\n\treturn x + %d\n}\n\n", i, j, j, i, i, j, j)
		}
		os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%03d.go", i)), []byte(b.String()), 0o644)
	}

	cmd := exec.Command(os.Args[0], "-test.run=^TestKillMidSync$")
	cmd.Env = append(os.Environ(), "DEVAI_CRASH_CHILD="+repo)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Kill once the first checkpoint is on disk and the sync is still going.
	deadline := time.Now().Add(60 * time.Second)
	for {
		journal, err := os.ReadFile(filepath.Join(repo, ".devai", "journal"))
		if pending := strings.Count(string(journal), "\n"); err == nil && pending > 0 && pending < 600 {
			break // a checkpoint rewrote the journal; work remains
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("the child never reached a checkpoint")
		}
		time.Sleep(5 * time.Millisecond)
	}
	cmd.Process.Kill()
	cmd.Wait()

	ix, err := Open(context.Background(), Options{Repo: repo, Embedder: "hash", Logger: hclog.New(&hclog.LoggerOptions{Output: testWriter{t}})})
	if err != nil {
		t.Fatalf("Open after kill: %v", err)
	}
	defer ix.Close()
	kept := ix.Status().Files
	if _, err := os.Stat(filepath.Join(repo, ".devai", "journal")); !os.IsNotExist(err) {
		t.Errorf("journal still present after repair: %v", err)
	}
	var reread int
	if err := ix.Sync(context.Background(), func(done, total int, _ string) { reread = total }); err != nil {
		t.Fatalf("Sync after kill: %v", err)
	}
	st := ix.Status()
	if st.Files != 600 || st.Chunks != 600*13 {
		t.Errorf("after repair: %d files, %d chunks; want 600, %d", st.Files, st.Chunks, 600*13)
	}
	if n, _ := ix.text.Count(); int(n) != st.Chunks {
		t.Errorf("text index holds %d docs, manifest %d chunks", n, st.Chunks)
	}
	if ix.vec.Count() != st.Chunks {
		t.Errorf("vector store holds %d, manifest %d chunks", ix.vec.Count(), st.Chunks)
	}
	t.Logf("kept %d files from before the kill, re-read %d", kept, reread)
	if kept == 0 || reread >= 600 {
		t.Errorf("the work checkpointed before the kill was lost (kept %d, re-read %d)", kept, reread)
	}
	res, err := ix.Search(context.Background(), Query{Text: "Func599_11"})
	if err != nil || len(res.Hits) == 0 || res.Hits[0].Symbol != "pkg19.Func599_11" {
		t.Errorf("search after repair: %v %v", err, res.Hits)
	}
}

// testWriter sends log lines to the test's log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

func crashChild() {
	repo := os.Getenv("DEVAI_CRASH_CHILD")
	ix, err := Open(context.Background(), Options{Repo: repo, Embedder: "hash"})
	if err != nil {
		os.Exit(3)
	}
	ix.checkpointEvery = 300
	// Slow each batch down so the parent can kill in the middle.
	_ = ix.Sync(context.Background(), func(done, total int, path string) { time.Sleep(2 * time.Millisecond) })
	time.Sleep(time.Minute)
	os.Exit(0)
}
