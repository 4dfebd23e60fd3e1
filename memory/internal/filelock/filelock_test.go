package filelock

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

func openLockFile(t *testing.T, path string) *os.File {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// A held lock refuses a second open file, even of the same process, and the
// file's content stays readable (Windows' locks are mandatory on the bytes
// they cover, so the lock must cover none of them).
func TestTryLockConflictsAndContentStaysReadable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lock")
	a, b := openLockFile(t, path), openLockFile(t, path)
	if err := TryLock(a); err != nil {
		t.Fatalf("first TryLock: %v", err)
	}
	if _, err := a.WriteAt([]byte("1234\n"), 0); err != nil {
		t.Fatal(err)
	}
	if err := TryLock(b); !errors.Is(err, ErrHeld) {
		t.Fatalf("second TryLock while the first holds: %v, want ErrHeld", err)
	}
	if got, err := os.ReadFile(path); err != nil || string(got) != "1234\n" {
		t.Fatalf("reading the locked file: %q, %v; want its content", got, err)
	}
	if err := Unlock(a); err != nil {
		t.Fatalf("Unlock: %v", err)
	}
	if err := TryLock(b); err != nil {
		t.Fatalf("TryLock after Unlock: %v", err)
	}
}

// Lock waits for the holder: the waiter runs only after the holder let go.
func TestLockWaitsForTheHolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lock")
	a, b := openLockFile(t, path), openLockFile(t, path)
	if err := Lock(a); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var order []string
	note := func(s string) { mu.Lock(); order = append(order, s); mu.Unlock() }
	done := make(chan error)
	go func() {
		err := Lock(b)
		note("waiter acquired")
		done <- err
	}()
	// Give a waiter that does not wait the time to break in first.
	time.Sleep(50 * time.Millisecond)
	note("holder releases")
	if err := Unlock(a); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("waiting Lock: %v", err)
	}
	if order[0] != "holder releases" {
		t.Fatalf("order %q: the waiter got the lock while the holder held it", order)
	}
}

// The system drops the lock of a process that dies without letting go.
func TestLockDiesWithItsHolder(t *testing.T) {
	if os.Getenv("FILELOCK_HOLD") != "" {
		holdUntilKilled(os.Getenv("FILELOCK_HOLD"))
		return
	}
	path := filepath.Join(t.TempDir(), "lock")
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockDiesWithItsHolder$")
	cmd.Env = append(os.Environ(), "FILELOCK_HOLD="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if line, err := bufio.NewReader(out).ReadString('\n'); err != nil || line != "held\n" {
		_ = cmd.Process.Kill()
		t.Fatalf("holder process said %q, %v", line, err)
	}
	f := openLockFile(t, path)
	if err := TryLock(f); !errors.Is(err, ErrHeld) {
		_ = cmd.Process.Kill()
		t.Fatalf("TryLock while another process holds: %v, want ErrHeld", err)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if err := Lock(f); err != nil {
		t.Fatalf("Lock after the holder died: %v", err)
	}
}

func holdUntilKilled(path string) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err == nil {
		err = TryLock(f)
	}
	if err != nil {
		os.Stdout.WriteString(err.Error() + "\n")
		os.Exit(1)
	}
	os.Stdout.WriteString("held\n")
	for {
		time.Sleep(time.Hour)
	}
}
