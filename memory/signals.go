package memory

import (
	"context"
	"sort"

	"github.com/devaiops/devai/memory/chunk"
	"github.com/devaiops/devai/memory/walk"
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
}

// SearchSignals asks every channel as Search does and returns, for each
// chunk that passes the query's filters, its Signals, in ID order. The
// symbol-graph signal is not included: it depends on the fused ranking.
func (ix *Index) SearchSignals(ctx context.Context, q Query) ([]Signals, error) {
	q, _, cands, err := ix.gather(ctx, q)
	if err != nil {
		return nil, err
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
		m := ref.meta()
		out = append(out, Signals{ID: id, Path: ref.file.Path, Kind: ref.file.Kind, TextHash: m.TextHash,
			TextRank: c.textRank, VecRank: c.vecRank,
			Symbol: symbolNamed(m, terms) != "", Req: shared(m.Requirements, reqs) != "", Package: m.SymbolKind == "package",
			Exact: c.exact, Hint: c.hint, PastRank: c.pastRank,
			Scope: scopeFolder(ref.file.Path, scopes) != "", NonCode: !walk.IsProgramming(ref.file.Language)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}
