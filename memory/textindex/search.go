package textindex

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	blevesearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Query is one full-text search. Text may be empty when a filter is given:
// the filtered docs then come back newest first (by Time), unscored.
type Query struct {
	Text     string
	Kinds    []string // empty: every kind
	Language string   // empty: every language; case-insensitive
	PathGlob string   // see GlobRegexp; applied inside bleve as a regexp on the path keyword
	// Since and Until bound docs that have a Time (log events): Since is
	// inclusive, Until exclusive. Docs without a Time are not filtered by
	// them; add Kinds: ["log"] to get only log events.
	Since, Until time.Time
	Limit        int // 0 means 10
	// CommentBoost is the boost of a match in a chunk's comments and
	// docstrings (Doc.Comments), on top of the body match; 0 leaves the
	// field out.
	CommentBoost float64
	// Title is the first line of a query that has more (an issue's title, a
	// commit's subject): its terms weigh 1+TitleBoost times as much in every
	// field. "" or TitleBoost 0 weigh every term alike.
	Title      string
	TitleBoost float64
}

// Hit is one result. Fields says which fields matched, for "why it matched":
// "symbol", "path", "signature", "text", "comments", "test", "requirement".
type Hit struct {
	ID     string
	Score  float64
	Fields []string
}

// Field boosts: BM25 over the body, with a symbol match worth three body
// matches, a requirement ID four, and path, test names and signature between.
const (
	boostSymbol      = 3.0
	boostRequirement = 4.0
	boostPath        = 2.0
	boostTestNames   = 2.0
	boostSignature   = 1.5
	boostText        = 1.0
)

// DefaultLimit is the number of hits when Query.Limit is 0.
const DefaultLimit = 10

// requirementID finds requirement IDs in a query (FR-012, REQ-AUTH-3, NFR-7).
var requirementID = regexp.MustCompile(`\b[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*-[0-9]+\b`)

// Search runs q. A query whose words are all stop words, with no filter,
// returns no hits (not an error).
func (ix *Index) Search(ctx context.Context, q Query) ([]Hit, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	filter, err := buildFilter(q)
	if err != nil {
		return nil, fmt.Errorf("search text index: %w", err)
	}
	hasText := len(Analyze(q.Text)) > 0
	if !hasText && filter == nil {
		return nil, nil
	}

	bi, unlock, err := ix.use()
	if err != nil {
		return nil, err
	}
	defer unlock()

	var p plan
	var req *bleve.SearchRequest
	if !hasText {
		req = bleve.NewSearchRequestOptions(withFilter(bleve.NewMatchAllQuery(), filter), limit, 0, false)
		req.SortBy([]string{"-" + fieldTime, "_id"})
		req.Score = "none"
	} else {
		df, total, release, err := frequencies(ctx, bi)
		if err != nil {
			return nil, fmt.Errorf("search text index %s: read term statistics: %w", ix.dir, err)
		}
		p = buildPlan(q, df, total)
		release()
		if len(p.find) == 0 { // no query term occurs anywhere
			return nil, nil
		}
		req = bleve.NewSearchRequestOptions(withFilter(p.scoring(), filter), limit+tieSlack, 0, false)
		req.SortBy([]string{"-_score", "_id"})
	}
	res, err := bi.SearchInContext(ix.withStats(ctx), req)
	if err != nil {
		return nil, fmt.Errorf("search text index %s for %q: %w", ix.dir, q.Text, err)
	}
	if hasText {
		res.Hits = stableOrder(res.Hits, limit)
	}
	hits := make([]Hit, len(res.Hits))
	for i, h := range res.Hits {
		hits[i] = Hit{ID: h.ID, Score: h.Score}
	}
	if err := markMatchedFields(ctx, bi, hits, p.fields); err != nil {
		return nil, fmt.Errorf("search text index %s for %q: %w", ix.dir, q.Text, err)
	}
	return hits, nil
}

// withStats hands bleve the statistics of SetStats, if any.
func (ix *Index) withStats(ctx context.Context) context.Context {
	if s := ix.stats.Load(); s != nil && s.bleve != nil {
		return context.WithValue(ctx, blevesearch.BM25StatsKey, s.bleve)
	}
	return ctx
}

// buildFilter turns the non-scoring parts of q into one query, or nil.
func buildFilter(q Query) (query.Query, error) {
	var must []query.Query
	if len(q.Kinds) > 0 {
		kinds := make([]query.Query, 0, len(q.Kinds))
		for _, k := range q.Kinds {
			t := query.NewTermQuery(lowerTrim(k))
			t.SetField(fieldKind)
			kinds = append(kinds, t)
		}
		must = append(must, query.NewDisjunctionQuery(kinds))
	}
	if l := lowerTrim(q.Language); l != "" {
		t := query.NewTermQuery(l)
		t.SetField(fieldLanguage)
		must = append(must, t)
	}
	if strings.TrimSpace(q.PathGlob) != "" {
		pf, err := pathFilter(q.PathGlob)
		if err != nil {
			return nil, err
		}
		must = append(must, pf)
	}
	if !q.Since.IsZero() || !q.Until.IsZero() {
		if !q.Since.IsZero() && !q.Until.IsZero() && !q.Since.Before(q.Until) {
			return nil, fmt.Errorf("time range is empty: since %s is not before until %s",
				q.Since.Format(time.RFC3339), q.Until.Format(time.RFC3339))
		}
		inclusive, exclusive := true, false
		dr := query.NewDateRangeInclusiveQuery(q.Since.UTC(), q.Until.UTC(), &inclusive, &exclusive)
		dr.SetField(fieldTime)
		// Docs without a time pass: (time in range) OR NOT has_time.
		hasTime := query.NewTermQuery("y")
		hasTime.SetField(fieldHasTime)
		untimed := query.NewBooleanQuery(nil, nil, []query.Query{hasTime})
		must = append(must, query.NewDisjunctionQuery([]query.Query{dr, untimed}))
	}
	switch len(must) {
	case 0:
		return nil, nil
	case 1:
		return must[0], nil
	default:
		return query.NewConjunctionQuery(must), nil
	}
}

// withFilter attaches filter as a non-scoring filter clause, so kinds or
// paths never change the BM25 ranking.
func withFilter(scoring, filter query.Query) query.Query {
	if filter == nil {
		return scoring
	}
	b := query.NewBooleanQuery([]query.Query{scoring}, nil, nil)
	b.AddFilter(filter)
	return b
}

// markMatchedFields finds, for each field query, which of the hits it
// matches: one unscored query per field restricted to the hits' IDs. The lean
// mapping keeps no term vectors, so this is how "why it matched" is learnt.
func markMatchedFields(ctx context.Context, bi bleve.Index, hits []Hit, fields []fieldQuery) error {
	if len(hits) == 0 || len(fields) == 0 {
		return nil
	}
	ids := make([]string, len(hits))
	pos := make(map[string]int, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
		pos[h.ID] = i
	}
	for _, f := range fields {
		// A conjunction, not a filter: the doc-ID searcher leads and the
		// field's postings are only advanced to those few docs.
		c := query.NewConjunctionQuery([]query.Query{query.NewDocIDQuery(ids), f.q})
		req := bleve.NewSearchRequestOptions(c, len(ids), 0, false)
		req.Score = "none"
		res, err := bi.SearchInContext(ctx, req)
		if err != nil {
			return fmt.Errorf("find matched fields (%s): %w", f.name, err)
		}
		for _, h := range res.Hits {
			if i, ok := pos[h.ID]; ok {
				hits[i].Fields = append(hits[i].Fields, f.name)
			}
		}
	}
	return nil
}
