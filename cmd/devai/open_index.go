package main

import (
	"context"
	"fmt"
	"io"

	"github.com/hashicorp/go-hclog"

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
