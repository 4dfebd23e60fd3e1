package gaps

import (
	"encoding/json"
	"fmt"
)

// SARIF renders out as a SARIF 2.1.0 log, so CI systems and code-review
// tools (GitHub code scanning, GitLab, reviewdog) show the gaps inline.
// Risk maps to the level: 60 and above is a warning, the rest notes.
func SARIF(out Output, version string) ([]byte, error) {
	type msg struct {
		Text string `json:"text"`
	}
	type region struct {
		StartLine int `json:"startLine"`
		EndLine   int `json:"endLine,omitempty"`
	}
	type artifact struct {
		URI       string `json:"uri"`
		URIBaseID string `json:"uriBaseId"`
	}
	type physical struct {
		ArtifactLocation artifact `json:"artifactLocation"`
		Region           region   `json:"region"`
	}
	type location struct {
		PhysicalLocation physical `json:"physicalLocation"`
	}
	type result struct {
		RuleID              string            `json:"ruleId"`
		Level               string            `json:"level"`
		Message             msg               `json:"message"`
		Locations           []location        `json:"locations"`
		PartialFingerprints map[string]string `json:"partialFingerprints"`
		Properties          map[string]any    `json:"properties"`
	}
	type rule struct {
		ID               string         `json:"id"`
		Name             string         `json:"name"`
		ShortDescription msg            `json:"shortDescription"`
		Help             msg            `json:"help"`
		Properties       map[string]any `json:"properties,omitempty"`
	}
	rules := []rule{
		{ID: KindUntested, Name: "UntestedSymbol", ShortDescription: msg{"No test reaches this function, method or type"}, Help: msg{"Write a test that calls it; the result names a test file and a similar test to model it on."}},
		{ID: KindUncovered, Name: "UncoveredCode", ShortDescription: msg{"Coverage shows these lines never ran in tests"}, Help: msg{"Add a test case that drives this branch."}},
		{ID: KindUnverified, Name: "UnverifiedRequirement", ShortDescription: msg{"No test names this requirement"}, Help: msg{"Write a test that verifies it and name the requirement (in the test name or a // verifies: comment)."}},
		{ID: KindOrphan, Name: "OrphanTest", ShortDescription: msg{"The test cites a requirement no spec defines"}, Help: msg{"Fix the requirement ID in the test, or restore it in the spec."}},
	}
	results := make([]result, 0, len(out.Gaps))
	for _, g := range out.Gaps {
		level := "note"
		if g.Risk >= 60 {
			level = "warning"
		}
		text := g.Why
		if g.Symbol != "" {
			text = fmt.Sprintf("%s: %s", g.Symbol, g.Why)
		} else if g.Requirement != "" {
			text = fmt.Sprintf("%s: %s", g.Requirement, g.Why)
		}
		if g.SuggestedTest != "" {
			text += fmt.Sprintf(". Suggested test: %s", g.SuggestedTest)
			if g.NearestTestFile != "" {
				text += " in " + g.NearestTestFile
			}
		}
		id := g.Symbol
		if id == "" {
			id = g.Requirement
		}
		results = append(results, result{
			RuleID: g.Kind, Level: level, Message: msg{text},
			Locations: []location{{PhysicalLocation: physical{
				ArtifactLocation: artifact{URI: g.Path, URIBaseID: "%SRCROOT%"},
				Region:           region{StartLine: max(g.StartLine, 1), EndLine: g.EndLine},
			}}},
			PartialFingerprints: map[string]string{"devaiGap/v1": g.Kind + ":" + id},
			Properties:          map[string]any{"risk": g.Risk, "driver": g.Driver, "uri": g.URI},
		})
	}
	log := map[string]any{
		"$schema": "https://json.schemastore.org/sarif-2.1.0.json",
		"version": "2.1.0",
		"runs": []any{map[string]any{
			"tool": map[string]any{"driver": map[string]any{
				"name": "devai find_test_gaps", "version": version,
				"informationUri": "https://github.com/devaiops/devai", "rules": rules,
			}},
			"originalUriBaseIds": map[string]any{"%SRCROOT%": map[string]any{"description": msg{"the repository root"}}},
			"results":            results,
		}},
	}
	return json.MarshalIndent(log, "", "  ")
}
