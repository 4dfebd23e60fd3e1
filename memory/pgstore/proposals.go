package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/devaiops/devai/memory/proposals"
)

// Proposals are one repository's proposals in the store.
type Proposals struct {
	s    *Store
	repo string
}

// Proposals returns repo's proposals.
func (s *Store) Proposals(repo string) *Proposals { return &Proposals{s: s, repo: repo} }

// proposalColumns are the fields of a proposal's record kept in columns of
// their own, for listing without decoding every record.
type proposalColumns struct {
	ID      string          `json:"id"`
	Title   string          `json:"title"`
	Created time.Time       `json:"created"`
	Base    string          `json:"base"`
	Branch  string          `json:"branch"`
	Checks  json.RawMessage `json:"checks"`
}

// Put stores proposal id: its diff as built and its record (meta).
func (p *Proposals) Put(ctx context.Context, id string, diff, meta []byte) error {
	if err := proposals.CheckID(id); err != nil {
		return err
	}
	var c proposalColumns
	if err := json.Unmarshal(meta, &c); err != nil || c.ID != id {
		return fmt.Errorf("store proposal %s: its record is not a proposal of that id (%v)", id, err)
	}
	if len(c.Checks) == 0 || string(c.Checks) == "null" {
		c.Checks = json.RawMessage("[]")
	}
	return p.s.retry(ctx, "store proposal "+id, func(ctx context.Context) error {
		_, err := p.s.pool.Exec(ctx, `INSERT INTO proposals (repo, id, created, title, base, branch, checks, meta_text, diff)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
			ON CONFLICT (repo, id) DO UPDATE SET meta_text = EXCLUDED.meta_text, diff = EXCLUDED.diff, title = EXCLUDED.title,
				branch = EXCLUDED.branch, checks = EXCLUDED.checks`,
			p.repo, id, c.Created, c.Title, c.Base, c.Branch, string(c.Checks), string(meta), string(diff))
		return err
	})
}

// Meta returns the stored record of id.
func (p *Proposals) Meta(ctx context.Context, id string) ([]byte, error) {
	if err := proposals.CheckID(id); err != nil {
		return nil, err
	}
	var meta string
	err := p.s.retry(ctx, "read proposal "+id, func(ctx context.Context) error {
		return p.s.pool.QueryRow(ctx, "SELECT meta_text FROM proposals WHERE repo = $1 AND id = $2", p.repo, id).Scan(&meta)
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("proposal %s: %w", id, proposals.ErrNotFound)
	}
	return []byte(meta), err
}

// Diff returns the diff of id exactly as built.
func (p *Proposals) Diff(ctx context.Context, id string) ([]byte, error) {
	var diff string
	err := p.s.retry(ctx, "read proposal "+id, func(ctx context.Context) error {
		return p.s.pool.QueryRow(ctx, "SELECT diff FROM proposals WHERE repo = $1 AND id = $2", p.repo, id).Scan(&diff)
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("proposal %s: %w", id, proposals.ErrNotFound)
	}
	return []byte(diff), err
}

// IDs lists the ids, oldest first.
func (p *Proposals) IDs(ctx context.Context) ([]string, error) {
	var ids []string
	err := p.s.retry(ctx, "list proposals", func(ctx context.Context) error {
		rows, err := p.s.pool.Query(ctx, "SELECT id FROM proposals WHERE repo = $1 ORDER BY id", p.repo)
		if err != nil {
			return err
		}
		ids, err = pgx.CollectRows(rows, pgx.RowTo[string])
		return err
	})
	if ids == nil {
		ids = []string{}
	}
	return ids, err
}

// Where names the proposal in the store, as a URL without credentials.
func (p *Proposals) Where(id string) string {
	return fmt.Sprintf("postgres://%s#proposals/%s/%s", p.s.addr, p.repo, id)
}

var _ proposals.Store = (*Proposals)(nil)
