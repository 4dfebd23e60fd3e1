package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/hashicorp/go-hclog"
)

// The Go datasets log through the real libraries (log/slog's JSON and text
// handlers, go-hclog, the standard log package) from known call sites with
// varying parameters. Each call site's label is its name here: the ground
// truth is the call site, not what the output looks like.

// labelled is a generated log and one label per line of it.
type labelled struct {
	log    bytes.Buffer
	labels []string
}

// emit runs one call site's logging and labels every line it wrote.
func (l *labelled) emit(label string, write func()) {
	before := bytes.Count(l.log.Bytes(), []byte("\n"))
	write()
	after := bytes.Count(l.log.Bytes(), []byte("\n"))
	for range after - before {
		l.labels = append(l.labels, label)
	}
}

var (
	names   = []string{"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "oscar", "peggy", "trent", "victor", "walter"}
	queues  = []string{"default", "emails", "billing", "reports"}
	tables  = []string{"orders", "customers", "line_items", "invoices", "shipments"}
	ops     = []string{"charge", "refund", "notify", "reserve"}
	reasons = []string{"insufficient_funds", "card_expired", "do_not_honor", "fraud_suspected"}
)

type gen struct{ r *rand.Rand }

func (g gen) pick(xs []string) string { return xs[g.r.IntN(len(xs))] }
func (g gen) ip() string {
	return fmt.Sprintf("10.%d.%d.%d", g.r.IntN(256), g.r.IntN(256), 1+g.r.IntN(254))
}
func (g gen) dur() time.Duration { return time.Duration(g.r.Int64N(int64(3 * time.Second))) }
func (g gen) hex(n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[g.r.IntN(16)]
	}
	return string(b)
}
func (g gen) uuid() string {
	h := g.hex(32)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
func (g gen) path() string {
	return fmt.Sprintf("/data/in/%s/%d/part-%05d.csv", g.pick(tables), 2020+g.r.IntN(7), g.r.IntN(2000))
}

// callSite is one logging statement of a generated program.
type callSite struct {
	name   string
	weight int
	write  func(g gen)
}

// drive calls the sites n times, weighted, and labels the lines.
func drive(out *labelled, seed uint64, n int, sites []callSite) {
	g := gen{rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	total := 0
	for _, s := range sites {
		total += s.weight
	}
	for out.lines() < n {
		k := g.r.IntN(total)
		for _, s := range sites {
			if k < s.weight {
				out.emit(s.name, func() { s.write(g) })
				break
			}
			k -= s.weight
		}
	}
}

func (l *labelled) lines() int { return len(l.labels) }

// slogSites are an orders service's call sites: constant messages with
// attributes, and messages formatted with fmt.Sprintf, as real code mixes.
func slogSites(lg *slog.Logger) []callSite {
	return []callSite{
		{"order created", 12, func(g gen) {
			lg.Info("order created", "order_id", fmt.Sprintf("ord-%d", 1000+g.r.IntN(90000)), "user", g.pick(names), "amount", float64(g.r.IntN(100000))/100, "items", 1+g.r.IntN(9))
		}},
		{"payment declined", 4, func(g gen) {
			lg.Warn("payment declined", "order_id", fmt.Sprintf("ord-%d", 1000+g.r.IntN(90000)), "reason", g.pick(reasons), "card", fmt.Sprintf("****%04d", g.r.IntN(10000)))
		}},
		{"cache miss", 8, func(g gen) {
			lg.Debug(fmt.Sprintf("cache miss for key user:%d:cart", g.r.IntN(5000)))
		}},
		{"retrying", 5, func(g gen) {
			lg.Warn(fmt.Sprintf("retrying %s after %v (attempt %d/%d)", g.pick(ops), g.dur(), 1+g.r.IntN(5), 5))
		}},
		{"request served", 15, func(g gen) {
			lg.Info("request served", "method", []string{"GET", "POST", "PUT"}[g.r.IntN(3)], "path", fmt.Sprintf("/v1/orders/%d", g.r.IntN(9999)), "status", []int{200, 201, 404, 500}[g.r.IntN(4)], "duration", g.dur())
		}},
		{"signed in", 6, func(g gen) {
			lg.Info(fmt.Sprintf("user %s signed in from %s", g.pick(names), g.ip()))
		}},
		{"worker picked job", 7, func(g gen) {
			lg.Info(fmt.Sprintf("worker %d picked job %s from queue %s", g.r.IntN(16), g.uuid(), g.pick(queues)))
		}},
		{"db error", 2, func(g gen) {
			err := fmt.Errorf("insert into %s: %w", g.pick(tables), errors.New("pq: deadlock detected"))
			lg.Error("transaction rolled back", "err", err, "tx", g.hex(12))
		}},
		{"config reloaded", 1, func(g gen) {
			lg.Info("config reloaded", "version", g.hex(40), "changed_keys", g.r.IntN(12))
		}},
		{"stock low", 3, func(g gen) {
			lg.Warn(fmt.Sprintf("stock for sku %s-%04d is low: %d left", strings.ToUpper(g.hex(3)), g.r.IntN(10000), g.r.IntN(5)))
		}},
	}
}

// gatewaySites are an auth gateway's call sites, logged with slog's text
// handler (logfmt).
func gatewaySites(lg *slog.Logger) []callSite {
	return []callSite{
		{"token issued", 12, func(g gen) {
			lg.Info("token issued", "sub", g.pick(names), "scope", []string{"read", "read write", "admin"}[g.r.IntN(3)], "ttl", time.Duration(g.r.IntN(24)+1)*time.Hour)
		}},
		{"token rejected", 6, func(g gen) {
			lg.Warn("token rejected", "reason", []string{"expired", "bad_signature", "revoked"}[g.r.IntN(3)], "sub", g.pick(names), "kid", g.hex(16))
		}},
		{"upstream error", 3, func(g gen) {
			addr := fmt.Sprintf("%s:%d", g.ip(), 8000+g.r.IntN(100))
			lg.Error("upstream error", "upstream", addr, "err", fmt.Sprintf("dial tcp %s: connect: connection refused", addr))
		}},
		{"rate limit", 5, func(g gen) {
			lg.Warn(fmt.Sprintf("rate limit exceeded for %s", g.ip()), "limit", 100*(1+g.r.IntN(5)), "window", "1m0s")
		}},
		{"session started", 10, func(g gen) {
			lg.Info("session started", "sid", g.hex(24), "user", g.pick(names), "remote", g.ip())
		}},
		{"health check", 8, func(g gen) {
			lg.Debug("health check", "status", "ok", "latency", time.Duration(g.r.IntN(5000))*time.Microsecond)
		}},
		{"loaded routes", 1, func(g gen) {
			lg.Info(fmt.Sprintf("loaded %d routes from %s", 10+g.r.IntN(90), "/etc/gateway/routes.yaml"))
		}},
		{"proxy request", 15, func(g gen) {
			lg.Info("proxied", "method", []string{"GET", "POST", "DELETE"}[g.r.IntN(3)], "route", []string{"/api/users/{id}", "/api/orders", "/api/search"}[g.r.IntN(3)], "status", []int{200, 204, 401, 502}[g.r.IntN(4)], "bytes", g.r.IntN(100000), "took", g.dur())
		}},
	}
}

// hclogSites are a scheduler's call sites, with named sub-loggers as
// HashiCorp tools write them.
func hclogSites(lg hclog.Logger) []callSite {
	raft := lg.Named("raft")
	worker := lg.Named("worker")
	return []callSite{
		{"task started", 14, func(g gen) {
			worker.Info("task started", "task_id", g.uuid(), "attempt", 1+g.r.IntN(3))
		}},
		{"task deadline", 4, func(g gen) {
			worker.Warn("task exceeded deadline", "task_id", g.uuid(), "deadline", 30*time.Second, "elapsed", 30*time.Second+g.dur())
		}},
		{"task failed", 4, func(g gen) {
			worker.Error("task failed", "task_id", g.uuid(), "error", fmt.Sprintf("exit status %d", 1+g.r.IntN(127)))
		}},
		{"heartbeat", 10, func(g gen) {
			lg.Debug("heartbeat", "node", fmt.Sprintf("node-%d", g.r.IntN(7)), "load", float64(g.r.IntN(400))/100)
		}},
		{"candidate", 2, func(g gen) {
			raft.Info("entering candidate state", "node", fmt.Sprintf("node-%d", g.r.IntN(7)), "term", 10+g.r.IntN(200))
		}},
		{"election won", 2, func(g gen) {
			raft.Info("election won", "tally", 2+g.r.IntN(3), "term", 10+g.r.IntN(200))
		}},
		{"evicted", 5, func(g gen) {
			lg.Info(fmt.Sprintf("evicted %d entries from cache %s", g.r.IntN(5000), g.pick([]string{"plans", "allocs", "nodes"})))
		}},
		{"rpc error", 3, func(g gen) {
			raft.Error("failed to appendEntries to", "peer", fmt.Sprintf("%s:8300", g.ip()), "error", "i/o timeout")
		}},
		{"snapshot", 1, func(g gen) {
			raft.Info("snapshot complete", "index", g.r.IntN(1e6), "duration", g.dur())
		}},
	}
}

// batchSites are a batch job's call sites with the standard log package.
func batchSites(lg *log.Logger) []callSite {
	return []callSite{
		{"processing file", 12, func(g gen) { lg.Printf("processing file %s (%d bytes)", g.path(), g.r.IntN(1<<24)) }},
		{"imported rows", 10, func(g gen) {
			lg.Printf("imported %d rows into %s in %v", g.r.IntN(100000), g.pick(tables), g.dur())
		}},
		{"skipping row", 6, func(g gen) {
			lg.Printf("skipping row %d: invalid %s %q", g.r.IntN(100000), g.pick([]string{"email", "date", "amount"}), g.pick([]string{"n/a", "31/02/2024", "-", "twelve", ""}))
		}},
		{"checksum mismatch", 2, func(g gen) {
			lg.Printf("checksum mismatch for %s: want %s got %s", g.path(), g.hex(16), g.hex(16))
		}},
		{"connecting", 3, func(g gen) {
			lg.Printf("connecting to postgres://%s:5432/warehouse as %s", g.ip(), g.pick(names))
		}},
		{"batch done", 2, func(g gen) { lg.Printf("batch %d done: %d files, %d errors", g.r.IntN(500), g.r.IntN(50), g.r.IntN(4)) }},
		{"long line", 2, func(g gen) {
			ids := make([]string, 8+g.r.IntN(8))
			for i := range ids {
				ids[i] = fmt.Sprint(g.r.IntN(1e6))
			}
			lg.Printf("retry queue holds %d ids: %s", len(ids), strings.Join(ids, ","))
		}},
	}
}

// buildSlogJSON, buildSlogText, buildHclog and buildBatch produce the Go
// datasets.
func buildSlogJSON(seed uint64, n int) *labelled {
	out := &labelled{}
	lg := slog.New(slog.NewJSONHandler(&out.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	drive(out, seed, n, slogSites(lg))
	return out
}

func buildSlogText(seed uint64, n int) *labelled {
	out := &labelled{}
	lg := slog.New(slog.NewTextHandler(&out.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	drive(out, seed, n, gatewaySites(lg))
	return out
}

func buildHclog(seed uint64, n int) *labelled {
	out := &labelled{}
	lg := hclog.New(&hclog.LoggerOptions{Name: "scheduler", Level: hclog.Debug, Output: &out.log, TimeFormat: "2006-01-02T15:04:05.000Z0700"})
	drive(out, seed, n, hclogSites(lg))
	return out
}

// buildBatchCRI runs the batch job "in a pod": its standard-log output is
// wrapped in the CRI container log format, lines over 120 bytes split into
// partial (P) lines as the kubelet does with its buffer.
func buildBatchCRI(seed uint64, n int) *labelled {
	raw := &labelled{}
	lg := log.New(&raw.log, "batch: ", log.LstdFlags|log.Lmicroseconds)
	drive(raw, seed, n, batchSites(lg))
	out := &labelled{}
	at := time.Date(2026, 11, 23, 21, 0, 0, 0, time.UTC)
	for i, line := range strings.Split(strings.TrimSuffix(raw.log.String(), "\n"), "\n") {
		at = at.Add(time.Duration(1+i%7) * 1370 * time.Microsecond)
		stream := "stdout"
		if strings.Contains(line, "invalid") || strings.Contains(line, "mismatch") {
			stream = "stderr"
		}
		for len(line) > 120 {
			fmt.Fprintf(&out.log, "%s %s P %s\n", at.Format(time.RFC3339Nano), stream, line[:120])
			out.labels = append(out.labels, raw.labels[i])
			line = line[120:]
		}
		fmt.Fprintf(&out.log, "%s %s F %s\n", at.Format(time.RFC3339Nano), stream, line)
		out.labels = append(out.labels, raw.labels[i])
	}
	return out
}

var _ io.Writer = (*bytes.Buffer)(nil)
