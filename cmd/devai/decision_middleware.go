package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hashicorp/go-hclog"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/devaiops/devai/memory/decisions"
	"github.com/devaiops/devai/tools/tool"
)

// promptMetaKey is the _meta key a client (or a devai prompt's
// instructions) sets on a tool call that a devai prompt led to:
// {"name": "...", "version": "...", "hash": "..."}.
const promptMetaKey = "devai/prompt"

// maxSummary bounds a record's summary: the first line of the result's
// text, enough to tell calls apart in `devai decisions`.
const maxSummary = 200

// decisionRecorder writes the decision records of one MCP server: the
// middleware records every call (arguments that fail the input schema
// included: the binding checks them, inside the middleware). A record that cannot be
// written is logged, never turned into a failed call: the assistant's work
// goes on, and the chain stays whole (the record is missing, not
// half-written). A nil log records nothing.
type decisionRecorder struct {
	log     decisions.Appender
	logger  hclog.Logger
	run     string         // tells this server run's stdio session from others
	prompts *promptTracker // the prompt each session fetched last
	failed  func()         // told of each record not written (the metrics); may be nil
}

func newDecisionRecorder(log decisions.Appender, logger hclog.Logger) *decisionRecorder {
	return &decisionRecorder{log: log, logger: logger, run: runID(), prompts: newPromptTracker()}
}

// middleware records each call and hands its result back unchanged.
func (d *decisionRecorder) middleware() server.ToolHandlerMiddleware {
	return func(next server.ToolHandlerFunc) server.ToolHandlerFunc {
		if d.log == nil {
			return next
		}
		return func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			start := time.Now()
			ctx, outcome := tool.WithOutcome(ctx)
			res, err := next(ctx, req)
			if err == nil && res != nil && res.NeedsInput() {
				return res, err // round one of several: the last round is the call's record
			}
			d.record(ctx, req, start, res, err, outcome)
			return res, err
		}
	}
}

// record appends the record of one call; outcome is what the tool's typed
// answer said it wrote and how big it was.
func (d *decisionRecorder) record(ctx context.Context, req mcp.CallToolRequest, start time.Time, res *mcp.CallToolResult, err error, outcome *tool.Outcome) {
	client := clientOf(ctx, d.run)
	caller := decisions.CallerOf(ctx)
	e := decisions.Entry{
		Tool:      req.Params.Name,
		Arguments: req.Params.Arguments,
		Client:    client,
		Caller:    &caller,
		Prompt:    d.promptFor(client.Session, req),
		Started:   start,
		Duration:  time.Since(start),
	}
	switch {
	case err != nil:
		e.Err = err.Error()
	case res != nil:
		e.Summary = summaryOf(res)
		if outcome.Count != "" && !res.IsError {
			e.Summary = shorten(outcome.Count+": "+e.Summary, maxSummary)
		}
		e.Result = res
		e.Writes = outcome.Writes
		if res.IsError {
			e.Err = e.Summary
		}
	}
	// The call is over; a cancelled request still gets its record.
	if _, aerr := d.log.Append(context.WithoutCancel(ctx), e); aerr != nil {
		if d.failed != nil {
			d.failed()
		}
		if d.logger != nil {
			d.logger.Error("decision log: record not written", "tool", e.Tool, "error", aerr)
		}
	}
}

// clientOf is the caller from the MCP handshake: name, version, session.
// mcp-go names every stdio session "stdio"; the server run's id is added so
// that two stdio sessions on different days are not one in the log.
func clientOf(ctx context.Context, run string) decisions.Client {
	var c decisions.Client
	s := server.ClientSessionFromContext(ctx)
	if s == nil {
		return c
	}
	c.Session = s.SessionID()
	if c.Session == "stdio" {
		c.Session += "-" + run
	}
	if ci, ok := s.(server.SessionWithClientInfo); ok {
		info := ci.GetClientInfo()
		c.Name, c.Version = info.Name, info.Version
	}
	return c
}

// runID tells one server run from another.
func runID() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// promptFor is the devai prompt a call came from: the one its _meta names,
// or else the one its session fetched last, marked inferred.
func (d *decisionRecorder) promptFor(session string, req mcp.CallToolRequest) *decisions.Prompt {
	if p := promptOf(req); p != nil {
		return p
	}
	return d.prompts.current(session)
}

// promptOf reads the devai prompt a call came from out of its _meta.
func promptOf(req mcp.CallToolRequest) *decisions.Prompt {
	if req.Params.Meta == nil || req.Params.Meta.AdditionalFields == nil {
		return nil
	}
	raw, err := json.Marshal(req.Params.Meta.AdditionalFields[promptMetaKey])
	if err != nil {
		return nil
	}
	var p decisions.Prompt
	if json.Unmarshal(raw, &p) != nil || p.Name == "" {
		return nil
	}
	return &p
}

// summaryOf is the first non-empty line of the result's text, shortened.
func summaryOf(res *mcp.CallToolResult) string {
	for _, c := range res.Content {
		tc, ok := c.(mcp.TextContent)
		if !ok {
			continue
		}
		for _, line := range strings.Split(tc.Text, "\n") {
			line = strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(line), "#"))
			if line != "" {
				return shorten(line, maxSummary)
			}
		}
	}
	return ""
}

func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// openDecisionLog opens the server's decision log, logging a torn record
// set aside after a crash.
func openDecisionLog(stateDir string, trust decisions.Trust, logger hclog.Logger) (*decisions.Log, error) {
	l, err := decisions.Open(decisions.Dir(stateDir), decisions.Options{Trust: trust, OnTorn: func(path string) {
		logger.Warn("decision log: a record cut short by a crash was set aside", "file", path)
	}})
	if err != nil {
		return nil, fmt.Errorf("open the decision log: %w", err)
	}
	return l, nil
}
