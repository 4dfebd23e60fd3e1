package patch

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"
)

// helperRootEnv makes the test binary, started again by
// TestKilledProposalScratchIsRemoved, a process that makes a scratch
// folder under the named root and waits to be killed.
const helperRootEnv = "DEVAI_TEST_SCRATCH_ROOT"

// TestScratchHelperProcess is not a test of its own: it is the child
// process of TestKilledProposalScratchIsRemoved.
func TestScratchHelperProcess(t *testing.T) {
	root := os.Getenv(helperRootEnv)
	if root == "" {
		t.Skip("the child process of TestKilledProposalScratchIsRemoved")
	}
	if _, err := newScratch(root, "proposal-helper"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Hour) // until killed
}

// startScratchOwner starts the helper and returns it with its folder.
func startScratchOwner(t *testing.T, root string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestScratchHelperProcess$")
	cmd.Env = append(os.Environ(), helperRootEnv+"="+root)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		matches, _ := filepath.Glob(filepath.Join(root, scratchPrefix+"proposal-helper-*"))
		for _, dir := range matches {
			if pid, _, err := readOwner(dir); err == nil && pid == cmd.Process.Pid {
				return cmd, dir
			}
		}
	}
	t.Fatalf("the helper process %d made no scratch folder", cmd.Process.Pid)
	return nil, ""
}

// TestKilledProposalScratchIsRemoved: a process killed with SIGKILL while
// it held a scratch folder leaves it behind; the next propose_patch removes
// it, and keeps the folders of live processes, its own, a fresh one without
// an owner file yet, and everything not devai's (issue 11, row 9).
func TestKilledProposalScratchIsRemoved(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("process liveness is checked with signal 0")
	}
	root := t.TempDir()
	killed, killedDir := startScratchOwner(t, root)
	alive, aliveDir := startScratchOwner(t, root)
	if err := killed.Process.Kill(); err != nil { // SIGKILL: no deferred cleanup runs
		t.Fatal(err)
	}
	_ = killed.Wait()
	if _, err := os.Stat(killedDir); err != nil {
		t.Fatalf("the killed process's folder should still be there before the cleanup: %v", err)
	}

	own, err := newScratch(root, "apply")
	if err != nil {
		t.Fatal(err)
	}
	mkdir := func(name string, age time.Duration) string {
		dir := filepath.Join(root, name)
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		old := time.Now().Add(-age)
		if err := os.Chtimes(dir, old, old); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	ownerless := mkdir(scratchPrefix+"apply-being-made", time.Minute)
	ownerlessOld := mkdir(scratchPrefix+"apply-abandoned", time.Hour)
	legacy := mkdir("devai-proposal-20261124-001530-a1b2c3-123", time.Hour)
	legacyOld := mkdir("devai-apply-456", 48*time.Hour)
	unrelated := mkdir("someone-elses-dir", 48*time.Hour)
	foreign := mkdir(scratchPrefix+"proposal-other-host", time.Hour)
	owner := strconv.Itoa(killed.Process.Pid) + " another-host\n" // a pid this host does not run
	if err := os.WriteFile(filepath.Join(foreign, ownerFile), []byte(owner), 0o600); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour)
	_ = os.Chtimes(foreign, old, old)

	// The next proposal cleans up os.TempDir(), here root.
	t.Setenv("TMPDIR", root)
	dir := smallRepo(t)
	if _, err := RunIn(context.Background(), dir, t.TempDir(), nil, Input{
		Title: "note", Edits: []Edit{{Path: "dup.txt", Search: "beta", Replace: "gamma"}}, Options: Options{Checks: []string{CheckApply}},
	}, RunOptions{}); err != nil {
		t.Fatal(err)
	}
	for dir, want := range map[string]bool{
		killedDir: false, ownerlessOld: false, legacyOld: false,
		aliveDir: true, own: true, ownerless: true, legacy: true, unrelated: true, foreign: true,
	} {
		_, err := os.Stat(dir)
		if kept := err == nil; kept != want {
			t.Errorf("%s: kept %v, want %v", filepath.Base(dir), kept, want)
		}
	}

	// Once the live owner is killed too, its folder goes.
	_ = alive.Process.Kill()
	_ = alive.Wait()
	if removed := cleanStaleScratch(root, time.Now()); len(removed) != 1 || removed[0] != aliveDir {
		t.Errorf("after the second kill, removed %v, want only %s", removed, aliveDir)
	}
}
