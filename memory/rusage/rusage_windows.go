package rusage

import (
	"fmt"
	"os"
	"syscall"
	"time"
)

// SelfCPU is the user and kernel CPU time of this process so far
// (GetProcessTimes).
func SelfCPU() (time.Duration, error) {
	self, err := syscall.GetCurrentProcess()
	if err != nil {
		return 0, fmt.Errorf("GetCurrentProcess: %w", err)
	}
	var creation, exit, kernel, user syscall.Filetime
	if err := syscall.GetProcessTimes(self, &creation, &exit, &kernel, &user); err != nil {
		return 0, fmt.Errorf("GetProcessTimes: %w", err)
	}
	return filetime(kernel) + filetime(user), nil
}

// filetime is a duration counted in 100-nanosecond intervals.
func filetime(f syscall.Filetime) time.Duration {
	return time.Duration(uint64(f.HighDateTime)<<32|uint64(f.LowDateTime)) * 100
}

// PeakRSS is false on Windows: a finished process's usage there carries
// times only, and its handle, which GetProcessMemoryInfo would need, is
// closed once it is waited for.
func PeakRSS(ps *os.ProcessState) (int64, bool) { return 0, false }
