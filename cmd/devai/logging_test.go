package main

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/devaiops/devai/tools/tool/tooltest"
)

// TestLogsReachTheClient checks that hclog lines are forwarded as MCP log
// notifications at the level the client set, and not below it.
func TestLogsReachTheClient(t *testing.T) {
	logger := testLogger(t)
	s, err := newMCPServer(serverConfig{Logger: logger, Tools: toolTable()})
	if err != nil {
		t.Fatal(err)
	}
	c := tooltest.Connect(t, s, mcp.ProtocolVersion20251125)
	var mu sync.Mutex
	var got []string
	c.OnNotification(func(n mcp.JSONRPCNotification) {
		if n.Method == "notifications/message" {
			mu.Lock()
			got = append(got, strings.ToLower(fmt.Sprint(n.Params.AdditionalFields["level"]))+":"+fmt.Sprint(n.Params.AdditionalFields["data"]))
			mu.Unlock()
		}
	})
	var lvl mcp.SetLevelRequest
	lvl.Params.Level = mcp.LoggingLevelWarning
	//lint:ignore SA1019 logging/setLevel is how clients before 2026-07-28 ask for log notifications, and devai still serves them
	if err := c.SetLevel(context.Background(), lvl); err != nil {
		t.Fatal(err)
	}
	logger.Info("below the level")
	logger.Warn("sync slow", "files", 3)
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		mu.Lock()
		n := len(got)
		mu.Unlock()
		if n > 0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 || !strings.Contains(got[0], "warning:") || !strings.Contains(got[0], "sync slow") {
		t.Fatalf("log notifications %q, want one warning about 'sync slow'", got)
	}
}
