package spec

import (
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
)

// numbering hands out IDs.
//
// New IDs continue after the highest number the repository already uses for
// that prefix (in any spec, test or code the index holds), instead of
// starting again at FR-001 in each spec: find_test_gaps and the search's
// requirement channel key a requirement by its ID alone (FR-8, FR-008 and
// FR008 meet), so a second FR-001 in another file would make two
// requirements one and hide an untested one behind a tested namesake.
//
// Re-drafting a spec keeps its IDs: each new requirement takes the ID of
// the previous draft's requirement most like it (by shared terms), so tests
// that say `verifies: FR-023` still point at the same behaviour.
type numbering struct {
	next_    map[string]int
	previous []statement
	taken    map[int]bool // indexes of previous used
}

// keepSimilarity is how alike a re-drafted requirement must be to the
// previous one to keep its ID.
const keepSimilarity = 0.5

func newNumbering(maxUsed map[string]int, previous []statement) *numbering {
	n := &numbering{next_: map[string]int{}, previous: previous, taken: map[int]bool{}}
	for p, v := range maxUsed {
		n.next_[p] = v
	}
	for _, st := range previous {
		if m := idNumber.FindStringSubmatch(st.id); m != nil {
			var v int
			fmt.Sscanf(m[2], "%d", &v)
			n.next_[m[1]] = max(n.next_[m[1]], v)
		}
	}
	return n
}

// next is the next free ID with prefix: FR-023.
func (n *numbering) next(prefix string) string {
	n.next_[prefix]++
	return fmt.Sprintf("%s-%03d", prefix, n.next_[prefix])
}

// requirements gives IDs to requirement texts: each takes the ID of the
// previous draft's requirement most like it (same EARS pattern counts most,
// then shared terms), best pairs first, so one requirement that grew cannot
// steal a neighbour's ID; the rest get the next FRs, in order.
func (n *numbering) requirements(texts []string) []string {
	type pair struct {
		i, j  int
		score float64
	}
	var pairs []pair
	for i, t := range texts {
		for j, st := range n.previous {
			s := similarity(t, st.text)
			if s < keepSimilarity {
				continue
			}
			if PatternOf(t) == PatternOf(st.text) {
				s++
			}
			pairs = append(pairs, pair{i, j, s})
		}
	}
	sort.SliceStable(pairs, func(a, b int) bool { return pairs[a].score > pairs[b].score })
	ids := make([]string, len(texts))
	for _, p := range pairs {
		if ids[p.i] == "" && !n.taken[p.j] {
			ids[p.i], n.taken[p.j] = n.previous[p.j].id, true
		}
	}
	for i := range ids {
		if ids[i] == "" {
			ids[i] = n.next("FR")
		}
	}
	return ids
}

// unused are the previous draft's requirements no new one took over.
func (n *numbering) unused() []statement {
	var out []statement
	for i, st := range n.previous {
		if !n.taken[i] {
			out = append(out, st)
		}
	}
	return out
}

// previousLine finds a requirement in a spec file in any of the three
// formats: "- **FR-023** THE …", "- **FR-023**: THE …", "1. FR-023: WHEN …".
var previousLine = regexp.MustCompile(`^\s*(?:[-*]|\d+\.)?\s*\**((?:FR|NFR)-\d+)\**:?\**\s+(.+)$`)

// previousRequirements reads the requirements of an existing spec file:
// the ID'd shall statements under a level-2 heading about requirements
// (so the unchanged behaviour it quotes from other specs is not taken).
func previousRequirements(file string) []statement {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil
	}
	var out []statement
	seen := map[string]bool{}
	inRequirements := false
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "## ") {
			inRequirements = strings.Contains(strings.ToLower(line), "requirement")
			continue
		}
		m := previousLine.FindStringSubmatch(line)
		if !inRequirements || m == nil || seen[m[1]] || !strings.Contains(strings.ToUpper(m[2]), "SHALL") {
			continue
		}
		seen[m[1]] = true
		out = append(out, statement{id: m[1], text: stripCitations(m[2])})
	}
	return out
}

// stripCitations cuts what the renderer appends to a requirement: its
// sources and its TODO comment.
func stripCitations(s string) string {
	for _, cut := range []string{" (sources:", "<!--"} {
		if i := strings.Index(s, cut); i >= 0 {
			s = s[:i]
		}
	}
	return strings.TrimSpace(s)
}
