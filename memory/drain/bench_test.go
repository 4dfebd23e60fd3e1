package drain

import (
	"bytes"
	"os"
	"testing"
)

// BenchmarkSummarizeShopLogs streams the shop's four real logs (831 lines)
// through the scanner and the miner; lines/s is reported.
// go test -run XXX -bench SummarizeShopLogs ./memory/drain/
func BenchmarkSummarizeShopLogs(b *testing.B) {
	var all []byte
	for _, name := range []string{"app.jsonl", "access.log", "worker.log", "panic.log"} {
		data, err := os.ReadFile("../../testdata/shop/logs/" + name)
		if err != nil {
			b.Fatal(err)
		}
		all = append(all, data...)
	}
	lines := bytes.Count(all, []byte("\n"))
	b.SetBytes(int64(len(all)))
	b.ResetTimer()
	for b.Loop() {
		if _, err := Summarize(bytes.NewReader(all), SummaryOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(lines*b.N)/b.Elapsed().Seconds(), "lines/s")
}
