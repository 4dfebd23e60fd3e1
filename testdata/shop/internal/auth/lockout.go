package auth

import (
	"sync"
	"time"
)

// Lockout counts failed logins per account and locks the account for a while
// once MaxFailures failures happen within Window (FR-008, FR-009).
type Lockout struct {
	MaxFailures int
	Window      time.Duration
	Duration    time.Duration

	mu       sync.Mutex
	failures map[string]*failureRecord
}

type failureRecord struct {
	count       int
	first       time.Time
	lockedUntil time.Time
}

// NewLockout returns a Lockout that locks after max failures within window,
// for duration.
func NewLockout(max int, window, duration time.Duration) *Lockout {
	return &Lockout{MaxFailures: max, Window: window, Duration: duration, failures: make(map[string]*failureRecord)}
}

// Locked reports whether key is locked at now, and until when.
func (l *Lockout) Locked(key string, now time.Time) (time.Time, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	r, ok := l.failures[key]
	if !ok || !now.Before(r.lockedUntil) {
		return time.Time{}, false
	}
	return r.lockedUntil, true
}

// Fail records a failed attempt for key at now and reports whether the key
// is now locked. Failures older than Window start a new count.
func (l *Lockout) Fail(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	r, ok := l.failures[key]
	if !ok || now.Sub(r.first) > l.Window {
		r = &failureRecord{first: now}
		l.failures[key] = r
	}
	r.count++
	if r.count >= l.MaxFailures {
		r.lockedUntil = now.Add(l.Duration)
		r.count = 0
		r.first = now
		return true
	}
	return false
}

// Reset forgets the failures of key, after a successful login.
func (l *Lockout) Reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.failures, key)
}
