package tool

import (
	"errors"

	"golang.org/x/sys/windows"
)

// stillActive is GetExitCodeProcess's code for a process that has not
// exited (STILL_ACTIVE).
const stillActive = 259

// ProcessAlive reports whether pid runs on this host, as kill(pid, 0) does
// on Unix: a process that cannot be opened for lack of rights runs as
// another user and counts as alive; one that has exited, though a handle
// keeps its pid, does not.
func ProcessAlive(pid int) bool {
	h, err := windows.OpenProcess(windows.PROCESS_QUERY_LIMITED_INFORMATION, false, uint32(pid))
	if errors.Is(err, windows.ERROR_ACCESS_DENIED) {
		return true
	}
	if err != nil {
		return false
	}
	defer windows.CloseHandle(h)
	var code uint32
	if err := windows.GetExitCodeProcess(h, &code); err != nil {
		return true // cannot tell: its folder waits
	}
	return code == stillActive
}
