package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/devaiops/devai/bench/internal/locset"
	"github.com/devaiops/devai/memory"
)

// signalWriter writes eval-issues' --signals file: per query and arm, the
// fusion signals of every candidate chunk, so that weights that act after
// the channels (all but title and comments) can be fitted offline.
type signalWriter struct {
	f     *os.File
	enc   *json.Encoder
	split splitFile
}

func createSignalWriter(path string, split splitFile) (*signalWriter, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("create signals file: %w", err)
	}
	return &signalWriter{f: f, enc: json.NewEncoder(f), split: split}, nil
}

// write asks every query of group once more, for its signals.
func (w *signalWriter) write(ctx context.Context, ix *memory.Index, a arm, repo string, group []locset.Query, opts locset.EvalOptions) error {
	for _, q := range group {
		shape, sigs, err := ix.SearchSignals(ctx, memory.Query{Text: q.Query, Kinds: opts.Kinds, Limit: opts.Limit, FileLevel: true, Mode: a.mode})
		if err != nil {
			return fmt.Errorf("signals of %s for commit %s: %w", a.name, q.Commit, err)
		}
		rec := signalRecord{Arm: a.name, Repo: repo, Split: w.split.of[repo], Commit: q.Commit, Files: q.Files, Shape: shape, Signals: sigs}
		if err := w.enc.Encode(rec); err != nil {
			return fmt.Errorf("write signals: %w", err)
		}
	}
	return nil
}

func (w *signalWriter) close() error { return w.f.Close() }
