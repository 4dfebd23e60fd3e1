package rusage

import (
	"os"
	"os/exec"
	"runtime"
	"testing"
	"time"
)

// TestSelfCPUGrows: spinning for a while costs CPU time.
func TestSelfCPUGrows(t *testing.T) {
	before, err := SelfCPU()
	if err != nil {
		t.Fatal(err)
	}
	x := 0
	for start := time.Now(); time.Since(start) < 200*time.Millisecond; {
		x++
	}
	after, err := SelfCPU()
	if err != nil {
		t.Fatal(err)
	}
	if after <= before {
		t.Errorf("CPU time %s, then %s after spinning (%d loops)", before, after, x)
	}
}

// TestChildPeakRSS: a child that holds 64 MiB reports at least that much
// where the OS says (not on Windows, which keeps no such figure).
func TestChildPeakRSS(t *testing.T) {
	if os.Getenv("RUSAGE_CHILD") != "" {
		b := make([]byte, 64<<20)
		for i := range b {
			b[i] = 1
		}
		runtime.KeepAlive(b)
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestChildPeakRSS$")
	cmd.Env = append(os.Environ(), "RUSAGE_CHILD=1")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	rss, ok := PeakRSS(cmd.ProcessState)
	if runtime.GOOS == "windows" {
		if ok {
			t.Errorf("PeakRSS on Windows = %d, true; want false", rss)
		}
		return
	}
	if !ok || rss < 64<<20 {
		t.Errorf("PeakRSS = %d, %v; want at least 64 MiB", rss, ok)
	}
	if ChildCPU(cmd.ProcessState) <= 0 {
		t.Errorf("ChildCPU = %s", ChildCPU(cmd.ProcessState))
	}
}
