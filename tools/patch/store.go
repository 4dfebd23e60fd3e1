package patch

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
)

// Files of a stored proposal, in <state>/proposals/<id>/.
const (
	ProposalsDir = "proposals"
	PatchFile    = "proposal.diff"
	MetaFile     = "meta.json"
)

// ErrNotFound is returned for an unknown proposal id.
var ErrNotFound = errors.New("no such proposal")

var idPattern = regexp.MustCompile(`^[0-9]{8}-[0-9]{6}-[0-9a-f]{6}$`)

// Modes of what a proposal stores: its rationale, diff and check output
// are the repository owner's to read, not every user's of the machine.
const (
	dirMode  = 0o700
	fileMode = 0o600
)

// save writes the diff and creates the proposal's folder. The diff is kept
// exactly as built, so that `git apply` reproduces the proposal; meta.json
// holds the redacted record.
func save(stateDir string, out *Output) error {
	root := filepath.Join(stateDir, ProposalsDir)
	dir := filepath.Join(root, out.ID)
	if err := os.MkdirAll(dir, dirMode); err != nil {
		return fmt.Errorf("store proposal %s: %w", out.ID, err)
	}
	for _, d := range []string{root, dir} { // the folders of an older devai were 0755
		if err := os.Chmod(d, dirMode); err != nil {
			return fmt.Errorf("store proposal %s: %w", out.ID, err)
		}
	}
	out.Path = dir
	if err := os.WriteFile(filepath.Join(dir, PatchFile), []byte(out.Diff), fileMode); err != nil {
		return fmt.Errorf("store proposal %s: %w", out.ID, err)
	}
	return nil
}

func saveMeta(out *Output) error {
	data, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return fmt.Errorf("store proposal %s: %w", out.ID, err)
	}
	if err := os.WriteFile(filepath.Join(out.Path, MetaFile), append(data, '\n'), fileMode); err != nil {
		return fmt.Errorf("store proposal %s: %w", out.ID, err)
	}
	return nil
}

// Load reads a stored proposal.
func Load(stateDir, id string) (Output, error) {
	var out Output
	if !idPattern.MatchString(id) {
		return out, fmt.Errorf("%q is not a proposal id (like 20261124-001530-a1b2c3): %w", id, ErrNotFound)
	}
	data, err := os.ReadFile(filepath.Join(stateDir, ProposalsDir, id, MetaFile))
	if errors.Is(err, os.ErrNotExist) {
		return out, fmt.Errorf("proposal %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return out, fmt.Errorf("read proposal %s: %w", id, err)
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
	entries, err := os.ReadDir(filepath.Join(stateDir, ProposalsDir))
	if errors.Is(err, os.ErrNotExist) {
		return []Summary{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list proposals: %w", err)
	}
	out := []Summary{}
	for _, e := range entries {
		if !e.IsDir() || !idPattern.MatchString(e.Name()) {
			continue
		}
		p, err := Load(stateDir, e.Name())
		if err != nil {
			continue // a proposal being written, or a damaged one
		}
		out = append(out, Summary{ID: p.ID, Title: p.Title, Created: p.Created.Format("2006-01-02 15:04:05Z"), Base: short(p.Base), Branch: p.Branch, Files: len(p.Files), Checks: checkLine(p.Checks)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}
