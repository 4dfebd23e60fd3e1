package patch

import (
	"os"
	"os/exec"
	"testing"
	"time"
)

// TestProcessAlive: this process runs; a child runs until it is killed
// and reaped.
func TestProcessAlive(t *testing.T) {
	if os.Getenv("PATCH_PROC_SLEEP") != "" {
		time.Sleep(time.Minute) // killed long before
		os.Exit(0)
	}
	if !processAlive(os.Getpid()) {
		t.Fatal("processAlive(own pid) = false")
	}
	child := exec.Command(os.Args[0], "-test.run=^TestProcessAlive$")
	child.Env = append(os.Environ(), "PATCH_PROC_SLEEP=1")
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	if !processAlive(child.Process.Pid) {
		_ = child.Process.Kill()
		t.Fatal("processAlive(running child) = false")
	}
	if err := child.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = child.Wait()
	if processAlive(child.Process.Pid) {
		t.Fatal("processAlive(killed and reaped child) = true")
	}
}
