package eval

import (
	"fmt"
	"sort"
	"strings"
)

// Thresholds are the least each summary figure may be; a zero is no check.
// They make `devai eval` exit non-zero when retrieval regresses.
type Thresholds map[string]float64

// ThresholdKeys are the figures a threshold can name, as in the JSON summary.
var ThresholdKeys = []string{"acc_at_1", "acc_at_5", "recall_at_5", "recall_at_10", "mrr", "ndcg_at_10",
	"contextual_precision", "contextual_recall"}

// Check lists every figure of s below its threshold, in a stable order.
func (t Thresholds) Check(s Summary) []string {
	got := map[string]float64{"acc_at_1": s.Acc1, "acc_at_5": s.Acc5, "recall_at_5": s.Recall5,
		"recall_at_10": s.Recall10, "mrr": s.MRR, "ndcg_at_10": s.NDCG10,
		"contextual_precision": s.ContextualPrecision, "contextual_recall": s.ContextualRecall}
	var fails []string
	for key, min := range t {
		v, ok := got[key]
		if !ok {
			fails = append(fails, fmt.Sprintf("%s is not a figure; use one of %s", key, strings.Join(ThresholdKeys, ", ")))
			continue
		}
		if min > 0 && v < min {
			fails = append(fails, fmt.Sprintf("%s %.3f is below the threshold %.3f", key, v, min))
		}
	}
	sort.Strings(fails)
	return fails
}
