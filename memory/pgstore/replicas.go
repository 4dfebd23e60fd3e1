package pgstore

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// ReplicaCommit is the commit one replica has indexed of one repository,
// and when it finished indexing it.
type ReplicaCommit struct {
	Replica string    `json:"replica"`
	Commit  string    `json:"commit"`
	Indexed time.Time `json:"indexed"`
}

// Replicas records which commit each replica serving a repository has
// indexed.
type Replicas struct{ s *Store }

// Replicas returns the table of indexed commits.
func (s *Store) Replicas() *Replicas { return &Replicas{s: s} }

// Indexed records that replica has indexed commit of repo, now.
func (r *Replicas) Indexed(ctx context.Context, replica, repo, commit string) error {
	return r.s.retry(ctx, "record the commit indexed", func(ctx context.Context) error {
		_, err := r.s.pool.Exec(ctx, `INSERT INTO replica_commits (replica, repo, commit_id) VALUES ($1, $2, $3)
			ON CONFLICT (repo, replica) DO UPDATE SET commit_id = EXCLUDED.commit_id, indexed_at = now()`, replica, repo, commit)
		return err
	})
}

// List is the commit each replica has indexed of repo, the most recently
// indexed first. A replica that stopped stays listed with its last commit
// and time: the time says how old the entry is.
func (r *Replicas) List(ctx context.Context, repo string) ([]ReplicaCommit, error) {
	var out []ReplicaCommit
	err := r.s.retry(ctx, "read the commits indexed", func(ctx context.Context) error {
		rows, err := r.s.pool.Query(ctx, `SELECT replica, commit_id, indexed_at FROM replica_commits
			WHERE repo = $1 ORDER BY indexed_at DESC, replica`, repo)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (ReplicaCommit, error) {
			var c ReplicaCommit
			err := row.Scan(&c.Replica, &c.Commit, &c.Indexed)
			return c, err
		})
		return err
	})
	return out, err
}
