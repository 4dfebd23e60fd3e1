package memory

import (
	"context"
	"sort"

	"github.com/devaiops/devai/memory/chunk"
)

// Signals is what the fusion sees of one chunk a query found: each
// channel's rank or vote before any weight applies. Search turns them
// into a score with the index's Weights; bench/locset writes them out so
// that the weights can be fitted jointly on a tune set without asking
// every query again for every combination.
type Signals struct {
	ID       string     `json:"id"`
	Path     string     `json:"path"`
	Kind     chunk.Kind `json:"kind"`
	TextHash string     `json:"hash"`
	TextRank int        `json:"text,omitempty"` // 1-based; 0: not found by that channel
	VecRank  int        `json:"vec,omitempty"`
	Symbol   bool       `json:"sym,omitempty"`   // the query names its symbol
	Req      bool       `json:"req,omitempty"`   // the query names a requirement it carries
	Package  bool       `json:"pkg,omitempty"`   // a package clause and imports (headerDiscount)
	Exact    int        `json:"exact,omitempty"` // verbatim level
	Hint     bool       `json:"hint,omitempty"`
	PastRank int        `json:"past,omitempty"`
	Scope    bool       `json:"scope,omitempty"`   // in a folder the query's first line names as its scope
	NonCode  bool       `json:"noncode,omitempty"` // its file is in no programming language (Weights.NonCode)
	Example  bool       `json:"example,omitempty"` // its file is in a folder of usage examples or CI scripts (Weights.Examples)
}

// SearchSignals asks every channel as Search does and returns the query's
// shape and, for each chunk that passes the query's filters, its Signals,
// in ID order. Weights.Score of each gives Search's order, less the
// symbol graph's boost, which depends on the fused ranking itself.
func (ix *Index) SearchSignals(ctx context.Context, q Query) (QueryShape, []Signals, error) {
	q, pq, cands, err := ix.gather(ctx, q)
	if err != nil {
		return QueryShape{}, nil, err
	}
	terms := queryTerms(q.Text)
	reqs := chunk.FindRequirementIDs(q.Text)
	scopes := queryScopes(q.Text)
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	out := make([]Signals, 0, len(cands))
	for id, c := range cands {
		ref, ok := ix.byID[id]
		if !ok || !ix.passes(q, ref) {
			continue
		}
		s, _ := ix.observe(c, ref, terms, reqs, scopes)
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return shapeOf(q, pq.wants), out, nil
}
