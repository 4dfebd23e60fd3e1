//go:build unix

package patch

import (
	"errors"
	"os/exec"
	"syscall"
)

// ownGroup runs cmd in its own process group, so that a timeout kills the
// whole tree (go test's test binaries included), not only the go command.
func ownGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		if cmd.Process == nil {
			return nil
		}
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}

// processAlive reports whether pid runs on this host: signal 0 checks
// without sending anything; EPERM means it runs as another user.
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
