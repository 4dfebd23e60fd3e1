package chunk

import (
	"strings"
	"testing"
	"time"
)

// TestSplitScales guards against quadratic paths: big and pathological
// inputs (long blank runs, unbalanced braces, endless traces) must split
// in well under a second each.
func TestSplitScales(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("timing test: skipped in -short and -race runs")
	}
	inputs := map[string]string{
		"blank runs":   strings.Repeat("x\n"+strings.Repeat("\n", 2000), 10),
		"open braces":  strings.Repeat("{ (\n", 20000),
		"close braces": strings.Repeat("}\n", 20000),
		"fixtures":     strings.Repeat(jsFixture()+pyFixture()+javaTestFixture()+rustFixture()+goPanicLog+pyLog+specMD, 40),
		"panic":        "panic: x\n" + strings.Repeat("\tmain.f()\n", 20000),
		"headings":     strings.Repeat("# h\n## i\ntext\n", 5000),
	}
	for name, in := range inputs {
		for _, l := range splitLangs {
			start := time.Now()
			Split(l.path, l.kind, l.lang, []byte(in))
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("%s as %s took %v", name, l.lang, d)
			}
		}
	}
}
