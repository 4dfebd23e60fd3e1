//go:build !unix && !windows

package tool

import "os/exec"

// OwnProcessGroup is a no-op where process groups do not exist; cancelling
// the context then kills the command itself.
func OwnProcessGroup(cmd *exec.Cmd) {}
