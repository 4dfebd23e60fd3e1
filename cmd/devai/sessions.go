package main

import (
	"bytes"
	"container/list"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/devaiops/devai/memory/decisions"
)

// Defaults of the session table of `devai serve --http`.
const (
	defaultSessionIdleTimeout = 30 * time.Minute
	defaultMaxSessions        = 1000
	sessionIDPrefix           = "mcp-session-"
	sessionHeader             = "Mcp-Session-Id"
	// fullRetryAfter is what a refused initialize is told to wait: by then a
	// stream may have closed and its session become evictable.
	fullRetryAfter = 30 * time.Second
)

// errUnknownSession is why a request's Mcp-Session-Id is refused: this
// server never issued it, or it ended (DELETE, idle timeout, eviction).
var errUnknownSession = errors.New("unknown or expired session: initialize a new one")

// sessionTable issues the Mcp-Session-Id values of a stateful HTTP server
// and remembers them, so that a request carrying an id the server did not
// issue, or one that was closed or expired, gets HTTP 404 (the MCP
// streamable HTTP transport: the client then initializes again). mcp-go's
// default manager checks only the id's format, and keeps each session's
// state until a DELETE that many clients never send.
//
// A session is idle when no request of it is in flight, an open GET stream
// included; an idle session expires after idle. At most max sessions are
// kept: an initialize past the cap evicts the least recently used idle
// session (its client re-initializes on the 404), and only when every
// session is busy is the initialize refused with 503 and Retry-After.
// Evicting rather than refusing keeps the server open to new clients when
// sessions were abandoned, which is how the table fills in practice; an
// attacker who floods initialize (with a valid token) pushes out idle
// sessions, which re-initialize, instead of locking everyone out until the
// timeout. The cap can be passed by the initializes in flight at one moment.
//
// It implements server.SessionIdManager; guard is the HTTP middleware that
// counts requests in flight and refuses what mcp-go would not check.
type sessionTable struct {
	now  func() time.Time
	idle time.Duration // 0: sessions never expire
	max  int           // 0: no cap
	// free releases mcp-go's state of a session the table dropped; set
	// once the streamable HTTP server exists (see attach).
	free func(id string)
	// shared, when set, is the session table every replica shares: this
	// table is then its local cache (see shared.go).
	shared   *sharedSessionTable
	dropping sync.Map // ids being freed by this table's own drop
	// scope sets this table's sessions apart from those of the other
	// repositories of a server (their ids share the store's table).
	scope string

	mu   sync.Mutex
	byID map[string]*list.Element // of *liveSession
	lru  *list.List               // front: most recently used
}

type liveSession struct {
	id       string
	owner    string // ownerKey of the caller who initialised it: the only one it serves
	lastUsed time.Time
	inFlight int // requests of this session being served, GET streams included
}

func newSessionTable(idle time.Duration, max int, now func() time.Time) *sessionTable {
	return &sessionTable{now: now, idle: idle, max: max, free: func(string) {}, byID: map[string]*list.Element{}, lru: list.New()}
}

// attach makes the table free what h keeps for a session it drops, by
// sending h the DELETE the client never sent.
func (t *sessionTable) attach(h http.Handler) {
	t.free = func(id string) {
		// A drop of this table's own (idle here, evicted here) is not the
		// session's end on the other replicas: Terminate must not end it
		// in the shared table.
		t.dropping.Store(id, true)
		defer t.dropping.Delete(id)
		req, err := http.NewRequestWithContext(context.WithValue(context.Background(), internalRequest{}, true), http.MethodDelete, "/mcp", nil)
		if err != nil {
			return
		}
		req.Header.Set(sessionHeader, id)
		h.ServeHTTP(discardResponse{header: http.Header{}}, req)
	}
}

// Generate issues a session id that no caller can use: mcp-go asks the
// table itself only where it has no request (its sweeper); a request's
// initialize goes through callerSessions.
func (t *sessionTable) Generate() string { return t.generate("") }

// generate issues a new session id for owner, making room for it first.
func (t *sessionTable) generate(owner string) string {
	id := sessionIDPrefix + uuid.NewString()
	t.mu.Lock()
	dropped := t.makeRoomLocked()
	t.byID[id] = t.lru.PushFront(&liveSession{id: id, owner: owner, lastUsed: t.now()})
	t.mu.Unlock()
	t.freeAll(dropped)
	t.shared.created(id, owner)
	return id
}

// validateFor accepts only a live session that owner initialised. A
// session of another caller gets the answer of an unknown one: its id
// says nothing to who does not own it.
func (t *sessionTable) validateFor(id, owner string) error {
	if _, err := t.Validate(id); err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.byID[id]
	if !ok || owner == "" || e.Value.(*liveSession).owner != owner {
		return errUnknownSession
	}
	return nil
}

// ownerKey names the caller of ctx for the sessions of this table: how it
// proved who it is and its stable name (a JWT's subject, a token's name),
// within this table's scope.
func (t *sessionTable) ownerKey(ctx context.Context) string {
	c := decisions.CallerOf(ctx)
	who := c.Subject
	if who == "" {
		who = c.Name
	}
	return t.scope + "|" + c.Via + ":" + who
}

// sessionsOfCallers makes mcp-go ask, for each request, a session manager
// bound to the request's caller: an initialize issues a session to that
// caller, and a request of a session is accepted from that caller only.
// Requests mcp-go makes without one (its sweeper), and the table's own
// DELETEs (internalRequest), get the table itself.
type sessionsOfCallers struct{ t *sessionTable }

func (s sessionsOfCallers) ResolveSessionIdManager(r *http.Request) server.SessionIdManager {
	if r == nil || r.Context().Value(internalRequest{}) != nil {
		return s.t
	}
	return callerSessions{t: s.t, owner: s.t.ownerKey(r.Context())}
}

// internalRequest marks the DELETE the table sends mcp-go to free a
// session it dropped.
type internalRequest struct{}

// callerSessions is the session table as one caller sees it.
type callerSessions struct {
	t     *sessionTable
	owner string
}

func (c callerSessions) Generate() string { return c.t.generate(c.owner) }

func (c callerSessions) Validate(id string) (bool, error) { return false, c.t.validateFor(id, c.owner) }

// Terminate ends a session; the guard has refused a DELETE of a session
// the caller does not own before mcp-go asks.
func (c callerSessions) Terminate(id string) (bool, error) { return c.t.Terminate(id) }

// Validate accepts only live sessions this table issued.
func (t *sessionTable) Validate(id string) (isTerminated bool, err error) {
	if t.shared != nil {
		return false, t.validateShared(id)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.byID[id]; !ok {
		return false, errUnknownSession
	}
	return false, nil
}

// Terminate forgets a session (DELETE, or the table's own eviction).
func (t *sessionTable) Terminate(id string) (isNotAllowed bool, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if e, ok := t.byID[id]; ok {
		t.lru.Remove(e)
		delete(t.byID, id)
	}
	if _, local := t.dropping.Load(id); !local {
		t.shared.ended(id)
	}
	return false, nil
}

// Len is how many sessions are live.
func (t *sessionTable) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.byID)
}

// begin marks a request of session id as in flight and returns its end.
// A session found expired is dropped instead, so the request gets 404.
func (t *sessionTable) begin(id string) (end func()) {
	t.mu.Lock()
	e, ok := t.byID[id]
	if !ok {
		t.mu.Unlock()
		return func() {}
	}
	s := e.Value.(*liveSession)
	if t.expiredLocked(s, t.now()) {
		t.dropLocked(e)
		t.mu.Unlock()
		t.free(id)
		return func() {}
	}
	s.inFlight++
	s.lastUsed = t.now()
	t.lru.MoveToFront(e)
	t.mu.Unlock()
	return func() {
		t.mu.Lock()
		defer t.mu.Unlock()
		s.inFlight--
		s.lastUsed = t.now()
	}
}

// hasRoom reports whether an initialize can get a session, evicting idle
// sessions as needed.
func (t *sessionTable) hasRoom() bool {
	t.mu.Lock()
	dropped := t.makeRoomLocked()
	full := t.max > 0 && len(t.byID) >= t.max
	t.mu.Unlock()
	t.freeAll(dropped)
	return !full
}

// sweep drops every expired session.
func (t *sessionTable) sweep() {
	t.mu.Lock()
	var dropped []string
	now := t.now()
	for e := t.lru.Back(); e != nil; {
		prev := e.Prev()
		if s := e.Value.(*liveSession); t.expiredLocked(s, now) {
			dropped = append(dropped, s.id)
			t.dropLocked(e)
		}
		e = prev
	}
	t.mu.Unlock()
	t.freeAll(dropped)
}

// run sweeps every interval until ctx ends.
func (t *sessionTable) run(ctx context.Context, interval time.Duration) {
	if t.idle <= 0 {
		return
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			t.sweep()
			t.sweepShared()
		}
	}
}

// makeRoomLocked drops expired sessions, then the least recently used idle
// ones until one more fits under the cap, and returns the dropped ids.
func (t *sessionTable) makeRoomLocked() []string {
	var dropped []string
	now := t.now()
	for e := t.lru.Back(); e != nil; {
		prev := e.Prev()
		s := e.Value.(*liveSession)
		over := t.max > 0 && len(t.byID) >= t.max
		if s.inFlight == 0 && (over || t.expiredLocked(s, now)) {
			dropped = append(dropped, s.id)
			t.dropLocked(e)
		}
		e = prev
	}
	return dropped
}

func (t *sessionTable) expiredLocked(s *liveSession, now time.Time) bool {
	return t.idle > 0 && s.inFlight == 0 && now.Sub(s.lastUsed) >= t.idle
}

func (t *sessionTable) dropLocked(e *list.Element) {
	t.lru.Remove(e)
	delete(t.byID, e.Value.(*liveSession).id)
}

func (t *sessionTable) freeAll(ids []string) {
	for _, id := range ids {
		t.free(id)
	}
}

// plainGetAnswer is what a browser or curl gets from a GET without a
// session: a GET opens a session's notification stream, and without an id
// it would otherwise wait on a stream that never speaks.
const plainGetAnswer = `This is devai's MCP endpoint (streamable HTTP). Connect an MCP client to this URL,
e.g. claude mcp add --transport http devai <this URL>; a client POSTs JSON-RPC here, and a GET
opens a notification stream for the Mcp-Session-Id that initialize returned.`

// guard sits in front of mcp-go's handler. It counts each session's
// requests in flight (a GET stream is in flight while open), answers 404 to
// a GET or DELETE naming a session this server does not know (mcp-go checks
// the id of POSTs only, through Validate), and 503 to an initialize when
// every session is busy. mcp-go answers 404 to a POST with an unknown id
// before any handler or hook runs, so no tool runs and nothing is logged.
func (t *sessionTable) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(sessionHeader)
		modern := mcp.IsModernProtocol(r.Header.Get(mcp.HeaderProtocolVersion))
		switch {
		case modern:
			// 2026-07-28 has no sessions; mcp-go ignores the header.
		case r.Method == http.MethodPost && !t.hasRoom() && isInitialize(r):
			w.Header().Set("Retry-After", strconv.Itoa(int(fullRetryAfter.Seconds())))
			http.Error(w, fmt.Sprintf("too many sessions: all %d are in use (--max-sessions); retry later", t.max), http.StatusServiceUnavailable)
			return
		case (r.Method == http.MethodGet || r.Method == http.MethodDelete) && id == "":
			http.Error(w, plainGetAnswer, http.StatusBadRequest)
			return
		}
		end := t.begin(id)
		defer end()
		if !modern && id != "" && r.Method != http.MethodPost {
			if err := t.validateFor(id, t.ownerKey(r.Context())); err != nil {
				http.Error(w, "not found: "+err.Error(), http.StatusNotFound)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// isInitialize peeks at a POST body for an initialize request and puts the
// body back for the next handler, read error included.
func isInitialize(r *http.Request) bool {
	body, err := io.ReadAll(r.Body)
	r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), errReader{err}))
	if err != nil {
		return false
	}
	var msg struct {
		Method string `json:"method"`
	}
	return json.Unmarshal(body, &msg) == nil && msg.Method == string(mcp.MethodInitialize)
}

// errReader replays a body's read error (or io.EOF) to the next reader.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) {
	if e.err == nil {
		return 0, io.EOF
	}
	return 0, e.err
}

// discardResponse is the response writer of the DELETE the table sends to
// mcp-go itself: nobody reads the answer.
type discardResponse struct{ header http.Header }

func (d discardResponse) Header() http.Header         { return d.header }
func (d discardResponse) Write(p []byte) (int, error) { return len(p), nil }
func (d discardResponse) WriteHeader(int)             {}

var (
	_ server.SessionIdManager         = (*sessionTable)(nil)
	_ server.SessionIdManager         = callerSessions{}
	_ server.SessionIdManagerResolver = sessionsOfCallers{}
)
