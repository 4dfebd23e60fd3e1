//go:build !unix

package patch

import "os/exec"

// ownGroup is a no-op where process groups do not exist; the timeout then
// kills the command itself.
func ownGroup(cmd *exec.Cmd) {}
