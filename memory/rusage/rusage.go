// Package rusage reads what a process cost, on every OS devai builds for:
// this process's CPU time, and a finished child's peak resident memory.
// The benchmarks and the measuring tests read them here rather than from
// syscall, whose Rusage differs by OS (Windows has no Getrusage, no
// Maxrss; macOS counts Maxrss in bytes where Linux counts kilobytes).
package rusage

import (
	"os"
	"time"
)

// ChildCPU is the user and system CPU time of a finished child.
func ChildCPU(ps *os.ProcessState) time.Duration {
	return ps.UserTime() + ps.SystemTime()
}
