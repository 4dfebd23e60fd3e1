package history

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/utils/merkletrie"
)

// The go-git fallback, for machines without a git binary. It answers the
// same questions more slowly; path-filtered logs diff every commit.

func (r *Repo) open() (*git.Repository, error) {
	repo, err := git.PlainOpenWithOptions(r.dir, &git.PlainOpenOptions{DetectDotGit: true})
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", r.dir, err)
	}
	return repo, nil
}

func resolve(repo *git.Repository, rev string) (plumbing.Hash, error) {
	h, err := repo.ResolveRevision(plumbing.Revision(rev))
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("resolve %q: %w (%v)", rev, ErrUnknownRevision, err)
	}
	return *h, nil
}

func (r *Repo) logGoGit(ctx context.Context, opts LogOptions) ([]Commit, error) {
	repo, err := r.open()
	if err != nil {
		return nil, err
	}
	to := opts.To
	if to == "" {
		to = "HEAD"
	}
	head, err := resolve(repo, to)
	if err != nil {
		return nil, err
	}
	exclude := map[plumbing.Hash]bool{}
	if opts.From != "" {
		from, err := resolve(repo, opts.From)
		if err != nil {
			return nil, err
		}
		iter, err := repo.Log(&git.LogOptions{From: from})
		if err != nil {
			return nil, err
		}
		_ = iter.ForEach(func(c *object.Commit) error { exclude[c.Hash] = true; return nil })
	}
	lo := &git.LogOptions{From: head, Order: git.LogOrderCommitterTime}
	if !opts.Since.IsZero() {
		since := opts.Since
		lo.Since = &since
	}
	iter, err := repo.Log(lo)
	if err != nil {
		return nil, fmt.Errorf("log: %w", err)
	}
	var out []Commit
	errStop := errors.New("stop")
	err = iter.ForEach(func(c *object.Commit) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if exclude[c.Hash] || (c.NumParents() > 1 && !opts.Merges) {
			return nil
		}
		var files []FileChange
		if !opts.NoFiles || len(opts.Paths) > 0 {
			var err error
			if files, err = changedFiles(c); err != nil {
				return err
			}
		}
		if len(opts.Paths) > 0 && !touches(files, opts.Paths) {
			return nil
		}
		if opts.NoFiles {
			files = nil
		}
		out = append(out, commitOf(c, files))
		if opts.Max > 0 && len(out) == opts.Max {
			return errStop
		}
		return nil
	})
	if err != nil && !errors.Is(err, errStop) {
		return nil, fmt.Errorf("log: %w", err)
	}
	return out, nil
}

func commitOf(c *object.Commit, files []FileChange) Commit {
	subject, body, _ := strings.Cut(c.Message, "\n")
	out := Commit{Hash: c.Hash.String(), Author: c.Author.Name, Email: c.Author.Email, Time: c.Author.When.UTC(),
		Subject: strings.TrimSpace(subject), Body: strings.TrimSpace(body), Files: files}
	for _, p := range c.ParentHashes {
		out.Parents = append(out.Parents, p.String())
	}
	return out
}

// changedFiles diffs a commit against its first parent.
func changedFiles(c *object.Commit) ([]FileChange, error) {
	tree, err := c.Tree()
	if err != nil {
		return nil, err
	}
	var parentTree *object.Tree
	if c.NumParents() > 0 {
		p, err := c.Parent(0)
		if err != nil {
			return nil, err
		}
		if parentTree, err = p.Tree(); err != nil {
			return nil, err
		}
	}
	changes, err := object.DiffTree(parentTree, tree)
	if err != nil {
		return nil, err
	}
	var files []FileChange
	for _, ch := range changes {
		action, err := ch.Action()
		if err != nil {
			return nil, err
		}
		switch action {
		case merkletrie.Insert:
			files = append(files, FileChange{Path: ch.To.Name, Status: "A"})
		case merkletrie.Delete:
			files = append(files, FileChange{Path: ch.From.Name, Status: "D"})
		default:
			files = append(files, FileChange{Path: ch.To.Name, Status: "M"})
		}
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return files, nil
}

func touches(files []FileChange, paths []string) bool {
	for _, f := range files {
		for _, p := range paths {
			p = strings.TrimSuffix(p, "/")
			if f.Path == p || strings.HasPrefix(f.Path, p+"/") {
				return true
			}
		}
	}
	return false
}

func (r *Repo) blameGoGit(ctx context.Context, rev, path string, start, end int) ([]BlameLine, error) {
	repo, err := r.open()
	if err != nil {
		return nil, err
	}
	h, err := resolve(repo, rev)
	if err != nil {
		return nil, err
	}
	c, err := repo.CommitObject(h)
	if err != nil {
		return nil, fmt.Errorf("blame %s: %w", path, err)
	}
	res, err := git.Blame(c, path)
	if err != nil {
		return nil, fmt.Errorf("blame %s: %w", path, err)
	}
	summaries := map[plumbing.Hash]string{}
	var out []BlameLine
	for i, l := range res.Lines {
		n := i + 1
		if start > 0 && (n < start || n > max(end, start)) {
			continue
		}
		sum, ok := summaries[l.Hash]
		if !ok {
			if lc, err := repo.CommitObject(l.Hash); err == nil {
				sum, _, _ = strings.Cut(lc.Message, "\n")
			}
			summaries[l.Hash] = sum
		}
		out = append(out, BlameLine{Line: n, Hash: l.Hash.String(), Author: l.AuthorName, Time: l.Date.UTC(), Summary: sum, Text: l.Text})
	}
	return out, nil
}

func (r *Repo) tagsGoGit() ([]Tag, error) {
	repo, err := r.open()
	if err != nil {
		return nil, err
	}
	iter, err := repo.Tags()
	if err != nil {
		return nil, fmt.Errorf("tags: %w", err)
	}
	var tags []Tag
	err = iter.ForEach(func(ref *plumbing.Reference) error {
		h := ref.Hash()
		if to, err := repo.TagObject(h); err == nil {
			c, err := to.Commit()
			if err != nil {
				return nil // a tag of something other than a commit
			}
			h = c.Hash
		}
		c, err := repo.CommitObject(h)
		if err != nil {
			return nil
		}
		tags = append(tags, Tag{Name: ref.Name().Short(), Commit: h.String(), Time: c.Committer.When.UTC()})
		return nil
	})
	sort.SliceStable(tags, func(i, j int) bool { return tags[i].Time.After(tags[j].Time) })
	return tags, err
}

func (r *Repo) lastTagGoGit(rev string) (string, error) {
	tags, err := r.tagsGoGit()
	if err != nil || len(tags) == 0 {
		return "", err
	}
	byCommit := map[string]string{}
	for i := len(tags) - 1; i >= 0; i-- { // newest wins
		byCommit[tags[i].Commit] = tags[i].Name
	}
	repo, err := r.open()
	if err != nil {
		return "", err
	}
	h, err := resolve(repo, rev)
	if err != nil {
		return "", err
	}
	iter, err := repo.Log(&git.LogOptions{From: h})
	if err != nil {
		return "", err
	}
	found := ""
	errStop := errors.New("stop")
	_ = iter.ForEach(func(c *object.Commit) error {
		if name, ok := byCommit[c.Hash.String()]; ok {
			found = name
			return errStop
		}
		return nil
	})
	return found, nil
}
