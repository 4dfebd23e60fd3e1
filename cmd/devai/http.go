package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/mark3labs/mcp-go/server"

	"github.com/devaiops/devai/cmd/devai/console"
	"github.com/devaiops/devai/memory"
)

// Timeouts of the HTTP server. WriteTimeout is long because a tool call's
// response (an SSE stream with progress) may take minutes.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 60 * time.Second
	writeTimeout      = 10 * time.Minute
	idleTimeout       = 2 * time.Minute
	shutdownGrace     = 25 * time.Second
)

// httpConfig is the HTTP face of `devai serve --http`.
type httpConfig struct {
	Addr           string
	Tokens         []string       // bearer tokens of --auth-token, named "default"
	NamedTokens    []namedToken   // bearer tokens of --auth-token-file
	OAuth          *oauthVerifier // nil: no OAuth bearer JWTs accepted
	PublicURL      string         // where clients reach the server, for the OAuth metadata; "": each request's host
	MetricsPublic  bool           // /metrics without authentication
	Metrics        *metrics       // nil: no /metrics
	Logger         hclog.Logger   // nil: requests are not logged
	AllowedOrigins []string       // browser origins allowed besides loopback and same-origin
	MaxBodyBytes   int64
	Stateless      bool
	// SessionIdleTimeout ends a session after this long without a request
	// (an open GET stream counts as one); 0: never. MaxSessions caps the
	// sessions kept; 0: no cap. Neither applies with Stateless.
	SessionIdleTimeout time.Duration
	MaxSessions        int
	Clock              func() time.Time // nil: time.Now; tests set their own
	Console            http.Handler     // the review console at /console/; nil: none
	// Shared is the session table every replica shares (--store); nil:
	// sessions live in this process only.
	Shared *sharedSessionTable
	// SessionScope sets the sessions of one repository of a server of
	// several apart from the others' ("": the server's one repository).
	SessionScope string
}

// minTokenLength is the shortest bearer token accepted: 16 characters, so
// that a token cannot be guessed in the requests a server answers in a day.
const minTokenLength = 16

// isLoopbackAddr reports whether a listen address binds only loopback.
// ":7437" and "0.0.0.0:7437" bind every interface.
func isLoopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	return isLoopbackHost(host)
}

func isLoopbackHost(host string) bool { return console.LoopbackHost(host) }

// checkBind refuses to expose the server beyond this machine without auth.
func checkBind(cfg httpConfig) error {
	if _, _, err := net.SplitHostPort(cfg.Addr); err != nil {
		return usagef("--http %q: want host:port, e.g. 127.0.0.1:7437", cfg.Addr)
	}
	if !isLoopbackAddr(cfg.Addr) && len(cfg.Tokens)+len(cfg.NamedTokens) == 0 && cfg.OAuth == nil {
		return usagef("--http %s listens beyond this machine without authentication; "+
			"set --auth-token (or DEVAI_AUTH_TOKEN, or --auth-token-file, or --oauth-issuer), or bind 127.0.0.1", cfg.Addr)
	}
	if err := checkTokens(cfg.Tokens); err != nil {
		return err
	}
	if err := checkNamedTokens(append(unnamedTokens(cfg.Tokens), cfg.NamedTokens...)); err != nil {
		return err
	}
	if cfg.MaxBodyBytes <= 0 {
		return usagef("--max-body-bytes %d: must be more than 0", cfg.MaxBodyBytes)
	}
	if cfg.SessionIdleTimeout < 0 {
		return usagef("--session-idle-timeout %s: must be 0 (never) or more", cfg.SessionIdleTimeout)
	}
	if cfg.MaxSessions < 0 {
		return usagef("--max-sessions %d: must be 0 (no cap) or more", cfg.MaxSessions)
	}
	return nil
}

// checkTokens refuses blank and short bearer tokens, whatever the bind: a
// token that can be guessed protects nothing. The message says the rule, not
// the token.
func checkTokens(tokens []string) error {
	for i, t := range tokens {
		if n := len([]rune(t)); n < minTokenLength {
			return usagef("bearer token %d of %d is %d characters long: every token (--auth-token, DEVAI_AUTH_TOKEN, "+
				"--auth-token-file) must be at least %d characters and not blank; make one with: openssl rand -hex 32",
				i+1, len(tokens), n, minTokenLength)
		}
	}
	return nil
}

// httpFace is the HTTP face of one MCP server: the handler, the streamable
// HTTP server behind it (shut down with the listener), and its sessions (nil
// with --stateless).
type httpFace struct {
	http.Handler
	mcp      *server.StreamableHTTPServer
	sessions *sessionTable
	// shutdownParts, when set, shuts down the MCP servers behind a handler
	// that serves several (one per repository, repos.go).
	shutdownParts func(context.Context)
}

// readiness answers /readyz: an HTTP status and a JSON body.
type readiness func(ctx context.Context) (int, any)

// indexReadiness is ready while the index is open: serving works while it
// syncs (answers say "indexing N%"), so indexing is ready too.
func indexReadiness(ix *memory.Index) readiness {
	return func(context.Context) (int, any) {
		if ix == nil {
			return http.StatusServiceUnavailable, map[string]string{"state": "closed"}
		}
		st := ix.Status()
		return http.StatusOK, map[string]any{"state": st.State, "progress": st.Progress, "files": st.Files, "chunks": st.Chunks}
	}
}

func serveReadiness(ready readiness) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		status, body := ready(r.Context())
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(body)
	}
}

// newHTTPHandler serves MCP at /mcp behind the origin check, the body limit
// and bearer auth, plus /healthz (liveness) and /readyz (ready). Sessions
// are issued and checked by a sessionTable; with --stateless none are, and
// a client's Mcp-Session-Id is dropped so that no invented id reaches a
// handler or the decision log.
func newHTTPHandler(s *server.MCPServer, cfg httpConfig, ready readiness) httpFace {
	var (
		face  httpFace
		inner http.Handler
	)
	if cfg.Stateless {
		face.mcp = server.NewStreamableHTTPServer(s, server.WithStateLess(true))
		inner = dropSessionHeader(face.mcp)
	} else {
		clock := cfg.Clock
		if clock == nil {
			clock = time.Now
		}
		face.sessions = newSessionTable(cfg.SessionIdleTimeout, cfg.MaxSessions, clock)
		face.sessions.shared, face.sessions.scope = cfg.Shared, cfg.SessionScope
		face.mcp = server.NewStreamableHTTPServer(s, server.WithSessionIdManagerResolver(sessionsOfCallers{face.sessions}))
		face.sessions.attach(face.mcp)
		inner = face.sessions.guard(face.mcp)
	}
	mux := http.NewServeMux()
	auth := newAuthenticator(cfg)
	mux.Handle("/mcp", checkOrigin(cfg.AllowedOrigins, limitBody(cfg.MaxBodyBytes, auth.require(inner))))
	if cfg.Console != nil {
		mux.Handle(console.Prefix, cfg.Console) // it checks origins, CSRF and sign-in itself
	}
	serveOperations(mux, auth, cfg)
	serveProbes(mux, ready)
	face.Handler = observeRequests(cfg.Logger, cfg.Metrics, mux)
	return face
}

// serveProbes adds the routes every HTTP face has besides MCP: /healthz
// (liveness) and /readyz (ready answers it).
func serveProbes(mux *http.ServeMux, ready readiness) {
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	if ready == nil {
		ready = indexReadiness(nil)
	}
	mux.HandleFunc("/readyz", serveReadiness(ready))
}

// dropSessionHeader removes the Mcp-Session-Id of requests to a stateless
// server, which issued none: mcp-go would otherwise take the client's word
// for the session.
func dropSessionHeader(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Header.Del(sessionHeader)
		next.ServeHTTP(w, r)
	})
}

// limitBody caps request bodies; a larger body fails to read and the JSON-RPC
// layer answers with a parse error instead of buffering it all.
func limitBody(max int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > max {
			http.Error(w, fmt.Sprintf("request body too large: the limit is %d bytes (--max-body-bytes)", max), http.StatusRequestEntityTooLarge)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, max)
		next.ServeHTTP(w, r)
	})
}

// checkOrigin rejects browser requests from other sites (DNS rebinding and
// cross-site requests): an Origin header must be loopback, the server's own
// host, or listed in --allowed-origins. Requests without Origin (non-browser
// clients) pass; mcp-go itself checks Host on loopback listeners.
func checkOrigin(allowed []string, next http.Handler) http.Handler {
	allow := map[string]bool{}
	for _, o := range allowed {
		allow[strings.TrimRight(strings.ToLower(o), "/")] = true
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin == "" || allow["*"] || allow[strings.ToLower(origin)] {
			next.ServeHTTP(w, r)
			return
		}
		u, err := url.Parse(origin)
		if err == nil && u.Host != "" && (isLoopbackHost(u.Hostname()) || strings.EqualFold(u.Host, r.Host)) {
			next.ServeHTTP(w, r)
			return
		}
		http.Error(w, fmt.Sprintf("forbidden: origin %q is not allowed (add it to --allowed-origins)", origin), http.StatusForbidden)
	})
}

// serveHTTP listens on cfg.Addr until ctx ends, then shuts down gracefully:
// it stops accepting, lets in-flight calls finish (up to shutdownGrace), and
// closes the MCP sessions. ready, when not nil, receives the bound address.
func serveHTTP(ctx context.Context, face httpFace, addr string, ready func(net.Addr)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	draining := make(chan struct{})
	srv := &http.Server{
		Handler:           endStreamsOnShutdown(draining, face),
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
	}
	if ready != nil {
		ready(ln.Addr())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	if face.sessions != nil {
		sweepCtx, stopSweep := context.WithCancel(ctx)
		defer stopSweep()
		go face.sessions.run(sweepCtx, sweepInterval(face.sessions.idle))
	}
	select {
	case err := <-errc:
		return fmt.Errorf("serve http on %s: %w", addr, err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	close(draining)
	err = srv.Shutdown(shutdownCtx)
	if face.mcp != nil {
		_ = face.mcp.Shutdown(shutdownCtx)
	}
	if face.shutdownParts != nil {
		face.shutdownParts(shutdownCtx)
	}
	if err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("shut down http: %w", err)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		_ = srv.Close()
	}
	return nil
}

// sweepInterval is how often expired sessions are freed: a tenth of the
// idle timeout, between one second and a minute, so a session outlives its
// timeout by at most that (a request to it meanwhile still gets 404).
func sweepInterval(idle time.Duration) time.Duration {
	return min(max(idle/10, time.Second), time.Minute)
}

// endStreamsOnShutdown ends GET requests (the open-ended SSE streams a client
// keeps for server notifications) when draining closes, so a graceful
// shutdown waits only for calls in flight (POST), not for idle listeners.
func endStreamsOnShutdown(draining <-chan struct{}, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			next.ServeHTTP(w, r)
			return
		}
		ctx, cancel := context.WithCancel(r.Context())
		defer cancel()
		go func() {
			select {
			case <-draining:
				cancel()
			case <-ctx.Done():
			}
		}()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
