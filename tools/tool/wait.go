package tool

import (
	"context"
	"fmt"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/devaiops/devai/memory"
)

// progressEvery is how often a call waiting for the first sync reports
// progress.
const progressEvery = 250 * time.Millisecond

// waitFirstSync blocks while the index has never finished a sync, up to
// wait, sending progress notifications when the request carries a
// progress token. It returns an error only when the caller's ctx ends.
func waitFirstSync(ctx context.Context, ix *memory.Index, req mcp.CallToolRequest, wait time.Duration) error {
	st := ix.Status()
	if st.State != "indexing" || !st.LastSync.IsZero() || wait <= 0 {
		return nil
	}
	waitCtx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = ix.WaitIdle(waitCtx)
	}()
	var token mcp.ProgressToken
	if req.Params.Meta != nil {
		token = req.Params.Meta.ProgressToken
	}
	srv := server.ServerFromContext(ctx)
	tick := time.NewTicker(progressEvery)
	defer tick.Stop()
	last := -1.0
	for {
		select {
		case <-done:
			return ctx.Err()
		case <-tick.C:
			p := ix.Status().Progress * 100
			if token == nil || srv == nil || p <= last {
				continue // progress must increase, per the spec
			}
			last = p
			_ = srv.SendNotificationToClient(ctx, "notifications/progress", map[string]any{
				"progressToken": token, "progress": p, "total": 100.0,
				"message": fmt.Sprintf("indexing the repository: %.0f%%", p),
			})
		}
	}
}
