// Package patch is devai's CodeAgent (propose_patch): it turns the edits an
// assistant produces (search/replace blocks, a unified diff, whole files)
// into a reviewable proposal: a clean git diff against a known commit, the
// symbols, tests and requirements it touches, checks run in a scratch copy,
// and a risk note, stored under <state>/proposals/<id>/. It never writes to
// the user's working tree, index or current branch; on request it adds a
// branch devai/proposal-<id> built from git objects alone.
package patch

import (
	"time"

	"github.com/devaiops/devai/memory/decisions"
	"github.com/devaiops/devai/memory/proposals"
	"github.com/devaiops/devai/tools/tool"
)

// Check names, in the order they run.
const (
	CheckApply  = "apply"
	CheckFormat = "format"
	CheckBuild  = "build"
	CheckTest   = "test"
)

// Check statuses.
const (
	StatusPass    = "pass"
	StatusFail    = "fail"
	StatusSkipped = "skipped"
)

// Limits that keep a proposal reviewable and the server safe.
const (
	MaxDiffBytes   = 5 << 20 // the diff, and all edits together
	DefaultTimeout = 5 * time.Minute
)

// Input is one propose_patch call.
type Input struct {
	Title     string  `json:"title" jsonschema:"One line saying what the change does, e.g. 'auth: skip deleted users in recordLastSeen'"`
	Rationale string  `json:"rationale,omitempty" jsonschema:"Why: the bug, the evidence (trace, logs), the requirement it serves"`
	Edits     []Edit  `json:"edits" cli:"-" jsonschema:"The changes, applied in order, all or nothing. Each edit is one of: {path, search, replace}; {diff} (a unified diff, several files allowed); {path, content} (whole file, new or replaced); {path, delete: true}"`
	Base      string  `json:"base,omitempty" jsonschema:"The commit the edits apply to (a hash, branch or tag); default HEAD"`
	Options   Options `json:"options,omitzero" jsonschema:"Checks to run, whether to create a proposal branch, and links"`
}

// Edit is one change. Exactly one form is used per edit.
type Edit struct {
	Path    string  `json:"path,omitempty" jsonschema:"Repository-relative file path (for search/replace, whole file and delete)"`
	Search  string  `json:"search,omitempty" jsonschema:"Text that occurs exactly once in the file at base; it is replaced by replace"`
	Replace string  `json:"replace,omitempty" jsonschema:"The text that takes search's place (empty deletes it)"`
	Diff    string  `json:"diff,omitempty" jsonschema:"A unified diff (git diff or diff -u), paths a/… b/…; may create, delete and rename files (not change modes)"`
	Content *string `json:"content,omitempty" jsonschema:"The whole new content of path (creates the file if it does not exist)"`
	Delete  bool    `json:"delete,omitempty" jsonschema:"Delete path"`
}

// Options are the caller's choices for one proposal.
type Options struct {
	Checks []string `json:"checks,omitempty" jsonschema:"Checks to run among apply, format, build, test; default all (build and test run only where the server allows running code)"`
	Branch bool     `json:"branch,omitempty" jsonschema:"Create the branch devai/proposal-<id> with the change as one commit on base (the working tree, index and HEAD stay as they are; nothing is pushed)"`
	Links  Links    `json:"links,omitzero" jsonschema:"What motivated the change"`
}

// Links tie a proposal to the specs and the trace behind it.
type Links struct {
	Requirements []string `json:"requirements,omitempty" jsonschema:"Requirement IDs the change serves, e.g. FR-011"`
	Trace        string   `json:"trace,omitempty" jsonschema:"The decision id of the trace_root_cause call that found the problem, e.g. d000042"`
	Revises      string   `json:"revises,omitempty" jsonschema:"The id of an earlier proposal this one revises after review; its reviewer's verdict and comment come back in notes"`
}

// Output is a stored proposal.
type Output struct {
	ID           string        `json:"id"`
	Title        string        `json:"title"`
	Rationale    string        `json:"rationale,omitempty"`
	Created      time.Time     `json:"created"`
	Base         string        `json:"base"` // full commit hash
	BaseRef      string        `json:"base_ref"`
	Branch       string        `json:"branch,omitempty"`
	BranchCommit string        `json:"branch_commit,omitempty"`
	Diff         string        `json:"diff"`
	Files        []FileChange  `json:"files"`
	Symbols      []Symbol      `json:"symbols"`
	Tests        []Test        `json:"impacted_tests"`
	Requirements []string      `json:"requirements"`
	Links        Links         `json:"links,omitzero"`
	Checks       []CheckResult `json:"checks"`
	Exec         string        `json:"exec"` // why build/test did or did not run
	Notes        []string      `json:"notes"`
	Risk         Risk          `json:"risk"`
	Path         string        `json:"path"` // the proposal's folder
	Writes       []Write       `json:"writes"`
	// Caller is who asked for the proposal: the HTTP caller, or the local
	// user. Omitted on proposals stored before callers were kept.
	Caller *decisions.Caller `json:"caller,omitempty"`
}

// FileChange is one file of the diff.
type FileChange struct {
	Path    string `json:"path"`
	Status  string `json:"status"` // added, modified, deleted
	Added   int    `json:"added"`
	Removed int    `json:"removed"`
}

// Symbol is a definition whose lines the change touches.
type Symbol struct {
	Symbol    string `json:"symbol"`
	Kind      string `json:"kind,omitempty"`
	Path      string `json:"path"`
	StartLine int    `json:"start_line"`
	EndLine   int    `json:"end_line"`
	URI       string `json:"uri,omitempty"`
}

// Test is an impacted test: it references a touched symbol, or is itself
// touched.
type Test struct {
	Name    string `json:"name"` // e.g. TestLoginOpensSession
	Symbol  string `json:"symbol"`
	Path    string `json:"path"`
	Line    int    `json:"line,omitempty"`
	Package string `json:"package,omitempty"` // Go package directory, repo-relative
	Why     string `json:"why"`
}

// CheckResult is the outcome of one check.
type CheckResult struct {
	Name     string `json:"name"`
	Status   string `json:"status"`
	Command  string `json:"command,omitempty"`
	Output   string `json:"output,omitempty"` // tail
	Duration string `json:"duration"`
	Millis   int64  `json:"millis"`
}

// Risk is a modest note on how much the change could break.
type Risk struct {
	Level        string         `json:"level"` // low, medium, high
	LinesChanged int            `json:"lines_changed"`
	Files        int            `json:"files"`
	Churn        map[string]int `json:"churn"` // commits in the last 90 days per touched file
	Untested     []string       `json:"untested_symbols"`
	Note         string         `json:"note"`
}

// Write is what the proposal wrote, for the decision log.
type Write = tool.Write

// RunOptions are the server's (not the caller's) settings.
type RunOptions struct {
	// AllowExec lets build and test checks run the repository's code. It is
	// the repository owner's opt-in (--allow-exec, DEVAI_ALLOW_EXEC).
	AllowExec bool
	// Timeout bounds each executed check; 0 means DefaultTimeout.
	Timeout time.Duration
	// Progress hears what the checks are doing (go build, each test
	// package); it may be nil.
	Progress tool.ProgressFunc
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Store keeps the proposal; nil: files under the state directory.
	Store proposals.Store
	// Decisions is the log where reviewers' verdicts are (for
	// options.links.revises); nil: the file log under the state directory.
	Decisions decisions.Reader
}
