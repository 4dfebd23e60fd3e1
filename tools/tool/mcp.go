package tool

// This file is the one MCP binding of every devai tool: a Def becomes an
// mcp.Tool and a handler here, so that no tool writes these steps again.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/devaiops/devai/memory/budget"
	"github.com/devaiops/devai/memory/decisions"
)

// Binding is a tool as mcp-go serves it.
type Binding struct {
	Tool    mcp.Tool
	Handler server.ToolHandlerFunc
}

// Meta keys devai sets on a call or a result.
const (
	// ErrorKindKey, on an isError result, says whose mistake it was:
	// "input" (the caller can fix the arguments) or "failure" (devai's).
	ErrorKindKey = "devai/error"
	// BudgetKey, on a call, set to "none", lifts the answer budget: the
	// command line asks for what its flags say, however long.
	BudgetKey = "devai/budget"
)

// errNoIndex is the failure of a server started without an index.
var errNoIndex = errors.New("the index is not open; restart devai serve and check its log")

// Binding declares the tool for MCP, with all four hints set and schemas
// every client can read, and its handler over env.
func (d *Def[In, Out]) Binding(env Env) (Binding, error) {
	t := mcp.NewTool(d.Name,
		mcp.WithToolTitle(d.Title),
		mcp.WithDescription(d.Description),
		mcp.WithInputSchema[In](),
		mcp.WithOutputSchema[Out](),
	)
	t.Annotations = mcp.ToolAnnotation{
		Title:           d.Title,
		ReadOnlyHint:    mcp.ToBoolPtr(d.Hints.ReadOnly),
		DestructiveHint: mcp.ToBoolPtr(d.Hints.Destructive),
		IdempotentHint:  mcp.ToBoolPtr(d.Hints.Idempotent),
		OpenWorldHint:   mcp.ToBoolPtr(d.Hints.OpenWorld),
	}
	if err := makePortable(&t); err != nil {
		return Binding{}, fmt.Errorf("declare tool %s: %w", d.Name, err)
	}
	var schema map[string]any
	if err := json.Unmarshal(t.RawOutputSchema, &schema); err != nil {
		return Binding{}, fmt.Errorf("declare tool %s: decode output schema: %w", d.Name, err)
	}
	args, err := newArgsChecker(d.Name, t.RawInputSchema)
	if err != nil {
		return Binding{}, fmt.Errorf("declare tool %s: %w", d.Name, err)
	}
	return Binding{Tool: t, Handler: d.handler(env, args, schema)}, nil
}

func (d *Def[In, Out]) handler(env Env, args *argsChecker, schema map[string]any) server.ToolHandlerFunc {
	return func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		// Every tool sees who called: what the HTTP authentication set,
		// or the local user (stdio, the command line).
		ctx = decisions.WithCaller(ctx, decisions.CallerOf(ctx))
		if err := args.check(req.Params.Arguments); err != nil {
			return d.failure(Inputf("%v. Pass %s", err, d.Example)), nil
		}
		in, out, pending, err := d.call(ctx, env, req)
		if err != nil {
			return d.failure(err), nil
		}
		if pending != nil {
			return pending, nil
		}
		return d.answer(ctx, req, in, out, schema), nil
	}
}

// call binds and checks the arguments, waits for the index when the tool
// needs it, and runs the tool. pending, when not nil, is the input request
// that asks the client's model for prose before the answer (round one).
func (d *Def[In, Out]) call(ctx context.Context, env Env, req mcp.CallToolRequest) (in In, out Out, pending *mcp.CallToolResult, err error) {
	if err := req.BindArguments(&in); err != nil {
		return in, out, nil, Inputf("the arguments do not fit the schema (%v): pass %s", err, d.Example)
	}
	if d.Check != nil {
		if err := d.Check(&in); err != nil {
			return in, out, nil, Input(err)
		}
	}
	if env.Index == nil && !d.WithoutIndex {
		return in, out, nil, errNoIndex
	}
	if d.NeedsFirstSync && env.Index != nil {
		if err := waitFirstSync(ctx, env.Index, req, env.FirstSyncWait); err != nil {
			return in, out, nil, Inputf("cancelled while waiting for the first index sync: %v", err)
		}
	}
	prose := newProseRound(ctx, env, req)
	env.Prose, env.ProseBy = prose.write, prose.by
	env.Progress = progressFor(ctx, req)
	out, err = d.Run(ctx, env, in)
	if pending = prose.pending(); pending != nil {
		return in, out, pending, nil // whatever Run made of errAskClient
	}
	return in, out, nil, err
}

// failure is the isError result of err: an input error as the tool said
// it, anything else as devai's failure with what to try.
func (d *Def[In, Out]) failure(err error) *mcp.CallToolResult {
	kind, msg := "failure", ""
	switch {
	case IsInputError(err):
		kind, msg = "input", err.Error()
	case errors.Is(err, errNoIndex):
		msg = err.Error()
	default:
		hint := d.FailHint
		if hint == "" {
			hint = "Try again; if it persists, check devai://index and the server log."
		}
		msg = fmt.Sprintf("failed: %v. %s", err, hint)
	}
	if !strings.HasPrefix(msg, d.Name) {
		msg = d.Name + ": " + msg
	}
	res := mcp.NewToolResultError(msg)
	res.Meta = mcp.NewMetaFromMap(map[string]any{ErrorKindKey: kind})
	return res
}

// answer renders out, cuts it to the budget where the tool can shrink it,
// and makes its structured form agree with the declared schema (a nil
// slice becomes [], not null).
func (d *Def[In, Out]) answer(ctx context.Context, req mcp.CallToolRequest, in In, out Out, schema map[string]any) *mcp.CallToolResult {
	text := d.Render(in, out)
	if limit, capped := d.budgetFor(in, budgetLifted(req)); d.Shrink != nil && capped {
		for sizeOf(out, text) > limit && d.Shrink(&out) {
			text = d.Render(in, out)
		}
	}
	if o := outcomeOf(ctx); o != nil {
		if d.Writes != nil {
			o.Writes = d.Writes(out)
		}
		if d.Count != nil {
			o.Count = d.Count(out)
		}
	}
	structured, err := conformValue(schema, out)
	if err != nil {
		return d.failure(fmt.Errorf("its answer could not be encoded (%v); this is a devai bug, please report it", err))
	}
	return mcp.NewToolResultStructured(structured, text)
}

// sizeOf is how many bytes an answer takes on the wire: the result as it
// is encoded (the text escaped, the structured content beside it) and
// the response around it, measured as the resources measure theirs.
func sizeOf(out any, text string) int {
	return budget.WireSize(mcp.NewToolResultStructured(out, text))
}

func budgetLifted(req mcp.CallToolRequest) bool {
	if req.Params.Meta == nil {
		return false
	}
	v, _ := req.Params.Meta.AdditionalFields[BudgetKey].(string)
	return v == "none"
}
