package patch

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// BranchPrefix starts every proposal branch.
const BranchPrefix = "devai/proposal-"

// writeBranch stores the change as one commit on base, with git objects
// only (blobs, trees, a commit), and points devai/proposal-<id> at it. The
// working tree, the index and HEAD are not touched; nothing is pushed.
func writeBranch(b *base, changed []*file, id, message string, when time.Time) (string, string, error) {
	byPath := map[string]*file{}
	for _, f := range changed {
		byPath[f.path] = f
	}
	treeHash, err := b.writeTree(b.tree, "", byPath)
	if err != nil {
		return "", "", err
	}
	sig := object.Signature{Name: "devai", Email: "devai@localhost", When: when}
	c := &object.Commit{
		Author: sig, Committer: sig, Message: message,
		TreeHash: treeHash, ParentHashes: []plumbing.Hash{b.commit.Hash},
	}
	obj := b.repo.Storer.NewEncodedObject()
	if err := c.Encode(obj); err != nil {
		return "", "", fmt.Errorf("encode the proposal commit: %w", err)
	}
	hash, err := b.repo.Storer.SetEncodedObject(obj)
	if err != nil {
		return "", "", fmt.Errorf("write the proposal commit: %w", err)
	}
	name := plumbing.NewBranchReferenceName(BranchPrefix + id)
	if _, err := b.repo.Reference(name, false); err == nil {
		return "", "", fmt.Errorf("branch %s already exists", name.Short())
	}
	if err := b.repo.Storer.SetReference(plumbing.NewHashReference(name, hash)); err != nil {
		return "", "", fmt.Errorf("create branch %s: %w", name.Short(), err)
	}
	return name.Short(), hash.String(), nil
}

// writeTree writes the tree at dir (prefix "" is the root) with the
// changes under it applied, and returns its hash. t is nil for a directory
// that does not exist at base.
func (b *base) writeTree(t *object.Tree, prefix string, changes map[string]*file) (plumbing.Hash, error) {
	entries := map[string]object.TreeEntry{}
	if t != nil {
		for _, e := range t.Entries {
			entries[e.Name] = e
		}
	}
	subdirs := map[string]map[string]*file{}
	for p, f := range changes {
		rest := strings.TrimPrefix(p, prefix)
		if name, _, isDir := strings.Cut(rest, "/"); isDir {
			if subdirs[name] == nil {
				subdirs[name] = map[string]*file{}
			}
			subdirs[name][p] = f
			continue
		}
		if !f.newExists {
			delete(entries, rest)
			continue
		}
		h, err := b.writeBlob(f.new)
		if err != nil {
			return plumbing.ZeroHash, fmt.Errorf("write %s: %w", p, err)
		}
		mode := f.mode
		if mode == 0 {
			mode = filemode.Regular
		}
		entries[rest] = object.TreeEntry{Name: rest, Mode: mode, Hash: h}
	}
	for name, sub := range subdirs {
		var subTree *object.Tree
		if e, ok := entries[name]; ok && e.Mode == filemode.Dir {
			st, err := b.repo.TreeObject(e.Hash)
			if err != nil {
				return plumbing.ZeroHash, fmt.Errorf("read tree %s%s: %w", prefix, name, err)
			}
			subTree = st
		}
		h, err := b.writeTree(subTree, prefix+name+"/", sub)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		if h == plumbing.ZeroHash {
			delete(entries, name) // emptied: git has no empty trees
			continue
		}
		entries[name] = object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: h}
	}
	if len(entries) == 0 && prefix != "" {
		return plumbing.ZeroHash, nil
	}
	tree := &object.Tree{}
	for _, e := range entries {
		tree.Entries = append(tree.Entries, e)
	}
	// git orders entries by name, with a directory's name read as name + "/".
	key := func(e object.TreeEntry) string {
		if e.Mode == filemode.Dir {
			return e.Name + "/"
		}
		return e.Name
	}
	sort.Slice(tree.Entries, func(i, j int) bool { return key(tree.Entries[i]) < key(tree.Entries[j]) })
	obj := b.repo.Storer.NewEncodedObject()
	if err := tree.Encode(obj); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("encode tree %s: %w", prefix, err)
	}
	return b.repo.Storer.SetEncodedObject(obj)
}

func (b *base) writeBlob(data []byte) (plumbing.Hash, error) {
	obj := b.repo.Storer.NewEncodedObject()
	obj.SetType(plumbing.BlobObject)
	obj.SetSize(int64(len(data)))
	w, err := obj.Writer()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if _, err := w.Write(data); err != nil {
		return plumbing.ZeroHash, err
	}
	if err := w.Close(); err != nil {
		return plumbing.ZeroHash, err
	}
	return b.repo.Storer.SetEncodedObject(obj)
}
