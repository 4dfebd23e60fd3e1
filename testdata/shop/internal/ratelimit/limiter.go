// Package ratelimit is a token-bucket limiter keyed by client, used by the
// HTTP API to cap how fast one user may create orders (spec 003, FR-019).
package ratelimit

import (
	"math"
	"sync"
	"time"
)

// Limiter is a token bucket per key (a user ID or a client address): each
// key may spend Burst requests at once and regains Rate tokens per second.
type Limiter struct {
	Rate  float64
	Burst int

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

// New returns a limiter allowing burst requests at once and rate
// requests per second after that.
func New(rate float64, burst int) *Limiter {
	return &Limiter{Rate: rate, Burst: burst, buckets: make(map[string]*bucket)}
}

// Allow takes one token from key's bucket at now and reports whether there
// was one. When there was not, retryAfter says how long until there is.
func (l *Limiter) Allow(key string, now time.Time) (ok bool, retryAfter time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, found := l.buckets[key]
	if !found {
		b = &bucket{tokens: float64(l.Burst), last: now}
		l.buckets[key] = b
	}
	elapsed := now.Sub(b.last).Seconds()
	if elapsed > 0 {
		b.tokens = math.Min(float64(l.Burst), b.tokens+elapsed*l.Rate)
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := (1 - b.tokens) / l.Rate
	return false, time.Duration(math.Ceil(wait*1000)) * time.Millisecond
}

// Prune forgets the buckets that have been full for at least idle, so that
// a stream of one-off clients does not grow memory without bound.
func (l *Limiter) Prune(now time.Time, idle time.Duration) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for key, b := range l.buckets {
		full := b.tokens+now.Sub(b.last).Seconds()*l.Rate >= float64(l.Burst)
		if full && now.Sub(b.last) >= idle {
			delete(l.buckets, key)
			n++
		}
	}
	return n
}
