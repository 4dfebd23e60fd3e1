package auth

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"example.com/shop/internal/sessions"
)

func newTestService(t *testing.T, cfg Config) (*Service, *sessions.Store) {
	t.Helper()
	cfg.Iterations = 1000
	store := sessions.NewStore(time.Hour)
	svc := NewService(cfg, NewUserStore(), store, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	if _, err := svc.Register(context.Background(), "Ana@Example.com", "s3cret-enough"); err != nil {
		t.Fatal(err)
	}
	return svc, store
}

// verifies: FR-005, FR-006
func TestLoginOpensSession(t *testing.T) {
	svc, store := newTestService(t, Config{})
	sess, err := svc.Login(context.Background(), " ana@example.COM", "s3cret-enough", "10.0.0.1")
	if err != nil {
		t.Fatalf("Login: %v", err)
	}
	if _, err := store.Get(sess.ID); err != nil {
		t.Fatalf("session not stored: %v", err)
	}
}

// verifies: FR-007, FR-010
func TestLoginWrongPasswordOrUnknownEmail(t *testing.T) {
	svc, _ := newTestService(t, Config{})
	for _, email := range []string{"ana@example.com", "nobody@example.com"} {
		_, err := svc.Login(context.Background(), email, "wrong-password", "10.0.0.1")
		if !errors.Is(err, ErrInvalidCredentials) {
			t.Errorf("Login(%s) error = %v, want ErrInvalidCredentials", email, err)
		}
	}
}

// verifies: FR-009
func TestLoginLockedAccountRefusesCorrectPassword(t *testing.T) {
	svc, _ := newTestService(t, Config{MaxFailedAttempts: 3})
	ctx := context.Background()
	for i := 0; i < 4; i++ {
		svc.Login(ctx, "ana@example.com", "nope-nope-nope", "10.0.0.1")
	}
	_, err := svc.Login(ctx, "ana@example.com", "s3cret-enough", "10.0.0.1")
	var locked *LockedError
	if !errors.As(err, &locked) {
		t.Fatalf("Login error = %v, want *LockedError", err)
	}
}

func TestRegisterRejectsWeakPassword(t *testing.T) {
	svc, _ := newTestService(t, Config{})
	if _, err := svc.Register(context.Background(), "bob@example.com", "short"); !errors.Is(err, ErrWeakPassword) {
		t.Fatalf("Register error = %v, want ErrWeakPassword", err)
	}
}
