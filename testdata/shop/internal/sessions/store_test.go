package sessions

import (
	"errors"
	"sync"
	"testing"
	"time"
)

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// verifies: FR-001
func TestCreateSetsExpiryFromTTL(t *testing.T) {
	clock := newFakeClock()
	store := NewStore(10*time.Minute, WithClock(clock.Now))
	sess, err := store.Create("u-1", "10.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := sess.ExpiresAt, clock.Now().Add(10*time.Minute); !got.Equal(want) {
		t.Errorf("ExpiresAt = %v, want %v", got, want)
	}
	if len(sess.ID) < 43 {
		t.Errorf("session id %q is shorter than 256 bits", sess.ID)
	}
}

func TestCreateRejectsEmptyUser(t *testing.T) {
	if _, err := NewStore(0).Create("", "10.0.0.1"); err == nil {
		t.Fatal("Create with empty user id succeeded")
	}
}

// TestGetRefusesExpiredSession_FR002 checks that an expired session is refused
// before the janitor has removed it.
func TestGetRefusesExpiredSession_FR002(t *testing.T) {
	clock := newFakeClock()
	store := NewStore(time.Minute, WithClock(clock.Now))
	sess, err := store.Create("u-1", "10.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		advance time.Duration
		wantErr error
	}{
		{"fresh", 0, nil},
		{"just before expiry", 59 * time.Second, nil},
		{"at expiry", time.Second, ErrExpired},
		{"long after", time.Hour, ErrExpired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock.Advance(tt.advance)
			_, err := store.Get(sess.ID)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Get error = %v, want %v", err, tt.wantErr)
			}
		})
	}
	if store.Len() != 1 {
		t.Errorf("Len = %d, want 1: Get must not delete", store.Len())
	}
}

func TestGetUnknownSession(t *testing.T) {
	if _, err := NewStore(0).Get("nope"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get error = %v, want ErrNotFound", err)
	}
}

func TestDeleteEndsSession(t *testing.T) {
	store := NewStore(0)
	sess, _ := store.Create("u-1", "10.0.0.1")
	if !store.Delete(sess.ID) {
		t.Fatal("Delete reported no session")
	}
	if store.Delete(sess.ID) {
		t.Fatal("second Delete reported a session")
	}
	if _, err := store.Get(sess.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get after Delete = %v, want ErrNotFound", err)
	}
}
