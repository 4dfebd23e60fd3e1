package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/hashicorp/go-hclog"
)

// TestServeTellsATerminalWhatItWaitsFor: devai serve started by hand in a
// terminal says on stderr that it waits for an MCP client; started by a
// client (a pipe) or with /dev/null as stdin, it says nothing of the kind.
func TestServeTellsATerminalWhatItWaitsFor(t *testing.T) {
	tty, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	defer tty.Close()
	devNull, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer devNull.Close()
	pipeR, pipeW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pipeR.Close()
	defer pipeW.Close()
	for _, tt := range []struct {
		name  string
		stdin *os.File
		hint  bool
	}{
		{"terminal", tty, true},
		{"pipe", pipeR, false},
		{"/dev/null", devNull, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			logger := hclog.New(&hclog.LoggerOptions{Output: &logs, Level: hclog.Info})
			ctx, cancel := context.WithCancel(context.Background())
			cancel() // serve returns at once; only what it says first matters
			_ = serveOn(ctx, newTestServer(t, nil, nil), nil, &serveConfig{}, httpConfig{}, tt.stdin, &bytes.Buffer{}, logger, nil, nil)
			if got := strings.Contains(logs.String(), "waiting for an MCP client"); got != tt.hint {
				t.Errorf("hint logged %v, want %v:\n%s", got, tt.hint, logs.String())
			}
		})
	}
}
