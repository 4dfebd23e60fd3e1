package evalmetrics

// Contextual are DeepEval-style scores of the context handed to a model:
// the whole ranked list a retriever returned (search_context's hits), not a
// cut-off of it. They use binary relevance (a returned item is relevant
// when it is expected), where DeepEval asks an LLM to judge each node.
type Contextual struct {
	// Precision is DeepEval's contextual precision: the mean, over the
	// ranks r that hold a relevant item, of precision@r (relevant items in
	// the top r, divided by r). It is 1 when every relevant item returned
	// sits above every irrelevant one, and 0 when none is relevant.
	Precision float64 `json:"contextual_precision"`
	// Recall is DeepEval's contextual recall with binary relevance: the
	// share of expected items that appear anywhere in the returned list.
	Recall float64 `json:"contextual_recall"`
}

// ContextualScores rates the list a retriever returned against the expected
// items. Repeated items count once, at their first position. No expected
// items scores zero.
func ContextualScores(returned, expected []string) Contextual {
	if len(expected) == 0 {
		return Contextual{}
	}
	want := make(map[string]bool, len(expected))
	for _, e := range expected {
		want[e] = true
	}
	seen := make(map[string]bool, len(returned))
	var c Contextual
	rank, relevant := 0, 0
	var sum float64
	for _, r := range returned {
		if seen[r] {
			continue
		}
		seen[r] = true
		rank++
		if want[r] {
			relevant++
			sum += float64(relevant) / float64(rank)
		}
	}
	if relevant > 0 {
		c.Precision = sum / float64(relevant)
	}
	c.Recall = float64(relevant) / float64(len(want))
	return c
}

// RecallAt is the share of expected items in the top k of ranked (repeated
// items count once, at their first position).
func RecallAt(ranked, expected []string, k int) float64 {
	if len(expected) == 0 || k <= 0 {
		return 0
	}
	want := make(map[string]bool, len(expected))
	for _, e := range expected {
		want[e] = true
	}
	seen := make(map[string]bool, len(ranked))
	rank, found := 0, 0
	for _, r := range ranked {
		if seen[r] {
			continue
		}
		seen[r] = true
		rank++
		if rank > k {
			break
		}
		if want[r] {
			found++
		}
	}
	return float64(found) / float64(len(want))
}
