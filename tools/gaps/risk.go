package gaps

import (
	"fmt"
	"math"
)

// riskInputs are the measured facts behind one gap's score.
type riskInputs struct {
	size, complexity, fanIn int
	churn                   int
	churnKnown              bool
	uncovered               float64 // 0..1: how much of it no test runs
	reqs, unverifiedReqs    int
	exported                bool
	implementedBy           int // requirements: code chunks that cite it
	requirement             bool
}

// score is risk = impact × likelihood, mapped to 0..100. Impact is what
// breaks if the code is wrong (callers, requirements, public API);
// likelihood is how likely it is to be wrong without a test (size,
// branches, recent churn, how much no test runs). Each factor is a
// multiplier around 1, so the driver is simply the largest one.
func score(in riskInputs) (float64, string, []Factor) {
	var fs []Factor
	add := func(name string, value, weight float64, note string) {
		fs = append(fs, Factor{Name: name, Value: value, Weight: math.Round(weight*100) / 100, Note: note})
	}
	if in.requirement {
		add("spec", 1, 2, "a spec requires it and no test verifies it")
		add("implemented_by", float64(in.implementedBy), 1+0.5*math.Log2(1+float64(in.implementedBy)), "code that cites the requirement")
	} else {
		add("size", float64(in.size), 1+0.5*math.Log2(1+float64(in.size)/10), "lines")
		add("complexity", float64(in.complexity), 1+0.3*math.Log2(1+float64(in.complexity)), "decision points")
		add("fan_in", float64(in.fanIn), 1+0.5*math.Log2(1+float64(in.fanIn)), "non-test callers")
		switch {
		case in.unverifiedReqs > 0:
			add("spec", float64(in.reqs), 1.8, fmt.Sprintf("cites %d requirement(s), %d with no verifying test", in.reqs, in.unverifiedReqs))
		case in.reqs > 0:
			add("spec", float64(in.reqs), 1.4, fmt.Sprintf("cites %d requirement(s)", in.reqs))
		}
		if in.exported {
			add("exported", 1, 1.2, "part of the package's API")
		}
	}
	if in.churnKnown {
		add("churn", float64(in.churn), 1+0.4*math.Log2(1+float64(in.churn)), "recent commits to the file")
	}
	add("coverage", in.uncovered, 0.25+0.75*in.uncovered, "fraction no test runs")
	risk, driver := rescore(fs)
	return risk, driver, fs
}

// rescore multiplies the factors out; the driver is the largest one.
func rescore(fs []Factor) (float64, string) {
	raw := 1.0
	driver, top := "", 0.0
	for _, f := range fs {
		raw *= f.Weight
		if f.Weight > top {
			driver, top = f.Name, f.Weight
		}
	}
	risk := 100 * raw / (raw + 3)
	return math.Round(risk*10) / 10, driver
}
