// Package spec is draft_spec (SpecAgent): a natural-language request becomes
// a spec a person can approve, grounded in what the repository already says
// and does. The package builds a deterministic skeleton from the index (the
// specs on the same subject, with duplicates and contradictions called out,
// the code that would change, the tests to extend, the logs that show the
// current behaviour), writes EARS requirements with stable IDs that cite
// only URIs the index holds, lints the draft, and marks the prose it cannot
// know as gaps for the calling assistant, or has the client's model fill
// them (sampling, see Options.Prose). With write it puts the spec in the
// format's own place inside the repository, never over an existing file
// unless asked. The plain API here is shared by `devai plan` and the MCP
// binding in mcp.go.
package spec

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/tools/tool"
)

// Formats a spec can be written in.
const (
	FormatDevai   = "devai"    // docs/specs/NNN-slug.md, like the specs devai indexes
	FormatSpecKit = "spec-kit" // specs/NNN-name/spec.md (GitHub Spec Kit)
	FormatKiro    = "kiro"     // .kiro/specs/name/requirements.md (Kiro)
)

var formats = []string{FormatDevai, FormatSpecKit, FormatKiro}

// MaxRequestBytes caps a request: a spec request is a paragraph, not a
// document; above this the caller is asked to summarise it.
const MaxRequestBytes = 8 << 10

// Statuses of an output.
const (
	StatusDraft   = "draft"               // a spec was drafted
	StatusClarify = "needs_clarification" // the request is too thin: see Clarify
)

// Input is one draft_spec call.
type Input struct {
	Request   string `json:"request" cli:"-" jsonschema:"What should change, in plain words, e.g. add rate limiting to the login endpoint. Any language; the prose keeps it."`
	Title     string `json:"title,omitempty" jsonschema:"Title of the spec (default: from the request). Re-drafting a spec with the same title keeps its requirement IDs."`
	Format    string `json:"format,omitempty" jsonschema:"devai (default: docs/specs/NNN-slug.md), spec-kit (specs/NNN-name/spec.md) or kiro (.kiro/specs/name/requirements.md)."`
	Write     bool   `json:"write,omitempty" jsonschema:"Write the spec file (default false: only return it). Ask the user first."`
	Path      string `json:"path,omitempty" jsonschema:"Repo-relative file to write instead of the format's own place."`
	Overwrite bool   `json:"overwrite,omitempty" jsonschema:"Replace an existing file at the target (default false: refuse)."`
	System    string `json:"system,omitempty" jsonschema:"The system named in THE <system> SHALL (default: the name the repository's specs use, else the module name)."`
}

// Cited is every devai:// URI the draft cites, wherever it cites it: what
// a reviewer (or a benchmark) checks against the index.
func (o Output) Cited() []string {
	var all []string
	for _, r := range o.Requirements {
		all = append(all, r.Sources...)
	}
	for _, u := range o.Unchanged {
		all = append(all, u.Source)
	}
	for _, c := range o.Affected {
		all = append(all, c.URI)
	}
	for _, r := range o.Related {
		all = append(all, r.URI)
	}
	for _, f := range o.TestPlan {
		all = append(all, f.URI)
	}
	for _, l := range o.Logs {
		all = append(all, l.URI)
	}
	for _, q := range o.Questions {
		if q.Source != "" {
			all = append(all, q.Source)
		}
	}
	return all
}

// Options are the settings of the caller, not of the call.
type Options struct {
	// Prose, when set, asks a language model to write the prose parts of
	// the skeleton (MCP sampling through the client). It gets a system
	// prompt and a user prompt and returns the model's text. Errors and
	// unusable answers fall back to the skeleton.
	Prose func(ctx context.Context, system, prompt string) (string, error)
	// ProseTimeout bounds Prose (default 90 s).
	ProseTimeout time.Duration
	// ProseBy names the model behind Prose (default: the client's model).
	ProseBy string
}

// Output is the answer to one call.
type Output struct {
	Status       string        `json:"status" jsonschema:"draft, or needs_clarification (then see clarify; nothing was drafted)."`
	Title        string        `json:"title"`
	Summary      string        `json:"summary"`
	System       string        `json:"system" jsonschema:"The system the requirements name."`
	Format       string        `json:"format"`
	Language     string        `json:"language" jsonschema:"en, or other when the request is not in English (the prose keeps the request's language)."`
	Target       string        `json:"target" jsonschema:"Repo-relative file the spec goes to (written only with write: true)."`
	RedraftOf    string        `json:"redraft_of,omitempty" jsonschema:"The existing spec this re-drafts; its requirement IDs were kept."`
	Stories      []Story       `json:"stories"`
	Requirements []Requirement `json:"requirements"`
	Acceptance   []Criterion   `json:"acceptance"`
	Success      []Success     `json:"success_criteria"`
	Unchanged    []Unchanged   `json:"unchanged" jsonschema:"Behaviour that must stay as it is, from the specs and tests of the affected code."`
	Affected     []Component   `json:"affected" jsonschema:"The code that would change, most likely first."`
	Related      []RelatedSpec `json:"related_specs" jsonschema:"Existing specs on the subject: related, possible duplicate, or contradiction."`
	TestPlan     []TestFile    `json:"test_plan" jsonschema:"Test files to extend and the new tests, with their verifies: tags."`
	Logs         []Evidence    `json:"logs" jsonschema:"Log events that show the current behaviour."`
	Questions    []Question    `json:"open_questions" jsonschema:"At most three, each with options."`
	Clarify      []Question    `json:"clarify,omitempty" jsonschema:"What to ask the user before drafting (status needs_clarification)."`
	Lint         []Finding     `json:"lint" jsonschema:"Deterministic findings on the draft's requirements."`
	Gaps         []string      `json:"gaps" jsonschema:"Prose the calling assistant should still write; the document marks each with TODO(assistant)."`
	Prose        string        `json:"prose" jsonschema:"skeleton (gaps left for the assistant), sampled (the client's model wrote the prose), or why sampling was not used."`
	Document     string        `json:"document" jsonschema:"The spec file's Markdown, as written or as it would be written."`
	Writes       []Write       `json:"writes" jsonschema:"Files this call wrote."`
	Index        string        `json:"index"`
}

// Story is a user story with its priority.
type Story struct {
	ID       string `json:"id"`
	Priority string `json:"priority" jsonschema:"P1 (must), P2 (should) or P3 (could)."`
	Text     string `json:"text"`
}

// EARS patterns.
const (
	Ubiquitous = "ubiquitous" // THE <system> SHALL <response>
	Event      = "event"      // WHEN <trigger> THE <system> SHALL <response>
	State      = "state"      // WHILE <state> THE <system> SHALL <response>
	Unwanted   = "unwanted"   // IF <condition> THEN THE <system> SHALL <response>
	Optional   = "optional"   // WHERE <feature> THE <system> SHALL <response>
)

// Requirement is one EARS requirement.
type Requirement struct {
	ID       string   `json:"id" jsonschema:"Stable ID, e.g. FR-023; kept when the spec is re-drafted."`
	Pattern  string   `json:"pattern" jsonschema:"ubiquitous, event, state, unwanted or optional."`
	Text     string   `json:"text"`
	Sources  []string `json:"sources" jsonschema:"devai:// URIs it rests on; every one exists in the index."`
	Question string   `json:"question,omitempty" jsonschema:"The open question it depends on, when it has no source."`
	Gap      string   `json:"gap,omitempty" jsonschema:"What the assistant should still decide in it."`
}

// Criterion is a Given/When/Then acceptance criterion.
type Criterion struct {
	ID           string   `json:"id"`
	Requirements []string `json:"requirements"`
	Given        string   `json:"given"`
	When         string   `json:"when"`
	Then         string   `json:"then"`
}

// Success is a measurable success criterion.
type Success struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// Unchanged is behaviour that must stay as it is.
type Unchanged struct {
	Text   string `json:"text"`
	Source string `json:"source" jsonschema:"Where it is stated or tested (devai:// URI)."`
	ID     string `json:"id,omitempty" jsonschema:"The requirement ID that states it, if any."`
}

// Component is code that would change.
type Component struct {
	Path    string   `json:"path"`
	URI     string   `json:"uri"`
	Symbols []string `json:"symbols,omitempty"`
	Why     string   `json:"why"`
	Score   float64  `json:"score"`
}

// Spec relations.
const (
	RelRelated       = "related"
	RelDuplicate     = "possible_duplicate"
	RelContradiction = "contradiction"
)

// RelatedSpec is an existing spec section on the same subject.
type RelatedSpec struct {
	URI          string   `json:"uri"`
	Section      string   `json:"section"`
	Relation     string   `json:"relation" jsonschema:"related, possible_duplicate or contradiction."`
	Requirements []string `json:"requirements,omitempty"`
	Quote        string   `json:"quote,omitempty" jsonschema:"The sentence that duplicates or contradicts the request."`
	Why          string   `json:"why"`
}

// TestFile is a test file to extend, with the tests to add to it.
type TestFile struct {
	Path     string    `json:"path"`
	URI      string    `json:"uri"`
	Existing []string  `json:"existing,omitempty" jsonschema:"Tests there that already exercise the affected code."`
	Why      string    `json:"why"`
	New      []NewTest `json:"new"`
}

// NewTest is a test to write.
type NewTest struct {
	Name     string   `json:"name"`
	Verifies []string `json:"verifies"`
	Tag      string   `json:"tag" jsonschema:"The comment to put above it, which find_test_gaps reads."`
}

// Evidence is a log event that shows the current behaviour.
type Evidence struct {
	URI   string `json:"uri"`
	Event string `json:"event"`
	Why   string `json:"why"`
}

// Question is an open question with the options to choose from.
type Question struct {
	ID       string   `json:"id"`
	Question string   `json:"question"`
	Options  []string `json:"options"`
	Source   string   `json:"source,omitempty"`
}

// Finding is one lint finding.
type Finding struct {
	Rule    string `json:"rule"`
	ID      string `json:"id,omitempty"`
	Message string `json:"message"`
}

// Write is a file the call wrote, as the decision log reads it.
type Write = tool.Write

// Validate checks in and fills its defaults.
func Validate(in *Input) error {
	in.Request = strings.TrimSpace(in.Request)
	in.Title = strings.TrimSpace(in.Title)
	in.System = strings.TrimSpace(in.System)
	in.Path = strings.TrimSpace(in.Path)
	if len(in.Request) > MaxRequestBytes {
		return tool.Inputf("the request is %d bytes; the limit is %d (8 KiB): summarise what should change in a paragraph and put the details in the spec afterwards", len(in.Request), MaxRequestBytes)
	}
	if !utf8.ValidString(in.Request) {
		return tool.Inputf("the request is not valid UTF-8 text")
	}
	switch in.Format {
	case "":
		in.Format = FormatDevai
	case FormatDevai, FormatSpecKit, FormatKiro:
	default:
		return tool.Inputf("unknown format %q: use %s", in.Format, strings.Join(formats, ", "))
	}
	if in.Overwrite && !in.Write {
		return tool.Inputf("overwrite needs write: true; pass both to replace an existing spec")
	}
	if in.Path != "" && !in.Write {
		return tool.Inputf("path only applies with write: true; leave it out to only see the draft")
	}
	return nil
}

// Run drafts the spec for in.
func Run(ctx context.Context, ix *memory.Index, in Input, opts Options) (Output, error) {
	if err := Validate(&in); err != nil {
		return Output{}, err
	}
	out := Output{Format: in.Format, Language: language(in.Request), Index: ix.Status().Label()}
	if qs := clarifying(in.Request); qs != nil {
		out.Status, out.Clarify, out.Prose = StatusClarify, qs, "none: the request needs clarifying first"
		out.Title = in.Request
		return out.normalized(), nil
	}
	g, err := ground(ctx, ix, in.Request)
	if err != nil {
		return Output{}, err
	}
	d := newDraft(ix, in, g, out)
	if err := d.placeAndNumber(); err != nil {
		return Output{}, err
	}
	out = d.build()
	out.Lint = Lint(out.Requirements)
	if opts.Prose != nil {
		out = sample(ctx, ix, out, opts)
	} else {
		out.Prose = "skeleton: the client offers no sampling; fill the TODO(assistant) gaps"
	}
	out.Document = Document(out)
	if in.Write {
		if err := writeSpec(ix.Repo(), ix.StateDir(), out.Target, out.Document, in.Overwrite); err != nil {
			return Output{}, err
		}
		out.Writes = []Write{{Kind: "spec", Ref: out.Target}}
	}
	return out.normalized(), nil
}

// normalized gives every list a value: the output schema wants arrays, not
// nulls.
func (o Output) normalized() Output {
	if o.Stories == nil {
		o.Stories = []Story{}
	}
	if o.Requirements == nil {
		o.Requirements = []Requirement{}
	}
	for i := range o.Requirements {
		if o.Requirements[i].Sources == nil {
			o.Requirements[i].Sources = []string{}
		}
	}
	if o.Acceptance == nil {
		o.Acceptance = []Criterion{}
	}
	if o.Success == nil {
		o.Success = []Success{}
	}
	if o.Unchanged == nil {
		o.Unchanged = []Unchanged{}
	}
	if o.Affected == nil {
		o.Affected = []Component{}
	}
	if o.Related == nil {
		o.Related = []RelatedSpec{}
	}
	if o.TestPlan == nil {
		o.TestPlan = []TestFile{}
	}
	for i := range o.TestPlan {
		if o.TestPlan[i].New == nil {
			o.TestPlan[i].New = []NewTest{}
		}
	}
	if o.Logs == nil {
		o.Logs = []Evidence{}
	}
	if o.Questions == nil {
		o.Questions = []Question{}
	}
	if o.Lint == nil {
		o.Lint = []Finding{}
	}
	if o.Gaps == nil {
		o.Gaps = []string{}
	}
	if o.Writes == nil {
		o.Writes = []Write{}
	}
	return o
}
