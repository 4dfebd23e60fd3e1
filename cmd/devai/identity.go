package main

import (
	"net/http"
	"os"
	"os/user"

	"github.com/devaiops/devai/cmd/devai/console"
)

// reviewerAuth is how the review console names its reviewers, in one
// place, with the authentication of the MCP endpoint: a named token's name
// (typed into the sign-in form, or sent as a bearer token), the subject of
// an OAuth JWT sent as a bearer token (checked on every request: a JWT is
// not traded for the console's longer-lived cookie), or, without
// authentication, the local user (the server then listens on loopback only).
func reviewerAuth(a *authenticator) console.Auth {
	if a == nil {
		return console.Auth{Local: localUser()}
	}
	named := func(token string) (string, bool) {
		if token == "" {
			return "", false
		}
		return a.matchToken(token)
	}
	return console.Auth{
		Token: named,
		Request: func(r *http.Request) (string, bool) {
			tok, ok := bearerToken(r.Header.Get("Authorization"))
			if !ok {
				return "", false
			}
			if who, ok := named(tok); ok {
				return who, true
			}
			if a.oauth == nil || !looksLikeJWT(tok) {
				return "", false
			}
			caller, err := a.oauth.verify(r.Context(), tok)
			if err != nil {
				return "", false
			}
			return caller.Name, true
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
