package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/devaiops/devai/tools/trace"
)

func fixLogCommand(stdin io.Reader, stdout, stderr io.Writer) *command {
	return toolCommand(trace.Tool, toolFace[trace.Input, trace.Output]{
		name:    "fix-log",
		summary: "Find the root cause of a crash or error log (what trace_root_cause answers).",
		usage:   "FILE|- [flags] | --since WHEN [--until WHEN] [--log-glob GLOB]",
		details: `
FILE is a log or a pasted crash report, inside the repository or anywhere on
this machine (a file outside the repository is read as its text, its last
part when it is large); - reads it from stdin, as does no FILE when stdin
is a pipe or a file (pbpaste | devai fix-log).
--since/--until read the indexed logs' events in that time range instead,
errors first: devai fix-log --since 15m, or --since 2026-01-31T09:00:00Z
--until 2026-01-31T09:05:00Z --log-glob 'logs/*.log'.
The index is synced first (only changed files are read), unless --no-sync.
With --json the output is exactly trace_root_cause's structured output.`,
		args: fixLogArgs,
	}, stdin, stdout, stderr)
}

// fixLogArgs reads what to trace: one log file, stdin, or a time range.
func fixLogArgs(r *commandRun, args []string, in *trace.Input) error {
	windowed := in.Since != "" || in.Until != ""
	switch {
	case windowed && len(args) > 0:
		return usagef("give a log file or --since/--until, not both")
	case !windowed && in.Logs != "":
		return usagef("--log-glob narrows a time range: give --since (e.g. 15m) and/or --until with it")
	case !windowed && len(args) == 0 && pipedIn(r.stdin):
		return readLogText(r, r.stdin, "stdin", in) // devai fix-log < crash.txt, pbpaste | devai fix-log
	case !windowed && len(args) != 1:
		return usagef("give one log file, - to read stdin, or --since/--until, e.g. devai fix-log logs/worker.log or devai fix-log --since 15m")
	case windowed:
		return nil
	case args[0] == "-":
		return readLogText(r, r.stdin, "stdin", in)
	}
	in.Path = repoPath(r.cfg.Repo, args[0])
	if !filepath.IsAbs(in.Path) {
		return nil
	}
	// Outside the repository: the tool reads only files inside it, but
	// this is the user's own command line, as with devai logs.
	f, err := os.Open(in.Path)
	if err != nil {
		return usagef("read %s: %v", args[0], err)
	}
	defer f.Close()
	in.Path = ""
	return readLogText(r, f, args[0], in)
}

// pipedIn reports whether stdin is a pipe or a file rather than a terminal
// or /dev/null: text was given to read, with or without "-".
func pipedIn(stdin io.Reader) bool {
	f, ok := stdin.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && (st.Mode()&os.ModeNamedPipe != 0 || st.Mode().IsRegular())
}

// readLogText reads the log's text, its last trace.DefaultMaxBytes where
// the crash is, and says so when it cut.
func readLogText(r *commandRun, from io.Reader, name string, in *trace.Input) error {
	text, cut, err := readTail(from, trace.DefaultMaxBytes)
	if err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	if cut {
		fmt.Fprintf(r.stderr, "devai fix-log: %s is larger than %d bytes; reading its last part, where the crash is\n", name, trace.DefaultMaxBytes)
	}
	in.Text = text
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
