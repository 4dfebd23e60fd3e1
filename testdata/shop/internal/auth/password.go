// Package auth registers users, checks passwords and locks accounts after
// repeated failed logins (docs/specs/002-login.md).
package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// DefaultIterations is the PBKDF2-HMAC-SHA256 work factor for new hashes,
// OWASP's 2023 recommendation (NFR-003, ADR-0001).
const DefaultIterations = 600_000

const (
	saltLen   = 16
	keyLen    = 32
	hashLabel = "pbkdf2-sha256"
)

// ErrMalformedHash is returned for a stored hash that cannot be parsed.
var ErrMalformedHash = errors.New("malformed password hash")

// Hasher hashes passwords with PBKDF2-HMAC-SHA256. The zero value uses
// DefaultIterations.
type Hasher struct {
	Iterations int
}

func (h Hasher) iterations() int {
	if h.Iterations <= 0 {
		return DefaultIterations
	}
	return h.Iterations
}

// Hash returns the encoded hash of password:
// "pbkdf2-sha256$<iterations>$<salt>$<key>", salt and key base64 (raw std).
func (h Hasher) Hash(password string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: read salt: %w", err)
	}
	n := h.iterations()
	key := pbkdf2SHA256([]byte(password), salt, n, keyLen)
	return strings.Join([]string{
		hashLabel,
		strconv.Itoa(n),
		base64.RawStdEncoding.EncodeToString(salt),
		base64.RawStdEncoding.EncodeToString(key),
	}, "$"), nil
}

// Verify reports whether password matches encoded, in constant time with
// respect to the key.
func (h Hasher) Verify(encoded, password string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 4 || parts[0] != hashLabel {
		return false, ErrMalformedHash
	}
	n, err := strconv.Atoi(parts[1])
	if err != nil || n <= 0 {
		return false, fmt.Errorf("%w: iterations %q", ErrMalformedHash, parts[1])
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[2])
	if err != nil {
		return false, fmt.Errorf("%w: salt: %v", ErrMalformedHash, err)
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[3])
	if err != nil {
		return false, fmt.Errorf("%w: key: %v", ErrMalformedHash, err)
	}
	got := pbkdf2SHA256([]byte(password), salt, n, len(want))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// NeedsRehash reports whether encoded was made with fewer iterations than h
// uses now, so the caller can upgrade it after a successful login.
func (h Hasher) NeedsRehash(encoded string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 4 {
		return true
	}
	n, err := strconv.Atoi(parts[1])
	return err != nil || n < h.iterations()
}

// pbkdf2SHA256 is RFC 8018 PBKDF2 with HMAC-SHA256. The standard library
// only gained crypto/pbkdf2 in Go 1.24 and this module targets Go 1.22.
func pbkdf2SHA256(password, salt []byte, iter, keyLen int) []byte {
	prf := hmac.New(sha256.New, password)
	hashLen := prf.Size()
	blocks := (keyLen + hashLen - 1) / hashLen
	out := make([]byte, 0, blocks*hashLen)
	var counter [4]byte
	u := make([]byte, hashLen)
	t := make([]byte, hashLen)
	for block := 1; block <= blocks; block++ {
		prf.Reset()
		prf.Write(salt)
		binary.BigEndian.PutUint32(counter[:], uint32(block))
		prf.Write(counter[:])
		u = prf.Sum(u[:0])
		copy(t, u)
		for i := 1; i < iter; i++ {
			prf.Reset()
			prf.Write(u)
			u = prf.Sum(u[:0])
			for k := range t {
				t[k] ^= u[k]
			}
		}
		out = append(out, t...)
	}
	return out[:keyLen]
}
