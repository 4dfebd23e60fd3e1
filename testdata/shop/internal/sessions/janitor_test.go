package sessions

import (
	"bytes"
	"context"
	"log"
	"strings"
	"testing"
	"time"
)

// verifies: FR-004
func TestJanitorSweepRemovesOnlyExpired(t *testing.T) {
	clock := newFakeClock()
	store := NewStore(time.Minute, WithClock(clock.Now))
	old, _ := store.Create("u-1", "10.0.0.1")
	clock.Advance(45 * time.Second)
	fresh, _ := store.Create("u-2", "10.0.0.2")
	clock.Advance(30 * time.Second) // old expired, fresh has 30s left

	var buf bytes.Buffer
	j := NewJanitor(store, time.Minute, log.New(&buf, "janitor: ", 0))
	if n := j.Sweep(); n != 1 {
		t.Fatalf("Sweep removed %d sessions, want 1", n)
	}
	if _, err := store.Get(old.ID); err != ErrNotFound {
		t.Errorf("expired session still present: %v", err)
	}
	if _, err := store.Get(fresh.ID); err != nil {
		t.Errorf("fresh session removed: %v", err)
	}
	if !strings.Contains(buf.String(), "sweep removed=1 remaining=1") {
		t.Errorf("log = %q, want a sweep line", buf.String())
	}
}

// TestJanitorRunStopsOnCancel checks that Run sweeps on its ticker and
// returns when its context ends (NFR-002: no goroutine leak on shutdown).
func TestJanitorRunStopsOnCancel(t *testing.T) {
	clock := newFakeClock()
	store := NewStore(time.Millisecond, WithClock(clock.Now))
	if _, err := store.Create("u-1", "10.0.0.1"); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Second)

	ctx, cancel := context.WithCancel(context.Background())
	j := NewJanitor(store, 5*time.Millisecond, log.New(&bytes.Buffer{}, "", 0))
	done := make(chan struct{})
	go func() { j.Run(ctx); close(done) }()

	deadline := time.Now().Add(2 * time.Second)
	for store.Len() != 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
	if store.Len() != 0 {
		t.Fatalf("Len = %d after janitor ran, want 0", store.Len())
	}
}
