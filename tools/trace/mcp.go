package trace

// This file declares trace_root_cause; tools/tool binds it to MCP and the
// CLI.

import (
	"context"
	"fmt"
	"time"

	"github.com/devaiops/devai/memory/budget"
	"github.com/devaiops/devai/tools/tool"
)

// ToolName is the stable name of the tool.
const ToolName = "trace_root_cause"

// Tool declares trace_root_cause. It waits for the first sync: frames map
// to files only once they are indexed.
var Tool = &tool.Def[Input, Output]{
	Name:  ToolName,
	Title: "Find the root cause of a crash or error log",
	Description: "Give it a pasted stack trace or failing log lines (Go panics and race reports, Python tracebacks, " +
		"Java/Kotlin exceptions, Node.js errors, Rust panics; JSON or logfmt logs around them), a log file in the repository, " +
		"or a time range over the indexed logs (since/until: RFC 3339 or an age such as 15m; logs: a path glob), whose errors are read first. " +
		"Request and trace IDs in the failure (request_id, trace_id, traceparent, …) gather that request's events from every indexed log into a timeline. " +
		"It parses the errors and frames, maps frames to this repository's files and symbols, and ranks suspects, " +
		"each with git blame of the lines and recent commits, the tests that reach it, related specs, similar past log events, " +
		"a score that says where it came from, a hypothesis and the test to write. Cite the URIs; read them to confirm.",
	Hints:          tool.Hints{ReadOnly: true, Idempotent: true},
	Example:        `{"text": "<stack trace or log lines>"}, {"path": "logs/app.log"} or {"since": "15m"}`,
	NeedsFirstSync: true,
	Check:          check,
	Run: func(ctx context.Context, env tool.Env, in Input) (Output, error) {
		return Run(ctx, env.Index, in)
	},
	Render:   func(_ Input, out Output) string { return Markdown(out) },
	Count:    func(out Output) string { return fmt.Sprintf("%d suspects", len(out.Suspects)) },
	Shrink:   shrink,
	Budget:   DefaultMaxTokens * budget.BytesPerToken,
	BudgetOf: func(in Input) int { return in.MaxTokens * budget.BytesPerToken },
}

// The answer's size a call may ask for with max_tokens, and what it gets
// without (about 4k tokens). The least is about what one suspect with its
// evidence takes.
const (
	MinMaxTokens     = 2500
	MaxMaxTokens     = 12000
	DefaultMaxTokens = 4000
)

// check refuses what no run can answer before the index is touched.
func check(in *Input) error {
	if in.MaxSuspects < 0 || in.MaxSuspects > MaxMaxSuspects {
		return tool.Inputf("max_suspects %d is out of range; use 1 to %d", in.MaxSuspects, MaxMaxSuspects)
	}
	if in.MaxTokens != 0 && (in.MaxTokens < MinMaxTokens || in.MaxTokens > MaxMaxTokens) {
		return tool.Inputf("max_tokens %d is out of range; use %d to %d (default %d)", in.MaxTokens, MinMaxTokens, MaxMaxTokens, DefaultMaxTokens)
	}
	if _, err := tool.ParseTimeRange(in.Since, in.Until, time.Now()); err != nil {
		return tool.Input(err)
	}
	return nil
}
