package gaps

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestShallStatements: "shall" sentences with no requirement ID are
// unverified unless a test quotes them whole; sentences whose ID sits on
// an earlier wrapped line, or in a code fence, are not statements of
// their own; a partial quote does not verify.
func TestShallStatements(t *testing.T) {
	t.Parallel()
	dir := copyShop(t)
	spec := `# Returns

## Requirements

- THE service SHALL accept returns within 30 days of delivery.
- WHEN a return is accepted THE service SHALL refund the full amount.
- **FR-050** THE service SHALL email a receipt for every refund.
- **FR-051** WHEN a refund fails
  THE service SHALL retry it every hour.

Returned items SHALL be restocked
within one working day.

` + "```" + `
the client shall not be shown in a fence
` + "```" + `
`
	if err := os.WriteFile(filepath.Join(dir, "docs/specs/005-returns.md"), []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "internal/orders/order_test.go")
	data, _ := os.ReadFile(p)
	data = append(data, []byte(`
func TestReturnRefund(t *testing.T) {
	// WHEN a return is accepted THE service SHALL
	// refund the full amount.
}

func TestReturnWindow(t *testing.T) {
	// accept returns within 30 days
}
`)...)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := Run(context.Background(), openIndex(t, dir), Input{Kinds: []string{KindUnverified}, Limit: MaxLimit}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Gap{}
	for _, g := range out.Gaps {
		if g.Statement != "" {
			got[g.Statement] = g
		}
	}
	cases := []struct {
		sentence string
		line     int
		want     bool
	}{
		{"THE service SHALL accept returns within 30 days of delivery.", 5, true}, // only a partial quote
		{"Returned items SHALL be restocked within one working day.", 11, true},   // wrapped paragraph
		{"WHEN a return is accepted THE service SHALL refund the full amount.", 6, false},
		{"THE service SHALL email a receipt for every refund.", 0, false}, // has an ID
		{"THE service SHALL retry it every hour.", 0, false},              // its ID is on the line above
		{"the client shall not be shown in a fence", 0, false},
	}
	for _, c := range cases {
		g, ok := got[c.sentence]
		if ok != c.want {
			t.Errorf("%q reported %v, want %v (got %v)", c.sentence, ok, c.want, keys(got))
			continue
		}
		if !ok {
			continue
		}
		if g.Path != "docs/specs/005-returns.md" || g.StartLine != c.line || !strings.HasSuffix(g.URI, "005-returns.md#L"+itoa(g.StartLine)+"-L"+itoa(g.EndLine)) {
			t.Errorf("%q at %s %d-%d (%s)", c.sentence, g.Path, g.StartLine, g.EndLine, g.URI)
		}
		if g.Requirement != "" || !strings.Contains(g.Why, "no requirement ID") || !strings.Contains(g.Why, c.sentence) {
			t.Errorf("%q: requirement %q, why %q", c.sentence, g.Requirement, g.Why)
		}
		if g.SuggestedTest == "" || g.Risk <= 0 {
			t.Errorf("%q: suggested %q risk %g", c.sentence, g.SuggestedTest, g.Risk)
		}
	}
	if len(got) != 2 {
		t.Errorf("statement gaps %v", keys(got))
	}
	if s := out.Summary; s.Statements != 3 || s.StatementsVerified != 1 {
		t.Errorf("summary statements %d verified %d, want 3 and 1", s.Statements, s.StatementsVerified)
	}
	if md := Markdown(out); !strings.Contains(md, "shall statements without an ID verified: 1 of 3") {
		t.Errorf("Markdown lacks the statement figures:\n%s", md)
	}
}

func keys(m map[string]Gap) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func itoa(n int) string { return strconv.Itoa(n) }
