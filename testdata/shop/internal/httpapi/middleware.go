package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"example.com/shop/internal/sessions"
)

// RequestIDHeader carries the request ID in and out (FR-021).
const RequestIDHeader = "X-Request-ID"

var validRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{8,64}$`)

// withRequestID gives every request an ID: the caller's X-Request-ID when it
// is well-formed, a new random one otherwise. The ID is echoed in the
// response header and put in the context for logs and error bodies.
func (s *Server) withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(RequestIDHeader)
		if !validRequestID.MatchString(id) {
			id = newRequestID()
		}
		w.Header().Set(RequestIDHeader, id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey, id)))
	})
}

func newRequestID() string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return strconv.FormatInt(time.Now().UnixNano(), 36)
	}
	return "req-" + hex.EncodeToString(b[:])
}

// statusRecorder remembers the status code and body size for the access log.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += n
	return n, err
}

// accessLog writes one line per request to the access logger (NFR-006).
func (s *Server) accessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := s.now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		s.access.InfoContext(r.Context(), "request",
			"request_id", RequestID(r.Context()),
			"method", r.Method,
			"path", r.URL.Path,
			"status", rec.status,
			"bytes", rec.bytes,
			"duration_ms", float64(s.now().Sub(start).Microseconds())/1000,
			"remote", clientIP(r),
			"ua", r.UserAgent(),
		)
	})
}

// recoverPanic turns a panic in a handler into a 500 with the request ID and
// logs it with its stack, so that one bad request cannot kill the process
// (NFR-007).
func (s *Server) recoverPanic(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.ErrorContext(r.Context(), "panic recovered",
				"method", r.Method,
				"path", r.URL.Path,
				"panic", fmt.Sprint(v),
				"stack", string(debug.Stack()),
			)
			writeError(w, r, http.StatusInternalServerError, "internal", "internal error")
		}()
		next.ServeHTTP(w, r)
	})
}

// requireSession lets a request through only with a live session, taken from
// the shop_session cookie or an "Authorization: Bearer" header; the session's
// expiry slides forward (FR-003). Missing, unknown and expired sessions get
// 401 (FR-002).
func (s *Server) requireSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := sessionID(r)
		if id == "" {
			writeError(w, r, http.StatusUnauthorized, "unauthenticated", "login required")
			return
		}
		sess, err := s.sessions.Touch(id)
		if err != nil {
			code := "session_invalid"
			if errors.Is(err, sessions.ErrExpired) {
				code = "session_expired"
			}
			writeError(w, r, http.StatusUnauthorized, code, err.Error())
			return
		}
		ctx := context.WithValue(r.Context(), sessionKey, sess)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func sessionID(r *http.Request) string {
	if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
		return c.Value
	}
	if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
		return strings.TrimSpace(strings.TrimPrefix(h, "Bearer "))
	}
	return ""
}

// limitPerUser applies the order-creation rate limit of the session's user
// (FR-019). It must run inside requireSession.
func (s *Server) limitPerUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess, _ := sessionFrom(r.Context())
		if ok, wait := s.orderLimits.Allow(sess.UserID, s.now()); !ok {
			secs := int(wait.Seconds() + 0.999)
			w.Header().Set("Retry-After", strconv.Itoa(secs))
			s.log.WarnContext(r.Context(), "rate limited", "user_id", sess.UserID, "retry_after_s", secs)
			writeError(w, r, http.StatusTooManyRequests, "rate_limited", "too many orders, retry later")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// clientIP is the address of the peer, without the port. X-Forwarded-For is
// deliberately ignored: the service is not behind a trusted proxy.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
