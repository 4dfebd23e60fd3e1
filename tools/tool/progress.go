package tool

import (
	"bytes"
	"context"
	"sync"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// ProgressFunc reports what a long call is doing now ("go test ./internal/auth").
type ProgressFunc func(message string)

// Report calls p with message; a nil p reports nothing.
func (p ProgressFunc) Report(message string) {
	if p != nil {
		p(message)
	}
}

// progressFor sends a call's progress as MCP progress notifications when
// the request carries a progress token; each message counts one step, so
// the progress value only grows, as the protocol asks.
func progressFor(ctx context.Context, req mcp.CallToolRequest) ProgressFunc {
	if req.Params.Meta == nil || req.Params.Meta.ProgressToken == nil {
		return nil
	}
	srv := server.ServerFromContext(ctx)
	if srv == nil {
		return nil
	}
	token := req.Params.Meta.ProgressToken
	var mu sync.Mutex
	step := 0.0
	return func(message string) {
		mu.Lock()
		step++
		n := step
		mu.Unlock()
		_ = srv.SendNotificationToClient(ctx, "notifications/progress", map[string]any{
			"progressToken": token, "progress": n, "message": message,
		})
	}
}

// LineReporter is an io.Writer that reports each whole line that keep
// accepts (go test's "ok  pkg 0.2s" lines), for a command's progress.
type LineReporter struct {
	Progress ProgressFunc
	Keep     func(line string) bool
	buf      []byte
}

// Write reports the whole lines in p that Keep accepts.
func (w *LineReporter) Write(p []byte) (int, error) {
	w.buf = append(w.buf, p...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			return len(p), nil
		}
		line := string(bytes.TrimRight(w.buf[:i], "\r"))
		w.buf = w.buf[i+1:]
		if w.Keep == nil || w.Keep(line) {
			w.Progress.Report(line)
		}
	}
}
