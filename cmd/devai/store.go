package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/decisions"
	"github.com/devaiops/devai/memory/pgstore"
	"github.com/devaiops/devai/memory/proposals"
)

// storeUsage is the help of --store, shared by every command that takes it.
const storeUsage = "keep the decision log, proposals and HTTP sessions in this shared store, `postgres://user@host:port/db` " +
	"(PG* variables fill what it leaves out; put the password in PGPASSWORD or ~/.pgpass, not here), so that several " +
	"replicas see one truth; default: files under the state directory"

// checkStore says what is wrong with a --store value, or nil.
func checkStore(store string) error {
	if store == "" || strings.HasPrefix(store, "postgres://") || strings.HasPrefix(store, "postgresql://") {
		return nil
	}
	return usagef("--store: want postgres://user@host:port/database (or nothing, for files under the state directory); a value of another form is not a store devai knows")
}

// storeRepoName is a repository's default name in the shared store: its
// folder's name (trustFlags.storeRepoName: --store-repo overrides it).
func storeRepoName(repoDir string) string { return filepath.Base(absRepo(repoDir)) }

// teamStore is where one server keeps what a team must see the same way:
// files under the state directory, or the shared store.
type teamStore struct {
	decisions decisions.Store
	proposals proposals.Store     // nil: files under the index's state directory
	sessions  *sharedSessionTable // nil: sessions live in this process only
	shared    *pgstore.Store      // the shared store; nil: files
	close     func()
}

// openTeamStore opens the decision log (and, with --store, the shared
// proposals and sessions) of the repository repoDir served from stateDir.
func openTeamStore(ctx context.Context, t *trustFlags, repoDir, stateDir string, sessionIdle time.Duration, logger hclog.Logger) (*teamStore, error) {
	st, err := openSharedStore(ctx, t, logger)
	if err != nil {
		return nil, err
	}
	team, err := teamStoreIn(ctx, st, t, t.storeRepoName(repoDir), stateDir, sessionIdle, logger)
	if st == nil {
		return team, err
	}
	if err != nil {
		st.Close()
		return nil, err
	}
	team.close = st.Close
	return team, nil
}

// openSharedStore opens --store, or returns nil without one.
func openSharedStore(ctx context.Context, t *trustFlags, logger hclog.Logger) (*pgstore.Store, error) {
	if err := checkStore(t.Store); err != nil || t.Store == "" {
		return nil, err
	}
	st, err := pgstore.Open(ctx, t.Store, pgstore.Options{Logger: logger.Named("store")})
	if err != nil {
		return nil, fmt.Errorf("open the shared store: %w", err)
	}
	return st, nil
}

// teamStoreIn opens the records of repository repo: in st, the shared
// store several repositories of a server share (its close is the
// server's, not the repository's), or, with st nil, in files under
// stateDir.
func teamStoreIn(ctx context.Context, st *pgstore.Store, t *trustFlags, repo, stateDir string, sessionIdle time.Duration, logger hclog.Logger) (*teamStore, error) {
	if st == nil {
		l, err := openDecisionLog(stateDir, t.decisionTrust(), logger)
		if err != nil {
			return nil, err
		}
		return &teamStore{decisions: l, close: func() { _ = l.Close() }}, nil
	}
	l, err := st.Decisions(ctx, repo, pgstore.DecisionOptions{KeyFile: keyFile(t, stateDir)})
	if err != nil {
		return nil, fmt.Errorf("open the decision log of %s in the shared store: %w", repo, err)
	}
	logger.Info("shared store", "store", st.Where(), "repository", repo)
	return &teamStore{
		decisions: l,
		proposals: st.Proposals(repo),
		sessions:  &sharedSessionTable{store: st.Sessions(sessionIdle), logger: logger.Named("sessions")},
		shared:    st,
		close:     func() {},
	}, nil
}

// keyFile is the decision log's key: --decisions-key-file, or its default
// beside the state directory's log.
func keyFile(t *trustFlags, stateDir string) string {
	if t.KeyFile != "" {
		return t.KeyFile
	}
	return filepath.Join(stateDir, "decisions.key")
}

// openDecisionReader opens the decision log to read and verify: the files
// of stateDir, or the shared store. where names it for messages.
func openDecisionReader(ctx context.Context, t *trustFlags, repoDir, stateDir string) (r decisions.Reader, where string, closeFn func(), err error) {
	if err := checkStore(t.Store); err != nil {
		return nil, "", nil, err
	}
	if t.Store == "" {
		dir := decisions.Dir(stateDir)
		return decisions.Files{Dir: dir, Trust: t.decisionTrust()}, dir, func() {}, nil
	}
	st, err := pgstore.Open(ctx, t.Store, pgstore.Options{})
	if err != nil {
		return nil, "", nil, fmt.Errorf("open the shared store: %w", err)
	}
	repo := t.storeRepoName(repoDir)
	l, err := st.Decisions(ctx, repo, pgstore.DecisionOptions{KeyFile: keyFile(t, stateDir), ReadOnly: true})
	if err != nil {
		st.Close()
		return nil, "", nil, err
	}
	return l, fmt.Sprintf("%s (repository %s)", st.Where(), repo), st.Close, nil
}

// openProposalStore opens the proposals of `devai pr list/show`.
func openProposalStore(ctx context.Context, t *trustFlags, repoDir, stateDir string) (proposals.Store, func(), error) {
	if err := checkStore(t.Store); err != nil {
		return nil, nil, err
	}
	if t.Store == "" {
		return proposals.Files{StateDir: stateDir}, func() {}, nil
	}
	st, err := pgstore.Open(ctx, t.Store, pgstore.Options{})
	if err != nil {
		return nil, nil, fmt.Errorf("open the shared store: %w", err)
	}
	return st.Proposals(t.storeRepoName(repoDir)), st.Close, nil
}

// absRepo is repo made absolute; "" is the current directory.
func absRepo(repo string) string {
	if abs, err := filepath.Abs(repo); err == nil {
		return abs
	}
	return repo
}

// proposalsOf is where the team keeps proposals for the repository ix
// indexes: the shared store, else files under ix's state directory.
func (t *teamStore) proposalsOf(ix *memory.Index) proposals.Store {
	if t.proposals != nil {
		return t.proposals
	}
	return proposals.Files{StateDir: ix.StateDir()}
}
