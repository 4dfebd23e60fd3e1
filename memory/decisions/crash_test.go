package decisions

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// crashEnv makes the test binary a writer that appends until it is killed.
const crashEnv = "DEVAI_DECISIONS_CRASH_DIR"

func TestMain(m *testing.M) {
	if dir := os.Getenv(crashEnv); dir != "" {
		l, err := Open(dir, Options{MaxFileBytes: 64 << 10})
		if err != nil {
			os.Exit(3)
		}
		big := strings.Repeat("x", 3000) // long lines make a kill mid-write likelier
		for i := 0; ; i++ {
			if _, err := l.Append(context.Background(), Entry{Tool: "search_context", Arguments: map[string]any{"query": big, "i": i}}); err != nil {
				os.Exit(4)
			}
		}
	}
	os.Exit(m.Run())
}

// TestKilledWriterLosesAtMostOneRecord kills a real writer process with
// SIGKILL while it appends, several times over the same log: each time the
// chain verifies, and a new writer goes on from the last whole record.
func TestKilledWriterLosesAtMostOneRecord(t *testing.T) {
	if testing.Short() {
		t.Skip("runs writer processes")
	}
	dir := filepath.Join(t.TempDir(), "decisions")
	var last int
	for round := 0; round < 4; round++ {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), crashEnv+"="+dir)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Kill it once it has written a few records, at an odd moment.
		deadline := time.Now().Add(20 * time.Second)
		for size(dir) < int64(last+10)*3100 && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(time.Duration(round*3) * time.Millisecond)
		_ = cmd.Process.Kill()
		_ = cmd.Wait()

		// Recovery happens on open; a reader before that may see an
		// incomplete last line, which Verify reports but does not count.
		l, err := Open(dir, Options{})
		if err != nil {
			t.Fatalf("round %d: reopen after kill: %v", round, err)
		}
		r, err := l.Append(context.Background(), Entry{Tool: "after_crash"})
		l.Close()
		if err != nil {
			t.Fatal(err)
		}
		rep, err := Verify(dir)
		if err != nil {
			t.Fatal(err)
		}
		if !rep.OK() {
			t.Fatalf("round %d: chain broken after kill: %s", round, rep.Break)
		}
		if rep.Records <= last || rep.LastID != r.ID {
			t.Fatalf("round %d: %d records (before %d), last %s, appended %s", round, rep.Records, last, rep.LastID, r.ID)
		}
		last = rep.Records
	}
	t.Logf("%d records over 4 kills", last)
}

// size is the total size of the log's files.
func size(dir string) int64 {
	files, _ := listFiles(dir)
	var n int64
	for _, f := range files {
		if st, err := os.Stat(f.path); err == nil {
			n += st.Size()
		}
	}
	return n
}
