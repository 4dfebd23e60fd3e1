package httpapi

import (
	"context"

	"example.com/shop/internal/sessions"
)

type ctxKey int

const (
	requestIDKey ctxKey = iota
	sessionKey
)

// RequestID returns the request ID that withRequestID put in ctx, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

// sessionFrom returns the session that requireSession put in ctx.
func sessionFrom(ctx context.Context) (sessions.Session, bool) {
	sess, ok := ctx.Value(sessionKey).(sessions.Session)
	return sess, ok
}
