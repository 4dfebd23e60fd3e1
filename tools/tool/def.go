package tool

import (
	"context"
	"time"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/budget"
	"github.com/devaiops/devai/memory/decisions"
	"github.com/devaiops/devai/memory/proposals"
)

// Hints are the four MCP tool annotations. mcp.NewTool defaults them to
// destructive and open-world, so every declaration states all four.
type Hints struct {
	ReadOnly, Destructive, Idempotent, OpenWorld bool
}

// ProseFunc asks a model to write text: the client's own (sampling) or a
// chat endpoint the server is configured with.
type ProseFunc func(ctx context.Context, system, prompt string) (string, error)

// Env is what a tool's Run may use besides its input. The server fills it
// once; the binding adds what belongs to one call (the client's model).
type Env struct {
	Index *memory.Index
	// FirstSyncWait bounds how long a call of a tool that needs the index
	// waits for the first sync.
	FirstSyncWait time.Duration
	// AllowExec lets a tool build the repository and run its tests, which
	// executes the repository's code: opt-in with --allow-exec.
	AllowExec bool
	// ExecTimeout bounds one build or test run; 0 is the tool's default.
	ExecTimeout time.Duration
	// Local is true when the caller is the user's own command line, which
	// may name files outside the repository (a coverage profile in /tmp).
	Local bool
	// ProseTimeout bounds one request for prose; 0 is the tool's default.
	ProseTimeout time.Duration
	// Prose is a model to write prose with, or nil. The binding sets it per
	// call: the configured chat endpoint, else the client's model when the
	// client offers sampling.
	Prose ProseFunc
	// ProseBy names who writes the prose, for the answer to say.
	ProseBy string
	// Progress reports what a long call is doing now; the binding sets it
	// per call (MCP progress notifications), and it may be nil.
	Progress ProgressFunc
	// Proposals keeps what propose_patch proposes; nil: files under the
	// index's state directory.
	Proposals proposals.Store
	// Decisions is the decision log the server appends to, for tools that
	// read it (propose_patch reads reviewers' verdicts); nil: the file log
	// under the index's state directory.
	Decisions decisions.Reader
}

// Def declares a tool once. The MCP tool, its handler (argument binding,
// input checks, waiting for the index, error mapping, budget), the CLI
// command and the decision record all come from it.
type Def[In, Out any] struct {
	Name, Title, Description string
	Hints                    Hints
	// Example is the smallest valid arguments, quoted when a call's
	// arguments do not fit the schema: {"query": "session expiry"}.
	Example string
	// Budget caps the answer (structured content plus text) in bytes: an
	// assistant's context cannot take more. 0 means DefaultBudget.
	Budget int
	// BudgetOf, when set, is the cap a call asks for itself (an input such
	// as max_tokens), in bytes, in place of Budget; 0: the call asks none.
	// The tool's Check bounds it.
	BudgetOf func(In) int
	// NeedsFirstSync makes a call wait (up to Env.FirstSyncWait) for the
	// index's first sync, since its answer over half an index misleads.
	NeedsFirstSync bool
	// WithoutIndex lets a call run when the server has no index (a tool
	// that reads only its input).
	WithoutIndex bool
	// Check validates and normalises the input before any work; its error
	// is an input error. Optional.
	Check func(*In) error
	Run   func(ctx context.Context, env Env, in In) (Out, error)
	// Render is the Markdown text of an answer: the same facts as Out.
	Render func(in In, out Out) string
	// Writes is what a call wrote (spec files, proposals, branches), for
	// the decision log. Optional: nil for tools that only read.
	Writes func(Out) []decisions.Write
	// Count says how big an answer is ("3 hits"), for the decision log's
	// summary. Optional.
	Count func(Out) string
	// Shrink drops the least useful part of an answer that is over budget
	// and says what it dropped in the answer itself; it reports false when
	// nothing more can go. Optional: without it an answer is never cut.
	Shrink func(*Out) bool
	// FailHint ends the message of a failure that is devai's, not the
	// caller's: what to try. Default: check devai://index and the log.
	FailHint string
}

// DefaultBudget is the answer budget of a tool that declares none: about
// 12k tokens (memory/budget, which the resources share).
const DefaultBudget = budget.Default

func (d *Def[In, Out]) budget() int {
	if d.Budget > 0 {
		return d.Budget
	}
	return DefaultBudget
}

// budgetFor is the cap on the answer to in, and whether there is one:
// what the call asks for itself, else the tool's budget unless the call
// lifted it (the CLI does).
func (d *Def[In, Out]) budgetFor(in In, lifted bool) (int, bool) {
	if d.BudgetOf != nil {
		if asked := d.BudgetOf(in); asked > 0 {
			return asked, true
		}
	}
	return d.budget(), !lifted
}

// Info is what the server needs to know of a tool before serving it.
type Info struct {
	Name   string
	Hints  Hints
	Budget int // bytes, DefaultBudget when the declaration gives none
}

// Tool is a declared tool with its types erased, so that the server can
// hold a table of them.
type Tool interface {
	Info() Info
	// Binding is the MCP declaration and handler over env.
	Binding(env Env) (Binding, error)
}

// Info implements Tool.
func (d *Def[In, Out]) Info() Info { return Info{Name: d.Name, Hints: d.Hints, Budget: d.budget()} }

// DefaultFirstSyncWait bounds how long a call waits for the first sync
// when the server sets no other bound.
const DefaultFirstSyncWait = 20 * time.Second
