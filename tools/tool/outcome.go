package tool

import (
	"context"

	"github.com/devaiops/devai/memory/decisions"
)

// Outcome is what a call's decision record takes from the tool's typed
// answer rather than from its JSON: what it wrote and how big it was.
type Outcome struct {
	Writes []decisions.Write
	Count  string // "3 hits"
}

type outcomeKey struct{}

// WithOutcome returns a context in which the binding fills the returned
// Outcome of the call that runs under it.
func WithOutcome(ctx context.Context) (context.Context, *Outcome) {
	o := &Outcome{}
	return context.WithValue(ctx, outcomeKey{}, o), o
}

func outcomeOf(ctx context.Context) *Outcome {
	o, _ := ctx.Value(outcomeKey{}).(*Outcome)
	return o
}

// Write is one thing a call wrote, {kind, ref}: a tool's output lists them
// as "writes", and its decision record keeps them.
type Write = decisions.Write
