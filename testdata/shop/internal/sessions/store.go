package sessions

import (
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"
)

// Errors returned by Store lookups. Callers map both to 401 Unauthorized.
var (
	ErrNotFound = errors.New("session not found")
	ErrExpired  = errors.New("session expired")
)

// DefaultTTL is how long a session lives without being used (FR-001).
const DefaultTTL = 30 * time.Minute

// Store holds sessions in memory, indexed by ID and by user. It is safe for
// concurrent use. Expired sessions stay in the map until DeleteExpired (the
// Janitor) removes them, but every lookup refuses them straight away.
type Store struct {
	mu     sync.Mutex
	ttl    time.Duration
	now    func() time.Time
	byID   map[string]*Session
	byUser map[string]map[string]struct{}
}

// Option configures a Store.
type Option func(*Store)

// WithClock replaces time.Now, so tests can move time forward.
func WithClock(now func() time.Time) Option {
	return func(s *Store) { s.now = now }
}

// NewStore returns an empty store whose sessions live for ttl after their
// last use. A ttl of zero or less means DefaultTTL.
func NewStore(ttl time.Duration, opts ...Option) *Store {
	if ttl <= 0 {
		ttl = DefaultTTL
	}
	s := &Store{
		ttl:    ttl,
		now:    time.Now,
		byID:   make(map[string]*Session),
		byUser: make(map[string]map[string]struct{}),
	}
	for _, o := range opts {
		o(s)
	}
	return s
}

// TTL is the idle lifetime of a session.
func (s *Store) TTL() time.Duration { return s.ttl }

// Create starts a new session for userID.
func (s *Store) Create(userID, remoteAddr string) (Session, error) {
	if userID == "" {
		return Session{}, errors.New("create session: empty user id")
	}
	id, err := NewID()
	if err != nil {
		return Session{}, fmt.Errorf("create session for %s: %w", userID, err)
	}
	now := s.now()
	sess := &Session{
		ID:         id,
		UserID:     userID,
		RemoteAddr: remoteAddr,
		CreatedAt:  now,
		LastSeen:   now,
		ExpiresAt:  now.Add(s.ttl),
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.byID[id] = sess
	if s.byUser[userID] == nil {
		s.byUser[userID] = make(map[string]struct{})
	}
	s.byUser[userID][id] = struct{}{}
	return *sess, nil
}

// Get returns the session with id. An expired session is refused with
// ErrExpired even if the janitor has not removed it yet (FR-002).
func (s *Store) Get(id string) (Session, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.byID[id]
	if !ok {
		return Session{}, ErrNotFound
	}
	if sess.Expired(s.now()) {
		return Session{}, ErrExpired
	}
	return *sess, nil
}

// Touch records a use of the session and slides its expiry to now + TTL
// (FR-003). Expired sessions cannot be revived.
func (s *Store) Touch(id string) (Session, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.byID[id]
	if !ok {
		return Session{}, ErrNotFound
	}
	now := s.now()
	if sess.Expired(now) {
		return Session{}, ErrExpired
	}
	sess.LastSeen = now
	sess.ExpiresAt = now.Add(s.ttl)
	return *sess, nil
}

// Delete ends one session (logout). It reports whether the session existed.
func (s *Store) Delete(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.byID[id]
	if !ok {
		return false
	}
	s.removeLocked(sess)
	return true
}

// DeleteUser ends every session of userID, e.g. after a password change, and
// returns how many there were.
func (s *Store) DeleteUser(userID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for id := range s.byUser[userID] {
		if sess, ok := s.byID[id]; ok {
			s.removeLocked(sess)
			n++
		}
	}
	return n
}

// DeleteExpired removes every session that has expired at the store's
// current time and returns them, oldest expiry first. The Janitor calls it.
func (s *Store) DeleteExpired() []Session {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	var gone []Session
	for _, sess := range s.byID {
		if sess.Expired(now) {
			gone = append(gone, *sess)
			s.removeLocked(sess)
		}
	}
	sort.Slice(gone, func(i, j int) bool { return gone[i].ExpiresAt.Before(gone[j].ExpiresAt) })
	return gone
}

// Len is the number of sessions held, expired ones not yet swept included.
func (s *Store) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.byID)
}

func (s *Store) removeLocked(sess *Session) {
	delete(s.byID, sess.ID)
	if ids := s.byUser[sess.UserID]; ids != nil {
		delete(ids, sess.ID)
		if len(ids) == 0 {
			delete(s.byUser, sess.UserID)
		}
	}
}
