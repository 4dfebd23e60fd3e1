// Package sessions keeps login sessions in memory. A session has an absolute
// expiry that slides forward on use; expired sessions are refused at once and
// removed later by the Janitor (see docs/specs/001-sessions.md).
package sessions

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"time"
)

// Session is one logged-in device of one user.
type Session struct {
	ID         string
	UserID     string
	RemoteAddr string
	CreatedAt  time.Time
	LastSeen   time.Time
	ExpiresAt  time.Time
}

// Expired reports whether the session is no longer valid at now. A session
// is expired from its ExpiresAt instant onwards (FR-002).
func (s Session) Expired(now time.Time) bool {
	return !now.Before(s.ExpiresAt)
}

// idBytes is the entropy of a session ID: 256 bits, so IDs cannot be guessed
// (NFR-001).
const idBytes = 32

// NewID returns a fresh, URL-safe, random session ID.
func NewID() (string, error) {
	b := make([]byte, idBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generate session id: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
