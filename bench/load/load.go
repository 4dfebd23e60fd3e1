package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
)

// level is what one session count measured on one server.
type level struct {
	label     string
	round     int
	sessions  int
	calls     int           // calls made, failed ones included
	errors    int           // transport errors, JSON-RPC errors and isError results
	firstErr  string        // the first error's text, for the report
	wall      time.Duration // from the first call's start to the last call's end
	p50, p99  time.Duration // of the successful calls
	serverCPU time.Duration // the server's CPU time over the wall (0: unknown)
	serverRQ  time.Duration // its threads' time runnable but without a core
	clientCPU time.Duration // this process's CPU time over the wall
}

func (l level) rate() float64 { return float64(l.calls-l.errors) / l.wall.Seconds() }

// percentile is the nearest-rank percentile p of sorted latencies.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(p/100*float64(len(sorted))+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// measureAll measures every binary (or the --url server) in each round,
// back to back, and returns every level measured. It stops at the first
// failure to start or to open sessions, returning what it has.
func measureAll(ctx context.Context, c config, queries []string) ([]level, error) {
	keyFile := c.keyFile
	if keyFile == "" && c.store != "" {
		keyDir, err := os.MkdirTemp("", "devai-load-key-")
		if err != nil {
			return nil, fmt.Errorf("decision-log key dir: %w", err)
		}
		defer os.RemoveAll(keyDir)
		keyFile = filepath.Join(keyDir, "decisions.key") // the first server makes it
	}
	var out []level
	for round := 1; round <= c.rounds; round++ {
		if c.url != "" {
			levels, err := measureServer(ctx, c, fleet{label: "server", servers: []*server{{url: c.url}}}, round, queries)
			out = append(out, levels...)
			if err != nil {
				return out, err
			}
			continue
		}
		for _, b := range c.binaries {
			for _, n := range c.replicas {
				f, err := startFleet(ctx, b, c, n, keyFile)
				if err != nil {
					return out, err
				}
				levels, err := measureServer(ctx, c, f, round, queries)
				f.stop()
				out = append(out, levels...)
				if err != nil {
					return out, err
				}
			}
		}
	}
	return out, nil
}

// measureServer warms s up with every query once, then measures each
// session count in turn.
func measureServer(ctx context.Context, c config, s fleet, round int, queries []string) ([]level, error) {
	if _, err := runLevel(ctx, c, s, 1, len(queries), queries); err != nil {
		return nil, fmt.Errorf("%s: warm-up: %w", s.label, err)
	}
	var out []level
	for _, n := range c.sessions {
		calls := c.calls
		if n == 1 {
			calls = c.singleCalls
		}
		l, err := runLevel(ctx, c, s, n, calls, queries)
		if err != nil {
			return out, fmt.Errorf("%s, %d sessions: %w", s.label, n, err)
		}
		l.label, l.round = s.label, round
		out = append(out, l)
	}
	return out, nil
}

// runLevel opens n sessions, then lets all of them make their calls at once,
// each in sequence, and closes them. Opening and closing are not timed.
func runLevel(ctx context.Context, c config, s fleet, n, calls int, queries []string) (level, error) {
	sessions, err := openSessions(ctx, s, n)
	defer closeSessions(sessions)
	if err != nil {
		return level{}, err
	}
	l := level{sessions: n, calls: n * calls}
	var latencies []time.Duration
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, cl := range sessions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for j := range calls {
				q := queries[(i*7+j)%len(queries)] // sessions start at different queries
				d, err := callOnce(ctx, c.call, cl, q, c.callTimeout)
				mu.Lock()
				if err != nil {
					if l.errors == 0 {
						l.firstErr = err.Error()
					}
					l.errors++
				} else {
					latencies = append(latencies, d)
				}
				mu.Unlock()
			}
		}()
	}
	cpu0, rq0 := s.schedTimes()
	self0, _ := procSchedTimes("self")
	t0 := time.Now()
	close(start)
	wg.Wait()
	l.wall = time.Since(t0)
	cpu1, rq1 := s.schedTimes()
	self1, _ := procSchedTimes("self")
	l.serverCPU, l.serverRQ, l.clientCPU = cpu1-cpu0, rq1-rq0, self1-self0
	slices.Sort(latencies)
	l.p50, l.p99 = percentile(latencies, 50), percentile(latencies, 99)
	if err := ctx.Err(); err != nil {
		return l, err
	}
	return l, nil
}

// openSessions initializes n MCP sessions over the servers of f in turn,
// each with its own HTTP transport (its own connections, as separate
// clients have).
func openSessions(ctx context.Context, f fleet, n int) ([]*client.Client, error) {
	var out []*client.Client
	for i := range n {
		hc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
		cl, err := client.NewStreamableHttpClient(f.url(i), transport.WithHTTPBasicClient(hc))
		if err != nil {
			return out, fmt.Errorf("new client: %w", err)
		}
		out = append(out, cl)
		if err := cl.Start(ctx); err != nil {
			return out, fmt.Errorf("start session: %w", err)
		}
		req := mcp.InitializeRequest{}
		req.Params.ProtocolVersion = mcp.ProtocolVersion20251125 // what desktop and IDE hosts speak
		req.Params.ClientInfo = mcp.Implementation{Name: "devai-bench-load", Version: "1"}
		ictx, cancel := context.WithTimeout(ctx, 30*time.Second)
		_, err = cl.Initialize(ictx, req)
		cancel()
		if err != nil {
			return out, fmt.Errorf("initialize session %d of %d: %w", len(out), n, err)
		}
	}
	return out, nil
}

func closeSessions(sessions []*client.Client) {
	for _, cl := range sessions {
		_ = cl.Close()
	}
}

// callOnce makes one call of the kind --call names and times it.
func callOnce(ctx context.Context, kind string, cl *client.Client, query string, timeout time.Duration) (time.Duration, error) {
	if kind == "record" {
		return callRecord(ctx, cl, timeout)
	}
	return callSearch(ctx, cl, query, timeout)
}

// callRecord makes a call whose cost is its decision record: search_context
// with an empty query answers an input error without searching, and the
// server records it like any call. Any other answer is an error.
func callRecord(ctx context.Context, cl *client.Client, timeout time.Duration) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req := mcp.CallToolRequest{}
	req.Params.Name = "search_context"
	req.Params.Arguments = map[string]any{"query": ""}
	t0 := time.Now()
	res, err := cl.CallTool(ctx, req)
	d := time.Since(t0)
	if err != nil {
		return d, fmt.Errorf("record call: %w", err)
	}
	if !res.IsError {
		return d, errors.New("record call: an empty query was answered, not refused: the call measured more than its record")
	}
	return d, nil
}

// callSearch makes one search_context call and times it. An isError result
// is an error: the queries are all valid.
func callSearch(ctx context.Context, cl *client.Client, query string, timeout time.Duration) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req := mcp.CallToolRequest{}
	req.Params.Name = "search_context"
	req.Params.Arguments = map[string]any{"query": query}
	t0 := time.Now()
	res, err := cl.CallTool(ctx, req)
	d := time.Since(t0)
	if err != nil {
		return d, fmt.Errorf("search %q: %w", query, err)
	}
	if res.IsError {
		return d, fmt.Errorf("search %q: isError: %s", query, resultText(res))
	}
	return d, nil
}

func resultText(res *mcp.CallToolResult) string {
	for _, c := range res.Content {
		if tc, ok := c.(mcp.TextContent); ok {
			return tc.Text
		}
	}
	return "(no text)"
}
