package textindex

import (
	"context"
	"fmt"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Field a verbatim lookup searches.
const (
	InSymbol = fieldSymbol // definitions: the chunk's own symbol name
	InText   = fieldText   // the chunk's body
)

// WithAllTerms returns up to q.Limit docs whose field holds every term of
// q.Text (analysed as the index analyses it), best BM25 first. It finds
// the candidates of a verbatim match cheaply from the postings; the caller
// checks the actual text, since terms in any order also match.
func (ix *Index) WithAllTerms(ctx context.Context, q Query, field string) ([]string, error) {
	if field != InSymbol && field != InText {
		return nil, fmt.Errorf("verbatim lookup: unknown field %q", field)
	}
	if len(Analyze(q.Text)) == 0 {
		return nil, nil
	}
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	filter, err := buildFilter(q)
	if err != nil {
		return nil, fmt.Errorf("verbatim lookup: %w", err)
	}
	bi, unlock, err := ix.use()
	if err != nil {
		return nil, err
	}
	defer unlock()
	m := query.NewMatchQuery(q.Text)
	m.SetField(field)
	m.SetOperator(query.MatchQueryOperatorAnd)
	req := bleve.NewSearchRequestOptions(withFilter(m, filter), limit+tieSlack, 0, false)
	req.SortBy([]string{"-_score", "_id"})
	res, err := bi.SearchInContext(ix.withStats(ctx), req)
	if err != nil {
		return nil, fmt.Errorf("verbatim lookup of %q in %s: %w", q.Text, field, err)
	}
	res.Hits = stableOrder(res.Hits, limit)
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	return ids, nil
}
