package chunk

import (
	"reflect"
	"testing"
)

const loginFeature = `# language: en
@auth
Feature: Account lockout
  As a security officer
  I want accounts locked after failed logins (FR-012)

  Background:
    Given a user "alice" with password "s3cret"

  @FR-012 @smoke
  Scenario: Lock after five failures
    When "alice" fails to log in 5 times
    Then the account SHALL be locked.

  Scenario Outline: Failed attempts below the limit
    When "alice" fails to log in <n> times
    Then the account is <state>
    """
    Scenario: not a real one, inside a doc string
    """

    @slow
    Examples:
      | n | state  |
      | 1 | open   |
      | 4 | open   |

  Rule: Admins are exempt
    @REQ-AUTH-7
    Example: Admin never locked
      Given an admin "root"
      Then "root" is never locked
`

func TestSplitGherkin(t *testing.T) {
	chunks := splitGherkin("features/lockout.feature", []byte(loginFeature))
	checkChunks(t, []byte(loginFeature), chunks)
	tests := []struct {
		symbol, kind string
		start, end   int
		parents      []string
		reqs         []string
		tests        []string
	}{
		{"Account lockout", "feature", 2, 5, nil, []string{"FR-012"}, nil},
		{"Background", "background", 7, 8, []string{"Account lockout"}, nil, nil},
		{"Lock after five failures", "scenario", 10, 13, []string{"Account lockout"}, []string{"FR-012"}, []string{"Lock after five failures"}},
		{"Failed attempts below the limit", "scenario", 15, 26, []string{"Account lockout"}, nil, []string{"Failed attempts below the limit"}},
		{"Admins are exempt", "rule", 28, 28, []string{"Account lockout"}, nil, nil},
		{"Admin never locked", "scenario", 29, 32, []string{"Account lockout", "Admins are exempt"}, []string{"REQ-AUTH-7"}, []string{"Admin never locked"}},
	}
	for _, tt := range tests {
		c := findChunk(t, chunks, tt.symbol)
		if c.SymbolKind != tt.kind || c.StartLine != tt.start || c.EndLine != tt.end || !reflect.DeepEqual(c.Parents, tt.parents) ||
			!reflect.DeepEqual(c.Requirements, tt.reqs) || !reflect.DeepEqual(c.TestNames, tt.tests) {
			t.Errorf("%s = %s %d-%d %q reqs %q tests %q, want %s %d-%d %q %q %q", tt.symbol, c.SymbolKind, c.StartLine, c.EndLine, c.Parents, c.Requirements, c.TestNames,
				tt.kind, tt.start, tt.end, tt.parents, tt.reqs, tt.tests)
		}
	}
	if c := findChunk(t, chunks, "Lock after five failures"); len(c.Shall) != 1 {
		t.Errorf("shall = %q", c.Shall)
	}
	if got := splitGherkin("x.feature", []byte("just text\n")); got != nil {
		t.Errorf("no keywords should give nil, got %d chunks", len(got))
	}
}
