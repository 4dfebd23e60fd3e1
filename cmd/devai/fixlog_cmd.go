package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/tools/tool"
	"github.com/devaiops/devai/tools/trace"
)

type fixLogConfig struct {
	commonConfig
	MaxSuspects int
	NoSync      bool
	Since       string
	Until       string
	LogGlob     string
}

func fixLogCommand(stdin io.Reader, stdout, stderr io.Writer) *command {
	cfg := &fixLogConfig{}
	fs := flag.NewFlagSet("fix-log", flag.ContinueOnError)
	cfg.commonConfig.register(fs)
	fs.IntVar(&cfg.MaxSuspects, "max-suspects", trace.DefaultMaxSuspects, fmt.Sprintf("suspects to show, 1 to %d", trace.MaxMaxSuspects))
	fs.BoolVar(&cfg.NoSync, "no-sync", false, "use the index as it is, without syncing changed files first")
	fs.StringVar(&cfg.Since, "since", "", "instead of FILE: the indexed logs' events at or after this time (RFC 3339, a date, or an age: 15m, 2h, 7d)")
	fs.StringVar(&cfg.Until, "until", "", "instead of FILE: the indexed logs' events before this time (same forms)")
	fs.StringVar(&cfg.LogGlob, "log-glob", "", "with --since/--until: only the indexed logs whose path matches this glob, e.g. 'logs/*.log'")
	c := &command{
		name:    "fix-log",
		summary: "Find the root cause of a crash or error log (what trace_root_cause answers).",
		usage:   "FILE|- [flags] | --since WHEN [--until WHEN] [--log-glob GLOB]",
		details: `
FILE is a log file inside the repository; - reads the log or stack trace from
stdin (use it for a file outside the repository: devai fix-log - < crash.txt).
--since/--until read the indexed logs' events in that time range instead,
errors first: devai fix-log --since 15m, or --since 2026-01-31T09:00:00Z
--until 2026-01-31T09:05:00Z --log-glob 'logs/*.log'.
The index is synced first (only changed files are read), unless --no-sync.
With --json the output is exactly trace_root_cause's structured output.`,
		flags: fs,
	}
	c.run = func(args []string) error {
		windowed := cfg.Since != "" || cfg.Until != ""
		switch {
		case windowed && len(args) > 0:
			return usagef("give a log file or --since/--until, not both")
		case !windowed && cfg.LogGlob != "":
			return usagef("--log-glob narrows a time range: give --since (e.g. 15m) and/or --until with it")
		case !windowed && len(args) != 1:
			return usagef("give one log file, - to read stdin, or --since/--until, e.g. devai fix-log logs/worker.log or devai fix-log --since 15m")
		}
		arg := ""
		if len(args) == 1 {
			arg = args[0]
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		return runFixLog(ctx, cfg, arg, stdin, stdout, stderr)
	}
	return c
}

func runFixLog(ctx context.Context, cfg *fixLogConfig, arg string, stdin io.Reader, stdout, stderr io.Writer) error {
	if err := cfg.validate(); err != nil {
		return usageError{err}
	}
	if cfg.MaxSuspects < 1 || cfg.MaxSuspects > trace.MaxMaxSuspects {
		return usagef("--max-suspects %d: use 1 to %d", cfg.MaxSuspects, trace.MaxMaxSuspects)
	}
	in := trace.Input{MaxSuspects: cfg.MaxSuspects}
	switch {
	case cfg.Since != "" || cfg.Until != "":
		if _, err := tool.ParseTimeRange(cfg.Since, cfg.Until, time.Now()); err != nil {
			return usagef("--since/--until: %v", err)
		}
		in.Since, in.Until, in.Logs = cfg.Since, cfg.Until, cfg.LogGlob
	case arg == "-":
		text, cut, err := readTail(stdin, trace.DefaultMaxBytes)
		if err != nil {
			return fmt.Errorf("read stdin: %w", err)
		}
		if cut {
			fmt.Fprintf(stderr, "devai fix-log: stdin is larger than %d bytes; reading its last part, where the crash is\n", trace.DefaultMaxBytes)
		}
		in.Text = text
	default:
		in.Path = repoPath(cfg.Repo, arg)
	}
	ix, logger, closeIndex, err := openIndex(ctx, &cfg.commonConfig, stderr)
	if errors.Is(err, memory.ErrLocked) {
		out, err := callHolder[trace.Input, trace.Output](ctx, &cfg.commonConfig, trace.ToolName, in, err)
		if err != nil {
			return err
		}
		return printFixLog(stdout, cfg.JSON, out)
	}
	if err != nil {
		return err
	}
	defer closeIndex()
	if !cfg.NoSync {
		if err := syncBeforeAnswer(ctx, ix, cfg.Repo, logger, stderr); err != nil {
			return err
		}
	}
	start := time.Now()
	out, err := trace.Run(ctx, ix, in)
	recordCLICall(ctx, ix.StateDir(), cfg.decisionTrust(), logger, trace.ToolName, in, out, err, start)
	if err != nil {
		if tool.IsInputError(err) {
			return usageError{err}
		}
		return err
	}
	return printFixLog(stdout, cfg.JSON, out)
}

func printFixLog(stdout io.Writer, asJSON bool, out trace.Output) error {
	out, err := redacted(out)
	if err != nil {
		return err
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	fmt.Fprint(stdout, trace.Markdown(out))
	return nil
}

// repoPath turns a path given on the command line (relative to the current
// directory) into one relative to the repository when it lies inside it;
// otherwise it stays absolute, and the tool refuses it with its reason.
func repoPath(repo, p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	root, err := filepath.Abs(repo)
	if err != nil {
		return abs
	}
	if rel, err := filepath.Rel(root, abs); err == nil && filepath.IsLocal(rel) {
		return filepath.ToSlash(rel)
	}
	return abs
}

// readTail reads r to its end and keeps the last max bytes (from the first
// whole line), so a crash at the end of a long piped log is not lost and
// memory stays bounded.
func readTail(r io.Reader, max int64) (string, bool, error) {
	buf := make([]byte, 0, min(max, 1<<20))
	chunk := make([]byte, 256<<10)
	cut := false
	for {
		n, err := r.Read(chunk)
		buf = append(buf, chunk[:n]...)
		// compact only at twice the limit, so each byte moves O(1) times
		if over := int64(len(buf)) - max; over > max {
			buf = append(buf[:0], buf[over:]...)
			cut = true
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", false, err
		}
	}
	if over := int64(len(buf)) - max; over > 0 {
		buf, cut = buf[over:], true
	}
	if cut {
		if i := bytes.IndexByte(buf, '\n'); i >= 0 {
			buf = buf[i+1:]
		}
	}
	return string(buf), cut, nil
}
