// Command load measures `devai serve --http` under concurrent MCP sessions:
// for each session count N it opens N streamable-HTTP sessions (mcp-go's own
// client, protocol 2025-11-25 as real hosts speak it) on 127.0.0.1, each
// making M search_context calls from a fixed set of realistic queries, and
// reports requests/s, p50, p99 and errors, with the server's CPU time per
// request and the cores it used (to tell "serialised" from "out of CPU").
//
//	load --devai BIN [--devai before=OLD,after=NEW] [--repo DIR] [--sessions 1,10,50] [--calls 20] [--rounds 3]
//	load --devai BIN --store postgres://127.0.0.1:5432/devai --replicas 1,2 [--call search|record]
//	load --url http://127.0.0.1:7437/mcp --sessions 1,10,50
//
// With --store the started servers share that PostgreSQL store (and one
// decision-log key), and --replicas starts that many of them, the sessions
// spread over them in turn (as a balancer with sticky sessions would).
// --call record measures what a decision append costs a call: each call is
// a search_context with an empty query, which answers an input error at
// once and is recorded like any other call.
//
// With several binaries it measures them back to back in each round
// (before, after, before, after, …) and reports the median of the rounds,
// so a busy machine weighs on both alike. Everything is bounded: a count of
// calls, a deadline per call and a hard deadline for the whole run, after
// which it stops the servers it started and reports what it has.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

// config is one run of the bench.
type config struct {
	binaries    []binary // servers to start; empty when url is set
	url         string   // an already running server's MCP endpoint
	repo        string
	embedder    string
	queriesFile string
	sessions    []int
	calls       int           // calls per session for N > 1
	singleCalls int           // calls of the one sequential client (N = 1)
	rounds      int           // each binary measured this many times, interleaved
	store       string        // --store of the started servers; "": files under each one's state dir
	keyFile     string        // --decisions-key-file of the started servers; "": a new one for this run
	replicas    []int         // replica counts measured, each its own fleet of servers
	call        string        // "search" or "record"
	callTimeout time.Duration // one call's deadline
	deadline    time.Duration // the whole run's
	readyWait   time.Duration // for the server's first sync
}

// binary is a devai build under test, with the label the report gives it.
type binary struct{ label, path string }

func run(ctx context.Context, args []string) error {
	c, err := parseFlags(args)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, c.deadline)
	defer cancel()
	queries, err := loadQueries(c.queriesFile, c.repo)
	if err != nil {
		return err
	}
	results, runErr := measureAll(ctx, c, queries)
	printReport(os.Stdout, c, len(queries), results)
	if runErr != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("stopped at the --deadline %s; the table has the rounds that finished: %w", c.deadline, runErr)
	}
	return runErr
}

func parseFlags(args []string) (config, error) {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	var c config
	var bins, sessions, replicas string
	fs.StringVar(&bins, "devai", "", "devai `binary` to start, or label=path pairs (before=/tmp/old,after=/tmp/new) measured back to back")
	fs.StringVar(&c.url, "url", "", "measure an already running server at this loopback MCP `URL` instead of starting one")
	fs.StringVar(&c.repo, "repo", "testdata/shop", "repository the started server indexes and serves (its index goes to a temporary state dir)")
	fs.StringVar(&c.embedder, "embedder", "builtin", "--embedder of the started server")
	fs.StringVar(&c.queriesFile, "queries", "", "`file` of queries, one a line (# comments); default: bench/load/queries/<repo name>.txt if any, else shop's")
	fs.StringVar(&sessions, "sessions", "1,10,50", "concurrent session counts to measure (comma `list`)")
	fs.IntVar(&c.calls, "calls", 20, "search_context calls per session when sessions > 1")
	fs.IntVar(&c.singleCalls, "single-calls", 100, "calls of the single sequential session (more than --calls, so its rate spans seconds)")
	fs.StringVar(&c.store, "store", "", "started servers share this loopback PostgreSQL `URL` (devai serve --store); needed for --replicas past 1")
	fs.StringVar(&c.keyFile, "decisions-key-file", "", "with --store: the decision-log key `file` the servers share (a store that holds a log needs the key it was written with; default: a new key, for a new store)")
	fs.StringVar(&replicas, "replicas", "1", "replica counts to measure (comma `list`): each starts that many servers on --store")
	fs.StringVar(&c.call, "call", "search", "what each call does: search (search_context) or record (an input error: the cost of its decision record)")
	fs.IntVar(&c.rounds, "rounds", 1, "times each binary is measured, interleaved; the report gives the median")
	fs.DurationVar(&c.callTimeout, "call-timeout", 30*time.Second, "deadline of one call; a call past it counts as an error")
	fs.DurationVar(&c.deadline, "deadline", 15*time.Minute, "hard deadline of the whole run")
	fs.DurationVar(&c.readyWait, "ready-wait", 5*time.Minute, "how long a started server may take to index the repository")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	var err error
	if c.sessions, err = parseCounts(sessions); err != nil {
		return c, err
	}
	if c.replicas, err = parseCounts(replicas); err != nil {
		return c, fmt.Errorf("--replicas: %w", err)
	}
	if err := checkFleet(c); err != nil {
		return c, err
	}
	if c.calls < 1 || c.singleCalls < 1 || c.rounds < 1 {
		return c, errors.New("--calls, --single-calls and --rounds must be at least 1")
	}
	switch {
	case c.url != "" && bins != "":
		return c, errors.New("give --devai (start servers) or --url (use a running one), not both")
	case c.url != "":
		if err := checkLoopbackURL(c.url); err != nil {
			return c, err
		}
	case bins == "":
		return c, errors.New("--devai is required: build one with `go build -o /tmp/devai ./cmd/devai` (or give --url)")
	default:
		if c.binaries, err = parseBinaries(bins); err != nil {
			return c, err
		}
	}
	return c, nil
}

// checkFleet refuses a store off this machine, several replicas without a
// store (each would keep its own log: nothing shared to measure), and an
// unknown --call.
func checkFleet(c config) error {
	if c.call != "search" && c.call != "record" {
		return fmt.Errorf("--call %q: want search or record", c.call)
	}
	if c.store != "" {
		u, err := url.Parse(c.store)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || !loopbackHost(u.Hostname()) {
			return errors.New("--store must be a loopback postgres:// URL, e.g. postgres://postgres@127.0.0.1:5432/postgres")
		}
	}
	if slices.Max(c.replicas) > 1 && c.store == "" {
		return errors.New("--replicas past 1 needs --store: replicas share one store")
	}
	if slices.Max(c.replicas) > 1 && c.url != "" {
		return errors.New("--replicas starts servers: give --devai, not --url")
	}
	return nil
}

// parseCounts reads "1,10,50".
func parseCounts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 1000 {
			return nil, fmt.Errorf("--sessions %q: want counts from 1 to 1000, e.g. 1,10,50", s)
		}
		out = append(out, n)
	}
	return out, nil
}

// parseBinaries reads "/tmp/devai" or "before=/tmp/a,after=/tmp/b".
func parseBinaries(s string) ([]binary, error) {
	var out []binary
	for _, f := range strings.Split(s, ",") {
		label, path, ok := strings.Cut(strings.TrimSpace(f), "=")
		if !ok {
			label, path = "devai", label
		}
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("--devai %s: %w", path, err)
		}
		out = append(out, binary{label: label, path: path})
	}
	return out, nil
}
