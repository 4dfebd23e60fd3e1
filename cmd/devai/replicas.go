package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/history"
	"github.com/devaiops/devai/memory/pgstore"
)

// indexedEvery is how often a replica looks whether a sync of its index
// ended since it last recorded the commit indexed: a record follows each
// sync by this much at most, and costs nothing between syncs.
const indexedEvery = 2 * time.Second

// readyzStoreTimeout bounds the store query of one /readyz.
const readyzStoreTimeout = 2 * time.Second

// indexedCommits is this replica's part in the shared store's record of
// which commit each replica has indexed (issue 14): each replica's index
// is its own cache, so replicas behind one balancer may for a while answer
// from different commits, and /readyz says which. nil without --store.
type indexedCommits struct {
	replicas *pgstore.Replicas
	replica  string
	logger   hclog.Logger
}

// newIndexedCommits is the record in st under replica id, or nil when st
// is nil (files: one replica, nothing to compare).
func newIndexedCommits(st *pgstore.Store, id string, logger hclog.Logger) *indexedCommits {
	if st == nil {
		return nil
	}
	return &indexedCommits{replicas: st.Replicas(), replica: id, logger: logger}
}

// defaultReplicaID names a replica that --replica-id does not: its host
// name and a random suffix, new at each start (two processes on one host
// are two replicas).
func defaultReplicaID() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "replica"
	}
	var b [3]byte
	_, _ = rand.Read(b[:])
	return host + "-" + hex.EncodeToString(b[:])
}

// follow records, until ctx ends, the commit checked out in ix's repository
// after each sync of ix that ended (the first one included). A repository
// without commits, or not in git, has nothing to record.
func (c *indexedCommits) follow(ctx context.Context, repo string, ix *memory.Index, every time.Duration) {
	if c == nil {
		return
	}
	var recorded time.Time
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		if st := ix.Status(); st.State == "ready" && st.LastSync.After(recorded) {
			if c.record(ctx, repo, ix.Repo()) {
				recorded = st.LastSync
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// record writes the commit at dir's HEAD as this replica's of repo, and
// reports whether there was nothing left to write.
func (c *indexedCommits) record(ctx context.Context, repo, dir string) bool {
	commit, err := headCommit(ctx, dir)
	if err != nil {
		c.logger.Debug("no commit to record as indexed", "repository", repo, "error", err)
		return true
	}
	if err := c.replicas.Indexed(ctx, c.replica, repo, commit); err != nil {
		if ctx.Err() == nil {
			c.logger.Warn("the commit indexed is not recorded in the shared store; retrying", "repository", repo, "commit", commit, "error", err)
		}
		return false
	}
	return true
}

// headCommit is the commit checked out in the repository at dir.
func headCommit(ctx context.Context, dir string) (string, error) {
	repo, err := history.Open(dir)
	if err != nil {
		return "", err
	}
	return repo.Resolve(ctx, "HEAD")
}

// readiness is what /readyz says of repo's replicas: this replica's id and
// the commit each replica has indexed (or why the store cannot say).
func (c *indexedCommits) readiness(ctx context.Context, repo string) replicasStatus {
	if c == nil {
		return replicasStatus{}
	}
	ctx, cancel := context.WithTimeout(ctx, readyzStoreTimeout)
	defer cancel()
	list, err := c.replicas.List(ctx, repo)
	st := replicasStatus{Replicas: list}
	if err != nil {
		st.Error = err.Error()
	}
	return st
}

// replicasStatus is the part of /readyz about the replicas of one
// repository.
type replicasStatus struct {
	Replicas []pgstore.ReplicaCommit `json:"replicas,omitempty"`
	Error    string                  `json:"replicas_error,omitempty"`
}

// withReplicas adds to a /readyz of one repository (single mode) this
// replica's id and the commit each replica has indexed of repo.
func withReplicas(ready readiness, c *indexedCommits, repo string) readiness {
	if c == nil {
		return ready
	}
	return func(ctx context.Context) (int, any) {
		status, body := ready(ctx)
		m, ok := body.(map[string]any)
		if !ok {
			return status, body
		}
		rs := c.readiness(ctx, repo)
		m["replica"], m["repository"], m["replicas"] = c.replica, repo, rs.Replicas
		if rs.Error != "" {
			m["replicas_error"] = rs.Error
		}
		return status, m
	}
}
