package drain

import (
	"bytes"
	"os"
	"testing"

	"github.com/devaiops/devai/memory/logparse"
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

// BenchmarkMinerOnly feeds the shop logs' already-parsed patterns to the
// miner alone: the cost of Drain without the format parsing.
func BenchmarkMinerOnly(b *testing.B) {
	var pats []string
	for _, name := range []string{"app.jsonl", "access.log", "worker.log", "panic.log"} {
		f, err := os.Open("../../testdata/shop/logs/" + name)
		if err != nil {
			b.Fatal(err)
		}
		sc := logparse.NewScanner(f, 0)
		for sc.Scan() {
			pats = append(pats, sc.Record().Pattern())
		}
		f.Close()
	}
	b.ResetTimer()
	n := 0
	for b.Loop() {
		m := New(Options{})
		for _, p := range pats {
			m.Add(p)
		}
		n += len(pats)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "messages/s")
}
