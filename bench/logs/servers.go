package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// The server datasets come from real programs on this machine: dpkg's own
// log, a PostgreSQL server driven by psql, nginx driven over 127.0.0.1, and
// a Python program using the logging module. Their labels come from the
// programs' format strings (a table of patterns per program, below) or, for
// nginx's access log, from the request the client made.

// buildDpkg takes n lines of /var/log/dpkg.log. dpkg writes "startup %s %s",
// "status %s %s %s", "%s %s %s %s" (install, upgrade, configure, trigproc,
// remove, purge) and "conffile %s %s"; the label is the action and, for
// startup and status lines, the enumerated word that names the event
// (status installed, startup archives unpack), as loghub's annotators keep
// event-type words.
func buildDpkg(path string, from, n int) (*labelled, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read dpkg log: %w", err)
	}
	defer f.Close()
	out := &labelled{}
	sc := bufio.NewScanner(f)
	for i := 0; sc.Scan() && out.lines() < n; i++ {
		if i < from {
			continue
		}
		line := sc.Text()
		w := strings.Fields(line)
		if len(w) < 4 {
			continue
		}
		label := w[2]
		switch w[2] {
		case "status":
			label += " " + w[3]
		case "startup":
			label += " " + strings.Join(w[3:], " ")
		}
		out.log.WriteString(line + "\n")
		out.labels = append(out.labels, label)
	}
	return out, sc.Err()
}

// pgPatterns label PostgreSQL 15 server lines (after the "%m [%p] " prefix)
// by the server's format strings; STATEMENT lines by the client's statement
// template, since the server's format there is only "STATEMENT:  %s".
var pgPatterns = []struct {
	label string
	re    *regexp.Regexp
}{
	{"conn received", regexp.MustCompile(`^LOG:  connection received: host=\S+ port=\d+$`)},
	{"conn authorized", regexp.MustCompile(`^LOG:  connection authorized: user=\S+ database=\S+`)},
	{"disconnection", regexp.MustCompile(`^LOG:  disconnection: session time: \S+ user=\S+ database=\S+ host=\S+ port=\d+$`)},
	{"dup key", regexp.MustCompile(`^ERROR:  duplicate key value violates unique constraint "\w+"$`)},
	{"dup key detail", regexp.MustCompile(`^DETAIL:  Key \(id\)=\(\d+\) already exists\.$`)},
	{"no relation", regexp.MustCompile(`^ERROR:  relation "\w+" does not exist at character \d+$`)},
	{"div by zero", regexp.MustCompile(`^ERROR:  division by zero$`)},
	{"no role", regexp.MustCompile(`^FATAL:  role "\w+" does not exist$`)},
	{"no database", regexp.MustCompile(`^FATAL:  database "\w+" does not exist$`)},
	{"checkpoint starting", regexp.MustCompile(`^LOG:  checkpoint starting: `)},
	{"checkpoint complete", regexp.MustCompile(`^LOG:  checkpoint complete: wrote \d+ buffers`)},
	{"temp file", regexp.MustCompile(`^LOG:  temporary file: path "[^"]+", size \d+$`)},
	{"duration sleep", regexp.MustCompile(`^LOG:  duration: [\d.]+ ms  statement: select pg_sleep`)},
	{"duration checkpoint", regexp.MustCompile(`^LOG:  duration: [\d.]+ ms  statement: checkpoint$`)},
	{"duration sort", regexp.MustCompile(`^LOG:  duration: [\d.]+ ms  statement: select g from generate_series`)},
	{"duration insert", regexp.MustCompile(`^LOG:  duration: [\d.]+ ms  statement: insert into items`)},
	{"duration raise", regexp.MustCompile(`^LOG:  duration: [\d.]+ ms  statement: do \$\$ begin raise warning`)},
	{"duration select missing", regexp.MustCompile(`^LOG:  duration: [\d.]+ ms  statement: select \* from`)},
	{"duration div", regexp.MustCompile(`^LOG:  duration: [\d.]+ ms  statement: select \d+ / `)},
	{"duration other", regexp.MustCompile(`^LOG:  duration: [\d.]+ ms  statement: select 1$`)},
	{"duration create", regexp.MustCompile(`^LOG:  duration: [\d.]+ ms  statement: create table`)},
	{"raise warning", regexp.MustCompile(`^WARNING:  low stock for item \d+ in \w+$`)},
	{"raise context", regexp.MustCompile(`^CONTEXT:  PL/pgSQL function inline_code_block line \d+ at RAISE$`)},
	{"stmt insert", regexp.MustCompile(`^STATEMENT:  insert into items values`)},
	{"stmt select missing", regexp.MustCompile(`^STATEMENT:  select \* from \w+ where id = \d+$`)},
	{"stmt div", regexp.MustCompile(`^STATEMENT:  select \d+ / \(\d+ - \d+\)$`)},
	{"stmt sort", regexp.MustCompile(`^STATEMENT:  select g from generate_series`)},
	{"starting", regexp.MustCompile(`^LOG:  starting PostgreSQL`)},
	{"listening ipv4", regexp.MustCompile(`^LOG:  listening on IPv4 address "[^"]+", port \d+$`)},
	{"listening unix", regexp.MustCompile(`^LOG:  listening on Unix socket "[^"]+"$`)},
	{"shut down at", regexp.MustCompile(`^LOG:  database system was shut down at `)},
	{"ready", regexp.MustCompile(`^LOG:  database system is ready to accept connections$`)},
	{"shutdown request", regexp.MustCompile(`^LOG:  received \w+ shutdown request$`)},
	{"aborting", regexp.MustCompile(`^LOG:  aborting any active transactions$`)},
	{"bgworker exited", regexp.MustCompile(`^LOG:  background worker ".+" \(PID \d+\) exited with exit code \d+$`)},
	{"shutting down", regexp.MustCompile(`^LOG:  shutting down$`)},
	{"is shut down", regexp.MustCompile(`^LOG:  database system is shut down$`)},
}

var pgPrefix = regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \w+ \[\d+\] (?:\w+@\w+ )?`)

// buildPostgres starts a throwaway PostgreSQL cluster (as the postgres
// user), runs a random psql workload against it over TCP, stops it, and
// labels its log.
func buildPostgres(ctx context.Context, seed uint64, n int) (*labelled, error) {
	dir, err := os.MkdirTemp("", "pglabel")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	if err := os.Chmod(dir, 0o777); err != nil {
		return nil, err
	}
	data, logf := filepath.Join(dir, "data"), filepath.Join(dir, "pg.log")
	asPG := func(name string, args ...string) error {
		cmd := exec.CommandContext(ctx, "runuser", append([]string{"-u", "postgres", "--", name}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("%s %v: %w: %s", name, args, err, out)
		}
		return nil
	}
	if err := asPG("initdb", "-A", "trust", "-D", data); err != nil {
		return nil, err
	}
	port := freePort()
	opts := fmt.Sprintf("-p %d -k %s -c log_connections=on -c log_disconnections=on -c log_checkpoints=on -c log_temp_files=0 -c work_mem=64kB -c log_min_duration_statement=40 -c listen_addresses=127.0.0.1", port, dir)
	if err := asPG("pg_ctl", "-D", data, "-l", logf, "-o", opts, "-w", "start"); err != nil {
		return nil, err
	}
	stopped := false
	stop := func() error {
		if stopped {
			return nil
		}
		stopped = true
		return asPG("pg_ctl", "-D", data, "-m", "fast", "-w", "stop")
	}
	defer stop()
	psql := func(user, db, sql string) {
		exec.CommandContext(ctx, "psql", "-h", "127.0.0.1", "-p", fmt.Sprint(port), "-U", user, "-d", db, "-q", "-c", sql).Run() // errors are the point
	}
	psql("postgres", "postgres", "create table items (id int primary key, name text)")
	g := gen{rand.New(rand.NewPCG(seed, 7))}
	for lines := 0; lines < n; lines = countLines(logf) {
		switch k := g.r.IntN(20); {
		case k < 6:
			psql("postgres", "postgres", fmt.Sprintf("insert into items values (%d, '%s')", g.r.IntN(300), g.pick(names)))
		case k < 9:
			psql("postgres", "postgres", fmt.Sprintf("select * from %s where id = %d", g.pick([]string{"orders", "customer", "invoice_lines"}), g.r.IntN(1000)))
		case k < 11:
			a := g.r.IntN(50)
			psql("postgres", "postgres", fmt.Sprintf("select %d / (%d - %d)", g.r.IntN(100), a, a))
		case k < 12:
			psql(g.pick([]string{"nobody", "admin", "report"}), "postgres", "select 1")
		case k < 13:
			psql("postgres", g.pick([]string{"shop", "analytics", "legacy"}), "select 1")
		case k < 14:
			psql("postgres", "postgres", "checkpoint")
		case k < 16:
			psql("postgres", "postgres", fmt.Sprintf("select g from generate_series(1, %d) g order by g desc limit 1", 20000+g.r.IntN(50000)))
		case k < 18:
			psql("postgres", "postgres", fmt.Sprintf("select pg_sleep(0.0%d)", 4+g.r.IntN(5)))
		default:
			psql("postgres", "postgres", fmt.Sprintf("do $$ begin raise warning 'low stock for item %% in %%', %d, '%s'; end $$", g.r.IntN(900), g.pick(tables)))
		}
	}
	if err := stop(); err != nil {
		return nil, err
	}
	raw, err := os.ReadFile(logf)
	if err != nil {
		return nil, err
	}
	out := &labelled{}
	var unknown []string
	for _, line := range strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n") {
		body := pgPrefix.ReplaceAllString(line, "")
		label := ""
		for _, p := range pgPatterns {
			if p.re.MatchString(body) {
				label = p.label
				break
			}
		}
		if label == "" {
			unknown = append(unknown, line)
			continue
		}
		out.log.WriteString(line + "\n")
		out.labels = append(out.labels, label)
	}
	if len(unknown) > 0 {
		return nil, fmt.Errorf("postgres: %d lines match no format string:\n%s", len(unknown), strings.Join(unknown, "\n"))
	}
	return out, nil
}

func countLines(path string) int {
	b, _ := os.ReadFile(path)
	return strings.Count(string(b), "\n")
}

func freePort() int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 54329
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// buildNginx runs nginx on 127.0.0.1 with a static root, a dead upstream
// and a redirect, sends it random requests, and returns its access log
// (labelled by route and status class of the request sent) and its error
// log (labelled by nginx's format strings).
func buildNginx(ctx context.Context, seed uint64, n int) (access, errs *labelled, err error) {
	dir, err := os.MkdirTemp("", "nginxlabel")
	if err != nil {
		return nil, nil, err
	}
	defer os.RemoveAll(dir)
	os.Chmod(dir, 0o755)
	root := filepath.Join(dir, "www")
	os.MkdirAll(filepath.Join(root, "static"), 0o755)
	for i := range 40 {
		os.WriteFile(filepath.Join(root, "static", fmt.Sprintf("app-%d.css", i)), []byte(strings.Repeat("x", 100+i*37)), 0o644)
	}
	port, dead := freePort(), freePort()
	conf := fmt.Sprintf(`daemon off; pid %[1]s/nginx.pid; error_log %[1]s/error.log info;
events {}
http {
  access_log %[1]s/access.log combined;
  client_body_temp_path %[1]s; proxy_temp_path %[1]s; fastcgi_temp_path %[1]s; uwsgi_temp_path %[1]s; scgi_temp_path %[1]s;
  server {
    listen 127.0.0.1:%[2]d; server_name localhost; root %[3]s;
    location /static/ { }
    location /api/ { proxy_pass http://127.0.0.1:%[4]d; }
    location /old/ { return 301 /static/; }
    location = /healthz { return 204; }
  }
}
`, dir, port, root, dead)
	confPath := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		return nil, nil, err
	}
	cmd := exec.CommandContext(ctx, "nginx", "-c", confPath, "-e", filepath.Join(dir, "error.log"))
	if err := cmd.Start(); err != nil {
		return nil, nil, fmt.Errorf("start nginx: %w", err)
	}
	defer func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() }()
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	for i := 0; ; i++ {
		if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port)); err == nil {
			c.Close()
			break
		}
		if i > 100 {
			return nil, nil, fmt.Errorf("nginx did not listen on %d", port)
		}
		time.Sleep(50 * time.Millisecond)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	agents := []string{"curl/7.88.1", "Go-http-client/1.1", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", "python-requests/2.31.0", "kube-probe/1.30"}
	g := gen{rand.New(rand.NewPCG(seed, 11))}
	access = &labelled{}
	for range n {
		var method, path, label string
		switch k := g.r.IntN(20); {
		case k < 7:
			method, path, label = "GET", fmt.Sprintf("/static/app-%d.css", g.r.IntN(40)), "GET /static/{file} 2xx"
		case k < 10:
			method, path, label = "GET", fmt.Sprintf("/static/img/%s.png", g.hex(8)), "GET /static/{missing} 4xx"
		case k < 13:
			method, path, label = g.pick([]string{"GET", "POST"}), fmt.Sprintf("/api/orders/%d", g.r.IntN(1e5)), ""
			label = method + " /api/orders/{id} 5xx"
		case k < 15:
			method, path, label = "GET", fmt.Sprintf("/old/page%d.html", g.r.IntN(100)), "GET /old/{page} 3xx"
		case k < 18:
			method, path, label = "GET", "/healthz", "GET /healthz 2xx"
		default:
			method, path, label = "GET", fmt.Sprintf("/static/app-%d.css?v=%s", g.r.IntN(40), g.hex(6)), "GET /static/{file} 2xx"
		}
		req, _ := http.NewRequestWithContext(ctx, method, base+path, nil)
		req.Header.Set("User-Agent", g.pick(agents))
		if g.r.IntN(3) == 0 {
			req.Header.Set("Referer", base+"/static/")
		}
		resp, err := client.Do(req)
		if err != nil {
			return nil, nil, fmt.Errorf("request nginx: %w", err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		access.labels = append(access.labels, label)
	}
	cmd.Process.Signal(os.Interrupt)
	cmd.Wait()
	raw, err := os.ReadFile(filepath.Join(dir, "access.log"))
	if err != nil {
		return nil, nil, err
	}
	access.log.Write(raw)
	if got := strings.Count(string(raw), "\n"); got != len(access.labels) {
		return nil, nil, fmt.Errorf("nginx wrote %d access lines for %d requests", got, len(access.labels))
	}
	raw, err = os.ReadFile(filepath.Join(dir, "error.log"))
	if err != nil {
		return nil, nil, err
	}
	errs, err = labelByPatterns(string(raw), nginxErrPatterns)
	return access, errs, err
}

// nginxErrPatterns are nginx 1.22's error-log format strings met here.
var nginxErrPatterns = []struct {
	label string
	re    *regexp.Regexp
}{
	{"open failed", regexp.MustCompile(`\[error\] \d+#\d+: \*\d+ open\(\) "[^"]+" failed \(2: No such file or directory\), client: `)},
	{"connect refused", regexp.MustCompile(`\[error\] \d+#\d+: \*\d+ connect\(\) failed \(111: Connection refused\) while connecting to upstream, client: `)},
	{"closed waiting", regexp.MustCompile(`\[info\] \d+#\d+: \*\d+ client closed connection while waiting for request, client: \S+, server: \S+$`)},
	{"keepalive closed", regexp.MustCompile(`\[info\] \d+#\d+: \*\d+ client \S+ closed keepalive connection$`)},
	{"signal received from", regexp.MustCompile(`\[notice\] \d+#\d+: signal \d+ \(\w+\) received from \d+$`)},
	{"signal received exiting", regexp.MustCompile(`\[notice\] \d+#\d+: signal \d+ \(\w+\) received from \d+, exiting$`)},
	{"signal received", regexp.MustCompile(`\[notice\] \d+#\d+: signal \d+ \(\w+\) received$`)},
	{"exiting", regexp.MustCompile(`\[notice\] \d+#\d+: exiting$`)},
	{"exit", regexp.MustCompile(`\[notice\] \d+#\d+: exit$`)},
	{"using method", regexp.MustCompile(`\[notice\] \d+#\d+: using the "\w+" event method$`)},
	{"version", regexp.MustCompile(`\[notice\] \d+#\d+: nginx/[\d.]+$`)},
	{"built by", regexp.MustCompile(`\[notice\] \d+#\d+: built (?:by|with) `)},
	{"os", regexp.MustCompile(`\[notice\] \d+#\d+: OS: `)},
	{"rlimit", regexp.MustCompile(`\[notice\] \d+#\d+: getrlimit\(RLIMIT_NOFILE\): \d+:\d+$`)},
	{"start worker processes", regexp.MustCompile(`\[notice\] \d+#\d+: start worker processes$`)},
	{"start worker process", regexp.MustCompile(`\[notice\] \d+#\d+: start worker process \d+$`)},
	{"worker exited", regexp.MustCompile(`\[notice\] \d+#\d+: worker process \d+ exited with code \d+$`)},
}

func labelByPatterns(raw string, pats []struct {
	label string
	re    *regexp.Regexp
}) (*labelled, error) {
	out := &labelled{}
	for _, line := range strings.Split(strings.TrimSuffix(raw, "\n"), "\n") {
		label := ""
		for _, p := range pats {
			if p.re.MatchString(line) {
				label = p.label
				break
			}
		}
		if label == "" {
			return nil, fmt.Errorf("no format string matches %q", line)
		}
		out.log.WriteString(line + "\n")
		out.labels = append(out.labels, label)
	}
	return out, nil
}

// buildPython runs pylog.py (next to this file) with python3.
func buildPython(ctx context.Context, script string, seed uint64, n int) (*labelled, error) {
	dir, err := os.MkdirTemp("", "pylabel")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	logf, labf := filepath.Join(dir, "py.log"), filepath.Join(dir, "py.labels")
	if out, err := exec.CommandContext(ctx, "python3", script, fmt.Sprint(seed), fmt.Sprint(n), logf, labf).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("python3 %s: %w: %s", script, err, out)
	}
	raw, err := os.ReadFile(logf)
	if err != nil {
		return nil, err
	}
	labels, err := os.ReadFile(labf)
	if err != nil {
		return nil, err
	}
	out := &labelled{labels: strings.Split(strings.TrimSuffix(string(labels), "\n"), "\n")}
	out.log.Write(raw)
	return out, nil
}
