package textindex

import (
	"reflect"
	"testing"

	"github.com/blevesearch/bleve/v2/search/query"
)

func bodyTerms(qs []query.Query) []string {
	var out []string
	for _, q := range qs {
		if tq, ok := q.(*query.TermQuery); ok && tq.Field() == fieldText {
			out = append(out, tq.Term)
		}
	}
	return out
}

func TestBuildPlanCommonTerms(t *testing.T) {
	df := func(field, term string) uint64 {
		switch {
		case field == fieldText && (term == "err" || term == "return"):
			return 9000
		case field == fieldText:
			return 3
		}
		return 0 // in no other field
	}
	p := buildPlan(Query{Text: "return err from janitor"}, df, 10000)
	if got := bodyTerms(p.find); !reflect.DeepEqual(got, []string{"janitor"}) || len(p.find) != 1 {
		t.Errorf("finding body terms = %v (of %d), want only [janitor]: terms absent from a field are dropped", got, len(p.find))
	}
	if len(p.fields) != 1 || p.fields[0].name != "text" {
		t.Errorf("fields = %v, want only text", p.fields)
	}
	if got := bodyTerms(p.boost); !reflect.DeepEqual(got, []string{"return", "err"}) {
		t.Errorf("scoring-only body terms = %v, want [return err]", got)
	}
	// Only common words: they must find the docs themselves.
	p = buildPlan(Query{Text: "return err"}, df, 10000)
	if got := bodyTerms(p.find); !reflect.DeepEqual(got, []string{"return", "err"}) || p.boost != nil {
		t.Errorf("all-common query: find %v, boost %v", got, bodyTerms(p.boost))
	}
	// Small indexes never split.
	p = buildPlan(Query{Text: "return err from janitor"}, func(string, string) uint64 { return 400 }, 500)
	if p.boost != nil {
		t.Errorf("split below commonMinDocs: %v", bodyTerms(p.boost))
	}
}

// With real frequencies: a common word does not drag in the whole index,
// and alone it still finds docs.
func TestSearchCommonTerms(t *testing.T) {
	ix, _ := openTemp(t)
	var docs []Doc
	for i := 0; i < 1200; i++ {
		docs = append(docs, Doc{ID: "f#" + itoa(i), Path: "f" + itoa(i%50) + ".go", Kind: "code", Text: "x := load(); return x"})
	}
	docs = append(docs,
		Doc{ID: "janitor#1", Path: "j.go", Kind: "code", Text: "func janitor() { sweep() }"},
		Doc{ID: "janitor#2", Path: "j.go", Kind: "code", Text: "func janitorLoop() { for { janitor(); return } }"},
	)
	indexAll(t, ix, docs, 1000)
	hits := search(t, ix, Query{Text: "janitor return", Limit: 50})
	if got := ids(hits); len(got) != 2 || got[0][:7] != "janitor" || got[1][:7] != "janitor" {
		t.Errorf("hits = %v, want only the two janitor chunks (the common word only ranks)", got)
	}
	if hits := search(t, ix, Query{Text: "return", Limit: 5}); len(hits) != 5 {
		t.Errorf("a common word alone found %d hits, want 5", len(hits))
	}
}

// TestCommentCover: a question of two to six words asks that the comments
// hold them all; one word or a long text does not.
func TestCommentCover(t *testing.T) {
	for _, c := range []struct {
		terms []string
		boost float64
		want  bool
	}{
		{[]string{"packfil", "decod"}, 1, true},
		{[]string{"rout", "param", "pars"}, 1, true},
		{[]string{"packfil"}, 1, false},
		{[]string{"a", "b", "c", "d", "e", "f", "g"}, 1, false},
		{[]string{"packfil", "decod"}, 0, false},
	} {
		if got := commentCover(c.terms, c.boost) != nil; got != c.want {
			t.Errorf("commentCover(%v, %g) != nil is %v, want %v", c.terms, c.boost, got, c.want)
		}
	}
}
