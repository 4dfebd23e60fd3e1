package history

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// ErrBadRevision is returned for a revision that could be read as an option
// or that holds characters no ref name or hash holds. Callers map it to an
// input error; it never reaches git.
var ErrBadRevision = errors.New("not a revision")

// ErrUnknownRevision is returned for a well-formed revision that names no
// commit of the repository.
var ErrUnknownRevision = errors.New("unknown revision")

// CheckRevision refuses what must never reach a git command line as a
// revision: an empty string, anything starting with "-" (git would read it
// as an option: `--output=FILE` writes a file), and control characters.
func CheckRevision(rev string) error {
	switch {
	case strings.TrimSpace(rev) == "":
		return fmt.Errorf("empty revision: %w", ErrBadRevision)
	case strings.HasPrefix(rev, "-"):
		return fmt.Errorf("%q starts with '-': %w (give a tag, a branch or a commit hash)", rev, ErrBadRevision)
	case strings.IndexFunc(rev, unicode.IsControl) >= 0:
		return fmt.Errorf("%q holds a control character: %w", rev, ErrBadRevision)
	}
	return nil
}

// Resolve returns the full hash of the commit rev names. Every revision a
// caller gives passes through here before any other git command sees it, so
// git only ever receives hashes in revision positions.
func (r *Repo) Resolve(ctx context.Context, rev string) (string, error) {
	if err := CheckRevision(rev); err != nil {
		return "", err
	}
	if r.git == "" {
		repo, err := r.open()
		if err != nil {
			return "", err
		}
		h, err := resolve(repo, rev)
		if err != nil {
			return "", err
		}
		return h.String(), nil
	}
	out, err := r.run(ctx, "rev-parse", "--verify", "--quiet", "--end-of-options", rev+"^{commit}")
	if err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return "", fmt.Errorf("%q: %w", rev, ErrUnknownRevision)
	}
	return trimNL(out), nil
}

// resolveOr resolves rev, or def when rev is empty.
func (r *Repo) resolveOr(ctx context.Context, rev, def string) (string, error) {
	if rev == "" {
		rev = def
	}
	return r.Resolve(ctx, rev)
}
