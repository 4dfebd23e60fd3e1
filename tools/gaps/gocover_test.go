package gaps

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/devaiops/devai/tools/tool"
)

// TestRunGoCoverKillsTheTestBinary cancels a go test whose test hangs: the
// test binary, a grandchild that the go command started, must die with it
// (it used to be left running when only the go command was killed).
func TestRunGoCoverKillsTheTestBinary(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds and runs a test binary")
	}
	repo, pidFile := t.TempDir(), filepath.Join(t.TempDir(), "pid")
	files := map[string]string{
		"go.mod": "module example.com/hang\n\ngo 1.22\n",
		"hang_test.go": `package hang

import (
	"os"
	"strconv"
	"testing"
	"time"
)

func TestHang(t *testing.T) {
	os.WriteFile(` + strconv.Quote(pidFile) + `, []byte(strconv.Itoa(os.Getpid())), 0o644)
	time.Sleep(10 * time.Minute)
}
`,
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(repo, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := RunGoCover(ctx, repo, t.TempDir(), 5*time.Minute, io.Discard)
		done <- err
	}()
	pid := waitForPID(t, pidFile, done)
	cancel()
	if err := <-done; err == nil {
		t.Fatal("a cancelled run returned a profile")
	}
	for deadline := time.Now().Add(10 * time.Second); alive(pid); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			if p, err := os.FindProcess(pid); err == nil {
				_ = p.Kill()
			}
			t.Fatalf("the test binary (pid %d) outlived the cancelled go test", pid)
		}
	}
}

func waitForPID(t *testing.T, path string, done <-chan error) int {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		select {
		case err := <-done:
			t.Fatalf("go test ended before its test started: %v", err)
		default:
		}
		if data, err := os.ReadFile(path); err == nil && len(data) > 0 {
			pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
			if err != nil {
				t.Fatal(err)
			}
			return pid
		}
	}
	t.Fatal("the test binary never started")
	return 0
}

// alive reports whether pid still runs and, where /proc tells (Linux),
// is not a zombie: a killed grandchild whose reaper is slow still counts
// as dead.
func alive(pid int) bool {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return tool.ProcessAlive(pid)
	}
	fields := strings.Fields(string(stat))
	return len(fields) > 2 && fields[2] != "Z"
}
