package memory

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/devaiops/devai/memory/internal/filelock"
)

// ErrLocked is returned by Open when another process holds the index's
// writer lock.
var ErrLocked = errors.New("index is locked by another devai process")

// writerLock is an advisory exclusive lock on <state>/lock (flock on Unix,
// LockFileEx on Windows), holding the holder's pid. The system drops it when
// the process dies, so a kill -9 never leaves a stale lock behind.
type writerLock struct{ f *os.File }

func acquireLock(path string) (*writerLock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open lock %s: %w", path, err)
	}
	if err := filelock.TryLock(f); err != nil {
		if !errors.Is(err, filelock.ErrHeld) {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		holder, _ := os.ReadFile(path)
		f.Close()
		who := strings.TrimSpace(string(holder))
		if who == "" {
			who = "unknown"
		}
		return nil, fmt.Errorf("%w (pid %s holds %s): stop that process, query it through its MCP server, or pass --state-dir to keep a separate index", ErrLocked, who, path)
	}
	_ = f.Truncate(0)
	_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return &writerLock{f: f}, nil
}

func (l *writerLock) release() error {
	if l == nil || l.f == nil {
		return nil
	}
	_ = filelock.Unlock(l.f)
	err := l.f.Close()
	l.f = nil
	return err
}
