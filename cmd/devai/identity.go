package main

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"os"
	"os/user"

	"github.com/devaiops/devai/cmd/devai/console"
)

// reviewerAuth is how the review console names its reviewers, in one
// place: with bearer tokens, the holder of a token (today "token-" and the
// first 8 hex digits of its SHA-256, which names it without revealing
// it; named tokens and OAuth JWTs plug in here); without, the local user
// (the server then listens on loopback only).
func reviewerAuth(tokens []string) console.Auth {
	if len(tokens) == 0 {
		return console.Auth{Local: localUser()}
	}
	sums := make([][32]byte, len(tokens))
	for i, t := range tokens {
		sums[i] = sha256.Sum256([]byte(t))
	}
	holder := func(token string) (string, bool) {
		sum := sha256.Sum256([]byte(token))
		match := 0
		for i := range sums {
			match |= subtle.ConstantTimeCompare(sum[:], sums[i][:])
		}
		if token == "" || match != 1 {
			return "", false
		}
		return "token-" + hex.EncodeToString(sum[:4]), true
	}
	return console.Auth{
		Token: holder,
		Request: func(r *http.Request) (string, bool) {
			tok, ok := bearerToken(r.Header.Get("Authorization"))
			if !ok {
				return "", false
			}
			return holder(tok)
		},
	}
}

// localUser is the operating system's user running the server, for
// verdicts given on a loopback server without authentication.
func localUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	for _, v := range []string{"USER", "USERNAME", "LOGNAME"} {
		if name := os.Getenv(v); name != "" {
			return name
		}
	}
	return "local"
}
