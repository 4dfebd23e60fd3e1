//go:build unix

package tool

import (
	"os/exec"
	"syscall"
)

// OwnProcessGroup runs cmd in its own process group, so that cancelling
// its context kills the whole tree (go test's test binaries included), not
// only the go command, which would leave them running.
func OwnProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		if cmd.Process == nil {
			return nil
		}
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
