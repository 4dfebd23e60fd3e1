package decisions

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestLinksOf(t *testing.T) {
	rec := func(seq int64, tool, args string, writes ...Write) Record {
		return Record{ID: FormatID(seq), Seq: seq, Tool: tool, Arguments: json.RawMessage(args), Writes: writes}
	}
	trace := rec(1, "trace_root_cause", `{"text":"panic: boom"}`)
	patch := rec(2, "propose_patch", `{"title":"fix","links":{"trace":"d000001"}}`, Write{Kind: "proposal", Ref: "p20261124-ab12"})
	spec := rec(3, "draft_spec", `{"request":"follow up on p20261124-ab12"}`, Write{Kind: "spec", Ref: "docs/specs/005-x.md"})
	early := rec(4, "search_context", `{"query":"d000009"}`) // names a record that comes later: no tie
	later := rec(9, "search_context", `{"query":"x"}`)
	all := []Record{trace, patch, spec, early, later}

	tests := []struct {
		name string
		r    Record
		want Links
	}{
		{"trace is cited by the patch", trace, Links{CitedBy: []Link{{ID: "d000002", Tool: "propose_patch", Why: "cites d000001"}}}},
		{"patch cites the trace, the spec uses the proposal", patch, Links{
			Cites:   []Link{{ID: "d000001", Tool: "trace_root_cause", Why: "cites d000001"}},
			CitedBy: []Link{{ID: "d000003", Tool: "draft_spec", Why: "uses proposal p20261124-ab12"}},
		}},
		{"a forward reference is no tie", later, Links{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := LinksOf(tt.r, all); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("LinksOf(%s) = %+v, want %+v", tt.r.ID, got, tt.want)
			}
		})
	}
}
