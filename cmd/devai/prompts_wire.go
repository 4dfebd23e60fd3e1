package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/decisions"
	"github.com/devaiops/devai/prompts"
)

// promptToolPrefix names the decision record of a prompts/get: the record's
// tool is "prompt:plan". No tool has a colon in its name, so the two never
// mix, and `devai decisions --grep prompt:` finds every fetch.
const promptToolPrefix = "prompt:"

// promptSessionWindow is how long after a prompts/get the tool calls of the
// same session are attributed to that prompt. Clients rarely put the
// prompt in a tool call's _meta, but an assistant that fetched /plan and
// then calls search_context and draft_spec is working under it.
const promptSessionWindow = 30 * time.Minute

// loadPrompts loads the embedded prompts and the repository's own, logging
// each file that was skipped and each override in effect.
func loadPrompts(repo string, logger hclog.Logger) prompts.Set {
	set, errs := prompts.Load(repo)
	if logger == nil {
		return set
	}
	for _, err := range errs {
		logger.Warn("prompt not loaded", "error", err)
	}
	for _, p := range set.List() {
		if p.Source != prompts.SourceEmbedded {
			logger.Info("prompt from the repository", "name", p.Name, "version", p.Version, "hash", p.Hash, "file", p.Source, "overrides", p.Overrides)
		}
	}
	return set
}

// promptCompleter completes prompt arguments, with indexed paths when an
// index is open.
func promptCompleter(set prompts.Set, ix *memory.Index) prompts.Completer {
	c := prompts.Completer{Set: set}
	if ix != nil {
		c.Paths = ix.Paths
	}
	return c
}

// registerPrompts serves every prompt of set. Prompts are not tools:
// --tools and --read-only leave them alone (a prompt whose tool is missing
// tells the assistant to say so and stop).
func registerPrompts(s *server.MCPServer, set prompts.Set, rec *decisionRecorder) {
	for _, p := range set.List() {
		s.AddPrompt(p.MCPPrompt(), rec.promptHandler(p))
	}
}

// promptHandler renders p, records the fetch in the decision log and
// remembers it as the session's current prompt.
func (d *decisionRecorder) promptHandler(p prompts.Prompt) server.PromptHandlerFunc {
	return func(ctx context.Context, req mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
		start := time.Now()
		res, err := p.GetResult(req.Params.Arguments)
		client := clientOf(ctx, d.run)
		ref := &decisions.Prompt{Name: p.Name, Version: p.Version, Hash: p.Hash}
		if err == nil {
			d.prompts.remember(client.Session, *ref)
		}
		d.recordPrompt(ctx, client, ref, req.Params.Arguments, res, err, start)
		return res, err
	}
}

// recordPrompt appends the decision record of one prompts/get: the prompt's
// identity, its arguments, and the hash of the text the assistant got.
func (d *decisionRecorder) recordPrompt(ctx context.Context, client decisions.Client, ref *decisions.Prompt, args map[string]string, res *mcp.GetPromptResult, err error, start time.Time) {
	if d.log == nil {
		return
	}
	e := decisions.Entry{
		Tool:      promptToolPrefix + ref.Name,
		Arguments: args,
		Client:    client,
		Prompt:    ref,
		Started:   start,
		Duration:  time.Since(start),
	}
	if err != nil {
		e.Err = err.Error()
	} else {
		e.Summary = fmt.Sprintf("prompt %s v%s (sha256:%s) fetched", ref.Name, ref.Version, ref.Hash)
		e.Result = res
	}
	if _, aerr := d.log.Append(context.WithoutCancel(ctx), e); aerr != nil && d.logger != nil {
		d.logger.Error("decision log: record not written", "tool", e.Tool, "error", aerr)
	}
}

// promptTracker remembers the last prompt each MCP session fetched.
type promptTracker struct {
	mu     sync.Mutex
	last   map[string]promptUse // by session id
	window time.Duration
	now    func() time.Time
}

type promptUse struct {
	prompt decisions.Prompt
	at     time.Time
}

func newPromptTracker() *promptTracker {
	return &promptTracker{last: map[string]promptUse{}, window: promptSessionWindow, now: time.Now}
}

// remember makes p the session's current prompt. Without a session id
// (--stateless HTTP, and 2026-07-28 clients over HTTP, which send none)
// calls cannot be told apart, so nothing is kept.
func (t *promptTracker) remember(session string, p decisions.Prompt) {
	if t == nil || session == "" {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	for s, u := range t.last { // sessions that went quiet take no memory
		if now.Sub(u.at) > t.window {
			delete(t.last, s)
		}
	}
	t.last[session] = promptUse{prompt: p, at: now}
}

// current is the session's prompt, marked inferred, or nil when the
// session fetched none within the window.
func (t *promptTracker) current(session string) *decisions.Prompt {
	if t == nil || session == "" {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	u, ok := t.last[session]
	if !ok || t.now().Sub(u.at) > t.window {
		return nil
	}
	p := u.prompt
	p.Inferred = true
	return &p
}
