// Package pgtest starts a throwaway PostgreSQL server for tests: initdb on
// a temporary data directory, pg_ctl start on a free loopback port (and a
// unix socket in the same directory), stopped and removed when the test
// ends. Run as root, the server runs as an unprivileged system user
// (postgres when it exists, else nobody), which owns the data directory:
// PostgreSQL refuses to run as root. setpriv (util-linux) switches to it.
//
// Without the binaries the test is skipped with a message saying how to
// install them, unless DEVAI_REQUIRE_POSTGRES=1 (CI sets it): then it fails.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// RequireEnv makes a missing PostgreSQL a failure instead of a skip.
const RequireEnv = "DEVAI_REQUIRE_POSTGRES"

// BinEnv names the folder holding initdb and pg_ctl, when they are not in
// /usr/lib/postgresql/<version>/bin or on PATH.
const BinEnv = "DEVAI_PG_BIN"

// Server is one running throwaway PostgreSQL.
type Server struct {
	// URL reaches the server's postgres database as its superuser, over
	// TCP on loopback, without TLS.
	URL  string
	Port int

	bin     string
	root    string // the temporary folder: data/ and the socket
	data    string
	runAs   string // "" when the test does not run as root
	logFile string
	durable bool
}

// Options shape a test server.
type Options struct {
	// Durable keeps PostgreSQL's fsync on, as in production; tests leave it
	// off (nothing they check needs the disk), benchmarks turn it on.
	Durable bool
}

// Start starts a server for t, or skips (fails under DEVAI_REQUIRE_POSTGRES=1)
// when PostgreSQL is not installed. It is stopped and removed at t's end.
func Start(t testing.TB) *Server { return StartWith(t, Options{}) }

// StartWith is Start with options.
func StartWith(t testing.TB, opts Options) *Server {
	t.Helper()
	bin, err := findBin()
	if err != nil {
		if os.Getenv(RequireEnv) == "1" {
			t.Fatalf("%v (%s=1 requires PostgreSQL)", err, RequireEnv)
		}
		t.Skipf("%v; skipping (set %s=1 to fail instead)", err, RequireEnv)
	}
	s := &Server{bin: bin, durable: opts.Durable}
	if os.Geteuid() == 0 {
		s.runAs = systemUser()
	}
	if err := s.init(); err != nil {
		s.remove()
		t.Fatalf("start PostgreSQL: %v", err)
	}
	t.Cleanup(func() {
		_ = s.ctl("stop", "-m", "immediate")
		s.remove()
	})
	if err := s.Start(); err != nil {
		t.Fatalf("start PostgreSQL: %v\n%s", err, s.log())
	}
	return s
}

// findBin finds the folder with initdb and pg_ctl.
func findBin() (string, error) {
	var candidates []string
	if d := os.Getenv(BinEnv); d != "" {
		candidates = append(candidates, d)
	}
	versions, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Sort(sort.Reverse(sort.StringSlice(versions)))
	candidates = append(candidates, versions...)
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		candidates = append(candidates, filepath.Dir(p))
	}
	for _, d := range candidates {
		if isFile(filepath.Join(d, "initdb")) && isFile(filepath.Join(d, "pg_ctl")) {
			return d, nil
		}
	}
	return "", errors.New("PostgreSQL server binaries (initdb, pg_ctl) not found: install them (Debian/Ubuntu: apt-get install -y postgresql-15) or point " + BinEnv + " at their folder")
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

// systemUser is who runs the server when the test runs as root.
func systemUser() string {
	if _, err := user.Lookup("postgres"); err == nil {
		return "postgres"
	}
	return "nobody"
}

// init makes the folders and runs initdb.
func (s *Server) init() error {
	root, err := os.MkdirTemp("", "devai-pg-")
	if err != nil {
		return err
	}
	s.root, s.data, s.logFile = root, filepath.Join(root, "data"), filepath.Join(root, "server.log")
	if err := os.Chmod(root, 0o755); err != nil {
		return err
	}
	if s.runAs != "" {
		u, err := user.Lookup(s.runAs)
		if err != nil {
			return err
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(root, uid, gid); err != nil {
			return fmt.Errorf("give %s to %s: %w", root, s.runAs, err)
		}
	}
	if s.Port, err = freePort(); err != nil {
		return err
	}
	s.URL = fmt.Sprintf("postgres://devai@127.0.0.1:%d/postgres?sslmode=disable", s.Port)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := s.command(ctx, "initdb", "-D", s.data, "-U", "devai", "--auth=trust", "-E", "UTF8", "--no-sync").CombinedOutput()
	if err != nil {
		return fmt.Errorf("initdb: %w\n%s", err, out)
	}
	return nil
}

// Start starts the server (again, after Stop) and waits until it accepts
// connections.
func (s *Server) Start() error {
	opts := fmt.Sprintf("-c listen_addresses=127.0.0.1 -c port=%d -c unix_socket_directories=%s -c max_connections=200", s.Port, s.root)
	if !s.durable {
		opts += " -c fsync=off"
	}
	return s.ctl("start", "-w", "-t", "60", "-l", s.logFile, "-o", opts)
}

// Stop stops the server fast (connections are cut, as when it crashes or
// is restarted by an operator).
func (s *Server) Stop() error { return s.ctl("stop", "-w", "-m", "fast") }

// Restart is pg_ctl restart.
func (s *Server) Restart() error {
	if err := s.Stop(); err != nil {
		return err
	}
	return s.Start()
}

func (s *Server) ctl(args ...string) error {
	full := append([]string{"-D", s.data}, args...)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	if out, err := s.command(ctx, "pg_ctl", full...).CombinedOutput(); err != nil {
		return fmt.Errorf("pg_ctl %s: %w\n%s", args[0], err, out)
	}
	return nil
}

// command runs one of the server's programs, as the system user when the
// test runs as root.
func (s *Server) command(ctx context.Context, prog string, args ...string) *exec.Cmd {
	path := filepath.Join(s.bin, prog)
	if s.runAs == "" {
		return exec.CommandContext(ctx, path, args...)
	}
	// setpriv, not runuser or su: where / is not searchable by others (some
	// sandboxes), the server keeps group root so it can reach its own
	// binaries; it never keeps user root, which PostgreSQL refuses.
	group := "--init-groups"
	if rootHidden() {
		group = "--clear-groups"
	}
	pre := []string{"--reuid=" + s.runAs, "--regid=" + s.runGroup(), group, path}
	return exec.CommandContext(ctx, "setpriv", append(pre, args...)...)
}

// runGroup is the group the server runs as: the system user's own, or
// root's group where / is not searchable by others.
func (s *Server) runGroup() string {
	if rootHidden() {
		return "0"
	}
	if u, err := user.Lookup(s.runAs); err == nil {
		return u.Gid
	}
	return s.runAs
}

// rootHidden reports whether / is closed to users outside group root.
func rootHidden() bool {
	st, err := os.Stat("/")
	return err == nil && st.Mode().Perm()&0o001 == 0
}

func (s *Server) log() string {
	b, _ := os.ReadFile(s.logFile)
	return strings.TrimSpace(string(b))
}

func (s *Server) remove() {
	if s.root != "" {
		_ = os.RemoveAll(s.root)
	}
}

// freePort asks the kernel for a free loopback port.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
