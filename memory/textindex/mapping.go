package textindex

import (
	"fmt"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"
)

// schemaVersion is stored inside each index. Bump it whenever the mapping or
// the analyzer changes what gets indexed: an index with another version is
// reported as ErrCorrupt (wrapping ErrSchema) so the caller rebuilds it.
const schemaVersion = "1"

// Field names inside the bleve document.
const (
	fieldPath         = "path"       // keyword: exact path, glob filter, DeletePath
	fieldPathWords    = "path_words" // code analyzer: "sessions store" finds internal/sessions/store.go
	fieldDirs         = "path_dirs"  // keyword: every ancestor folder, for cheap "dir/**" filters
	fieldExt          = "path_ext"   // keyword: extension without the dot, for cheap "**/*.go" filters
	fieldKind         = "kind"       // keyword, lowercased
	fieldLanguage     = "language"   // keyword, lowercased
	fieldSymbol       = "symbol"     // code analyzer, boosted
	fieldSignature    = "signature"  // code analyzer
	fieldText         = "text"       // code analyzer
	fieldComments     = "comments"   // code analyzer: what the code says about itself
	fieldRequirements = "requirements"
	fieldTestNames    = "test_names"
	fieldTime         = "time"     // datetime, only for docs with a time
	fieldHasTime      = "has_time" // keyword "y" when time is set, so time filters can let the others through
	fieldLevel        = "level"    // keyword, lowercased
)

// newMapping builds the lean static mapping: BM25 scoring, nothing stored,
// no term vectors, no _all field, no doc values except on time (for sorting
// filter-only queries by time).
func newMapping() (*mapping.IndexMappingImpl, error) {
	m := bleve.NewIndexMapping()
	m.ScoringModel = index.BM25Scoring
	if err := addCodeAnalysis(m); err != nil {
		return nil, fmt.Errorf("build mapping: %w", err)
	}
	m.DefaultAnalyzer = codeAnalyzerName
	m.IndexDynamic = false
	m.StoreDynamic = false
	m.DocValuesDynamic = false

	text := func() *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = codeAnalyzerName
		f.Store = false
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	kw := func() *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store = false
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	date := bleve.NewDateTimeFieldMapping()
	date.Store = false
	date.IncludeInAll = false
	date.DocValues = true

	doc := bleve.NewDocumentStaticMapping()
	for name, fm := range map[string]*mapping.FieldMapping{
		fieldPath: kw(), fieldPathWords: text(), fieldDirs: kw(), fieldExt: kw(), fieldKind: kw(), fieldLanguage: kw(),
		fieldSymbol: text(), fieldSignature: text(), fieldText: text(), fieldComments: text(),
		fieldRequirements: kw(), fieldTestNames: text(), fieldTime: date,
		fieldHasTime: kw(), fieldLevel: kw(),
	} {
		doc.AddFieldMappingsAt(name, fm)
	}
	m.DefaultMapping = doc
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("validate mapping: %w", err)
	}
	return m, nil
}
