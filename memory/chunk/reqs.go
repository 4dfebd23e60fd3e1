package chunk

import (
	"regexp"
	"strings"
)

// requirementID matches the IDs that specs give requirements and that tests
// cite: FR-012, NFR-3, REQ-AUTH-004, SC-001, US-2, AC-1.3.
var requirementID = regexp.MustCompile(`\b(?:FR|NFR|REQ|SC|US|AC|SR|UR)(?:-[A-Z][A-Z0-9]*)*-\d+(?:\.\d+)*\b`)

// FindRequirementIDs returns the requirement IDs in text, in order of first
// appearance, without duplicates.
func FindRequirementIDs(text string) []string {
	return uniq(requirementID.FindAllString(text, -1))
}

// shallSentence finds sentences with "shall" (EARS) in them.
var shallSentence = regexp.MustCompile(`(?i)[^.!?\n]*\bshall\b[^.!?\n]*(?:[.!?]|$)`)

// FindShall returns the EARS-style "shall" sentences in text, trimmed of
// list markers and requirement ID prefixes' surrounding emphasis.
func FindShall(text string) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		for _, m := range shallSentence.FindAllString(line, -1) {
			s := strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(m), "-*+0123456789.) "))
			s = strings.Trim(s, "* ")
			if s != "" {
				out = append(out, s)
			}
		}
	}
	return uniq(out)
}

func uniq(in []string) []string {
	if len(in) == 0 {
		return nil
	}
	seen := make(map[string]bool, len(in))
	out := in[:0:0]
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
