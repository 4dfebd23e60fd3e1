package textindex

import (
	"math"
	"sort"

	blevesearch "github.com/blevesearch/bleve/v2/search"
)

// tieSlack is how many hits past the limit a scored search asks bleve for,
// so that hits tied at the limit are still there to be ordered by ID.
const tieSlack = 16

// stableOrder orders scored hits by their score to 12 significant digits,
// then by ID, and keeps the first limit. bleve sums a document's clause
// scores in an order that varies with how the index happened to be
// segmented, so two builds of the same files score a document a few ulps
// apart, and bleve's own "-_score, _id" sort then ranks true ties either
// way; rounding first makes the ranking a function of the files alone.
func stableOrder(hits blevesearch.DocumentMatchCollection, limit int) blevesearch.DocumentMatchCollection {
	for _, h := range hits {
		h.Score = roundScore(h.Score)
	}
	sort.SliceStable(hits, func(i, j int) bool {
		if hits[i].Score != hits[j].Score {
			return hits[i].Score > hits[j].Score
		}
		return hits[i].ID < hits[j].ID
	})
	return hits[:min(len(hits), limit)]
}

func roundScore(s float64) float64 {
	if s == 0 || math.IsInf(s, 0) || math.IsNaN(s) {
		return s
	}
	scale := math.Pow(10, 11-math.Floor(math.Log10(math.Abs(s))))
	return math.Round(s*scale) / scale
}
