package textindex

import (
	"context"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// fieldQuery is the part of a search that targets one field, named as
// Hit.Fields reports it.
type fieldQuery struct {
	name string
	q    query.Query
}

// Common terms: a query term found in the body of more than commonFraction
// of the docs (and of more than commonMinDocs) only adds to the score of
// docs that some rarer term already found, as in Elasticsearch's common
// terms query. "close", "err" or "return" would otherwise make a search walk
// most of the index.
const (
	commonFraction = 0.05
	commonMinDocs  = 500
)

// plan is a query split into what finds candidates and what only scores them.
type plan struct {
	fields []fieldQuery  // one per field, for markMatchedFields
	find   []query.Query // candidates: docs matching any of these
	boost  []query.Query // common body terms: they only add to the score
}

// buildPlan makes, for each searchable field, term queries over the query's
// analysed terms (the index's own code analyzer), plus exact term queries
// for the requirement IDs the text mentions. df gives a term's document
// frequency in the body and total the number of docs; with df nil no term
// counts as common.
func buildPlan(text string, df func(term string) uint64, total uint64) plan {
	var terms []string
	seen := map[string]bool{}
	for _, t := range Analyze(text) {
		if !seen[t] {
			seen[t] = true
			terms = append(terms, t)
		}
	}
	var p plan
	if len(terms) == 0 {
		return p
	}
	for _, f := range []struct {
		name, field string
		boost       float64
	}{
		{"symbol", fieldSymbol, boostSymbol},
		{"path", fieldPathWords, boostPath},
		{"test", fieldTestNames, boostTestNames},
		{"signature", fieldSignature, boostSignature},
	} {
		qs := termQueries(f.field, f.boost, terms)
		p.fields = append(p.fields, fieldQuery{f.name, query.NewDisjunctionQuery(qs)})
		p.find = append(p.find, qs...)
	}

	var rare, common []string
	for _, t := range terms {
		if df != nil {
			if n := df(t); n > commonMinDocs && float64(n) > commonFraction*float64(total) {
				common = append(common, t)
				continue
			}
		}
		rare = append(rare, t)
	}
	if len(rare) == 0 { // only common words: they have to find the docs themselves
		rare, common = common, nil
	}
	body := termQueries(fieldText, boostText, rare)
	p.find = append(p.find, body...)
	if len(common) > 0 {
		p.boost = termQueries(fieldText, boostText, common)
		body = append(body, p.boost...)
	}
	p.fields = append(p.fields, fieldQuery{"text", query.NewDisjunctionQuery(body)})

	if ids := requirementID.FindAllString(text, -1); len(ids) > 0 {
		reqs := make([]query.Query, 0, len(ids))
		for _, id := range ids {
			t := query.NewTermQuery(normalizeRequirement(id))
			t.SetField(fieldRequirements)
			t.SetBoost(boostRequirement)
			reqs = append(reqs, t)
		}
		p.fields = append(p.fields, fieldQuery{"requirement", query.NewDisjunctionQuery(reqs)})
		p.find = append(p.find, reqs...)
	}
	return p
}

func termQueries(field string, boost float64, terms []string) []query.Query {
	qs := make([]query.Query, len(terms))
	for i, t := range terms {
		tq := query.NewTermQuery(t)
		tq.SetField(field)
		tq.SetBoost(boost)
		qs[i] = tq
	}
	return qs
}

// scoring is the plan's scoring query: a doc must match a finding clause;
// the common terms add to the score of what was found.
func (p plan) scoring() query.Query {
	find := query.NewDisjunctionQuery(p.find)
	if len(p.boost) == 0 {
		return find
	}
	return query.NewBooleanQuery([]query.Query{find}, []query.Query{query.NewDisjunctionQuery(p.boost)}, nil)
}

// bodyFrequencies returns a document-frequency lookup on the body field and
// the doc count, read from one snapshot; release frees the snapshot.
func bodyFrequencies(ctx context.Context, bi bleve.Index) (df func(string) uint64, total uint64, release func(), err error) {
	adv, err := bi.Advanced()
	if err != nil {
		return nil, 0, nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, 0, nil, err
	}
	total, err = r.DocCount()
	if err != nil {
		_ = r.Close()
		return nil, 0, nil, err
	}
	df = func(term string) uint64 {
		tfr, err := r.TermFieldReader(ctx, []byte(term), fieldText, false, false, false)
		if err != nil {
			return 0 // unknown: treat as rare, which is always correct, only slower
		}
		n := tfr.Count()
		_ = tfr.Close()
		return n
	}
	return df, total, func() { _ = r.Close() }, nil
}
