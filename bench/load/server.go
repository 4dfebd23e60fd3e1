package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// server is a devai serve --http process this bench started, or (pid 0) one
// it was pointed at with --url.
type server struct {
	url    string // the MCP endpoint
	cmd    *exec.Cmd
	exited chan struct{} // closed when the process has ended
	dir    string        // temporary state dir and stderr log
	label  string
}

// fleet is the servers one measurement spreads its sessions over: one, or
// several replicas on one store.
type fleet struct {
	label   string
	servers []*server
}

// url is the endpoint session i connects to: the servers in turn.
func (f fleet) url(i int) string { return f.servers[i%len(f.servers)].url }

// schedTimes sums the servers'.
func (f fleet) schedTimes() (cpu, runqWait time.Duration) {
	for _, s := range f.servers {
		c, w := s.schedTimes()
		cpu, runqWait = cpu+c, runqWait+w
	}
	return cpu, runqWait
}

func (f fleet) stop() {
	for _, s := range f.servers {
		s.stop()
	}
}

// startFleet starts n servers of b (on c.store with the decision-log key
// keyFile when there is a store) and waits until each has indexed.
func startFleet(ctx context.Context, b binary, c config, n int, keyFile string) (fleet, error) {
	f := fleet{label: b.label}
	if len(c.replicas) > 1 || n > 1 || c.store != "" {
		f.label = fmt.Sprintf("%s ×%d", b.label, n)
	}
	var extra []string
	if c.store != "" {
		extra = []string{"--store", c.store, "--decisions-key-file", keyFile}
	}
	for range n {
		s, err := startServer(ctx, b, c, extra...)
		if err != nil {
			f.stop()
			return fleet{}, err
		}
		f.servers = append(f.servers, s)
	}
	return f, nil
}

// startServer starts bin serving repo on a free loopback port with its index
// in a new temporary state dir, and waits until the first sync is done.
func startServer(ctx context.Context, b binary, c config, extra ...string) (*server, error) {
	dir, err := os.MkdirTemp("", "devai-load-")
	if err != nil {
		return nil, fmt.Errorf("state dir: %w", err)
	}
	addr, err := freeLoopbackAddr()
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	logf, err := os.Create(filepath.Join(dir, "serve.log"))
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("server log: %w", err)
	}
	defer logf.Close()
	// Not CommandContext: the server is stopped gracefully by stop, not killed.
	args := append([]string{"serve", "--http", addr, "--repo", c.repo,
		"--state-dir", filepath.Join(dir, "state"), "--embedder", c.embedder, "--no-watch"}, extra...)
	cmd := exec.Command(b.path, args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start %s: %w", b.path, err)
	}
	s := &server{url: "http://" + addr + "/mcp", cmd: cmd, dir: dir, label: b.label, exited: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		close(s.exited)
	}()
	if err := waitReady(ctx, "http://"+addr+"/readyz", c.readyWait, s.exited); err != nil {
		s.stop()
		return nil, fmt.Errorf("%s on %s: %w (its log: %s)", b.label, c.repo, err, tail(filepath.Join(dir, "serve.log")))
	}
	return s, nil
}

// freeLoopbackAddr asks the kernel for a free port on 127.0.0.1.
func freeLoopbackAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// waitReady polls /readyz until the index is ready with files in it, or
// the server has exited (a flag it refused, a store it cannot open).
func waitReady(ctx context.Context, readyz string, wait time.Duration, exited <-chan struct{}) error {
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	last := "no answer"
	for {
		if st, err := readyState(ctx, readyz); err == nil {
			if st.State == "ready" && st.Files > 0 {
				return nil
			}
			last = fmt.Sprintf("state %s, %d files", st.State, st.Files)
		} else {
			last = err.Error()
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("not ready after %s (last: %s)", wait, last)
		case <-exited:
			return errors.New("the server exited before it was ready")
		case <-time.After(200 * time.Millisecond):
		}
	}
}

type readiness struct {
	State string `json:"state"`
	Files int    `json:"files"`
}

func readyState(ctx context.Context, readyz string) (readiness, error) {
	var st readiness
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, readyz, nil)
	if err != nil {
		return st, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return st, err
	}
	defer resp.Body.Close()
	err = json.NewDecoder(resp.Body).Decode(&st)
	return st, err
}

// schedTimes is the server's CPU time and the time its threads waited in
// the kernel's run queue, runnable but without a core (other processes had
// them), summed over its threads; zeros when the bench did not start it.
func (s *server) schedTimes() (cpu, runqWait time.Duration) {
	if s.cmd == nil {
		return 0, 0
	}
	return procSchedTimes(fmt.Sprint(s.cmd.Process.Pid))
}

// procSchedTimes sums /proc/<pid>/task/*/schedstat: nanoseconds on a CPU,
// then waiting on a run queue. pid may be "self".
func procSchedTimes(pid string) (cpu, runqWait time.Duration) {
	tasks, _ := filepath.Glob("/proc/" + pid + "/task/*/schedstat")
	for _, t := range tasks {
		raw, err := os.ReadFile(t)
		if err != nil {
			continue // the thread ended
		}
		f := strings.Fields(string(raw))
		if len(f) < 2 {
			continue
		}
		run, err1 := strconv.ParseInt(f[0], 10, 64)
		wait, err2 := strconv.ParseInt(f[1], 10, 64)
		if err1 == nil && err2 == nil {
			cpu += time.Duration(run)
			runqWait += time.Duration(wait)
		}
	}
	return cpu, runqWait
}

// stop ends the server gracefully (SIGINT), killing it if it has not exited
// within 30 s, and removes its state dir.
func (s *server) stop() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-s.exited:
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.exited
	}
	os.RemoveAll(s.dir)
}

// tail is the end of a log file, for an error message.
func tail(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	const n = 800
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return strings.TrimSpace(string(b))
}

// loopbackHost reports whether host names this machine only.
func loopbackHost(host string) bool {
	ip := net.ParseIP(host)
	return host == "localhost" || ip != nil && ip.IsLoopback()
}

// checkLoopbackURL refuses anything but http://127.0.0.1 or localhost: the
// bench sends load, and load belongs on this machine.
func checkLoopbackURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("--url %q: %w", raw, err)
	}
	host := u.Hostname()
	if u.Scheme != "http" || !loopbackHost(host) {
		return errors.New("--url must be a loopback http URL, e.g. http://127.0.0.1:7437/mcp")
	}
	return nil
}
