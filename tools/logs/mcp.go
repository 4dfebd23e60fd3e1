package logs

// This file declares summarize_log; tools/tool binds it to MCP and the CLI.

import (
	"fmt"

	"github.com/devaiops/devai/tools/tool"
)

// ToolName is the stable name of the tool.
const ToolName = "summarize_log"

// Tool declares summarize_log. It needs the index only to find a path in
// the repository or read a devai://log URI, so pasted text is answered by a
// server without one.
var Tool = &tool.Def[Input, Output]{
	Name:  ToolName,
	Title: "Summarise a log into its message templates",
	Description: "Give it log lines as text, or a log file in the repository (repo-relative, or a devai://log/... URI from search_context, optionally with a #L range). " +
		"It reads JSON lines (slog, zap, zerolog, logrus, pino), OpenTelemetry JSON, docker and CRI container logs, logfmt and plain text (a stack trace is one event), " +
		"and groups the messages into templates (Drain): each with its count, levels, first and last seen, the lines it spans and an example, errors first, then the most frequent. " +
		"Use it to see what a long log says before reading it, then trace_root_cause on the errors. Credentials are redacted.",
	Hints:        tool.Hints{ReadOnly: true, Idempotent: true},
	Example:      `{"path": "logs/worker.log"} or {"text": "<log lines>"}`,
	WithoutIndex: true,
	Check:        check,
	Run:          Run,
	Render:       func(in Input, out Output) string { return Markdown(out, in.Top) },
	Count:        func(out Output) string { return fmt.Sprintf("%d templates", out.Total()) },
	Shrink:       shrink,
}
