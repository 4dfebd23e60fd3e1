package tool

import (
	"os"
	"os/exec"
	"testing"
	"time"
)

// TestProcessAlive: this process runs; a child runs until it is killed
// and reaped.
func TestProcessAlive(t *testing.T) {
	if os.Getenv("TOOL_ALIVE_SLEEP") != "" {
		time.Sleep(time.Minute) // killed long before
		os.Exit(0)
	}
	if !ProcessAlive(os.Getpid()) {
		t.Fatal("ProcessAlive(own pid) = false")
	}
	child := exec.Command(os.Args[0], "-test.run=^TestProcessAlive$")
	child.Env = append(os.Environ(), "TOOL_ALIVE_SLEEP=1")
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	if !ProcessAlive(child.Process.Pid) {
		_ = child.Process.Kill()
		t.Fatal("ProcessAlive(running child) = false")
	}
	if err := child.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = child.Wait()
	if ProcessAlive(child.Process.Pid) {
		t.Fatal("ProcessAlive(killed and reaped child) = true")
	}
}
