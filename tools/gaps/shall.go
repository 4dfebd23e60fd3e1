package gaps

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/chunk"
)

// statement is one EARS "shall" sentence of a spec that carries no
// requirement ID, with where it stands.
type statement struct {
	spec       memory.ChunkInfo
	text       string
	start, end int // lines in the file
}

// shallStatements finds the "shall" sentences of Markdown spec chunks that
// have no requirement ID. A statement is a list item or paragraph, joined
// across its wrapped lines first, so a sentence whose ID sits on the line
// above ("- **FR-005** WHEN … `POST /v1/login`\n THE service SHALL …") is
// not mistaken for an ID-less one. Code fences are skipped.
func (a *analysis) shallStatements() []statement {
	var out []statement
	for _, c := range a.specs {
		if c.Language != "Markdown" {
			continue
		}
		lines := strings.Split(a.text(c.Path, c.StartLine, c.EndLine), "\n")
		fenced := false
		var buf []string
		start := 0
		flush := func(end int) {
			if len(buf) == 0 {
				return
			}
			para := strings.Join(buf, " ")
			buf = nil
			if len(chunk.FindRequirementIDs(para)) > 0 {
				return
			}
			for _, s := range chunk.FindShall(para) {
				out = append(out, statement{spec: c, text: clipText(strings.ReplaceAll(s, "**", ""), 240), start: start, end: end})
			}
		}
		for i, l := range lines {
			n := c.StartLine + i
			t := strings.TrimSpace(l)
			if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
				flush(n - 1)
				fenced = !fenced
				continue
			}
			if fenced {
				continue
			}
			newItem := t == "" || strings.HasPrefix(t, "#") || listItem.MatchString(t) || strings.HasPrefix(t, "|")
			if newItem {
				flush(n - 1)
			}
			if t == "" || strings.HasPrefix(t, "#") {
				continue
			}
			if len(buf) == 0 {
				start = n
			}
			buf = append(buf, t)
		}
		flush(c.EndLine)
	}
	return out
}

var listItem = regexp.MustCompile(`^(?:[-*+]|\d+[.)])\s`)

// normalText lowers s and keeps only its words, so a statement quoted in a
// test comment or docstring matches however it was wrapped or punctuated.
func normalText(s string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}), " ")
}

// statementGaps reports the ID-less "shall" statements that no test quotes.
// With no ID a test cannot name the requirement, so only a strong textual
// match counts as verification: the test's text contains the whole
// sentence. Anything weaker would be a guess.
func (a *analysis) statementGaps() []Gap {
	sts := a.shallStatements()
	if len(sts) == 0 {
		return nil
	}
	testText := make([]string, 0, len(a.tests))
	for _, t := range a.tests {
		if t.Kind == chunk.Test {
			testText = append(testText, " "+normalText(a.text(t.Path, t.StartLine, t.EndLine))+" ")
		}
	}
	var out []Gap
	for _, s := range sts {
		want := " " + normalText(s.text) + " "
		verified := false
		for _, tt := range testText {
			if strings.Contains(tt, want) {
				verified = true
				break
			}
		}
		a.tally(s.spec.Path, func(x *Summary) { x.Statements++ })
		if verified {
			a.tally(s.spec.Path, func(x *Summary) { x.StatementsVerified++ })
			continue
		}
		uri := s.spec.URI
		if i := strings.LastIndex(uri, "#L"); i >= 0 {
			uri = uri[:i]
		}
		uri += fmt.Sprintf("#L%d-L%d", s.start, s.end)
		g := Gap{Kind: KindUnverified, URI: uri, Path: s.spec.Path, StartLine: s.start, EndLine: s.end, Statement: s.text,
			Why: fmt.Sprintf("this \"shall\" statement has no requirement ID, so no test can name it (test names, `// verifies:` comments, tags), and no test quotes it; it says: %q. Give it an ID in the spec and cite that ID in a test", s.text)}
		g.Risk, g.Driver, g.Factors = score(riskInputs{requirement: true, churn: a.churn[s.spec.Path], churnKnown: a.churn != nil, uncovered: 1})
		if m, ok := a.specSiblingTest(s.spec.Path); ok {
			g.ModelTest, g.ModelTestName, g.NearestTestFile = m.URI, m.Symbol, m.Path
		}
		g.SuggestedTest = a.statementTestName(s.spec)
		out = append(out, g)
	}
	return out
}

// specSiblingTest is a test that verifies a requirement defined in the same
// spec file.
func (a *analysis) specSiblingTest(specPath string) (memory.ChunkInfo, bool) {
	var best memory.ChunkInfo
	found := false
	for _, r := range a.buildRequirements() {
		if !r.hasDef || r.def.Path != specPath {
			continue
		}
		for _, t := range r.tests {
			if t.Kind == chunk.Test && (!found || t.Path < best.Path || (t.Path == best.Path && t.StartLine < best.StartLine)) {
				best, found = t, true
			}
		}
	}
	return best, found
}

// statementTestName names a test after the spec section of the statement.
func (a *analysis) statementTestName(spec memory.ChunkInfo) string {
	title := spec.Symbol
	if i := strings.LastIndexByte(title, '.'); i >= 0 {
		title = title[i+1:]
	}
	words := strings.FieldsFunc(title, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	switch a.testLanguage() {
	case "Python":
		return "test_" + strings.ToLower(strings.Join(words, "_"))
	case "Go", "":
		return "Test" + strings.Join(mapUpper(words), "")
	default:
		return strings.Join(words, " ")
	}
}
