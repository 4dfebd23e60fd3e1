package decisions

import (
	"bytes"
	"regexp"
	"sort"
)

// Link is one record's tie to another: the other record and why they are
// tied ("cites d000012", "uses proposal 20261124-ab12").
type Link struct {
	ID   string `json:"id"`
	Tool string `json:"tool"`
	Why  string `json:"why"`
}

// Links are the ties of one record, in both directions. They are read from
// what the records already hold, not stored: an assistant that passes a
// trace's decision id to propose_patch, or a proposal id to draft_spec, has
// said what led to what, and the chain's hashes cover those arguments.
type Links struct {
	Cites   []Link `json:"cites"`    // records r refers to
	CitedBy []Link `json:"cited_by"` // records that refer to r
}

var decisionIDWord = regexp.MustCompile(`\bd\d{6}\b`)

// LinksOf finds the ties of r among recs (r itself may be among them).
func LinksOf(r Record, recs []Record) Links {
	var l Links
	for _, o := range recs {
		if o.ID == r.ID {
			continue
		}
		if why := refersTo(r, o); why != "" {
			l.Cites = append(l.Cites, Link{ID: o.ID, Tool: o.Tool, Why: why})
		}
		if why := refersTo(o, r); why != "" {
			l.CitedBy = append(l.CitedBy, Link{ID: o.ID, Tool: o.Tool, Why: why})
		}
	}
	sort.Slice(l.Cites, func(i, j int) bool { return l.Cites[i].ID < l.Cites[j].ID })
	sort.Slice(l.CitedBy, func(i, j int) bool { return l.CitedBy[i].ID < l.CitedBy[j].ID })
	return l
}

// refersTo says why a's arguments point at b: b's id, or something b wrote
// (a proposal id, a spec path, a branch). Empty when they do not.
func refersTo(a, b Record) string {
	if len(a.Arguments) == 0 || a.Seq <= b.Seq && a.Seq != 0 {
		return "" // a call can only cite what came before it
	}
	for _, m := range decisionIDWord.FindAll(a.Arguments, -1) {
		if string(m) == b.ID {
			return "cites " + b.ID
		}
	}
	for _, w := range b.Writes {
		if len(w.Ref) >= 6 && bytes.Contains(a.Arguments, []byte(w.Ref)) {
			return "uses " + w.Kind + " " + w.Ref
		}
	}
	return ""
}
