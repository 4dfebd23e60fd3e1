// Package reviews is what a person decided about a proposal: a verdict
// (approve, request changes, reject) with the reviewer's name and comment.
// A verdict is a decision record like any tool call (tool "review", the
// proposal id in its arguments and writes), so it is hash-chained with the
// calls that led to it and LinksOf ties it to the propose_patch record. A
// proposal's review state is its latest verdict; nothing else is stored.
package reviews

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/devaiops/devai/memory/decisions"
)

// Tool is the tool name of a verdict's decision record.
const Tool = "review"

// WriteKind is the kind of the write a verdict record names its proposal by.
const WriteKind = "review"

// Verdicts a reviewer can give, and the state of a proposal that has none.
const (
	Approve        = "approve"
	RequestChanges = "request_changes"
	Reject         = "reject"
	Pending        = "pending"
)

// Valid reports whether v is one of the three verdicts.
func Valid(v string) bool { return v == Approve || v == RequestChanges || v == Reject }

// Merge is what an approval did in git: the commit it made on the review
// branch and the branch's tip before it ("" when it created the branch).
type Merge struct {
	Branch string `json:"branch"`
	Commit string `json:"commit"`
	Parent string `json:"parent"`
	Was    string `json:"was,omitempty"`
}

// Args are a verdict record's arguments.
type Args struct {
	Proposal string `json:"proposal"`
	Verdict  string `json:"verdict"`
	Reviewer string `json:"reviewer"`
	Comment  string `json:"comment,omitempty"`
	Merge    *Merge `json:"merge,omitempty"`
}

// Verdict is one verdict as read back from the log.
type Verdict struct {
	Args
	Decision string    `json:"decision"` // the record's id
	Time     time.Time `json:"time"`
}

// Entry is the decision-log entry of a verdict. A comment is required to
// send a proposal back: the assistant must be told why.
func Entry(a Args, client decisions.Client) (decisions.Entry, error) {
	if !Valid(a.Verdict) {
		return decisions.Entry{}, fmt.Errorf("verdict %q: want %s, %s or %s", a.Verdict, Approve, RequestChanges, Reject)
	}
	if a.Reviewer == "" {
		return decisions.Entry{}, fmt.Errorf("verdict on %s: no reviewer", a.Proposal)
	}
	if a.Verdict == RequestChanges && a.Comment == "" {
		return decisions.Entry{}, fmt.Errorf("request changes on %s: say what to change in the comment", a.Proposal)
	}
	writes := []decisions.Write{{Kind: WriteKind, Ref: a.Proposal}}
	summary := fmt.Sprintf("%s %s: %s", a.Reviewer, a.Verdict, a.Proposal)
	if a.Merge != nil {
		writes = append(writes, decisions.Write{Kind: "branch", Ref: a.Merge.Branch})
		summary += fmt.Sprintf(", commit %s on %s", a.Merge.Commit, a.Merge.Branch)
	}
	return decisions.Entry{Tool: Tool, Arguments: a, Client: client, Summary: summary, Writes: writes}, nil
}

// FromRecord reads a verdict record; ok is false for any other record.
func FromRecord(r decisions.Record) (Verdict, bool) {
	if r.Tool != Tool || r.Outcome != decisions.OutcomeOK {
		return Verdict{}, false
	}
	var a Args
	if json.Unmarshal(r.Arguments, &a) != nil || a.Proposal == "" || !Valid(a.Verdict) {
		return Verdict{}, false
	}
	return Verdict{Args: a, Decision: r.ID, Time: r.Time}, true
}

// Latest is each proposal's latest verdict among recs (oldest first, as
// the log lists them).
func Latest(recs []decisions.Record) map[string]Verdict {
	out := map[string]Verdict{}
	for _, r := range recs {
		if v, ok := FromRecord(r); ok {
			out[v.Proposal] = v
		}
	}
	return out
}

// Read is each proposal's latest verdict in log.
func Read(ctx context.Context, log decisions.Reader) (map[string]Verdict, error) {
	recs, err := log.List(ctx, decisions.Filter{Tool: Tool})
	if err != nil {
		return nil, fmt.Errorf("read the verdicts: %w", err)
	}
	return Latest(recs), nil
}

// Of is proposal id's latest verdict; ok is false when it has none.
func Of(ctx context.Context, log decisions.Reader, id string) (v Verdict, ok bool, err error) {
	all, err := Read(ctx, log)
	if err != nil {
		return Verdict{}, false, err
	}
	v, ok = all[id]
	return v, ok, nil
}

// State is a proposal's review state: its latest verdict, or Pending.
func State(v Verdict, ok bool) string {
	if !ok {
		return Pending
	}
	return v.Verdict
}
