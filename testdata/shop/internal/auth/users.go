package auth

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// ErrEmailTaken is returned when registering an email that already has an
// account.
var ErrEmailTaken = errors.New("email already registered")

// User is an account. PasswordHash is a Hasher encoding, never the password.
type User struct {
	ID           string
	Email        string
	PasswordHash string
	CreatedAt    time.Time
	LastSeen     time.Time
}

// UserStore keeps accounts in memory, by ID and by normalised email.
type UserStore struct {
	mu      sync.Mutex
	nextID  int
	byID    map[string]*User
	byEmail map[string]string
}

// NewUserStore returns an empty store.
func NewUserStore() *UserStore {
	return &UserStore{nextID: 1000, byID: make(map[string]*User), byEmail: make(map[string]string)}
}

// NormalizeEmail lower-cases and trims an address so that logins are case
// insensitive (FR-006).
func NormalizeEmail(email string) string {
	return strings.ToLower(strings.TrimSpace(email))
}

// Add creates an account and returns it with its new ID.
func (s *UserStore) Add(email, passwordHash string, now time.Time) (User, error) {
	key := NormalizeEmail(email)
	if key == "" || !strings.Contains(key, "@") {
		return User{}, fmt.Errorf("add user: invalid email %q", email)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.byEmail[key]; ok {
		return User{}, ErrEmailTaken
	}
	s.nextID++
	u := &User{ID: fmt.Sprintf("u-%d", s.nextID), Email: key, PasswordHash: passwordHash, CreatedAt: now}
	s.byID[u.ID] = u
	s.byEmail[key] = u.ID
	return *u, nil
}

// ByEmail returns a copy of the account with email, or false.
func (s *UserStore) ByEmail(email string) (User, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.byEmail[NormalizeEmail(email)]
	if !ok {
		return User{}, false
	}
	return *s.byID[id], true
}

// ByID returns a copy of the account with id, or nil when there is none
// (for instance after the account was deleted).
func (s *UserStore) ByID(id string) *User {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.byID[id]
	if !ok {
		return nil
	}
	c := *u
	return &c
}

// Update replaces the stored account that has u.ID.
func (s *UserStore) Update(u User) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.byID[u.ID]; !ok {
		return fmt.Errorf("update user %s: not found", u.ID)
	}
	c := u
	s.byID[u.ID] = &c
	return nil
}

// Delete removes the account with id and reports whether it existed.
func (s *UserStore) Delete(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.byID[id]
	if !ok {
		return false
	}
	delete(s.byEmail, u.Email)
	delete(s.byID, id)
	return true
}
