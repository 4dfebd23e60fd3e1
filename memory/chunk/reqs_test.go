package chunk

import (
	"reflect"
	"testing"
)

func TestFindRequirementIDs(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"- **FR-012**: The system SHALL x. See FR-012 and NFR-3.", []string{"FR-012", "NFR-3"}},
		{"// verifies: REQ-AUTH-004, SC-001", []string{"REQ-AUTH-004", "SC-001"}},
		{"AC-1.3 holds", []string{"AC-1.3"}},
		{"PREFR-12 XFR-1 fr-1", nil},
	}
	for _, tt := range tests {
		if got := FindRequirementIDs(tt.text); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("FindRequirementIDs(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

func TestFindShall(t *testing.T) {
	got := FindShall("- WHEN a session expires THE service SHALL delete it. Other text.\nNo requirement here.")
	want := []string{"WHEN a session expires THE service SHALL delete it."}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("FindShall = %q, want %q", got, want)
	}
}
