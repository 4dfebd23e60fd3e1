package main

import (
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/devaiops/devai/tools/logs"
)

// logsCommand is the command-line face of summarize_log. A file may lie
// anywhere (the user names it), and stdin is read into the call's text;
// neither needs the index, so devai logs runs outside any repository.
func logsCommand(stdin io.Reader, stdout, stderr io.Writer) *command {
	top := logs.DefaultTop
	return toolCommand(logs.Tool, toolFace[logs.Input, logs.Output]{
		name:    "logs",
		summary: "Summarise a log: its templates with counts, levels, first and last seen, errors first (what summarize_log answers).",
		usage:   "FILE|- [flags]",
		details: `
Reads JSON lines (slog, zap, zerolog, logrus, pino), OpenTelemetry JSON,
docker and CRI container logs, logfmt and plain text; a stack trace is one
event. Messages are grouped into templates with Drain (He et al., 2017).
FILE may be anywhere and is streamed: memory grows with the number of
templates, not with the log (except --lines). - reads stdin (so does no
FILE when stdin is a pipe or a file), its last 16 MiB at most (name the file to read more). A devai://log/... URI reads an
indexed log. With --json the output is exactly summarize_log's structured
output.`,
		flags: func(fs *flag.FlagSet, _ *callOptions) {
			fs.IntVar(&top, "top", logs.DefaultTop, "templates to show in the Markdown summary (0: all)")
		},
		args: func(r *commandRun, args []string, in *logs.Input) error {
			return logsArgs(r, args, in, top)
		},
		indexFree: func(in *logs.Input) bool { return !strings.HasPrefix(in.Path, "devai://") },
	}, stdin, stdout, stderr)
}

// logsArgs reads what to summarise: one file (made absolute, so the call
// needs no repository), an indexed log's URI, or stdin.
func logsArgs(r *commandRun, args []string, in *logs.Input, top int) error {
	if len(args) == 0 && pipedIn(r.stdin) {
		args = []string{"-"} // devai logs < app.log
	}
	switch {
	case len(args) != 1:
		return usagef("give one log file, or - to read stdin, e.g. devai logs logs/app.jsonl")
	case in.Lines && !r.cfg.JSON:
		return usagef("--lines needs --json (it adds one template ID per input line)")
	case top < 0:
		return usagef("--top %d: use 0 (all) or more", top)
	}
	in.Top = top
	if top == 0 {
		in.Top = -1 // the tool's "all"
	}
	switch p := args[0]; {
	case p == "-":
		text, cut, err := readTail(r.stdin, logs.MaxTextBytes)
		if err != nil {
			return fmt.Errorf("read stdin: %w", err)
		}
		if cut {
			fmt.Fprintf(r.stderr, "devai logs: stdin is larger than %d bytes; summarising its last part (name the file to read all of it)\n", logs.MaxTextBytes)
		}
		in.Text = text
	case strings.HasPrefix(p, "devai://"):
		in.Path = p
	default:
		abs, err := filepath.Abs(p)
		if err != nil {
			return usagef("cannot read %s: %v", p, err)
		}
		in.Path = abs
	}
	return nil
}
