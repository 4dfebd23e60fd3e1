package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
)

// Sessions are the MCP sessions of streamable HTTP, shared by every
// replica: an id one replica issued is honoured by all, and ended (DELETE,
// idle timeout) for all.
type Sessions struct {
	s    *Store
	idle time.Duration // 0: sessions never expire
}

// Sessions returns the shared session table; a session unused for idle
// expires (0: never).
func (s *Store) Sessions(idle time.Duration) *Sessions { return &Sessions{s: s, idle: idle} }

// Create records a new session of caller, the only one it is served to.
func (t *Sessions) Create(ctx context.Context, id, caller string) error {
	return t.s.retry(ctx, "record session", func(ctx context.Context) error {
		_, err := t.s.pool.Exec(ctx, "INSERT INTO mcp_sessions (id, caller) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING", id, caller)
		return err
	})
}

// Touch marks a use of session id and reports whether it is live: issued
// by some replica, not ended, not idle past the timeout; and whose it is.
// An expired one is removed.
func (t *Sessions) Touch(ctx context.Context, id string) (caller string, live bool, err error) {
	err = t.s.retry(ctx, "check session", func(ctx context.Context) error {
		err := t.s.pool.QueryRow(ctx, `UPDATE mcp_sessions SET last_used = now()
			WHERE id = $1 AND ($2::bigint = 0 OR last_used > now() - make_interval(secs => $2::bigint / 1e6))
			RETURNING caller`, id, t.idle.Microseconds()).Scan(&caller)
		live = err == nil
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		return err
	})
	if err == nil && !live {
		_ = t.Delete(ctx, id)
	}
	return caller, live, err
}

// Delete ends a session for every replica.
func (t *Sessions) Delete(ctx context.Context, id string) error {
	return t.s.retry(ctx, "end session", func(ctx context.Context) error {
		_, err := t.s.pool.Exec(ctx, "DELETE FROM mcp_sessions WHERE id = $1", id)
		return err
	})
}

// Sweep removes the sessions idle past the timeout and says how many.
func (t *Sessions) Sweep(ctx context.Context) (int64, error) {
	if t.idle <= 0 {
		return 0, nil
	}
	var n int64
	err := t.s.retry(ctx, "sweep sessions", func(ctx context.Context) error {
		tag, err := t.s.pool.Exec(ctx, "DELETE FROM mcp_sessions WHERE last_used < now() - make_interval(secs => $1::bigint / 1e6)", t.idle.Microseconds())
		n = tag.RowsAffected()
		return err
	})
	return n, err
}

// SaveState keeps what a replica needs to serve session id that another
// initialised (client info, capabilities, protocol version), as JSON.
func (t *Sessions) SaveState(ctx context.Context, id string, state any) error {
	raw, err := json.Marshal(state)
	if err != nil {
		return err
	}
	return t.s.retry(ctx, "record session state", func(ctx context.Context) error {
		_, err := t.s.pool.Exec(ctx, "UPDATE mcp_sessions SET state = $2 WHERE id = $1", id, string(raw))
		return err
	})
}

// LoadState reads what SaveState kept into state; false when there is none.
func (t *Sessions) LoadState(ctx context.Context, id string, state any) (bool, error) {
	var raw []byte
	err := t.s.retry(ctx, "read session state", func(ctx context.Context) error {
		return t.s.pool.QueryRow(ctx, "SELECT state FROM mcp_sessions WHERE id = $1", id).Scan(&raw)
	})
	if errors.Is(err, pgx.ErrNoRows) || len(raw) == 0 || string(raw) == "{}" {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, json.Unmarshal(raw, state)
}
