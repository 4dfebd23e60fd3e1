package console

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/devaiops/devai/memory/decisions"
	"github.com/devaiops/devai/memory/reviews"
	"github.com/devaiops/devai/tools/patch"
)

// proposalRow is one line of the proposal list.
type proposalRow struct {
	P        patch.Output
	State    string // pending, approve, request_changes, reject
	Verdict  *reviews.Verdict
	Client   string // the assistant that proposed it, from its decision record
	Checks   string // pass, fail or skipped: the worst of its checks
	Decision string // its propose_patch record
}

// ledger is what the pages read from the decision log at once: every
// record, each proposal's latest verdict and the record that made it.
type ledger struct {
	recs     []decisions.Record
	verdicts map[string]reviews.Verdict
	proposed map[string]decisions.Record // proposal id → its propose_patch record
}

func (c *Console) readLedger(ctx context.Context) (ledger, error) {
	recs, err := c.cfg.Decisions.List(ctx, decisions.Filter{})
	if err != nil {
		return ledger{}, err
	}
	l := ledger{recs: recs, verdicts: reviews.Latest(recs), proposed: map[string]decisions.Record{}}
	for _, r := range recs {
		for _, w := range r.Writes {
			if w.Kind == "proposal" {
				l.proposed[w.Ref] = r
			}
		}
	}
	return l, nil
}

func (l ledger) row(p patch.Output) proposalRow {
	row := proposalRow{P: p, Checks: worstCheck(p.Checks)}
	v, ok := l.verdicts[p.ID]
	row.State = reviews.State(v, ok)
	if ok {
		row.Verdict = &v
	}
	if r, ok := l.proposed[p.ID]; ok {
		row.Client, row.Decision = r.Client.Name, r.ID
	}
	if row.Client == "" {
		row.Client = "—"
	}
	return row
}

// worstCheck is fail if any check failed, else pass if any passed.
func worstCheck(checks []patch.CheckResult) string {
	worst := patch.StatusSkipped
	for _, ch := range checks {
		switch ch.Status {
		case patch.StatusFail:
			return patch.StatusFail
		case patch.StatusPass:
			worst = patch.StatusPass
		}
	}
	return worst
}

// listQuery is the proposal list's filters and order, from the URL.
type listQuery struct {
	State, Risk, Checks, Q, Sort string
	Desc                         bool
}

var riskRank = map[string]int{"low": 1, "medium": 2, "high": 3}

// loadRows reads the stored proposals and keeps those q selects, in its
// order (newest first by default).
func (c *Console) loadRows(ctx context.Context, q listQuery) ([]proposalRow, error) {
	ids, err := c.cfg.Proposals.IDs(ctx)
	if err != nil {
		return nil, err
	}
	l, err := c.readLedger(ctx)
	if err != nil {
		return nil, err
	}
	rows := []proposalRow{}
	for _, id := range ids {
		p, err := patch.Load(ctx, c.cfg.Proposals, id)
		if err != nil {
			continue // being written, or damaged: devai pr show says why
		}
		row := l.row(p)
		if q.State != "" && row.State != q.State || q.Risk != "" && p.Risk.Level != q.Risk || q.Checks != "" && row.Checks != q.Checks ||
			q.Q != "" && !strings.Contains(strings.ToLower(p.Title+" "+p.ID), strings.ToLower(q.Q)) {
			continue
		}
		rows = append(rows, row)
	}
	less := map[string]func(a, b proposalRow) bool{
		"age":    func(a, b proposalRow) bool { return a.P.Created.Before(b.P.Created) },
		"title":  func(a, b proposalRow) bool { return strings.ToLower(a.P.Title) < strings.ToLower(b.P.Title) },
		"risk":   func(a, b proposalRow) bool { return riskRank[a.P.Risk.Level] < riskRank[b.P.Risk.Level] },
		"status": func(a, b proposalRow) bool { return a.State < b.State },
	}[q.Sort]
	if less == nil {
		less = func(a, b proposalRow) bool { return a.P.Created.After(b.P.Created) } // newest first
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if q.Desc {
			return less(rows[j], rows[i])
		}
		return less(rows[i], rows[j])
	})
	return rows, nil
}

// trailStep is one record of a proposal's trail, and why it is there.
type trailStep struct {
	ID, Tool, Why, Summary string
	Time                   time.Time
}

// maxTrail bounds how far back a trail is followed.
const maxTrail = 20

// trail is what led to the proposal (the records its record cites, and
// theirs, oldest first) and what followed it (records citing it: verdicts,
// revisions, specs).
func (l ledger) trail(id string) (before, after []trailStep) {
	rec, ok := l.proposed[id]
	if !ok {
		return nil, nil
	}
	byID := map[string]decisions.Record{}
	for _, r := range l.recs {
		byID[r.ID] = r
	}
	seen := map[string]bool{rec.ID: true}
	queue := []decisions.Record{rec}
	for len(queue) > 0 && len(before) < maxTrail {
		cur := queue[0]
		queue = queue[1:]
		for _, link := range decisions.LinksOf(cur, l.recs).Cites {
			if seen[link.ID] {
				continue
			}
			seen[link.ID] = true
			r := byID[link.ID]
			before = append(before, trailStep{ID: r.ID, Tool: r.Tool, Why: fmt.Sprintf("%s %s", cur.ID, link.Why), Summary: r.Summary, Time: r.Time})
			queue = append(queue, r)
		}
	}
	sort.Slice(before, func(i, j int) bool { return before[i].ID < before[j].ID })
	before = append(before, trailStep{ID: rec.ID, Tool: rec.Tool, Why: "made this proposal", Summary: rec.Summary, Time: rec.Time})
	for _, link := range decisions.LinksOf(rec, l.recs).CitedBy {
		r := byID[link.ID]
		after = append(after, trailStep{ID: r.ID, Tool: r.Tool, Why: link.Why, Summary: r.Summary, Time: r.Time})
	}
	return before, after
}
