package httpjson

import (
	"errors"

	"golang.org/x/sys/windows"
)

// connectionRefused reports whether err says that nothing listens at the
// address: Winsock's own code, which syscall.ECONNREFUSED does not match.
func connectionRefused(err error) bool { return errors.Is(err, windows.WSAECONNREFUSED) }
