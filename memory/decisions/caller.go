package decisions

import (
	"context"
	"os/user"
)

// How a caller proved who it is.
const (
	ViaToken = "token" // a named bearer token of the server's token file (or its one unnamed token)
	ViaOAuth = "oauth" // an OAuth 2.1 bearer JWT of the configured issuer
	ViaLocal = "local" // stdio, the command line or the local socket: the user running devai
	ViaNone  = "none"  // HTTP without authentication (loopback only): nobody in particular
)

// Caller is the person or service behind a call, as the transport
// established it: the name of the bearer token, or the JWT's subject and
// the name its claims give, or the local user. It is part of the record's
// hash like every other field.
type Caller struct {
	Name    string `json:"name"`
	Via     string `json:"via"`               // ViaToken, ViaOAuth, ViaLocal or ViaNone
	Subject string `json:"subject,omitempty"` // the JWT's sub; the uid for a local user
}

type callerKey struct{}

// WithCaller returns ctx carrying c: the HTTP authentication sets it, and
// the decision log and the proposals read it back with CallerFrom.
func WithCaller(ctx context.Context, c Caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

// CallerFrom is the caller ctx carries, if any.
func CallerFrom(ctx context.Context) (Caller, bool) {
	c, ok := ctx.Value(callerKey{}).(Caller)
	return c, ok
}

// LocalCaller is the user running this process, for calls that came
// through no authentication because they came from this machine's own
// user (stdio, the command line, the local socket).
func LocalCaller() Caller {
	u, err := user.Current()
	if err != nil {
		return Caller{Name: "unknown", Via: ViaLocal}
	}
	return Caller{Name: u.Username, Via: ViaLocal, Subject: u.Uid}
}

// CallerOf is the caller ctx carries, or else the local user: a call that
// no transport authenticated came from this machine (stdio, the command
// line, a library call).
func CallerOf(ctx context.Context) Caller {
	if c, ok := CallerFrom(ctx); ok {
		return c
	}
	return LocalCaller()
}
