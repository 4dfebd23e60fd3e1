//go:build unix

package patch

import (
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
