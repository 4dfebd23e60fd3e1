//go:build !unix && !windows

package tool

import (
	"os"
)

// ProcessAlive reports whether pid runs on this host; where FindProcess
// cannot tell (it always succeeds on some systems), the process counts as
// alive and its folder waits.
func ProcessAlive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	_ = p.Release()
	return true
}
