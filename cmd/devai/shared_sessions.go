package main

import (
	"context"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/devaiops/devai/memory/pgstore"
)

// sharedSessionTable makes the sessions of `devai serve --http` shared by
// every replica on one store: an id one replica issues is honoured by all,
// and a DELETE on one ends it on all. Each replica's sessionTable is then
// a local cache of it: its idle timeout and --max-sessions drop sessions
// from this replica's memory only, and a dropped session that is still
// live in the store is taken back on its next request.
//
// mcp-go serves each POST with a fresh session object, so what it learnt at
// initialize (client info and capabilities, protocol version) is kept in
// the store and put back on the session of every request (hooks), on
// whichever replica it lands.
type sharedSessionTable struct {
	store  *pgstore.Sessions
	logger hclog.Logger
}

// storeTimeout bounds one session check, so a request does not wait on an
// unreachable store longer than a client waits for an answer.
const storeTimeout = 5 * time.Second

func (s *sharedSessionTable) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), storeTimeout)
}

// created records a session this replica issued to owner. A failure is
// logged: the session still works on this replica.
func (s *sharedSessionTable) created(id, owner string) {
	if s == nil {
		return
	}
	ctx, cancel := s.ctx()
	defer cancel()
	if err := s.store.Create(ctx, id, owner); err != nil {
		s.logger.Error("session not shared with the other replicas", "session", id, "error", err)
	}
}

// ended ends a session for every replica.
func (s *sharedSessionTable) ended(id string) {
	if s == nil {
		return
	}
	ctx, cancel := s.ctx()
	defer cancel()
	if err := s.store.Delete(ctx, id); err != nil {
		s.logger.Error("session not ended on the other replicas", "session", id, "error", err)
	}
}

// validateShared accepts a session the store knows as live, taking it into
// the local table with its owner; it drops one the store no longer knows.
// While the store cannot be reached, a session this replica knows goes on,
// and one it does not is refused (its client initializes again).
func (t *sessionTable) validateShared(id string) error {
	ctx, cancel := t.shared.ctx()
	defer cancel()
	owner, live, err := t.shared.store.Touch(ctx, id)
	t.mu.Lock()
	e, known := t.byID[id]
	switch {
	case err != nil:
		t.mu.Unlock()
		t.shared.logger.Warn("the shared store cannot check a session; answering from this replica's table", "session", id, "error", err)
		if !known {
			return errUnknownSession
		}
		return nil
	case live && !known:
		t.byID[id] = t.lru.PushFront(&liveSession{id: id, owner: owner, lastUsed: t.now()})
		t.mu.Unlock()
		return nil
	case !live && known:
		t.dropLocked(e)
		t.mu.Unlock()
		t.free(id)
		return errUnknownSession
	}
	t.mu.Unlock()
	if !live {
		return errUnknownSession
	}
	return nil
}

// sweepShared removes the sessions idle past the timeout on every replica.
func (t *sessionTable) sweepShared() {
	if t.shared == nil {
		return
	}
	ctx, cancel := t.shared.ctx()
	defer cancel()
	if _, err := t.shared.store.Sweep(ctx); err != nil {
		t.shared.logger.Warn("sweeping the shared sessions", "error", err)
	}
}

// sessionState is what a replica needs to serve a session another one
// initialised.
type sessionState struct {
	ClientInfo      mcp.Implementation     `json:"client_info"`
	Capabilities    mcp.ClientCapabilities `json:"capabilities"`
	ProtocolVersion string                 `json:"protocol_version,omitempty"`
}

// sessionStateHooks keep each session's state in the store at initialize
// and put it back on the session object of every later request.
func sessionStateHooks(hooks *server.Hooks, shared *sharedSessionTable) {
	if shared == nil {
		return
	}
	hooks.AddAfterInitialize(func(ctx context.Context, _ any, req *mcp.InitializeRequest, res *mcp.InitializeResult) {
		sess := server.ClientSessionFromContext(ctx)
		if sess == nil || sess.SessionID() == "" {
			return
		}
		st := sessionState{ClientInfo: req.Params.ClientInfo, Capabilities: req.Params.Capabilities}
		if res != nil {
			st.ProtocolVersion = res.ProtocolVersion
		}
		sctx, cancel := shared.ctx()
		defer cancel()
		if err := shared.store.SaveState(sctx, sess.SessionID(), st); err != nil {
			shared.logger.Warn("session state not shared with the other replicas", "session", sess.SessionID(), "error", err)
		}
	})
	hooks.AddBeforeAny(func(ctx context.Context, _ any, method mcp.MCPMethod, _ any) {
		if method == mcp.MethodInitialize {
			return
		}
		sess, ok := server.ClientSessionFromContext(ctx).(server.SessionWithClientInfo)
		if !ok || sess.SessionID() == "" || sess.GetClientInfo().Name != "" {
			return
		}
		var st sessionState
		sctx, cancel := shared.ctx()
		defer cancel()
		found, err := shared.store.LoadState(sctx, sess.SessionID(), &st)
		if err != nil {
			shared.logger.Warn("session state not read from the shared store", "session", sess.SessionID(), "error", err)
		}
		if found {
			sess.SetClientInfo(st.ClientInfo)
			sess.SetClientCapabilities(st.Capabilities)
		}
	})
}
