package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/hashicorp/go-hclog"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// parseLevel reads a --log-level value.
func parseLevel(s string) (hclog.Level, error) {
	l := hclog.LevelFromString(strings.TrimSpace(s))
	if l == hclog.NoLevel {
		return l, fmt.Errorf("--log-level %q: use trace, debug, info, warn, error or off", s)
	}
	return l, nil
}

// newLoggerTo builds the process logger: stderr, or --log-file when given.
// Never stdout, which belongs to the protocol in stdio mode. The returned
// close function releases the log file.
func newLoggerTo(level, file string, stderr io.Writer) (hclog.InterceptLogger, func() error, error) {
	newLogger, closeFn, err := newLoggerFactory(level, file, stderr)
	if err != nil {
		return nil, nil, err
	}
	return newLogger("devai"), closeFn, nil
}

// newLoggerFactory opens the log output once and returns a maker of loggers
// that share it (and a lock on it) but nothing else: each has its own sinks,
// so a server that serves several repositories forwards each repository's
// log lines only to that repository's clients.
func newLoggerFactory(level, file string, stderr io.Writer) (func(name string) hclog.InterceptLogger, func() error, error) {
	lvl, err := parseLevel(level)
	if err != nil {
		return nil, nil, err
	}
	out := stderr
	closeFn := func() error { return nil }
	if file != "" {
		f, err := os.OpenFile(file, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			return nil, nil, fmt.Errorf("open --log-file %s: %w", file, err)
		}
		out, closeFn = f, f.Close
	}
	mu := &sync.Mutex{}
	return func(name string) hclog.InterceptLogger {
		return hclog.NewInterceptLogger(&hclog.LoggerOptions{Name: name, Level: lvl, Output: out, Mutex: mu})
	}, closeFn, nil
}

// logForwarder is an hclog sink that sends log lines to every connected MCP
// client as notifications/message. Each session's own logging/setLevel
// decides what it receives (mcp-go filters; the default is "error").
type logForwarder struct {
	srv *server.MCPServer

	mu       sync.Mutex
	sessions map[string]struct{}
}

func newLogForwarder() *logForwarder {
	return &logForwarder{sessions: map[string]struct{}{}}
}

// hooks tracks sessions as they come and go.
func (f *logForwarder) hooks(h *server.Hooks) {
	h.AddOnRegisterSession(func(_ context.Context, s server.ClientSession) {
		f.mu.Lock()
		f.sessions[s.SessionID()] = struct{}{}
		f.mu.Unlock()
	})
	h.AddOnUnregisterSession(func(_ context.Context, s server.ClientSession) {
		f.mu.Lock()
		delete(f.sessions, s.SessionID())
		f.mu.Unlock()
	})
}

// Accept implements hclog.SinkAdapter.
func (f *logForwarder) Accept(name string, level hclog.Level, msg string, args ...interface{}) {
	mcpLevel, ok := mcpLevels[level]
	if !ok || f.srv == nil || isAccessLog(name) {
		return
	}
	data := map[string]any{"message": msg}
	for i := 0; i+1 < len(args); i += 2 {
		data[fmt.Sprint(args[i])] = fmt.Sprint(args[i+1])
	}
	f.mu.Lock()
	ids := make([]string, 0, len(f.sessions))
	for id := range f.sessions {
		ids = append(ids, id)
	}
	f.mu.Unlock()
	n := mcp.NewLoggingMessageNotification(mcpLevel, name, data)
	for _, id := range ids {
		_ = f.srv.SendLogMessageToSpecificClient(id, n) // a slow or gone client loses a log line, nothing more
	}
}

var mcpLevels = map[hclog.Level]mcp.LoggingLevel{
	hclog.Debug: mcp.LoggingLevelDebug,
	hclog.Info:  mcp.LoggingLevelInfo,
	hclog.Warn:  mcp.LoggingLevelWarning,
	hclog.Error: mcp.LoggingLevelError,
}

// accessLogName names the logger of HTTP requests and tool calls. Its lines
// are not forwarded to MCP clients: they name other callers and their
// session ids.
const accessLogName = "access"

// accessLogger is logger's access log; nil when logger is nil.
func accessLogger(logger hclog.Logger) hclog.Logger {
	if logger == nil {
		return nil
	}
	return logger.Named(accessLogName)
}

func isAccessLog(name string) bool {
	return name == accessLogName || strings.HasSuffix(name, "."+accessLogName)
}
