package auth

import (
	"errors"
	"strings"
	"testing"
)

// verifies: NFR-003
func TestHashAndVerify(t *testing.T) {
	h := Hasher{Iterations: 1000}
	enc, err := h.Hash("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(enc, "pbkdf2-sha256$1000$") {
		t.Fatalf("encoding = %q", enc)
	}
	if strings.Contains(enc, "correct horse") {
		t.Fatal("hash contains the password")
	}
	tests := []struct {
		password string
		want     bool
	}{
		{"correct horse battery", true},
		{"correct horse batterY", false},
		{"", false},
	}
	for _, tt := range tests {
		got, err := h.Verify(enc, tt.password)
		if err != nil || got != tt.want {
			t.Errorf("Verify(%q) = %v, %v; want %v", tt.password, got, err, tt.want)
		}
	}
}

func TestHashIsSalted(t *testing.T) {
	h := Hasher{Iterations: 1000}
	a, _ := h.Hash("same password")
	b, _ := h.Hash("same password")
	if a == b {
		t.Fatal("two hashes of one password are equal: no salt")
	}
}

// TestPBKDF2Vector checks the PBKDF2-HMAC-SHA256 core against the RFC 7914
// section 11 test vector.
func TestPBKDF2Vector(t *testing.T) {
	got := pbkdf2SHA256([]byte("passwd"), []byte("salt"), 1, 64)
	const want = "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783"
	if hexOf(got) != want {
		t.Fatalf("pbkdf2 = %s", hexOf(got))
	}
}

func TestVerifyMalformed(t *testing.T) {
	for _, enc := range []string{"", "bcrypt$x", "pbkdf2-sha256$zero$AA$AA", "pbkdf2-sha256$10$!!$AA"} {
		if _, err := (Hasher{}).Verify(enc, "pw"); !errors.Is(err, ErrMalformedHash) {
			t.Errorf("Verify(%q) error = %v, want ErrMalformedHash", enc, err)
		}
	}
}

func hexOf(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}
