//go:build !unix && !windows

package rusage

import (
	"errors"
	"os"
	"time"
)

// SelfCPU fails where the OS gives no CPU time (plan9, js, wasip1).
func SelfCPU() (time.Duration, error) {
	return 0, errors.New("this OS reports no CPU time per process")
}

// PeakRSS is false where the OS does not say.
func PeakRSS(ps *os.ProcessState) (int64, bool) { return 0, false }
