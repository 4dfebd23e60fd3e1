package reviews

import (
	"context"
	"strings"
	"testing"

	"github.com/devaiops/devai/memory/decisions"
)

func TestEntryRefusesIncompleteVerdicts(t *testing.T) {
	cases := []struct {
		name string
		args Args
		want string // "" when valid
	}{
		{"approve", Args{Proposal: "p1", Verdict: Approve, Reviewer: "ann"}, ""},
		{"reject without comment", Args{Proposal: "p1", Verdict: Reject, Reviewer: "ann"}, ""},
		{"request changes without comment", Args{Proposal: "p1", Verdict: RequestChanges, Reviewer: "ann"}, "say what to change"},
		{"unknown verdict", Args{Proposal: "p1", Verdict: "merge", Reviewer: "ann"}, "want approve"},
		{"no reviewer", Args{Proposal: "p1", Verdict: Approve}, "no reviewer"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, err := Entry(c.args, decisions.Client{Name: "test"})
			if c.want == "" {
				if err != nil || e.Tool != Tool || e.Writes[0] != (decisions.Write{Kind: WriteKind, Ref: "p1"}) {
					t.Fatalf("Entry = %+v, %v", e, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
		})
	}
}

// TestLatestVerdictWins: verdicts written through the real log read back,
// the latest per proposal; other records are ignored.
func TestLatestVerdictWins(t *testing.T) {
	state := t.TempDir()
	log, err := decisions.Open(decisions.Dir(state), decisions.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	ctx := context.Background()
	if _, err := log.Append(ctx, decisions.Entry{Tool: "propose_patch", Arguments: map[string]any{"verdict": "approve", "proposal": "p1"}}); err != nil {
		t.Fatal(err)
	}
	for _, a := range []Args{
		{Proposal: "p1", Verdict: RequestChanges, Reviewer: "ann", Comment: "handle nil"},
		{Proposal: "p2", Verdict: Reject, Reviewer: "bob"},
		{Proposal: "p1", Verdict: Approve, Reviewer: "ann", Merge: &Merge{Branch: "review", Commit: "abc", Parent: "def"}},
	} {
		e, err := Entry(a, decisions.Client{Name: "test"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := log.Append(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	v, ok, err := Of(ctx, log, "p1")
	if err != nil || !ok || v.Verdict != Approve || v.Merge == nil || v.Merge.Commit != "abc" || v.Decision != "d000004" {
		t.Fatalf("Of(p1) = %+v %v %v", v, ok, err)
	}
	if _, ok, _ := Of(ctx, log, "p3"); ok || State(Verdict{}, ok) != Pending {
		t.Fatal("p3 has no verdict: want pending")
	}
	all, err := Read(ctx, log)
	if err != nil || len(all) != 2 || all["p2"].Reviewer != "bob" {
		t.Fatalf("Read = %+v %v", all, err)
	}
}
