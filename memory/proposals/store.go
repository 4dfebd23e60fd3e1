// Package proposals is where proposed patches live on disk: one folder per
// proposal under <state>/proposals/<id>/, holding the diff exactly as built
// (proposal.diff) and the redacted record (meta.json). propose_patch
// (tools/patch) writes and reads them, and resources/ serves them; the
// layout and the id's form are written here once.
package proposals

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// Files of a stored proposal, in <state>/proposals/<id>/.
const (
	DirName   = "proposals"
	PatchFile = "proposal.diff"
	MetaFile  = "meta.json"
)

// Modes of what a proposal stores: its rationale, diff and check output
// are the repository owner's to read, not every user's of the machine.
const (
	dirMode  = 0o700
	fileMode = 0o600
)

// ErrNotFound is returned for an unknown proposal id, or one not of the
// form propose_patch gives.
var ErrNotFound = errors.New("no such proposal")

// idPattern is the form of an id: the time it was made, then random hex.
var idPattern = regexp.MustCompile(`^[0-9]{8}-[0-9]{6}-[0-9a-f]{6}$`)

// ValidID reports whether id has the form of a proposal id; only such ids
// are ever joined to a path.
func ValidID(id string) bool { return idPattern.MatchString(id) }

// CheckID says how id is wrong, or returns nil.
func CheckID(id string) error {
	if !ValidID(id) {
		return fmt.Errorf("%q is not a proposal id (like 20261124-001530-a1b2c3): %w", id, ErrNotFound)
	}
	return nil
}

// Root is the folder of all proposals under a state directory.
func Root(stateDir string) string { return filepath.Join(stateDir, DirName) }

// Create makes the folder of proposal id (0700, and its parent too: an
// older devai made them 0755) and returns its path.
func Create(stateDir, id string) (string, error) {
	if err := CheckID(id); err != nil {
		return "", err
	}
	root := Root(stateDir)
	dir := filepath.Join(root, id)
	if err := os.MkdirAll(dir, dirMode); err != nil {
		return "", fmt.Errorf("store proposal %s: %w", id, err)
	}
	for _, d := range []string{root, dir} {
		if err := os.Chmod(d, dirMode); err != nil {
			return "", fmt.Errorf("store proposal %s: %w", id, err)
		}
	}
	return dir, nil
}

// WriteFile writes one file of a proposal's folder, readable by its owner only.
func WriteFile(dir, name string, data []byte) error {
	if err := os.WriteFile(filepath.Join(dir, name), data, fileMode); err != nil {
		return fmt.Errorf("store proposal %s: %w", filepath.Base(dir), err)
	}
	return nil
}

// ReadMeta returns the meta.json of proposal id as stored.
func ReadMeta(stateDir, id string) ([]byte, error) {
	if err := CheckID(id); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(filepath.Join(Root(stateDir), id, MetaFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("proposal %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read proposal %s: %w", id, err)
	}
	return data, nil
}

// IDs lists the stored proposals' ids, oldest first; none is not an error.
func IDs(stateDir string) ([]string, error) {
	entries, err := os.ReadDir(Root(stateDir))
	if errors.Is(err, os.ErrNotExist) {
		return []string{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list proposals: %w", err)
	}
	ids := []string{}
	for _, e := range entries {
		if e.IsDir() && ValidID(e.Name()) {
			ids = append(ids, e.Name())
		}
	}
	sort.Strings(ids)
	return ids, nil
}

// Store keeps proposals: Files under the state directory (the default), or
// a shared database for a team (memory/pgstore). The diff is kept exactly
// as built, so that `git apply` reproduces it; meta is the redacted record
// (the whole proposal as JSON), served as it is stored.
type Store interface {
	// Put stores proposal id. Ids are unique (made by propose_patch).
	Put(ctx context.Context, id string, diff, meta []byte) error
	// Meta returns the stored record of id; ErrNotFound for an unknown id.
	Meta(ctx context.Context, id string) ([]byte, error)
	// Diff returns the diff of id exactly as built (unredacted, so that
	// `git apply` reproduces it); ErrNotFound for an unknown id.
	Diff(ctx context.Context, id string) ([]byte, error)
	// IDs lists the ids, oldest first; none is not an error.
	IDs(ctx context.Context) ([]string, error)
	// Where says where proposal id is kept, for the record and the reply:
	// its folder, or the store's name for it.
	Where(id string) string
}

// InFiles reports whether where (a Store's Where) is a folder on this
// machine, which holds PatchFile, rather than a place in a shared store.
func InFiles(where string) bool { return !strings.Contains(where, "://") }

// Files keeps proposals in <StateDir>/proposals/<id>/.
type Files struct{ StateDir string }

// Put writes the diff, then meta.json: a folder without meta.json is a
// proposal being written, which listings skip.
func (f Files) Put(_ context.Context, id string, diff, meta []byte) error {
	dir, err := Create(f.StateDir, id)
	if err != nil {
		return err
	}
	if err := WriteFile(dir, PatchFile, diff); err != nil {
		return err
	}
	return WriteFile(dir, MetaFile, meta)
}

// Meta reads meta.json of proposal id.
func (f Files) Meta(_ context.Context, id string) ([]byte, error) { return ReadMeta(f.StateDir, id) }

// Diff reads proposal.diff of proposal id.
func (f Files) Diff(_ context.Context, id string) ([]byte, error) {
	if err := CheckID(id); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(filepath.Join(Root(f.StateDir), id, PatchFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("proposal %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read the diff of proposal %s: %w", id, err)
	}
	return data, nil
}

// IDs lists the proposals' folders.
func (f Files) IDs(context.Context) ([]string, error) { return IDs(f.StateDir) }

// Where is the proposal's folder.
func (f Files) Where(id string) string { return filepath.Join(Root(f.StateDir), id) }

var _ Store = Files{}
