package patch

import (
	"encoding/json"
	"fmt"

	"github.com/devaiops/devai/memory/proposals"
)

// ErrNotFound is returned for an unknown proposal id.
var ErrNotFound = proposals.ErrNotFound

// save writes the diff and creates the proposal's folder. The diff is kept
// exactly as built, so that `git apply` reproduces the proposal; meta.json
// holds the redacted record.
func save(stateDir string, out *Output) error {
	dir, err := proposals.Create(stateDir, out.ID)
	if err != nil {
		return err
	}
	out.Path = dir
	return proposals.WriteFile(dir, proposals.PatchFile, []byte(out.Diff))
}

func saveMeta(out *Output) error {
	data, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return fmt.Errorf("store proposal %s: %w", out.ID, err)
	}
	return proposals.WriteFile(out.Path, proposals.MetaFile, append(data, '\n'))
}

// Load reads a stored proposal.
func Load(stateDir, id string) (Output, error) {
	var out Output
	data, err := proposals.ReadMeta(stateDir, id)
	if err != nil {
		return out, err
	}
	if err := json.Unmarshal(data, &out); err != nil {
		return out, fmt.Errorf("read proposal %s: %w", id, err)
	}
	return out, nil
}

// Summary is one line of `devai pr list`.
type Summary struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Created string `json:"created"`
	Base    string `json:"base"`
	Branch  string `json:"branch,omitempty"`
	Files   int    `json:"files"`
	Checks  string `json:"checks"` // e.g. "apply pass, format pass, build skipped"
}

// List summarises the stored proposals, oldest first.
func List(stateDir string) ([]Summary, error) {
	ids, err := proposals.IDs(stateDir)
	if err != nil {
		return nil, err
	}
	out := []Summary{}
	for _, id := range ids {
		p, err := Load(stateDir, id)
		if err != nil {
			continue // a proposal being written, or a damaged one
		}
		out = append(out, Summary{ID: p.ID, Title: p.Title, Created: p.Created.Format("2006-01-02 15:04:05Z"), Base: short(p.Base), Branch: p.Branch, Files: len(p.Files), Checks: checkLine(p.Checks)})
	}
	return out, nil
}
