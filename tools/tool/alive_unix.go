//go:build unix

package tool

import (
	"errors"
	"syscall"
)

// ProcessAlive reports whether pid runs on this host (a lock's or a
// scratch folder's owner, a test's child): signal 0 checks
// without sending anything; EPERM means it runs as another user.
func ProcessAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
