package filelock

import (
	"errors"
	"os"

	"golang.org/x/sys/windows"
)

// Windows' byte-range locks are mandatory: nobody else may read or write
// a locked byte. So the lock covers one byte far past any content (locking
// past the end of a file is allowed), and the file itself stays readable,
// as it is under flock: the index lock's holder pid, for one.
const (
	lockOffsetHigh = 1 << 30 // offset 2^62
	lockLen        = 1
)

func lock(f *os.File, wait bool) error {
	flags := uint32(windows.LOCKFILE_EXCLUSIVE_LOCK)
	if !wait {
		flags |= windows.LOCKFILE_FAIL_IMMEDIATELY
	}
	ol := &windows.Overlapped{OffsetHigh: lockOffsetHigh}
	err := windows.LockFileEx(windows.Handle(f.Fd()), flags, 0, lockLen, 0, ol)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, windows.ERROR_LOCK_VIOLATION):
		return ErrHeld
	}
	return &os.PathError{Op: "LockFileEx", Path: f.Name(), Err: err}
}

func unlock(f *os.File) error {
	ol := &windows.Overlapped{OffsetHigh: lockOffsetHigh}
	if err := windows.UnlockFileEx(windows.Handle(f.Fd()), 0, lockLen, 0, ol); err != nil {
		return &os.PathError{Op: "UnlockFileEx", Path: f.Name(), Err: err}
	}
	return nil
}
