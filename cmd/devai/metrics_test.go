package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/devaiops/devai/memory/decisions"
	"github.com/devaiops/devai/tools/tool/tooltest"
)

// scrape reads /metrics with token ("" for none): the status and, on 200,
// the parsed families.
func scrape(t *testing.T, url, token string) (int, map[string]*dto.MetricFamily) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url+"/metrics", nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return resp.StatusCode, nil
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	return 200, fams
}

// value is the value of the series of family name whose labels include
// labels (pairs); -1 when there is none.
func metricValue(fams map[string]*dto.MetricFamily, name string, labels ...string) float64 {
	f := fams[name]
	if f == nil {
		return -1
	}
next:
	for _, m := range f.GetMetric() {
		for i := 0; i+1 < len(labels); i += 2 {
			found := false
			for _, lp := range m.GetLabel() {
				if lp.GetName() == labels[i] && lp.GetValue() == labels[i+1] {
					found = true
				}
			}
			if !found {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue()
		case m.Gauge != nil:
			return m.Gauge.GetValue()
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount())
		}
	}
	return -1
}

// TestMetricsAfterRealCalls (issue 14): after real MCP calls over HTTP,
// /metrics (behind the token) counts the requests by method and status,
// times each tool, counts tool errors by kind and decision records not
// written, and reports the index; the access log carries the request and
// session ids of each request and tool call.
func TestMetricsAfterRealCalls(t *testing.T) {
	repo := t.TempDir()
	for name, text := range map[string]string{"main.go": "package main\n\n// Checkout pays the order.\nfunc Checkout() {}\n", "README.md": "# shop\n\nCheckout pays.\n"} {
		if err := os.WriteFile(filepath.Join(repo, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	ix := openSyncedIndex(t, repo, "none")
	ts := newTeamServerOn(t, httpConfig{NamedTokens: []namedToken{{"alice", "alice-token-0123456789"}}}, ix)

	if status, _ := scrape(t, ts.URL, ""); status != 401 {
		t.Fatalf("/metrics without a token: %d, want 401", status)
	}
	if resp := post(t, ts.URL+"/mcp", nil, initBody); resp.StatusCode != 401 {
		t.Fatalf("POST without a token: %d", resp.StatusCode)
	}
	c, err := connectHTTP(t, ts.URL+"/mcp", "alice-token-0123456789", mcp.ProtocolVersion20250618)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"checkout", "pays", ""} {
		tooltest.Call(t, c, "search_context", map[string]any{"query": q})
	}
	_ = ts.dlog.Close() // the next record cannot be written
	tooltest.Call(t, c, "search_context", map[string]any{"query": "order"})

	// A request is counted when its handler returns, which may be a moment
	// after its client has the answer: scrape until the last call counts.
	var fams map[string]*dto.MetricFamily
	deadline := time.Now().Add(2 * time.Second)
	for {
		var status int
		status, fams = scrape(t, ts.URL, "alice-token-0123456789")
		if status != 200 {
			t.Fatalf("/metrics with the token: %d", status)
		}
		if metricValue(fams, "devai_http_requests_total", "method", "POST", "code", "200") >= 5 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, tt := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"devai_http_requests_total", []string{"method", "POST", "code", "401"}, 1},
		{"devai_http_requests_total", []string{"method", "GET", "code", "401"}, 1},
		{"devai_mcp_requests_total", []string{"method", "initialize", "outcome", "ok"}, 1},
		{"devai_mcp_requests_total", []string{"method", "tools/call", "outcome", "ok"}, 4},
		{"devai_tool_call_duration_seconds", []string{"tool", "search_context"}, 4},
		{"devai_tool_errors_total", []string{"tool", "search_context", "kind", "input"}, 1},
		{"devai_decision_append_errors_total", nil, 1},
		{"devai_index_ready", nil, 1},
		{"devai_index_documents", nil, 2},
	} {
		if got := metricValue(fams, tt.name, tt.labels...); got != tt.want {
			t.Errorf("%s%v = %v, want %v", tt.name, tt.labels, got, tt.want)
		}
	}
	if got := metricValue(fams, "devai_http_requests_total", "method", "POST", "code", "200"); got != 5 {
		t.Errorf("POST 200 = %v, want 5 (initialize and 4 calls)", got)
	}
	if got := metricValue(fams, "devai_http_requests_total", "method", "POST", "code", "202"); got != 1 {
		t.Errorf("POST 202 = %v, want 1 (notifications/initialized)", got)
	}
	if got := metricValue(fams, "devai_index_last_sync_timestamp_seconds"); got <= 0 {
		t.Errorf("last sync = %v", got)
	}
	if metricValue(fams, "go_goroutines") < 0 || metricValue(fams, "process_start_time_seconds") < 0 {
		t.Error("no Go runtime or process series")
	}

	log := ts.access.String()
	session := c.GetSessionId()
	toolLine := regexp.MustCompile(`tool call: tool=search_context outcome=ok took=\S+ request_id=[0-9a-f]{16} session=` + regexp.QuoteMeta(session) + ` caller=alice via=token`)
	if session == "" || !toolLine.MatchString(log) {
		t.Errorf("no tool-call line with request and session ids (session %q) in:\n%s", session, log)
	}
	if !strings.Contains(log, "http request: method=POST path=/mcp status=200") || !strings.Contains(log, "session="+session) {
		t.Errorf("no http request line with the session in:\n%s", log)
	}
}

// TestMetricsPublicAndRequestID: --metrics-public serves /metrics without
// a token; a plain X-Request-Id of the client is kept, any other replaced.
func TestMetricsPublicAndRequestID(t *testing.T) {
	ts := newTeamServer(t, httpConfig{MetricsPublic: true, NamedTokens: []namedToken{{"alice", "alice-token-0123456789"}}})
	if status, fams := scrape(t, ts.URL, ""); status != 200 || metricValue(fams, "devai_index_ready") != 0 {
		t.Errorf("public /metrics: %d", status)
	}
	for _, tt := range []struct{ sent, want string }{
		{"lb-1234.abc", "lb-1234.abc"},
		{"bad id with spaces", ""},
	} {
		resp := post(t, ts.URL+"/mcp", map[string]string{requestIDHeader: tt.sent}, initBody)
		got := resp.Header.Get(requestIDHeader)
		if tt.want != "" && got != tt.want || tt.want == "" && (got == tt.sent || len(got) != 16) {
			t.Errorf("sent %q: X-Request-Id %q", tt.sent, got)
		}
	}
}

// TestServeHTTPWiresCallersAndMetrics runs `devai serve --http` itself
// with a named token file: the call's decision record names the token's
// holder and /metrics, behind the token, counts the call.
func TestServeHTTPWiresCallersAndMetrics(t *testing.T) {
	repo, state := t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(repo, "main.go"), []byte("package main\n\nfunc main() {}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tokens := filepath.Join(t.TempDir(), "tokens")
	if err := os.WriteFile(tokens, []byte("# team\ncarol: carol-token-0123456789\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := parseServe(t, []string{"--http", "127.0.0.1:0", "--repo", repo, "--state-dir", state, "--embedder", "none", "--no-watch", "--auth-token-file", tokens})
	ctx, cancel := context.WithCancel(context.Background())
	addrs := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() {
		done <- runServe(ctx, cfg, strings.NewReader(""), io.Discard, io.Discard, func(a net.Addr) { addrs <- a })
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	var url string
	select {
	case a := <-addrs:
		url = "http://" + a.String()
	case err := <-done:
		t.Fatalf("serve stopped: %v", err)
	}
	c, err := connectHTTP(t, url+"/mcp", "carol-token-0123456789", mcp.ProtocolVersion20251125)
	if err != nil {
		t.Fatal(err)
	}
	tooltest.Call(t, c, "search_context", map[string]any{"query": "main"})
	status, fams := scrape(t, url, "carol-token-0123456789")
	if status != 200 || metricValue(fams, "devai_tool_call_duration_seconds", "tool", "search_context") != 1 {
		t.Errorf("/metrics: %d, search_context calls %v", status, metricValue(fams, "devai_tool_call_duration_seconds", "tool", "search_context"))
	}
	recs, err := decisions.List(decisions.Dir(state), decisions.Filter{})
	if err != nil || len(recs) != 1 || recs[0].Caller == nil || *recs[0].Caller != (decisions.Caller{Name: "carol", Via: decisions.ViaToken}) {
		t.Fatalf("decision records: %v %+v", err, recs)
	}
}
