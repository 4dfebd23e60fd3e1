package chunk

import (
	"regexp"
	"strings"
)

// gherkinKeyword matches the block keywords of a feature file.
var gherkinKeyword = regexp.MustCompile(`^\s*(Feature|Rule|Background|Scenario Outline|Scenario Template|Scenario|Example)\s*:\s*(.*)$`)

// splitGherkin cuts a feature file into the Feature header (with its
// description), Rules, Backgrounds and one chunk per Scenario or Scenario
// Outline with its Examples. Tags and comments on the lines above a block
// belong to it, so a requirement ID in a tag lands in the scenario's chunk.
func splitGherkin(p string, content []byte) []Chunk {
	s := newSource(content)
	type block struct {
		line       int // the keyword line
		start      int // first tag or comment line above it
		kw, name   string
		featureCtx string
		rule       string
	}
	var blocks []block
	inDoc := ""
	feature, rule := "", ""
	for i := 1; i <= s.n(); i++ {
		t := strings.TrimSpace(s.line(i))
		if inDoc != "" {
			if strings.HasPrefix(t, inDoc) {
				inDoc = ""
			}
			continue
		}
		if strings.HasPrefix(t, `"""`) || strings.HasPrefix(t, "```") {
			inDoc = t[:3]
			continue
		}
		m := gherkinKeyword.FindStringSubmatch(s.line(i))
		if m == nil {
			continue
		}
		start := i
		for j := i - 1; j >= 1; j-- {
			u := strings.TrimSpace(s.line(j))
			if strings.HasPrefix(u, "@") || (strings.HasPrefix(u, "#") && !strings.HasPrefix(u, "# language")) {
				start = j
				continue
			}
			break
		}
		switch m[1] {
		case "Feature":
			feature, rule = m[2], ""
		case "Rule":
			rule = m[2]
		}
		blocks = append(blocks, block{line: i, start: start, kw: m[1], name: strings.TrimSpace(m[2]), featureCtx: feature, rule: rule})
	}
	if len(blocks) == 0 {
		return nil
	}
	var out []Chunk
	for k, b := range blocks {
		end := s.n()
		if k+1 < len(blocks) {
			end = blocks[k+1].start - 1
		}
		a, e, ok := s.trim(b.start, end)
		if !ok {
			continue
		}
		var parents []string
		kind := "scenario"
		switch b.kw {
		case "Feature":
			kind = "feature"
		case "Rule":
			kind = "rule"
			parents = []string{b.featureCtx}
		case "Background":
			kind = "background"
			parents = ruleParents(b.featureCtx, b.rule)
		default:
			parents = ruleParents(b.featureCtx, b.rule)
		}
		symbol := b.name
		if symbol == "" {
			symbol = b.kw
		}
		c := s.chunk(a, e, symbol, kind, parents)
		c.Signature = strings.TrimSpace(s.line(b.line))
		c.Shall = FindShall(c.Text)
		if kind == "scenario" && b.name != "" {
			c.TestNames = []string{b.name}
		}
		out = append(out, c)
	}
	out = append(out, s.fillGaps(out, 1, s.n(), nil)...)
	sortChunks(out)
	return out
}

func ruleParents(feature, rule string) []string {
	var p []string
	if feature != "" {
		p = append(p, feature)
	}
	if rule != "" {
		p = append(p, rule)
	}
	return p
}
