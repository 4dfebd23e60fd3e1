//go:build !unix && !windows

package patch

import (
	"os"
)

// processAlive reports whether pid runs on this host; where FindProcess
// cannot tell (it always succeeds on some systems), the process counts as
// alive and its folder waits.
func processAlive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	_ = p.Release()
	return true
}
