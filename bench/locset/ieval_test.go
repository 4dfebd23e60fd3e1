package main

import (
	"testing"

	"github.com/devaiops/devai/memory"
)

func TestParseArms(t *testing.T) {
	tests := []struct {
		in      string
		mode    memory.Mode
		rules   memory.QueryRules
		noExact bool
		bad     bool
	}{
		{in: "hybrid", mode: memory.ModeHybrid},
		{in: "hybrid+hints+noexact", mode: memory.ModeHybrid, rules: memory.QueryRules{Hints: true}, noExact: true},
		{in: "text+noexact", mode: memory.ModeText, noExact: true},
		{in: "vector+strong", mode: memory.ModeVector, rules: memory.QueryRules{Strong: true}},
		{in: "hybrid+exact", bad: true},
		{in: "grep", bad: true},
	}
	for _, tt := range tests {
		arms, err := parseArms(tt.in)
		if tt.bad {
			if err == nil {
				t.Errorf("parseArms(%q) = %+v, want an error", tt.in, arms)
			}
			continue
		}
		if err != nil {
			t.Fatalf("parseArms(%q): %v", tt.in, err)
		}
		a := arms[0]
		if a.name != tt.in || a.mode != tt.mode || a.rules != tt.rules || a.noExact != tt.noExact {
			t.Errorf("parseArms(%q) = %+v, want mode %s rules %+v noExact %v", tt.in, a, tt.mode, tt.rules, tt.noExact)
		}
	}
}
