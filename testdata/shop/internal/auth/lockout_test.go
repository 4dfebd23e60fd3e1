package auth

import (
	"testing"
	"time"
)

// TestLockoutAfterMaxFailures_FR008 locks on exactly the fifth failure.
func TestLockoutAfterMaxFailures_FR008(t *testing.T) {
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	l := NewLockout(5, 15*time.Minute, 15*time.Minute)
	for i := 1; i <= 4; i++ {
		if l.Fail("ana@example.com", start.Add(time.Duration(i)*time.Second)) {
			t.Fatalf("locked after %d failures, want 5", i)
		}
	}
	if !l.Fail("ana@example.com", start.Add(5*time.Second)) {
		t.Fatal("not locked after 5 failures")
	}
	until, locked := l.Locked("ana@example.com", start.Add(6*time.Second))
	if !locked || !until.Equal(start.Add(5*time.Second+15*time.Minute)) {
		t.Fatalf("Locked = %v, %v", until, locked)
	}
	if _, locked := l.Locked("ana@example.com", until); locked {
		t.Fatal("still locked at the end of the lockout")
	}
	if _, locked := l.Locked("bob@example.com", start); locked {
		t.Fatal("another account is locked")
	}
}

func TestLockoutWindowForgetsOldFailures(t *testing.T) {
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	l := NewLockout(2, time.Minute, time.Minute)
	l.Fail("k", start)
	if l.Fail("k", start.Add(2*time.Minute)) {
		t.Fatal("a failure outside the window counted")
	}
}
