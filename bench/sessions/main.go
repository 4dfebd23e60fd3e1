// Command sessions measures what HTTP sessions cost a running `devai serve
// --http`: it starts each given devai binary on a small throwaway repository
// (loopback only), sends N MCP initialize requests without ever closing a
// session (no DELETE), and reads the server's resident memory (VmRSS from
// /proc/PID/status) before the loop and after it; with --rounds 2 it pauses
// and loops again, which shows whether freed sessions make room (RSS stays)
// or memory keeps growing. Bounded: at most --rounds x --n requests and
// --timeout per binary.
//
//	go run ./bench/sessions --n 20000 --rounds 2 --devai base=/tmp/devai-old --devai fixed=/tmp/devai-new
//
// A run's extra serve flags follow the path after a space:
// --devai 'ttl2s=/tmp/devai-new --session-idle-timeout 2s'.
// The report is a Markdown table on stdout; progress goes to stderr.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

const initBody = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"bench-sessions","version":"1"}}}`

type runSpec struct {
	name, bin string
	extra     []string
}

type result struct {
	spec             runSpec
	sent, ok, failed int
	took             time.Duration // of the first round
	rss              []int64       // kB: before, then after each round
}

func main() {
	var specs []runSpec
	n := flag.Int("n", 20000, "initialize requests per binary")
	rounds := flag.Int("rounds", 1, "loops of --n initializes, with --pause between them")
	pause := flag.Duration("pause", 5*time.Second, "wait this long between rounds")
	timeout := flag.Duration("timeout", 3*time.Minute, "give up on one binary after this long")
	flag.Func("devai", "`name=path [serve flags]` of a devai binary to measure (repeatable)", func(s string) error {
		name, rest, ok := strings.Cut(s, "=")
		fields := strings.Fields(rest)
		if !ok || name == "" || len(fields) == 0 {
			return fmt.Errorf("want name=path [flags], got %q", s)
		}
		specs = append(specs, runSpec{name: name, bin: fields[0], extra: fields[1:]})
		return nil
	})
	flag.Parse()
	if len(specs) == 0 || *n <= 0 || *rounds <= 0 || *rounds > 10 {
		fmt.Fprintln(os.Stderr, "usage: sessions --n N --devai name=path [--devai ...]")
		os.Exit(2)
	}
	var results []result
	for _, s := range specs {
		ctx, cancel := context.WithTimeout(context.Background(), *timeout)
		r, err := measure(ctx, s, *n, *rounds, *pause)
		cancel()
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", s.name, err)
			os.Exit(1)
		}
		results = append(results, r)
	}
	fmt.Print("| build | serve flags | initialize sent | 200 | other | round 1 took | RSS before |")
	for i := 1; i <= *rounds; i++ {
		fmt.Printf(" RSS after %d |", i**n)
	}
	fmt.Println()
	fmt.Println("|---|---|---|---|---|---|---|" + strings.Repeat("---|", *rounds))
	for _, r := range results {
		fmt.Printf("| %s | %s | %d | %d | %d | %s |", r.spec.name, strings.Join(r.spec.extra, " "), r.sent, r.ok, r.failed, r.took.Round(time.Millisecond))
		for _, kb := range r.rss {
			fmt.Printf(" %.1f MB |", mb(kb))
		}
		fmt.Println()
	}
}

func mb(kb int64) float64 { return float64(kb) / 1024 }

// measure starts one server, loops initialize against it and reads its RSS.
func measure(ctx context.Context, s runSpec, n, rounds int, pause time.Duration) (result, error) {
	r := result{spec: s}
	repo, err := os.MkdirTemp("", "bench-sessions-")
	if err != nil {
		return r, err
	}
	defer os.RemoveAll(repo)
	if err := os.WriteFile(filepath.Join(repo, "README.md"), []byte("# bench\n\nA repository with one file.\n"), 0o644); err != nil {
		return r, err
	}
	addr, err := freeLoopbackAddr()
	if err != nil {
		return r, err
	}
	args := append([]string{"serve", "--http", addr, "--repo", repo, "--embedder", "none", "--no-watch", "--log-level", "error"}, s.extra...)
	cmd := exec.CommandContext(ctx, s.bin, args...)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return r, fmt.Errorf("start %s: %w", s.bin, err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	base := "http://" + addr
	if err := waitReady(ctx, base+"/readyz"); err != nil {
		return r, err
	}
	pid := cmd.Process.Pid
	if err := readRSS(pid, &r); err != nil {
		return r, err
	}
	hc := &http.Client{Timeout: 10 * time.Second}
	for round := 0; round < rounds; round++ {
		if round > 0 {
			select {
			case <-time.After(pause):
			case <-ctx.Done():
				return r, ctx.Err()
			}
		}
		fmt.Fprintf(os.Stderr, "%s: round %d, %d initialize against pid %d\n", s.name, round+1, n, pid)
		start := time.Now()
		for i := 0; i < n && ctx.Err() == nil; i++ {
			r.sent++
			if status, err := initialize(ctx, hc, base+"/mcp"); err == nil && status == http.StatusOK {
				r.ok++
			} else {
				r.failed++
			}
		}
		if round == 0 {
			r.took = time.Since(start)
		}
		if err := readRSS(pid, &r); err != nil {
			return r, err
		}
	}
	return r, ctx.Err()
}

func readRSS(pid int, r *result) error {
	kb, err := vmRSS(pid)
	r.rss = append(r.rss, kb)
	return err
}

func initialize(ctx context.Context, hc *http.Client, url string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(initBody))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	resp, err := hc.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

func freeLoopbackAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func waitReady(ctx context.Context, url string) error {
	for {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s not ready: %w", url, errors.Join(ctx.Err(), err))
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// vmRSS reads the resident set size of pid in kB.
func vmRSS(pid int) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, fmt.Errorf("read RSS: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			return strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%d/status", pid)
}
