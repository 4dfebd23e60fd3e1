// Package filelock holds advisory, exclusive locks on open files, the same
// on every system devai builds for: flock(2) on Unix, LockFileEx on
// Windows. The system drops a lock when its holder closes the file or dies,
// so a killed process never leaves a stale lock behind. Locks conflict
// between open files, even two of one process; they do not stop anyone
// reading or writing the file.
package filelock

import (
	"errors"
	"os"
)

// ErrHeld is TryLock's error when another open file holds the lock.
var ErrHeld = errors.New("held by another open file")

// Lock takes f's exclusive lock, waiting while another holds it.
func Lock(f *os.File) error { return lock(f, true) }

// TryLock takes f's exclusive lock, or returns ErrHeld at once when another
// holds it.
func TryLock(f *os.File) error { return lock(f, false) }

// Unlock lets go of f's lock; closing f does too.
func Unlock(f *os.File) error { return unlock(f) }
