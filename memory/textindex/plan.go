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

// Common terms: a query term found in a field of more than commonFraction
// of the docs (and of more than commonMinDocs) only adds to the score of
// docs that a rarer term already found, as in Elasticsearch's common terms
// query. "close" or "err" in the body, "test" in symbols or "go" in paths
// would otherwise make a search walk most of the index.
const (
	commonFraction = 0.05
	commonMinDocs  = 500
)

// plan is a query split into what finds candidates and what only scores them.
type plan struct {
	fields []fieldQuery  // one per field with a matching term, for markMatchedFields
	find   []query.Query // candidates: docs matching any of these
	boost  []query.Query // common terms: they only add to the score
}

type searchField struct {
	name, field string
	boost       float64
}

// searchFields are the analysed fields a query's terms are looked up in.
var searchFields = []searchField{
	{"symbol", fieldSymbol, boostSymbol},
	{"path", fieldPathWords, boostPath},
	{"test", fieldTestNames, boostTestNames},
	{"signature", fieldSignature, boostSignature},
	{"text", fieldText, boostText},
}

// docFreq gives the number of docs whose field holds term; nil means unknown.
type docFreq func(field, term string) uint64

// buildPlan makes, for each searchable field, term queries over the query's
// analysed terms (the index's own code analyzer), plus exact term queries
// for the requirement IDs the text mentions. Terms absent from a field are
// left out; common ones only score. With df nil every term is rare. The
// terms of q.Title weigh 1+q.TitleBoost times as much.
func buildPlan(q Query, df docFreq, total uint64) plan {
	text, commentBoost := q.Text, q.CommentBoost
	titled := titleTerms(q)
	var terms []string
	seen := map[string]bool{}
	for _, t := range Analyze(text) {
		if !seen[t] {
			seen[t] = true
			terms = append(terms, t)
		}
	}
	var p plan
	fields := searchFields
	if commentBoost > 0 {
		fields = append(fields[:len(fields):len(fields)], searchField{"comments", fieldComments, commentBoost})
	}
	for _, f := range fields {
		var all []query.Query
		for _, t := range terms {
			common := false
			if df != nil {
				n := df(f.field, t)
				if n == 0 {
					continue
				}
				common = n > commonMinDocs && float64(n) > commonFraction*float64(total)
			}
			tq := query.NewTermQuery(t)
			tq.SetField(f.field)
			tq.SetBoost(f.boost)
			if titled[t] {
				tq.SetBoost(f.boost * (1 + q.TitleBoost))
			}
			all = append(all, tq)
			if common {
				p.boost = append(p.boost, tq)
			} else {
				p.find = append(p.find, tq)
			}
		}
		if len(all) > 0 {
			p.fields = append(p.fields, fieldQuery{f.name, query.NewDisjunctionQuery(all)})
		}
	}
	if len(p.find) == 0 { // only common words: they have to find the docs themselves
		p.find, p.boost = p.boost, nil
	}
	if c := commentCover(terms, commentBoost); c != nil {
		p.boost = append(p.boost, c)
	}
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

// titleTerms are the analysed terms of q.Title, or none when it weighs no more.
func titleTerms(q Query) map[string]bool {
	if q.Title == "" || q.TitleBoost <= 0 {
		return nil
	}
	out := map[string]bool{}
	for _, t := range Analyze(q.Title) {
		out[t] = true
	}
	return out
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

// frequencies returns a document-frequency lookup and the doc count, read
// from one snapshot; release frees the snapshot.
func frequencies(ctx context.Context, bi bleve.Index) (df docFreq, total uint64, release func(), err error) {
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
	df = func(field, term string) uint64 {
		tfr, err := r.TermFieldReader(ctx, []byte(term), field, false, false, false)
		if err != nil {
			return 1 // unknown: treat as present and rare, which is always correct, only slower
		}
		n := tfr.Count()
		_ = tfr.Close()
		return n
	}
	return df, total, func() { _ = r.Close() }, nil
}

// commentCover scores a chunk whose comments hold every word of a short
// question: the doc comment that says what the code does ("Parser decodes a
// packfile" for "how are packfiles decoded"), above code whose names share
// one of its words. nil for one word or a long text.
func commentCover(terms []string, boost float64) query.Query {
	if boost <= 0 || len(terms) < 2 || len(terms) > maxCoverTerms {
		return nil
	}
	all := make([]query.Query, 0, len(terms))
	for _, t := range terms {
		tq := query.NewTermQuery(t)
		tq.SetField(fieldComments)
		all = append(all, tq)
	}
	c := query.NewConjunctionQuery(all)
	c.SetBoost(boost * coverBoost)
	return c
}

const (
	maxCoverTerms = 6
	coverBoost    = 10.0
)
