// Package httpapi is the JSON HTTP API of the shop (api/openapi.yaml): the
// routes, the middleware chain (request IDs, access logs, panic recovery,
// sessions, rate limits) and the handlers that call the domain services.
package httpapi

import (
	"log/slog"
	"net/http"
	"time"

	"example.com/shop/internal/auth"
	"example.com/shop/internal/orders"
	"example.com/shop/internal/ratelimit"
	"example.com/shop/internal/sessions"
)

// SessionCookie is the cookie that carries the session ID.
const SessionCookie = "shop_session"

// Deps are what the API needs from the rest of the service.
type Deps struct {
	Auth     *auth.Service
	Sessions *sessions.Store
	Orders   *orders.Service
	Log      *slog.Logger // application events, JSON
	Access   *slog.Logger // one line per request, logfmt
	Now      func() time.Time
}

// Server serves the API.
type Server struct {
	auth        *auth.Service
	sessions    *sessions.Store
	orders      *orders.Service
	log         *slog.Logger
	access      *slog.Logger
	now         func() time.Time
	orderLimits *ratelimit.Limiter
}

// New returns a Server. Creating orders is limited to 10 a minute per user,
// with bursts of 3 (FR-019).
func New(d Deps) *Server {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Access == nil {
		d.Access = d.Log
	}
	return &Server{
		auth:        d.Auth,
		sessions:    d.Sessions,
		orders:      d.Orders,
		log:         d.Log,
		access:      d.Access,
		now:         d.Now,
		orderLimits: ratelimit.New(10.0/60, 3),
	}
}

// Handler returns the routed API with its middleware chain, outermost first:
// request ID, access log, panic recovery.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.handleHealth)
	mux.HandleFunc("POST /v1/users", s.handleRegister)
	mux.HandleFunc("POST /v1/login", s.handleLogin)
	mux.Handle("POST /v1/logout", s.requireSession(http.HandlerFunc(s.handleLogout)))
	mux.Handle("DELETE /v1/account", s.requireSession(http.HandlerFunc(s.handleDeleteAccount)))
	mux.Handle("GET /v1/orders", s.requireSession(http.HandlerFunc(s.handleListOrders)))
	mux.Handle("POST /v1/orders", s.requireSession(s.limitPerUser(http.HandlerFunc(s.handleCreateOrder))))
	mux.Handle("GET /v1/orders/{id}", s.requireSession(http.HandlerFunc(s.handleGetOrder)))
	mux.Handle("POST /v1/orders/{id}/cancel", s.requireSession(http.HandlerFunc(s.handleCancelOrder)))
	return s.withRequestID(s.accessLog(s.recoverPanic(mux)))
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}
