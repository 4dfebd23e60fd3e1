package sessions

import (
	"context"
	"log"
	"time"
)

// DefaultSweepInterval is how often the janitor looks for expired sessions
// when no interval is configured (FR-004).
const DefaultSweepInterval = time.Minute

// Janitor cleans up expired sessions: every interval it removes the sessions
// whose expiry has passed from the Store, so that memory does not grow with
// every login ever made. Lookups already refuse expired sessions; the
// janitor only reclaims them (FR-004, NFR-002).
type Janitor struct {
	store    *Store
	interval time.Duration
	logger   *log.Logger
}

// NewJanitor returns a janitor for store that sweeps every interval (or
// DefaultSweepInterval) and writes one line per sweep to logger.
func NewJanitor(store *Store, interval time.Duration, logger *log.Logger) *Janitor {
	if interval <= 0 {
		interval = DefaultSweepInterval
	}
	if logger == nil {
		logger = log.New(log.Writer(), "janitor: ", log.LstdFlags)
	}
	return &Janitor{store: store, interval: interval, logger: logger}
}

// Run sweeps until ctx is cancelled.
func (j *Janitor) Run(ctx context.Context) {
	ticker := time.NewTicker(j.interval)
	defer ticker.Stop()
	j.logger.Printf("started interval=%s ttl=%s", j.interval, j.store.TTL())
	for {
		select {
		case <-ctx.Done():
			j.logger.Printf("stopped: %v", ctx.Err())
			return
		case <-ticker.C:
			j.Sweep()
		}
	}
}

// Sweep removes the expired sessions once and returns how many it removed.
func (j *Janitor) Sweep() int {
	start := time.Now()
	gone := j.store.DeleteExpired()
	if len(gone) > 0 {
		j.logger.Printf("sweep removed=%d remaining=%d took=%s", len(gone), j.store.Len(), time.Since(start).Round(time.Microsecond))
	}
	return len(gone)
}
