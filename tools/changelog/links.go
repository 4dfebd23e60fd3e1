package changelog

import (
	"regexp"
	"slices"
	"strings"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/chunk"
)

// Link ties an entry to a spec requirement or a proposal its message names.
type Link struct {
	ID   string `json:"id" jsonschema:"The ID as the message writes it: FR-012, or a proposal ID."`
	Kind string `json:"kind" jsonschema:"requirement or proposal."`
	URI  string `json:"uri" jsonschema:"devai:// URI to read: the spec section that defines the requirement, or devai://proposals/{id}."`
	Path string `json:"path,omitempty" jsonschema:"Repository-relative path of the spec file."`
}

// proposalRef finds proposal IDs in a message, in the three forms devai
// itself writes or a person types: a devai://proposals/<id> URI, the
// devai/proposal-<id> branch name (as in "Merge branch 'devai/proposal-…'"),
// and a "Proposal: <id>" trailer.
var proposalRef = regexp.MustCompile(`(?mi)(?:devai://proposals/|\bdevai/proposal-|^proposal: *)([A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9])`)

// linker resolves IDs once per changelog and remembers the answers.
type linker struct {
	ix    *memory.Index // nil: requirement IDs are not linked
	specs map[string][]memory.ChunkInfo
	found map[string]*Link
}

func newLinker(ix *memory.Index) *linker {
	return &linker{ix: ix, found: map[string]*Link{}}
}

// links lists the links of one commit message: requirements a spec in the
// index defines (IDs no spec knows, such as CVE numbers, are left out), then
// proposals.
func (l *linker) links(message string) []Link {
	out := []Link{}
	if l.loadSpecs() > 0 {
		for _, id := range chunk.FindRequirementIDs(message) {
			if link := l.requirement(id); link != nil {
				out = append(out, *link)
			}
		}
	}
	if !strings.Contains(strings.ToLower(message), "proposal") {
		return out // the cheap test first: 10,000 commits run this
	}
	seen := map[string]bool{}
	for _, m := range proposalRef.FindAllStringSubmatch(message, -1) {
		id := m[1]
		if seen[id] {
			continue
		}
		seen[id] = true
		out = append(out, Link{ID: id, Kind: "proposal", URI: "devai://proposals/" + id})
	}
	return out
}

// loadSpecs maps requirement IDs to the spec chunks that carry them, once,
// and says how many IDs the specs carry (none without an index).
func (l *linker) loadSpecs() int {
	if l.specs == nil {
		l.specs = map[string][]memory.ChunkInfo{}
		if l.ix != nil {
			for _, c := range l.ix.Chunks(func(c memory.ChunkInfo) bool { return c.Kind == chunk.Spec && len(c.Requirements) > 0 }) {
				for _, r := range c.Requirements {
					l.specs[r] = append(l.specs[r], c)
				}
			}
		}
	}
	return len(l.specs)
}

// requirement finds the spec that defines id: among the spec chunks that
// carry it, the first whose text defines it (the ID opens a line, a list
// item, a heading or a table row, as in "- **FR-001** WHEN …"), else the
// first under a folder or file named like a spec, else the first.
func (l *linker) requirement(id string) *Link {
	if link, ok := l.found[id]; ok {
		return link
	}
	l.found[id] = nil
	cands := l.specs[id]
	if len(cands) == 0 {
		return nil
	}
	best := -1
	defines := regexp.MustCompile(`(?m)^\s*(?:[-*+]\s+|#+\s+|\|\s*)?(?:\*\*|__|` + "`" + `)?` + regexp.QuoteMeta(id) + `\b`)
	for i, c := range cands {
		if text, err := l.ix.ReadChunk(c); err == nil && defines.MatchString(text) {
			best = i
			break
		}
	}
	if best < 0 {
		best = slices.IndexFunc(cands, func(c memory.ChunkInfo) bool { return strings.Contains(strings.ToLower(c.Path), "spec") })
	}
	if best < 0 {
		best = 0
	}
	c := cands[best]
	link := &Link{ID: id, Kind: "requirement", URI: c.URI, Path: c.Path}
	l.found[id] = link
	return link
}
