package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/mark3labs/mcp-go/server"
	"golang.org/x/term"

	"github.com/devaiops/devai/cmd/devai/console"
	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/tools/gaps"
	"github.com/devaiops/devai/tools/tool"
)

// serveConfig is `devai serve`.
type serveConfig struct {
	commonConfig
	HTTP           string
	AuthToken      string
	AuthTokenFile  string
	ReadOnly       bool
	Tools          []string
	Stateless      bool
	AllowedOrigins []string
	MaxBodyBytes   int64
	SessionIdle    time.Duration
	MaxSessions    int
	NoWatch        bool
	AllowExec      bool
	Console        optionalBool // --console; unset: on where the bind is loopback or tokens are set
	ReviewBranch   string
	ReplicaID      string // --replica-id; "": defaultReplicaID()
	chat           chatConfig
	repos          reposConfig // several repositories, each at /mcp/NAME (repos.go)
	auth           authFlags
}

// serveFlags declares the flags of `devai serve` over a new config.
func serveFlags() (*serveConfig, *flag.FlagSet) {
	cfg := &serveConfig{}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	cfg.commonConfig.register(fs)
	fs.StringVar(&cfg.HTTP, "http", "", "serve streamable HTTP on this `host:port` (at /mcp, with /healthz and /readyz) instead of stdio")
	fs.StringVar(&cfg.AuthToken, "auth-token", "", "require this bearer `token` on HTTP requests (prefer the environment variable: flags show in process lists)")
	fs.StringVar(&cfg.AuthTokenFile, "auth-token-file", "", "require one of the bearer tokens in this `file`, one a line: \"name: token\" (the name goes into the decision log), or a bare token, named token-1, token-2… by its place in the file (# comments allowed)")
	fs.BoolVar(&cfg.ReadOnly, "read-only", false, "leave out every tool that can write")
	fs.Var(listFlag{&cfg.Tools}, "tools", "serve only these tools (comma `list`; default: all of "+strings.Join(toolNames(toolTable()), ", ")+")")
	fs.BoolVar(&cfg.Stateless, "stateless", false, "HTTP: issue no session ids, so replicas behind a load balancer need no sticky routing")
	fs.Var(listFlag{&cfg.AllowedOrigins}, "allowed-origins", "HTTP: browser origins allowed besides loopback and the server's own host (comma `list`; * allows any)")
	fs.Int64Var(&cfg.MaxBodyBytes, "max-body-bytes", 4<<20, "HTTP: the largest request body accepted, in `bytes`")
	fs.DurationVar(&cfg.SessionIdle, "session-idle-timeout", defaultSessionIdleTimeout, "HTTP: end a session after this long without a request (an open GET stream keeps it); its client gets 404 and initializes again (0: never)")
	fs.IntVar(&cfg.MaxSessions, "max-sessions", defaultMaxSessions, "HTTP: keep at most this many sessions; past it, initialize evicts the least recently used idle one, or gets 503 when all are busy (0: no cap)")
	fs.BoolVar(&cfg.NoWatch, "no-watch", false, "do not watch the repository for changes after the first sync")
	fs.BoolVar(&cfg.AllowExec, "allow-exec", false, "let propose_patch build the repository and run the impacted tests in a scratch copy (this runs the repository's code); without it only static checks run")
	fs.Var(&cfg.Console, "console", "HTTP: serve the review console at /console/ (default: on for a loopback bind or with bearer tokens; --console=false turns it off)")
	fs.StringVar(&cfg.ReviewBranch, "review-branch", "", "HTTP console: an approval commits the proposal's change to this `branch` (created at the proposal's base if missing) with git plumbing; no working tree is touched")
	fs.StringVar(&cfg.ReplicaID, "replica-id", "", "with --store: this replica's `name` in the store's record of which commit each replica has indexed, shown by /readyz (default: the host name and a random suffix, new at each start)")
	cfg.chat.register(fs)
	cfg.repos.register(fs)
	cfg.auth.register(fs)
	return cfg, fs
}

func serveCommand(stdout, stderr io.Writer) *command {
	cfg, fs := serveFlags()
	c := &command{
		name:    "serve",
		summary: "Serve the project's memory over MCP: stdio by default, streamable HTTP with --http.",
		usage:   "[--http HOST:PORT] [flags]",
		details: `
devai serve opens the index (creating it if needed), answers at once, syncs the
repository in the background, then keeps the index fresh as files change.
Until the first sync ends, search_context waits up to 20 s and then answers with
what is indexed so far ("indexing N%").

In stdio mode stdout carries only the MCP protocol; logs go to stderr or
--log-file, and to the client as MCP log notifications (at the level it sets).

Over HTTP, binding anything but a loopback address needs --auth-token,
DEVAI_AUTH_TOKEN, --auth-token-file or --oauth-issuer; every token must be
at least 16 characters. Each line of the token file is "name: token" (for
example "alice: 6f1c…"), or a bare token, which is named token-1, token-2…
by its place among the file's tokens; --auth-token is named "default". With
--oauth-issuer and --oauth-audience, OAuth 2.1 bearer JWTs of that issuer
are accepted too (public-key signatures, checked against the issuer's JWKS;
iss, aud, exp and nbf checked), and the protected-resource metadata is at
/.well-known/oauth-protected-resource/mcp. Every decision record and
proposal names its caller: the token's name, the JWT's subject, or the local
user for stdio. /metrics serves Prometheus metrics behind the same
authentication (--metrics-public: without).

A session idle for --session-idle-timeout, or evicted past --max-sessions,
ends: its client gets 404 and initializes again. SIGINT or SIGTERM stops
accepting new requests and lets calls in flight finish.

The review console (http://HOST:PORT/console/) lists the proposals, shows
each one's diff, checks and trail, and takes verdicts (approve, request
changes, reject) as decision records; with --review-branch an approval
commits the change to that branch without touching any working tree.

With --serve-repo NAME=PATH|URL[#BRANCH] (repeatable) or --repos FILE, one
HTTP server serves several repositories, each at /mcp/NAME with its own
index, decision log and proposals under <state-dir>/repos/NAME. A URL is
cloned there and follows its branch head: fetched every --fetch-interval
and on POST /hooks/NAME, signed with --webhook-secret (X-Hub-Signature-256)
or carrying the bearer token. /readyz gives each repository's indexed commit.`,
		flags: fs,
	}
	c.run = func(args []string) error {
		if len(args) > 0 {
			return usagef("unexpected arguments %q", args)
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		return runServe(ctx, cfg, os.Stdin, stdout, stderr, nil)
	}
	return c
}

// runServe is `devai serve` with its streams and context given, so tests can
// drive it. httpReady, when set, receives the bound HTTP address.
func runServe(ctx context.Context, cfg *serveConfig, stdin io.Reader, stdout, stderr io.Writer, httpReady func(net.Addr)) error {
	if err := cfg.validate(); err != nil {
		return usageError{err}
	}
	tools, err := selectTools(toolTable(), cfg.Tools, cfg.ReadOnly)
	if err != nil {
		return usageError{err}
	}
	hc := httpConfig{Addr: cfg.HTTP, AllowedOrigins: cfg.AllowedOrigins, MaxBodyBytes: cfg.MaxBodyBytes, Stateless: cfg.Stateless,
		SessionIdleTimeout: cfg.SessionIdle, MaxSessions: cfg.MaxSessions}
	if cfg.AuthToken != "" {
		hc.Tokens = append(hc.Tokens, strings.TrimSpace(cfg.AuthToken))
	}
	if cfg.AuthTokenFile != "" {
		fileTokens, err := readTokenFile(cfg.AuthTokenFile)
		if err != nil {
			return usageError{err}
		}
		hc.NamedTokens = fileTokens
	}
	if err := cfg.auth.apply(&hc); err != nil {
		return err
	}
	if cfg.HTTP != "" {
		if err := checkBind(hc); err != nil {
			return err
		}
	}
	if cfg.repos.enabled() {
		return runServeRepos(ctx, cfg, hc, tools, stderr, httpReady)
	}
	ix, logger, closeIndex, err := openIndex(ctx, &cfg.commonConfig, stderr)
	if errors.Is(err, memory.ErrLocked) {
		return serveThroughHolder(ctx, cfg, hc, stdin, stdout, stderr, httpReady, err)
	}
	if err != nil {
		return err
	}
	defer closeIndex()

	team, err := openTeamStore(ctx, &cfg.trustFlags, cfg.Repo, ix.StateDir(), cfg.SessionIdle, logger)
	if err != nil {
		return err
	}
	defer team.close()
	hc.Shared = team.sessions

	sc := serverConfig{Index: ix, Logger: logger, Tools: tools, FirstSyncWait: tool.DefaultFirstSyncWait, Decisions: team.decisions,
		Proposals: team.proposals, Sessions: team.sessions, AllowExec: cfg.AllowExec}
	if cfg.HTTP != "" {
		sc.Metrics = newMetrics(ix)
		hc.Metrics, hc.Logger = sc.Metrics, accessLogger(logger)
	}
	if hc.Console, err = newConsole(cfg, hc, ix, team, logger); err != nil {
		return usageError{err}
	}
	if err := cfg.chat.apply(&sc); err != nil {
		return usageError{err}
	}
	s, err := newMCPServer(sc)
	if err != nil {
		return err
	}

	bgCtx, cancelBg := context.WithCancel(ctx)
	var bg sync.WaitGroup
	bg.Add(2)
	go func() {
		defer bg.Done()
		keepIndexed(bgCtx, ix, logger, !cfg.NoWatch)
	}()
	commits := newIndexedCommits(team.shared, cfg.replicaID(), logger)
	storeName := cfg.storeRepoName(cfg.Repo)
	go func() {
		defer bg.Done()
		commits.follow(bgCtx, storeName, ix, indexedEvery)
	}()
	defer func() { cancelBg(); bg.Wait() }()
	if err := servePprof(bgCtx, os.Getenv, logger); err != nil {
		return usageError{err}
	}
	if err := serveLocal(bgCtx, s, ix, logger); err != nil {
		logger.Warn("other devai processes on this repository cannot share this index", "error", err)
	}
	return serveOn(ctx, s, withReplicas(indexReadiness(ix), commits, storeName), cfg, hc, stdin, stdout, logger, httpReady, toolNames(tools))
}

// replicaID is --replica-id, else a name made once per process.
func (cfg *serveConfig) replicaID() string {
	if cfg.ReplicaID == "" {
		cfg.ReplicaID = defaultReplicaID()
	}
	return cfg.ReplicaID
}

// serveOn serves s over stdio, or over HTTP when cfg.HTTP is set, until ctx
// ends. ready answers /readyz.
func serveOn(ctx context.Context, s *server.MCPServer, ready readiness, cfg *serveConfig, hc httpConfig, stdin io.Reader, stdout io.Writer,
	logger hclog.Logger, httpReady func(net.Addr), names []string) error {
	if cfg.HTTP == "" {
		logger.Info("serving MCP over stdio", "repo", cfg.Repo, "tools", strings.Join(names, ","))
		if isTerminal(stdin) {
			logger.Warn(terminalHint)
		}
		stdio := server.NewStdioServer(s)
		stdio.SetErrorLogger(logger.StandardLogger(&hclog.StandardLoggerOptions{InferLevels: true}))
		err := stdio.Listen(ctx, stdin, stdout)
		if err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, io.EOF) {
			return fmt.Errorf("serve stdio: %w", err)
		}
		return nil
	}
	hc.OAuth.warmUp(ctx, logger)
	return serveHTTP(ctx, newHTTPHandler(s, hc, ready), cfg.HTTP, func(a net.Addr) {
		logger.Info("serving MCP over streamable HTTP", "url", "http://"+a.String()+"/mcp",
			"tokens", len(hc.Tokens)+len(hc.NamedTokens), "oauth_issuer", oauthIssuerOf(hc), "stateless", cfg.Stateless, "session_idle_timeout", hc.SessionIdleTimeout,
			"max_sessions", hc.MaxSessions, "tools", strings.Join(names, ","))
		if httpReady != nil {
			httpReady(a)
		}
	})
}

// terminalHint is what a person who ran devai serve in a terminal sees:
// stdio mode waits for JSON-RPC, and typed text gets a parse error.
const terminalHint = "devai serve is waiting for an MCP client on stdin/stdout (JSON-RPC, not typed commands): " +
	"let your client start it (README: Connect a client), or run devai serve --http 127.0.0.1:7437 and connect to http://127.0.0.1:7437/mcp; " +
	"devai search \"...\" answers at the command line. Ctrl-C stops it."

// isTerminal reports whether f (stdin, stdout or stderr) is a terminal: a
// person reads it or types into it. /dev/null and pipes are not.
func isTerminal(f any) bool {
	file, ok := f.(*os.File)
	return ok && term.IsTerminal(int(file.Fd()))
}

// serveThroughHolder serves when another devai process holds the index: it
// forwards to that process over its local socket, or explains why it cannot.
func serveThroughHolder(ctx context.Context, cfg *serveConfig, hc httpConfig, stdin io.Reader, stdout, stderr io.Writer,
	httpReady func(net.Addr), lockErr error) error {
	logger, closeLog, err := newLoggerTo(cfg.LogLevel, cfg.LogFile, stderr)
	if err != nil {
		return usageError{err}
	}
	defer closeLog()
	state, err := memory.StateDir(cfg.memoryOptions())
	if err != nil {
		return lockErr
	}
	c, err := dialLocal(ctx, state, "devai-local")
	if err != nil {
		return fmt.Errorf("%w; and its local socket cannot be reached either: %v", lockErr, err)
	}
	defer c.Close()
	s, err := newProxyServer(ctx, c, cfg.Tools, cfg.ReadOnly)
	if err != nil {
		return err
	}
	logger.Info("another devai process holds this repository's index; serving through it", "socket", socketPath(state))
	names := []string{}
	for name := range s.ListTools() {
		names = append(names, name)
	}
	sort.Strings(names)
	return serveOn(ctx, s, holderReadiness(state), cfg, hc, stdin, stdout, logger, httpReady, names)
}

// keepIndexed runs the first sync, logging progress, then watches the
// repository until ctx ends.
func keepIndexed(ctx context.Context, ix *memory.Index, logger hclog.Logger, watch bool) {
	start := time.Now()
	var last time.Time
	err := ix.Sync(ctx, func(done, total int, path string) {
		if time.Since(last) < 2*time.Second {
			return
		}
		last = time.Now()
		logger.Info("indexing", "done", done, "total", total)
	})
	switch {
	case ctx.Err() != nil:
		return
	case err != nil:
		logger.Error("first sync failed; searches answer from what was indexed before", "error", err)
	default:
		st := ix.Status()
		logger.Info("index ready", "files", st.Files, "chunks", st.Chunks, "took", time.Since(start).Round(time.Millisecond))
	}
	if !watch {
		return
	}
	if err := ix.Watch(ctx); err != nil && ctx.Err() == nil {
		logger.Error("watching the repository stopped; restart devai serve to pick up changes", "error", err)
	}
}

// newConsole is the review console for `devai serve --http`, or nil when
// it is off: by --console=false, or by default on a bind beyond this
// machine without bearer tokens (checkBind refuses that bind anyway).
func newConsole(cfg *serveConfig, hc httpConfig, ix *memory.Index, team *teamStore, logger hclog.Logger) (http.Handler, error) {
	return newConsoleAt(cfg, hc, ix, team, console.Prefix, logger)
}

// newConsoleAt is newConsole mounted at prefix (a server of several
// repositories mounts one per repository at /console/NAME/).
func newConsoleAt(cfg *serveConfig, hc httpConfig, ix *memory.Index, team *teamStore, prefix string, logger hclog.Logger) (http.Handler, error) {
	auth := newAuthenticator(hc)
	on := cfg.Console.value(isLoopbackAddr(cfg.HTTP) || auth != nil)
	if cfg.HTTP == "" || !on {
		if cfg.ReviewBranch != "" {
			return nil, fmt.Errorf("--review-branch needs the review console (--http, and not --console=false)")
		}
		return nil, nil
	}
	if !isLoopbackAddr(cfg.HTTP) && auth == nil {
		return nil, fmt.Errorf("--console on %s needs authentication: set --auth-token or --auth-token-file, or bind 127.0.0.1", cfg.HTTP)
	}
	c, err := console.New(console.Config{Prefix: prefix, Repo: ix.Repo(), Decisions: team.decisions, Proposals: team.proposalsOf(ix),
		Status: ix.Status, Gaps: indexGaps(ix), ReviewBranch: cfg.ReviewBranch, Auth: reviewerAuth(auth), AllowedOrigins: hc.AllowedOrigins, Version: version(), Logger: logger})
	if err != nil {
		return nil, err
	}
	logger.Info("review console", "url", "http://"+cfg.HTTP+prefix, "review_branch", cfg.ReviewBranch)
	return c, nil
}

// indexGaps is find_test_gaps' Go API over ix, for the console's
// traceability page.
func indexGaps(ix *memory.Index) func(context.Context, gaps.Input) (gaps.Output, error) {
	return func(ctx context.Context, in gaps.Input) (gaps.Output, error) {
		return gaps.Run(ctx, ix, in, gaps.Options{})
	}
}

// optionalBool is a boolean flag that knows whether it was given.
type optionalBool struct{ set, on bool }

func (o *optionalBool) String() string {
	if o == nil || !o.set {
		return ""
	}
	return strconv.FormatBool(o.on)
}

func (o *optionalBool) Set(s string) error {
	v, err := strconv.ParseBool(s)
	if err != nil {
		return fmt.Errorf("want true or false")
	}
	o.set, o.on = true, v
	return nil
}

func (o *optionalBool) IsBoolFlag() bool { return true }

// value is the flag's value, or def when it was not given.
func (o optionalBool) value(def bool) bool {
	if !o.set {
		return def
	}
	return o.on
}
