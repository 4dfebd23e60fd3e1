package patch

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/devaiops/devai/memory/proposals"
)

// ErrNotFound is returned for an unknown proposal id.
var ErrNotFound = proposals.ErrNotFound

// save stores the proposal: the diff exactly as built (unredacted, so that
// `git apply` reproduces it) and stored, the redacted record.
func save(ctx context.Context, store proposals.Store, diff string, stored Output) error {
	data, err := json.MarshalIndent(stored, "", "  ")
	if err != nil {
		return fmt.Errorf("store proposal %s: %w", stored.ID, err)
	}
	return store.Put(ctx, stored.ID, []byte(diff), append(data, '\n'))
}

// Load reads a stored proposal.
func Load(ctx context.Context, store proposals.Store, id string) (Output, error) {
	var out Output
	data, err := store.Meta(ctx, id)
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
func List(ctx context.Context, store proposals.Store) ([]Summary, error) {
	ids, err := store.IDs(ctx)
	if err != nil {
		return nil, err
	}
	out := []Summary{}
	for _, id := range ids {
		p, err := Load(ctx, store, id)
		if err != nil {
			continue // a proposal being written, or a damaged one
		}
		out = append(out, Summary{ID: p.ID, Title: p.Title, Created: p.Created.Format("2006-01-02 15:04:05Z"), Base: short(p.Base), Branch: p.Branch, Files: len(p.Files), Checks: checkLine(p.Checks)})
	}
	return out, nil
}
