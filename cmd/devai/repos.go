package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/gitmirror"
	"github.com/devaiops/devai/memory/pgstore"
	"github.com/devaiops/devai/tools/tool"
)

// servedRepo is one repository of a server that serves several: its own
// index, watcher or mirror, state directory, decision log, proposals and
// MCP endpoint. It answers only about itself.
type servedRepo struct {
	spec   repoSpec
	state  string // its state folder, <state root>/repos/<name>
	mirror *gitmirror.Mirror
	logger hclog.InterceptLogger

	serving  atomic.Pointer[repoServing] // nil until the index is open (a URL repository: after the clone)
	status   atomic.Pointer[repoStatus]
	fetchNow chan struct{} // a webhook asks for a fetch; one pending is enough
}

// repoServing is what a repository serves once its index is open.
type repoServing struct {
	ix      *memory.Index
	team    *teamStore // its decision log, proposals and sessions
	face    httpFace
	console http.Handler // its review console at /console/NAME/; nil: none
}

// repoStatus is what /readyz says of a repository.
type repoStatus struct {
	Ready          bool      `json:"ready"`  // the first sync ended; searches answer from a full index
	Source         string    `json:"source"` // "path" or "url"
	Branch         string    `json:"branch,omitempty"`
	Commit         string    `json:"commit,omitempty"` // the commit indexed (a URL repository)
	Fetched        string    `json:"fetched,omitempty"`
	State          string    `json:"state"` // cloning, indexing, ready, empty
	Progress       float64   `json:"progress"`
	Files          int       `json:"files"`
	LastFetch      time.Time `json:"last_fetch,omitzero"`
	Error          string    `json:"error,omitempty"`
	replicasStatus           // with --store: the commit each replica has indexed
}

// repoHost is what every repository of a server shares: the flags, the
// tools, the loggers' output, and the background work.
type repoHost struct {
	cfg       *serveConfig
	hc        httpConfig      // the server's: its Metrics and Logger observe the listener
	store     *pgstore.Store  // --store, shared by the repositories; nil: files under each one's state
	metrics   *metrics        // the server's registry, served at /metrics
	commits   *indexedCommits // this replica's record of the commits indexed; nil without --store
	tools     []tool.Tool
	newLogger func(name string) hclog.InterceptLogger
	bg        sync.WaitGroup
	bgCtx     context.Context
}

// runServeRepos is `devai serve --http` with --serve-repo or --repos: each
// repository at /mcp/NAME, webhooks at /hooks/NAME, all of them in /readyz.
func runServeRepos(ctx context.Context, cfg *serveConfig, hc httpConfig, tools []tool.Tool, stderr io.Writer, httpReady func(net.Addr)) error {
	specs, err := cfg.repos.specs()
	if err != nil {
		return usageError{err}
	}
	if cfg.HTTP == "" {
		return usageError{errNoHTTP}
	}
	if cfg.AnchorFile != "" {
		return usageError{errOneAnchor}
	}
	root, err := memory.StateDir(cfg.memoryOptions())
	if err != nil {
		return fmt.Errorf("find the state directory: %w", err)
	}
	newLogger, closeLog, err := newLoggerFactory(cfg.LogLevel, cfg.LogFile, stderr)
	if err != nil {
		return usageError{err}
	}
	defer closeLog()
	logger := newLogger("devai")

	store, err := openSharedStore(ctx, &cfg.trustFlags, logger)
	if err != nil {
		return err
	}
	if store != nil {
		defer store.Close() // after the repositories, which use it (deferred below)
	}
	hc.Metrics, hc.Logger = newServerMetrics(), accessLogger(logger)
	bgCtx, cancelBg := context.WithCancel(ctx)
	host := &repoHost{cfg: cfg, hc: hc, store: store, metrics: hc.Metrics, tools: tools, newLogger: newLogger, bgCtx: bgCtx,
		commits: newIndexedCommits(store, cfg.replicaID(), logger)}
	repos := make([]*servedRepo, 0, len(specs))
	defer func() {
		cancelBg()
		host.bg.Wait()
		for _, r := range repos {
			r.close()
		}
	}()
	if err := servePprof(bgCtx, os.Getenv, logger); err != nil {
		return usageError{err}
	}
	for _, spec := range specs {
		r, err := host.start(spec, filepath.Join(root, "repos", spec.Name))
		if err != nil {
			return err
		}
		repos = append(repos, r)
	}
	face := newReposHandler(repos, hc, host.commits)
	hc.OAuth.warmUp(ctx, logger)
	return serveHTTP(ctx, face, cfg.HTTP, func(a net.Addr) {
		names := make([]string, len(repos))
		for i, r := range repos {
			names[i] = r.spec.Name
		}
		logger.Info("serving repositories over streamable HTTP", "url", "http://"+a.String()+"/mcp/NAME",
			"repositories", strings.Join(names, ","), "state", root, "auth", newAuthenticator(hc) != nil, "fetch_interval", cfg.repos.FetchInterval)
		if httpReady != nil {
			httpReady(a)
		}
	})
}

// start opens a repository given by path at once (a locked or unreadable
// index fails the start), or starts cloning one given by URL in the
// background, so that a slow remote delays only its own endpoint.
func (h *repoHost) start(spec repoSpec, state string) (*servedRepo, error) {
	r := &servedRepo{spec: spec, state: state, logger: h.newLogger("devai." + spec.Name), fetchNow: make(chan struct{}, 1)}
	if spec.Path != "" {
		r.status.Store(&repoStatus{Source: "path", State: "opening"})
		if err := h.open(r, spec.Path); err != nil {
			return nil, err
		}
		h.background(func(ctx context.Context) { keepIndexed(ctx, r.serving.Load().ix, r.logger, !h.cfg.NoWatch) })
		return r, nil
	}
	m, err := gitmirror.New(spec.URL, spec.Branch, filepath.Join(state, "checkout"))
	if err != nil {
		return nil, usageError{fmt.Errorf("repository %q: %w", spec.Name, err)}
	}
	r.mirror = m
	r.status.Store(&repoStatus{Source: "url", Branch: spec.Branch, State: "cloning"})
	h.background(func(ctx context.Context) { h.follow(ctx, r) })
	return r, nil
}

func (h *repoHost) background(fn func(ctx context.Context)) {
	h.bg.Add(1)
	go func() {
		defer h.bg.Done()
		fn(h.bgCtx)
	}()
}

// open opens the repository's index over dir and its records (files
// under its state, or the shared store under its name), builds its MCP
// server and review console, and publishes its endpoint.
func (h *repoHost) open(r *servedRepo, dir string) error {
	opts := h.cfg.memoryOptions()
	opts.Repo, opts.StateDir, opts.Logger = dir, filepath.Join(r.state, "index"), r.logger.Named("memory")
	ix, err := memory.Open(h.bgCtx, opts)
	if err != nil {
		return fmt.Errorf("repository %q: open the index of %s: %w", r.spec.Name, dir, err)
	}
	team, err := teamStoreIn(h.bgCtx, h.store, &h.cfg.trustFlags, r.spec.Name, ix.StateDir(), h.cfg.SessionIdle, r.logger)
	if err != nil {
		_ = ix.Close()
		return fmt.Errorf("repository %q: %w", r.spec.Name, err)
	}
	serving, err := h.serve(r, ix, team)
	if err != nil {
		team.close()
		_ = ix.Close()
		return err
	}
	r.serving.Store(serving)
	h.background(func(ctx context.Context) { h.commits.follow(ctx, r.spec.Name, ix, indexedEvery) })
	return nil
}

// serve builds what a repository serves over ix and team: its MCP server
// (its series in the server's /metrics, labelled with its name), its
// endpoint (its own sessions, shared through the store when there is one),
// its console, and the local socket other devai processes reach it by.
func (h *repoHost) serve(r *servedRepo, ix *memory.Index, team *teamStore) (*repoServing, error) {
	sc := serverConfig{Index: ix, Logger: r.logger, Tools: h.tools, FirstSyncWait: tool.DefaultFirstSyncWait, Decisions: team.decisions,
		Proposals: team.proposals, Sessions: team.sessions, AllowExec: h.cfg.AllowExec, Metrics: h.metrics.forRepo(r.spec.Name, ix)}
	if err := h.cfg.chat.apply(&sc); err != nil {
		return nil, usageError{err}
	}
	s, err := newMCPServer(sc)
	if err != nil {
		return nil, fmt.Errorf("repository %q: %w", r.spec.Name, err)
	}
	cons, err := newConsoleAt(h.cfg, h.hc, ix, team, repoConsolePrefix(r.spec.Name), r.logger)
	if err != nil {
		return nil, usageError{fmt.Errorf("repository %q: %w", r.spec.Name, err)}
	}
	// The endpoint's own handler neither counts nor logs requests, nor
	// serves /metrics: the server's handler does, once for all.
	hc := h.hc
	hc.Metrics, hc.Logger, hc.Console, hc.Shared, hc.SessionScope = nil, nil, nil, team.sessions, r.spec.Name
	face := newHTTPHandler(s, hc, nil)
	if face.sessions != nil {
		h.background(func(ctx context.Context) { face.sessions.run(ctx, sweepInterval(face.sessions.idle)) })
	}
	if err := serveLocal(h.bgCtx, s, ix, r.logger); err != nil {
		r.logger.Warn("other devai processes on this repository cannot share this index", "error", err)
	}
	return &repoServing{ix: ix, team: team, face: face, console: cons}, nil
}

// repoConsolePrefix is where the review console of repository name is
// mounted.
func repoConsolePrefix(name string) string { return "/console/" + name + "/" }

// follow keeps a repository given by URL at its branch head: clone (retried
// until it works), open, index; then fetch on every tick of
// --fetch-interval and every webhook, and index what changed.
func (h *repoHost) follow(ctx context.Context, r *servedRepo) {
	first := h.cfg.repos.cloneRetry
	if first <= 0 {
		first = defaultCloneRetry
	}
	retry := time.Duration(0)
	for r.serving.Load() == nil {
		select {
		case <-ctx.Done():
			return
		case <-time.After(retry):
		case <-r.fetchNow:
		}
		retry = min(max(2*retry, first), maxCloneRetry)
		if !h.update(ctx, r) {
			continue
		}
		if err := h.open(r, r.mirror.Dir()); err != nil {
			r.logger.Error("cannot serve the repository", "error", err)
			r.setStatus(func(s *repoStatus) { s.State, s.Error = "failed", err.Error() })
			return
		}
		h.index(ctx, r)
	}
	var tick <-chan time.Time
	if every := h.cfg.repos.FetchInterval; every > 0 {
		t := time.NewTicker(every)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick:
		case <-r.fetchNow:
		}
		if h.update(ctx, r) {
			h.index(ctx, r)
		}
	}
}

// update fetches the branch and checks out its head. It reports whether
// the checkout changed; a failure is logged and shown in /readyz, and the
// repository keeps serving the commit it has.
func (h *repoHost) update(ctx context.Context, r *servedRepo) bool {
	start := time.Now()
	head, changed, err := r.mirror.Update(ctx)
	if ctx.Err() != nil {
		return false
	}
	now := time.Now()
	if changed {
		r.logger.Info("checked out the branch head", "branch", r.mirror.Branch(), "commit", head, "took", now.Sub(start).Round(time.Millisecond))
	}
	if err != nil {
		r.logger.Warn("fetch failed; serving the commit indexed before", "url", r.spec.URL, "error", err)
		r.setStatus(func(s *repoStatus) { s.LastFetch, s.Error = now, err.Error() })
		return false
	}
	r.setStatus(func(s *repoStatus) { s.LastFetch, s.Fetched, s.Branch, s.Error = now, head, r.mirror.Branch(), "" })
	return changed
}

// index syncs the index with the checkout and records the commit indexed.
func (h *repoHost) index(ctx context.Context, r *servedRepo) {
	head, err := r.mirror.Head(ctx)
	if err != nil {
		r.logger.Error("read the checked-out commit", "error", err)
		return
	}
	start := time.Now()
	if err := r.serving.Load().ix.Sync(ctx, nil); err != nil {
		if ctx.Err() == nil {
			r.logger.Error("sync failed; searches answer from what was indexed before", "commit", head, "error", err)
			r.setStatus(func(s *repoStatus) { s.Error = "sync " + head + ": " + err.Error() })
		}
		return
	}
	r.logger.Info("indexed", "commit", head, "took", time.Since(start).Round(time.Millisecond))
	r.setStatus(func(s *repoStatus) { s.Ready, s.Commit, s.Error = true, head, "" })
}

// setStatus changes a copy of the status and publishes it.
func (r *servedRepo) setStatus(change func(*repoStatus)) {
	for {
		old := r.status.Load()
		next := *old
		change(&next)
		if r.status.CompareAndSwap(old, &next) {
			return
		}
	}
}

// readiness is the repository's entry in /readyz.
func (r *servedRepo) readiness() repoStatus {
	st := *r.status.Load()
	serving := r.serving.Load()
	if serving == nil {
		return st
	}
	ix := serving.ix.Status()
	st.Progress, st.Files = ix.Progress, ix.Files
	if st.Source == "path" {
		st.Ready = !ix.LastSync.IsZero() // a folder is ready once it was synced, in this run or before
	}
	if st.State != "failed" {
		st.State = ix.State
	}
	return st
}

// requestFetch asks the repository's follower to fetch now; it never
// blocks, and a fetch already asked for covers this one too.
func (r *servedRepo) requestFetch() {
	select {
	case r.fetchNow <- struct{}{}:
	default:
	}
}

// close releases the index and the repository's records; call it after the
// background work has ended.
func (r *servedRepo) close() {
	s := r.serving.Load()
	if s == nil {
		return
	}
	s.team.close()
	if err := s.ix.Close(); err != nil {
		r.logger.Warn("closing the index", "error", err)
	}
}

// sortedRepoNames lists the names of repos in order, for messages.
func sortedRepoNames(repos map[string]*servedRepo) []string {
	names := make([]string, 0, len(repos))
	for name := range repos {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}
