package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/hashicorp/go-hclog"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/devaiops/devai/memory"
)

// openIndex is how every command starts: validate the common flags, set up
// logging, open the index. The returned close releases both; call it once.
func openIndex(ctx context.Context, cfg *commonConfig, stderr io.Writer) (*memory.Index, hclog.InterceptLogger, func(), error) {
	if err := cfg.validate(); err != nil {
		return nil, nil, nil, usageError{err}
	}
	logger, closeLog, err := newLoggerTo(cfg.LogLevel, cfg.LogFile, stderr)
	if err != nil {
		return nil, nil, nil, usageError{err}
	}
	opts := cfg.memoryOptions()
	opts.Logger = logger.Named("memory")
	ix, err := memory.Open(ctx, opts)
	if err != nil {
		closeLog()
		return nil, nil, nil, fmt.Errorf("open the index of %s: %w", cfg.Repo, err)
	}
	return ix, logger, func() {
		if err := ix.Close(); err != nil {
			logger.Warn("closing the index", "error", err)
		}
		closeLog()
	}, nil
}

// syncBeforeAnswer brings the index up to date for a one-shot command,
// with a progress bar on a terminal. A failed sync is only a warning when
// there is an earlier index to answer from.
func syncBeforeAnswer(ctx context.Context, ix *memory.Index, repo string, logger hclog.Logger, stderr io.Writer) error {
	bar := newProgressBar(stderr, isTerminal(stderr))
	err := ix.Sync(ctx, bar.update)
	bar.finish()
	if err != nil {
		if ix.Status().Files == 0 {
			return fmt.Errorf("sync %s: %w", repo, err)
		}
		logger.Warn("sync failed; answering from the index as it was", "error", err)
	}
	return nil
}

// resultText joins a tool result's text parts.
func resultText(res *mcp.CallToolResult) string {
	var parts []string
	for _, c := range res.Content {
		if t, ok := c.(mcp.TextContent); ok {
			parts = append(parts, t.Text)
		}
	}
	return strings.Join(parts, "\n")
}
