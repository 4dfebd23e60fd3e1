//go:build !windows

package httpjson

import (
	"errors"
	"syscall"
)

// connectionRefused reports whether err says that nothing listens at the
// address.
func connectionRefused(err error) bool { return errors.Is(err, syscall.ECONNREFUSED) }
