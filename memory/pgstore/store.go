// Package pgstore keeps what a team's devai replicas must see the same way
// in PostgreSQL: the decision log (one hash chain per repository), the
// proposals of propose_patch and the sessions of streamable HTTP. It holds
// the connection pool, the schema migrations (numbered SQL files, applied at
// Open) and the retry of operations while the server is unreachable.
package pgstore

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"net"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Options shape a Store. The zero value is usable.
type Options struct {
	// Logger hears when the server goes away and comes back; nil: silent.
	Logger hclog.Logger
	// RetryFor bounds how long one operation retries (with backoff) while
	// the server cannot be reached; DefaultRetryFor when 0.
	RetryFor time.Duration
	// MaxConns caps the pool; pgx's default (4 per CPU, at least 4) when 0.
	MaxConns int32
}

// DefaultRetryFor is long enough to ride out a restart of PostgreSQL, short
// enough that a tool call's record does not hold its answer for long.
const DefaultRetryFor = 15 * time.Second

// Store is an open connection pool to the shared store.
type Store struct {
	pool   *pgxpool.Pool
	opts   Options
	addr   string      // host:port/database (never the user or password)
	where  string      // "postgres <addr>", for messages
	down   atomic.Bool // the last operation found the server unreachable
	logger hclog.Logger
}

// Open connects to url (postgres://…; "" takes everything from the PG*
// variables, which also fill what url leaves out), applies the migrations
// not yet applied, and returns the store.
func Open(ctx context.Context, url string, opts Options) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("the store address: %w (want postgres://user@host:port/database)", err)
	}
	if opts.RetryFor <= 0 {
		opts.RetryFor = DefaultRetryFor
	}
	if opts.MaxConns > 0 {
		cfg.MaxConns = opts.MaxConns
	}
	if opts.Logger == nil {
		opts.Logger = hclog.NewNullLogger()
	}
	addr := fmt.Sprintf("%s:%d/%s", cfg.ConnConfig.Host, cfg.ConnConfig.Port, cfg.ConnConfig.Database)
	s := &Store{opts: opts, logger: opts.Logger, addr: addr, where: "postgres " + addr}
	if s.pool, err = pgxpool.NewWithConfig(ctx, cfg); err != nil {
		return nil, fmt.Errorf("connect to %s: %w", s.where, err)
	}
	if err := s.retry(ctx, "apply the schema migrations", func(ctx context.Context) error { return migrate(ctx, s.pool) }); err != nil {
		s.pool.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the pool.
func (s *Store) Close() { s.pool.Close() }

// Where names the server (host, port, database) for messages.
func (s *Store) Where() string { return s.where }

// Ping checks that the server answers, for readiness probes.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("%s: %w", s.where, err)
	}
	return nil
}

// retry runs fn until it succeeds, fails for a reason other than an
// unreachable server, ctx ends, or RetryFor passes, waiting 50 ms, then
// twice as long each time up to a second. fn runs whole each time (its
// own transaction), so a retry never sees half of an earlier try.
func (s *Store) retry(ctx context.Context, what string, fn func(context.Context) error) error {
	deadline := time.Now().Add(s.opts.RetryFor)
	wait := 50 * time.Millisecond
	for {
		err := fn(ctx)
		if err == nil {
			if s.down.CompareAndSwap(true, false) {
				s.logger.Info("the shared store answers again", "store", s.where)
			}
			return nil
		}
		if !unreachable(err) || ctx.Err() != nil {
			return fmt.Errorf("%s in %s: %w", what, s.where, err)
		}
		if s.down.CompareAndSwap(false, true) {
			s.logger.Warn("the shared store cannot be reached; retrying", "store", s.where, "error", err)
		}
		if time.Now().Add(wait).After(deadline) {
			return fmt.Errorf("%s: %s cannot be reached (retried for %s; is PostgreSQL running?): %w", what, s.where, s.opts.RetryFor, err)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s in %s: %w", what, s.where, ctx.Err())
		case <-time.After(wait):
		}
		wait = min(2*wait, time.Second)
	}
}

// unreachable reports whether err means the server could not be reached or
// went away (a restart, a shutdown, a cut connection), so that trying
// again later may succeed; errors the server answered with are final.
func unreachable(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// 08: connection exceptions; 57P01-03: admin shutdown, crash
		// shutdown, cannot connect now (starting up).
		return strings.HasPrefix(pgErr.Code, "08") || strings.HasPrefix(pgErr.Code, "57P")
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var netErr net.Error
	var connErr *pgconn.ConnectError
	return errors.As(err, &netErr) || errors.As(err, &connErr) || errors.Is(err, io.EOF) ||
		errors.Is(err, io.ErrUnexpectedEOF) || pgconn.SafeToRetry(err) || strings.Contains(err.Error(), "conn closed")
}

//go:embed migrations/*.sql
var migrations embed.FS

// migrationLock is the advisory lock key under which migrations run, so
// replicas starting together apply each migration once.
const migrationLock = 0x64657661692d6d67 // "devai-mg"

type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations reads the embedded migrations, in version order; a file
// is named <version>_<name>.sql.
func loadMigrations() ([]migration, error) {
	entries, err := migrations.ReadDir("migrations")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		num, name, ok := strings.Cut(strings.TrimSuffix(e.Name(), ".sql"), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: want <number>_<name>.sql", e.Name())
		}
		body, err := migrations.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: name, sql: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// migrate applies the migrations not yet recorded in schema_migrations, all
// in one transaction under an advisory lock: a replica either sees the
// schema whole or waits for the one applying it.
func migrate(ctx context.Context, pool *pgxpool.Pool) error {
	all, err := loadMigrations()
	if err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", int64(migrationLock)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version    integer PRIMARY KEY,
			name       text NOT NULL,
			applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
			return err
		}
		applied := map[int]bool{}
		rows, err := tx.Query(ctx, "SELECT version FROM schema_migrations")
		if err != nil {
			return err
		}
		versions, err := pgx.CollectRows(rows, pgx.RowTo[int32])
		if err != nil {
			return err
		}
		for _, v := range versions {
			applied[int(v)] = true
		}
		for _, m := range all {
			if applied[m.version] {
				continue
			}
			if _, err := tx.Exec(ctx, m.sql); err != nil {
				return fmt.Errorf("migration %03d_%s: %w", m.version, m.name, err)
			}
			if _, err := tx.Exec(ctx, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", m.version, m.name); err != nil {
				return err
			}
		}
		return nil
	})
}
