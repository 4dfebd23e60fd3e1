// Package trace is trace_root_cause: from a pasted panic, a log file or an
// indexed log to the code most likely at fault, each suspect with the
// evidence a reviewer can check (blame, recent commits, tests, specs, past
// events) and a score that says where it came from.
package trace

import (
	"time"

	"github.com/devaiops/devai/memory/history"
	"github.com/devaiops/devai/memory/stack"
)

// Defaults and bounds of the input.
const (
	DefaultMaxSuspects = 5
	MaxMaxSuspects     = 20
	DefaultMaxBytes    = 16 << 20 // what is read of a log file
)

// Input is what trace_root_cause takes: text, or a log to read.
type Input struct {
	Text        string `json:"text,omitempty" cli:"-" jsonschema:"Log lines or a stack trace pasted as text (a Go panic, Python traceback, Java/Kotlin exception, Node.js error, Rust panic, or JSON/logfmt log lines around a failure)"`
	Path        string `json:"path,omitempty" cli:"-" jsonschema:"Instead of text: a log file inside the repository (repo-relative) or an indexed log URI such as devai://log/logs/worker.log or devai://log/logs/worker.log#L1-L40"`
	MaxSuspects int    `json:"max_suspects,omitempty" jsonschema:"Suspects to return, 1 to 20 (default 5)."`
	MaxTokens   int    `json:"max_tokens,omitempty" jsonschema:"The most the answer may take, in tokens (about 4 bytes each), 2500 to 12000 (default 4000 over MCP; the command line has no cap unless given); past it the longest lists are cut and the answer says so."`
	Since       string `json:"since,omitempty" jsonschema:"Instead of text or path: analyse the indexed logs' events at or after this time, errors first. RFC 3339 (2026-01-31T09:00:00Z), a date (2026-01-31) or an age before now (15m, 2h, 7d)."`
	Until       string `json:"until,omitempty" jsonschema:"With since, or alone: only events before this time, in the same forms (default: no end)."`
	Logs        string `json:"logs,omitempty" cli:"log-glob" jsonschema:"With since/until: only the indexed logs whose path matches this glob, e.g. logs/*.log (default: every indexed log)."`
}

// Output is the answer: what failed, where, and why devai thinks so.
type Output struct {
	Source   string    `json:"source"`   // "text" or the path read
	Errors   []Error   `json:"errors"`   // distinct errors found, root causes first
	Suspects []Suspect `json:"suspects"` // ranked, best first
	// Reproduction lists what the log says about the failing request or
	// input: request/trace IDs, the time, log lines just before the crash.
	Reproduction []string `json:"reproduction"`
	// BeforeFailure lists rare log events that came within 90 s before
	// every failure whose time the input shows (from all indexed logs).
	BeforeFailure []Precursor `json:"before_failure"`
	// Window describes the time range read, when since/until were given.
	Window *Window `json:"window,omitempty"`
	// Requests are the request and trace IDs the failure carries, each
	// with the events of that ID across all indexed logs.
	Requests []Request `json:"requests,omitempty"`
	// Timeline lists those events in time order: what happened to the
	// failing request, from the access log to the worker.
	Timeline []TimelineEvent `json:"timeline,omitempty"`
	// Notes say what devai could not do and what to try instead.
	Notes []string `json:"notes"`
	Index string   `json:"index"` // memory.Status.Label: "ready", "indexing 42%" or "empty"
}

// Error is one distinct error (identical traces are counted once).
type Error struct {
	Lang      string  `json:"lang"`
	Type      string  `json:"type,omitempty"`
	Message   string  `json:"message,omitempty"`
	Frames    []Frame `json:"frames"`
	Count     int     `json:"count"`      // times it appears in the input
	StartLine int     `json:"start_line"` // of its first appearance in the input
	EndLine   int     `json:"end_line"`
	RootCause bool    `json:"root_cause"`        // the first error of its chain (what went wrong first)
	Warning   bool    `json:"warning,omitempty"` // a warning printed on the way, not a failure
	Thread    string  `json:"thread,omitempty"`  // the thread that failed, as printed
	URI       string  `json:"uri,omitempty"`     // where it was logged, when the input came from a time range
	// Environment says, for an error that reports a condition of the
	// machine (a refused connection, a full disk, an untrusted
	// certificate), what happened and what to check before the code.
	Environment string `json:"environment,omitempty"`
}

// Frame is a stack frame with the symbol it maps to.
type Frame struct {
	Func      string `json:"func"`
	File      string `json:"file,omitempty"` // as printed
	Line      int    `json:"line,omitempty"`
	Path      string `json:"path,omitempty"` // the repository file it maps to
	InApp     bool   `json:"in_app"`
	CreatedBy bool   `json:"created_by,omitempty"`
	Access    bool   `json:"access,omitempty"` // a race report's access (its section's first frame)
	Symbol    string `json:"symbol,omitempty"` // the index's symbol at the frame's line
	// PrintedLine is the line the trace printed when the frame's function
	// is elsewhere in the checkout (the trace comes from another version
	// of the code); Line is then where the function starts.
	PrintedLine int `json:"printed_line,omitempty"`
	// Built: the frame is in a build of the repository's own package (a
	// bundle under node_modules/<it>/dist/), placed by its function's name;
	// File and PrintedLine are the bundle's.
	Built bool `json:"built,omitempty"`
	// source is the code line the trace printed under the frame (a lead
	// when the frame is not in the repository); not part of the answer.
	source string
}

func frameOf(f stack.Frame) Frame {
	return Frame{Func: f.Func, File: f.File, Line: f.Line, Path: f.Path, InApp: f.InApp, CreatedBy: f.CreatedBy, Access: f.Access, Built: f.Built, source: f.Source}
}

// Suspect is a place in the repository that may hold the fault.
type Suspect struct {
	Rank       int     `json:"rank"`
	Path       string  `json:"path"`
	Line       int     `json:"line"`
	URI        string  `json:"uri"` // the enclosing chunk
	Symbol     string  `json:"symbol,omitempty"`
	SymbolKind string  `json:"symbol_kind,omitempty"`
	Func       string  `json:"func"` // as the trace prints it
	SourceLine string  `json:"source_line,omitempty"`
	Score      float64 `json:"score"`
	// Why lists the parts of the score, each with its weight.
	Why        []string `json:"why"`
	Hypothesis string   `json:"hypothesis"`
	WriteTest  string   `json:"write_test"`
	Blame      []Blame  `json:"blame"`
	Commits    []Commit `json:"recent_commits"`
	Tests      []Ref    `json:"tests"`       // the nearest few
	TestsTotal int      `json:"tests_total"` // how many tests reach it in all
	Specs      []Ref    `json:"specs"`
	PastEvents []Ref    `json:"similar_events"`
	Requires   []string `json:"requirements,omitempty"`
	lastErr    int      // index of the last error that named it
	recent     string   // the commit that changed the frame's line shortly before the newest commit
}

// Blame is the origin of one line around the frame's line.
type Blame struct {
	Line    int    `json:"line"`
	Hash    string `json:"hash"`
	Author  string `json:"author"`
	Time    string `json:"time"` // RFC 3339
	Summary string `json:"summary"`
	Text    string `json:"text"`
}

// Commit is a recent commit that touched the suspect's file.
type Commit struct {
	Hash    string `json:"hash"`
	Author  string `json:"author"`
	Time    string `json:"time"` // RFC 3339
	Subject string `json:"subject"`
}

// Ref cites something in the index.
type Ref struct {
	URI    string `json:"uri"`
	Symbol string `json:"symbol,omitempty"`
	Text   string `json:"text,omitempty"` // a one-line excerpt
}

func blameOf(b history.BlameLine) Blame {
	return Blame{Line: b.Line, Hash: b.Hash, Author: b.Author, Time: b.Time.UTC().Format(time.RFC3339), Summary: b.Summary, Text: b.Text}
}

func commitOf(c history.Commit) Commit {
	return Commit{Hash: c.Hash, Author: c.Author, Time: c.Time.UTC().Format(time.RFC3339), Subject: c.Subject}
}
