package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"example.com/shop/internal/sessions"
)

// Login errors. Handlers map ErrInvalidCredentials to 401 and *LockedError
// to 423.
var (
	ErrInvalidCredentials = errors.New("invalid email or password")
	ErrWeakPassword       = errors.New("password must be at least 10 characters")
)

// LockedError says that an account is locked and until when (FR-009).
type LockedError struct {
	Until time.Time
}

func (e *LockedError) Error() string {
	return "account locked until " + e.Until.UTC().Format(time.RFC3339)
}

// Config tunes login security. Zero fields take the defaults of spec 002.
type Config struct {
	MaxFailedAttempts int           // failures before lockout (default 5)
	FailureWindow     time.Duration // failures older than this are forgotten (default 15m)
	LockoutDuration   time.Duration // how long a lockout lasts (default 15m)
	Iterations        int           // PBKDF2 iterations (default DefaultIterations)
}

func (c Config) withDefaults() Config {
	if c.MaxFailedAttempts <= 0 {
		c.MaxFailedAttempts = 5
	}
	if c.FailureWindow <= 0 {
		c.FailureWindow = 15 * time.Minute
	}
	if c.LockoutDuration <= 0 {
		c.LockoutDuration = 15 * time.Minute
	}
	return c
}

// Service is the login use case: it checks credentials against the users,
// applies the lockout, and opens sessions.
type Service struct {
	users    *UserStore
	sessions *sessions.Store
	hasher   Hasher
	lockout  *Lockout
	now      func() time.Time
	log      *slog.Logger
}

// NewService wires a Service. now may be nil for time.Now.
func NewService(cfg Config, users *UserStore, store *sessions.Store, logger *slog.Logger, now func() time.Time) *Service {
	cfg = cfg.withDefaults()
	if now == nil {
		now = time.Now
	}
	if logger == nil {
		logger = slog.Default()
	}
	return &Service{
		users:    users,
		sessions: store,
		hasher:   Hasher{Iterations: cfg.Iterations},
		lockout:  NewLockout(cfg.MaxFailedAttempts, cfg.FailureWindow, cfg.LockoutDuration),
		now:      now,
		log:      logger,
	}
}

// Register creates an account with a hashed password.
func (s *Service) Register(ctx context.Context, email, password string) (User, error) {
	if len(password) < 10 {
		return User{}, ErrWeakPassword
	}
	hash, err := s.hasher.Hash(password)
	if err != nil {
		return User{}, fmt.Errorf("register %s: %w", email, err)
	}
	u, err := s.users.Add(email, hash, s.now())
	if err != nil {
		return User{}, fmt.Errorf("register: %w", err)
	}
	s.log.InfoContext(ctx, "user registered", "user_id", u.ID)
	return u, nil
}

// Login checks email and password for a client at remoteAddr and opens a
// session. The lockout is checked before the password, so a locked account
// is refused even with the right password (FR-009); unknown emails and wrong
// passwords fail alike (FR-010). Login attempts are not rate limited per
// client address yet: the lockout only protects one account at a time.
func (s *Service) Login(ctx context.Context, email, password, remoteAddr string) (sessions.Session, error) {
	now := s.now()
	key := NormalizeEmail(email)
	if until, locked := s.lockout.Locked(key, now); locked {
		s.log.WarnContext(ctx, "login refused: account locked", "email", key, "locked_until", until)
		return sessions.Session{}, &LockedError{Until: until}
	}
	u, found := s.users.ByEmail(key)
	ok := false
	if found {
		var err error
		ok, err = s.hasher.Verify(u.PasswordHash, password)
		if err != nil {
			return sessions.Session{}, fmt.Errorf("login %s: %w", u.ID, err)
		}
	}
	if !ok {
		if s.lockout.Fail(key, now) {
			s.log.WarnContext(ctx, "account locked after failed logins", "email", key)
		}
		s.log.InfoContext(ctx, "login failed", "email", key, "remote_addr", remoteAddr)
		return sessions.Session{}, ErrInvalidCredentials
	}
	s.lockout.Reset(key)
	sess, err := s.sessions.Create(u.ID, remoteAddr)
	if err != nil {
		return sessions.Session{}, fmt.Errorf("login %s: %w", u.ID, err)
	}
	s.log.InfoContext(ctx, "login succeeded", "user_id", u.ID, "remote_addr", remoteAddr)
	return sess, nil
}

// Logout ends the session with id.
func (s *Service) Logout(ctx context.Context, sessionID string) {
	if s.sessions.Delete(sessionID) {
		s.log.InfoContext(ctx, "logged out")
	}
}

// DeleteAccount removes the user's account (FR-011).
func (s *Service) DeleteAccount(ctx context.Context, userID string) error {
	if !s.users.Delete(userID) {
		return fmt.Errorf("delete account %s: not found", userID)
	}
	s.log.InfoContext(ctx, "account deleted", "user_id", userID)
	return nil
}

// ExpiryHook returns the function the session janitor calls for each session
// it removes: it keeps the user's last activity for the account page.
func (s *Service) ExpiryHook() func(sessions.Session) {
	return s.recordLastSeen
}

// recordLastSeen stores the last time the user of an expired session was
// active, if it is later than what the account already says.
func (s *Service) recordLastSeen(sess sessions.Session) {
	u := s.users.ByID(sess.UserID)
	if sess.LastSeen.After(u.LastSeen) {
		u.LastSeen = sess.LastSeen
		if err := s.users.Update(*u); err != nil {
			s.log.Error("record last seen", "user_id", sess.UserID, "err", err)
		}
	}
}
