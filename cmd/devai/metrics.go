package main

// This file is how `devai serve --http` is operated: Prometheus metrics at
// /metrics (one registry per server, no global state), and a log line with
// a request id and the MCP session id for each HTTP request and tool call.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"regexp"
	"strconv"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/decisions"
)

// metrics are the series of one server.
type metrics struct {
	reg          *prometheus.Registry
	httpRequests *prometheus.CounterVec   // by HTTP method and status code
	mcpRequests  *prometheus.CounterVec   // by MCP method and outcome
	toolSeconds  *prometheus.HistogramVec // by tool
	toolErrors   *prometheus.CounterVec   // by tool and kind
	appendErrors prometheus.Counter       // decision records not written
}

// toolBuckets span a cached search (milliseconds) to a proposal that builds
// and tests (minutes).
var toolBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120, 300}

// newMetrics registers devai's series, the index's state (read from ix at
// each scrape; ix may be nil) and the Go runtime's and the process's.
func newMetrics(ix *memory.Index) *metrics {
	m := newServerMetrics()
	m.registerRepoSeries(m.reg, ix)
	return m
}

// newServerMetrics registers the series of the listener and the process:
// HTTP requests, the Go runtime's and the process's. A server of one
// repository adds that repository's series beside them (newMetrics); a
// server of several adds each repository's under a repo label (forRepo).
func newServerMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "devai_http_requests_total", Help: "HTTP requests answered, by method and status code.",
		}, []string{"method", "code"}),
	}
	m.reg.MustRegister(m.httpRequests, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// forRepo registers the series of repository name of a server of several
// in the server's registry, each with the label repo="name": one scrape of
// /metrics shows every repository, and sum without (repo) the server.
func (m *metrics) forRepo(name string, ix *memory.Index) *metrics {
	r := &metrics{reg: m.reg, httpRequests: m.httpRequests}
	r.registerRepoSeries(prometheus.WrapRegistererWith(prometheus.Labels{"repo": name}, m.reg), ix)
	return r
}

// registerRepoSeries makes and registers in reg the series of one
// repository's MCP server: requests, tool calls and their errors, decision
// records lost, and its index's state.
func (m *metrics) registerRepoSeries(reg prometheus.Registerer, ix *memory.Index) {
	*m = metrics{
		reg:          m.reg,
		httpRequests: m.httpRequests,
		mcpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "devai_mcp_requests_total", Help: "MCP requests answered, by JSON-RPC method and outcome (ok, error).",
		}, []string{"method", "outcome"}),
		toolSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "devai_tool_call_duration_seconds", Help: "Time a tool call took, by tool.", Buckets: toolBuckets,
		}, []string{"tool"}),
		toolErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "devai_tool_errors_total", Help: "Tool calls that failed, by tool and kind: input (the caller's arguments), failure (devai's), protocol (no result).",
		}, []string{"tool", "kind"}),
		appendErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "devai_decision_append_errors_total", Help: "Decision records that could not be written to the decision log.",
		}),
	}
	reg.MustRegister(m.mcpRequests, m.toolSeconds, m.toolErrors, m.appendErrors, indexCollector{ix: ix})
}

// indexCollector reports the index's state at each scrape.
type indexCollector struct{ ix *memory.Index }

var (
	indexReadyDesc     = prometheus.NewDesc("devai_index_ready", "1 when the index is open and has finished its first sync, else 0.", nil, nil)
	indexFilesDesc     = prometheus.NewDesc("devai_index_documents", "Files (documents) in the index.", nil, nil)
	indexChunksDesc    = prometheus.NewDesc("devai_index_chunks", "Chunks in the index.", nil, nil)
	indexProgressDesc  = prometheus.NewDesc("devai_index_sync_progress", "Progress of the running sync, 0 to 1 (1 when none runs).", nil, nil)
	indexLastSyncDesc  = prometheus.NewDesc("devai_index_last_sync_timestamp_seconds", "When the last sync ended, in Unix seconds (0: never).", nil, nil)
	indexLastErrorDesc = prometheus.NewDesc("devai_index_last_sync_failed", "1 when the last sync failed, else 0.", nil, nil)
)

func (c indexCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{indexReadyDesc, indexFilesDesc, indexChunksDesc, indexProgressDesc, indexLastSyncDesc, indexLastErrorDesc} {
		ch <- d
	}
}

func (c indexCollector) Collect(ch chan<- prometheus.Metric) {
	if c.ix == nil {
		ch <- prometheus.MustNewConstMetric(indexReadyDesc, prometheus.GaugeValue, 0)
		return
	}
	st := c.ix.Status()
	lastSync := 0.0
	if !st.LastSync.IsZero() {
		lastSync = float64(st.LastSync.UnixNano()) / 1e9
	}
	ch <- prometheus.MustNewConstMetric(indexReadyDesc, prometheus.GaugeValue, boolValue(st.State == "ready"))
	ch <- prometheus.MustNewConstMetric(indexFilesDesc, prometheus.GaugeValue, float64(st.Files))
	ch <- prometheus.MustNewConstMetric(indexChunksDesc, prometheus.GaugeValue, float64(st.Chunks))
	ch <- prometheus.MustNewConstMetric(indexProgressDesc, prometheus.GaugeValue, st.Progress)
	ch <- prometheus.MustNewConstMetric(indexLastSyncDesc, prometheus.GaugeValue, lastSync)
	ch <- prometheus.MustNewConstMetric(indexLastErrorDesc, prometheus.GaugeValue, boolValue(st.LastError != ""))
}

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// serveOperations adds /metrics (behind auth unless --metrics-public) and,
// with OAuth, the protected-resource metadata, which is public: a client
// reads it to learn where to get a token.
func serveOperations(mux *http.ServeMux, auth *authenticator, cfg httpConfig) {
	if cfg.Metrics != nil {
		h := promhttp.HandlerFor(cfg.Metrics.reg, promhttp.HandlerOpts{})
		if !cfg.MetricsPublic {
			h = auth.require(h)
		}
		mux.Handle("/metrics", h)
	}
	if auth != nil && auth.oauth != nil {
		mux.HandleFunc(resourceMetadataPath, auth.serveResourceMetadata)
		mux.HandleFunc(resourceMetadataPath+"/", auth.serveResourceMetadata)
	}
}

// The MCP methods counted by name; any other a client sends counts as
// "other", so a client cannot grow the series without bound.
var mcpMethods = map[mcp.MCPMethod]bool{
	mcp.MethodInitialize: true, mcp.MethodPing: true, mcp.MethodToolsList: true, mcp.MethodToolsCall: true,
	mcp.MethodResourcesList: true, mcp.MethodResourcesRead: true, mcp.MethodResourcesTemplatesList: true,
	mcp.MethodPromptsList: true, mcp.MethodPromptsGet: true, mcp.MethodCompletionComplete: true, mcp.MethodSetLogLevel: true,
}

// hooks count MCP requests by method and outcome.
func (m *metrics) hooks(h *server.Hooks) {
	if m == nil {
		return
	}
	label := func(method mcp.MCPMethod) string {
		if mcpMethods[method] {
			return string(method)
		}
		return "other"
	}
	h.AddOnSuccess(func(_ context.Context, _ any, method mcp.MCPMethod, _ any, _ any) {
		m.mcpRequests.WithLabelValues(label(method), "ok").Inc()
	})
	h.AddOnError(func(_ context.Context, _ any, method mcp.MCPMethod, _ any, _ error) {
		m.mcpRequests.WithLabelValues(label(method), "error").Inc()
	})
}

// observeTools times each tool call and counts its errors (when m is not
// nil), and logs it with its request and session ids (when logger is not
// nil). tools are the names served: only they become label values.
func observeTools(m *metrics, logger hclog.Logger, tools []string) server.ToolHandlerMiddleware {
	known := map[string]bool{}
	for _, t := range tools {
		known[t] = true
	}
	return func(next server.ToolHandlerFunc) server.ToolHandlerFunc {
		return func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			start := time.Now()
			res, err := next(ctx, req)
			took := time.Since(start)
			kind := failureKind(res, err)
			name := req.Params.Name
			if m != nil && known[name] {
				m.toolSeconds.WithLabelValues(name).Observe(took.Seconds())
				if kind != "" {
					m.toolErrors.WithLabelValues(name, kind).Inc()
				}
			}
			if logger != nil && (err != nil || res == nil || !res.NeedsInput()) {
				outcome := "ok"
				if kind != "" {
					outcome = kind
				}
				caller := decisions.CallerOf(ctx)
				logger.Info("tool call", "tool", name, "outcome", outcome, "took", took.Round(time.Microsecond),
					"request_id", requestIDOf(ctx), "session", sessionIDOf(ctx), "caller", caller.Name, "via", caller.Via)
			}
			return res, err
		}
	}
}

// failureKind is "" for a call that worked, else input or failure (what
// the binding put in the result's _meta) or protocol (no result at all).
func failureKind(res *mcp.CallToolResult, err error) string {
	switch {
	case err != nil || res == nil:
		return "protocol"
	case !res.IsError:
		return ""
	case errorKind(res) == "input":
		return "input"
	}
	return "failure"
}

// sessionIDOf is the MCP session of a call ("" without one).
func sessionIDOf(ctx context.Context) string {
	if s := server.ClientSessionFromContext(ctx); s != nil {
		return s.SessionID()
	}
	return ""
}

type requestIDKey struct{}

// requestIDOf is the id observeRequests gave the HTTP request of ctx.
func requestIDOf(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// requestIDHeader carries the request id both ways: a client's (or a load
// balancer's) is kept when it is short and plain, else devai makes one.
const requestIDHeader = "X-Request-Id"

var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,64}$`)

func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// observeRequests gives each request an id (X-Request-Id, echoed back),
// counts it by method and status, and logs it with its MCP session id.
func observeRequests(logger hclog.Logger, m *metrics, next http.Handler) http.Handler {
	if logger == nil && m == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get(requestIDHeader)
		if !requestIDPattern.MatchString(id) {
			id = newRequestID()
		}
		w.Header().Set(requestIDHeader, id)
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id)))
		status := rec.status
		if status == 0 {
			status = http.StatusOK
		}
		if m != nil {
			m.httpRequests.WithLabelValues(methodLabel(r.Method), strconv.Itoa(status)).Inc()
		}
		if logger != nil {
			session := r.Header.Get(sessionHeader)
			if session == "" {
				session = w.Header().Get(sessionHeader)
			}
			logger.Info("http request", "method", r.Method, "path", r.URL.Path, "status", status,
				"took", time.Since(start).Round(time.Microsecond), "request_id", id, "session", session)
		}
	})
}

// methodLabel keeps the method label to the methods HTTP defines.
func methodLabel(method string) string {
	switch method {
	case http.MethodGet, http.MethodPost, http.MethodDelete, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodPatch:
		return method
	}
	return "other"
}

// statusRecorder remembers the status a handler wrote; Flush and Unwrap
// keep streaming (SSE) working through it.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

func (s *statusRecorder) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }
