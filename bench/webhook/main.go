// Command webhook measures how long a push takes to become searchable on a
// `devai serve --http` that follows a repository by URL (issue 14): a real
// Go module from the module proxy is made a git repository and pushed to a
// local bare remote; devai clones it (--serve-repo NAME=file://…); then,
// each run, one existing file gets a new function, the commit is pushed, a
// signed POST /hooks/NAME is sent, and search_context (mcp-go's streamable
// HTTP client, protocol 2025-11-25) is polled until a hit's snippet holds
// the new function's name.
//
//	webhook [--module go.etcd.io/bbolt@v1.4.0] [--file db.go] [--runs 5] [--devai BIN] [--embedder builtin] [--deadline 10m]
//
// Beside it, in the same run, the floor that no mirror can beat: `git fetch`
// and `git checkout` of the same push in a plain clone. Everything is
// bounded: a deadline per run and one for the whole bench. Loopback only.
package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/devaiops/devai/bench/internal/gomod"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "webhook:", err)
		os.Exit(1)
	}
}

type config struct {
	module   string
	file     string // the file each run appends a function to
	runs     int
	devai    string
	embedder string
	runWait  time.Duration
	deadline time.Duration
	keep     bool
}

const repoName = "bench"

func run(ctx context.Context, args []string) error {
	c, err := parseFlags(args)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, c.deadline)
	defer cancel()
	dir, err := os.MkdirTemp("", "devai-webhook-")
	if err != nil {
		return err
	}
	if !c.keep {
		defer os.RemoveAll(dir)
	}
	r, err := prepare(ctx, c, dir)
	if err != nil {
		return err
	}
	if c.devai == "" {
		if c.devai, err = buildDevai(ctx, dir); err != nil {
			return err
		}
	}
	secret := make([]byte, 24)
	_, _ = rand.Read(secret)
	s, err := startServer(ctx, c, r, dir, hex.EncodeToString(secret))
	if err != nil {
		return err
	}
	defer s.stop()
	cold, err := s.waitCommit(ctx, r.head, 10*time.Minute)
	if err != nil {
		return fmt.Errorf("first clone and index: %w (log: %s)", err, s.log)
	}
	fmt.Fprintf(os.Stderr, "webhook: cloned and indexed %s in %s\n", c.module, cold.Round(time.Millisecond))
	mc, err := s.connect(ctx)
	if err != nil {
		return err
	}
	defer mc.Close()

	var devaiTimes, gitTimes []time.Duration
	for i := range c.runs {
		marker := fmt.Sprintf("WebhookBenchMarker%dQx%s", i, hex.EncodeToString(secret[:3]))
		head, err := r.pushFunction(ctx, c.file, marker)
		if err != nil {
			return err
		}
		took, err := s.hookToSearchable(ctx, mc, marker, c.runWait)
		if err != nil {
			return fmt.Errorf("run %d: %w (log: %s)", i+1, err, s.log)
		}
		floor, err := r.fetchCheckout(ctx, head)
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "webhook: run %d: push -> searchable %s (git fetch + checkout %s)\n", i+1, took.Round(time.Millisecond), floor.Round(time.Millisecond))
		devaiTimes, gitTimes = append(devaiTimes, took), append(gitTimes, floor)
	}
	report(c, r.files, cold, devaiTimes, gitTimes)
	return nil
}

func parseFlags(args []string) (config, error) {
	fs := flag.NewFlagSet("webhook", flag.ContinueOnError)
	var c config
	fs.StringVar(&c.module, "module", "go.etcd.io/bbolt@v1.4.0", "the Go module (path@version) to serve, fetched through the module proxy")
	fs.StringVar(&c.file, "file", "db.go", "the module's file each run appends a function to")
	fs.IntVar(&c.runs, "runs", 5, "pushes to measure")
	fs.StringVar(&c.devai, "devai", "", "the devai binary (default: go build ./cmd/devai)")
	fs.StringVar(&c.embedder, "embedder", "builtin", "devai --embedder")
	fs.DurationVar(&c.runWait, "run-timeout", 2*time.Minute, "the longest one push may take to become searchable")
	fs.DurationVar(&c.deadline, "deadline", 10*time.Minute, "the longest the whole bench may take")
	fs.BoolVar(&c.keep, "keep", false, "keep the temporary folder (repositories, state, server log)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if c.runs < 1 || c.runs > 50 {
		return c, fmt.Errorf("--runs %d: between 1 and 50", c.runs)
	}
	return c, nil
}

// repos is the bench's repositories: work (commits), remote (bare, what
// devai follows) and plain (the git-only floor).
type repos struct {
	work, remote, plain string
	head                string
	files               int
}

// prepare fetches the module, commits it in work, pushes it to a bare
// remote, and clones that for the floor.
func prepare(ctx context.Context, c config, dir string) (*repos, error) {
	src, err := gomod.Download(ctx, c.module)
	if err != nil {
		return nil, err
	}
	r := &repos{work: filepath.Join(dir, "work"), remote: filepath.Join(dir, "remote.git"), plain: filepath.Join(dir, "plain")}
	if err := gomod.CopyTree(src, r.work); err != nil {
		return nil, fmt.Errorf("copy %s: %w", c.module, err)
	}
	if _, err := os.Stat(filepath.Join(r.work, c.file)); err != nil {
		return nil, fmt.Errorf("--file %s: %w", c.file, err)
	}
	steps := [][]string{
		{"-C", dir, "init", "-q", "--bare", "--initial-branch=main", r.remote},
		{"-C", r.work, "init", "-q", "--initial-branch=main"},
		{"-C", r.work, "add", "-A"},
		{"-C", r.work, "commit", "-q", "--no-gpg-sign", "-m", c.module},
		{"-C", r.work, "remote", "add", "origin", r.remote},
		{"-C", r.work, "push", "-q", "origin", "main"},
		{"-C", dir, "clone", "-q", "--", r.remote, r.plain},
	}
	for _, args := range steps {
		if _, err := git(ctx, args...); err != nil {
			return nil, err
		}
	}
	out, err := git(ctx, "-C", r.work, "ls-files")
	if err != nil {
		return nil, err
	}
	r.files = strings.Count(out, "\n")
	r.head, err = git(ctx, "-C", r.work, "rev-parse", "HEAD")
	r.head = strings.TrimSpace(r.head)
	return r, err
}

// pushFunction appends a function named marker to file, commits and pushes.
func (r *repos) pushFunction(ctx context.Context, file, marker string) (string, error) {
	path := filepath.Join(r.work, file)
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return "", err
	}
	_, err = fmt.Fprintf(f, "\n// %s is added by bench/webhook.\nfunc %s() int { return 1 }\n", marker, marker)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", err
	}
	for _, args := range [][]string{
		{"-C", r.work, "commit", "-q", "--no-gpg-sign", "-am", "add " + marker},
		{"-C", r.work, "push", "-q", "origin", "main"},
	} {
		if _, err := git(ctx, args...); err != nil {
			return "", err
		}
	}
	head, err := git(ctx, "-C", r.work, "rev-parse", "HEAD")
	return strings.TrimSpace(head), err
}

// fetchCheckout is the floor: a plain clone fetches and checks out head.
func (r *repos) fetchCheckout(ctx context.Context, head string) (time.Duration, error) {
	start := time.Now()
	if _, err := git(ctx, "-C", r.plain, "fetch", "-q", "origin", "+refs/heads/main:refs/remotes/origin/main"); err != nil {
		return 0, err
	}
	if _, err := git(ctx, "-C", r.plain, "checkout", "-q", "--detach", head); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}

func git(ctx context.Context, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=bench", "GIT_AUTHOR_EMAIL=bench@example.invalid",
		"GIT_COMMITTER_NAME=bench", "GIT_COMMITTER_EMAIL=bench@example.invalid", "GIT_CONFIG_GLOBAL=/dev/null")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return string(out), nil
}

func buildDevai(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "devai")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/devaiops/devai/cmd/devai")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build ./cmd/devai (run from the devai module, or pass --devai): %w", err)
	}
	return bin, nil
}

// server is the devai serve --http process the bench started.
type server struct {
	base, secret, log string
	cmd               *exec.Cmd
}

func startServer(ctx context.Context, c config, r *repos, dir, secret string) (*server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	s := &server{base: "http://" + addr, secret: secret, log: filepath.Join(dir, "serve.log")}
	logf, err := os.Create(s.log)
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	// Not CommandContext: stop ends it gracefully.
	s.cmd = exec.Command(c.devai, "serve", "--http", addr, "--state-dir", filepath.Join(dir, "state"),
		"--serve-repo", repoName+"=file://"+r.remote, "--fetch-interval", "0", "--embedder", c.embedder, "--log-level", "info")
	s.cmd.Env = append(os.Environ(), "DEVAI_WEBHOOK_SECRET="+secret)
	s.cmd.Stdout, s.cmd.Stderr = logf, logf
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", c.devai, err)
	}
	return s, nil
}

func (s *server) stop() {
	_ = s.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
	}
}

// waitCommit polls /readyz until the repository has indexed commit, and
// returns how long that took.
func (s *server) waitCommit(ctx context.Context, commit string, wait time.Duration) (time.Duration, error) {
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	last := "no answer"
	for {
		var body struct {
			Repositories map[string]struct {
				Ready  bool
				Commit string
				State  string
				Error  string
			}
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.base+"/readyz", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			err = json.NewDecoder(resp.Body).Decode(&body)
			resp.Body.Close()
			st := body.Repositories[repoName]
			if err == nil && st.Ready && st.Commit == commit {
				return time.Since(start), nil
			}
			last = fmt.Sprintf("%+v", st)
		}
		select {
		case <-ctx.Done():
			return 0, fmt.Errorf("commit %s not indexed within %s; /readyz says %s", commit, wait, last)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (s *server) connect(ctx context.Context) (*client.Client, error) {
	mc, err := client.NewStreamableHttpClient(s.base + "/mcp/" + repoName)
	if err != nil {
		return nil, err
	}
	if err := mc.Start(ctx); err != nil {
		return nil, err
	}
	var init mcp.InitializeRequest
	init.Params.ProtocolVersion = mcp.ProtocolVersion20251125
	init.Params.ClientInfo = mcp.Implementation{Name: "bench-webhook", Version: "1"}
	if _, err := mc.Initialize(ctx, init); err != nil {
		mc.Close()
		return nil, fmt.Errorf("initialize %s/mcp/%s: %w", s.base, repoName, err)
	}
	return mc, nil
}

// hookToSearchable sends the signed webhook and polls search_context until
// a hit's snippet holds marker; the time runs from the webhook's sending.
func (s *server) hookToSearchable(ctx context.Context, mc *client.Client, marker string, wait time.Duration) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	body := []byte(`{"ref":"refs/heads/main"}`)
	mac := hmac.New(sha256.New, []byte(s.secret))
	mac.Write(body)
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.base+"/hooks/"+repoName, bytes.NewReader(body))
	req.Header.Set("X-Hub-Signature-256", "sha256="+hex.EncodeToString(mac.Sum(nil)))
	req.Header.Set("Content-Type", "application/json")
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, fmt.Errorf("webhook: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		return 0, fmt.Errorf("webhook answered %s", resp.Status)
	}
	for {
		found, err := searchFinds(ctx, mc, marker)
		if err != nil {
			return 0, err
		}
		if found {
			return time.Since(start), nil
		}
		select {
		case <-ctx.Done():
			return 0, fmt.Errorf("%s not searchable within %s", marker, wait)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func searchFinds(ctx context.Context, mc *client.Client, marker string) (bool, error) {
	var req mcp.CallToolRequest
	req.Params.Name = "search_context"
	req.Params.Arguments = map[string]any{"query": marker, "limit": 5}
	res, err := mc.CallTool(ctx, req)
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return false, nil
		}
		return false, fmt.Errorf("search_context: %w", err)
	}
	raw, err := json.Marshal(res.StructuredContent)
	if err != nil {
		return false, err
	}
	var out struct{ Hits []struct{ Snippet string } }
	if err := json.Unmarshal(raw, &out); err != nil {
		return false, err
	}
	for _, h := range out.Hits {
		if strings.Contains(h.Snippet, marker) {
			return true, nil
		}
	}
	return false, nil
}

func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

func report(c config, files int, cold time.Duration, devai, floor []time.Duration) {
	sorted := append([]time.Duration(nil), devai...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
	ms := func(d time.Duration) string { return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond)) }
	fmt.Printf("| module | files | embedder | first clone + index | runs | push → searchable (webhook) median | min | max | git fetch + checkout median | ratio |\n")
	fmt.Printf("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|\n")
	fmt.Printf("| %s | %d | %s | %.1f s | %d | %s | %s | %s | %s | %.1f× |\n", c.module, files, c.embedder, cold.Seconds(), len(devai),
		ms(median(devai)), ms(sorted[0]), ms(sorted[len(sorted)-1]), ms(median(floor)), float64(median(devai))/float64(median(floor)))
}
