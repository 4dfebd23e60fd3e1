package console

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/devaiops/devai/memory/proposals"
	"github.com/devaiops/devai/memory/reviews"
	"github.com/devaiops/devai/tools/patch"
)

// gitTimeout bounds each git command of an approval.
const gitTimeout = time.Minute

var objectID = regexp.MustCompile(`^[0-9a-f]{40}([0-9a-f]{24})?$`)

// mergeApproved commits proposal p's stored diff onto branch (created at
// p's base when it does not exist) with git plumbing alone: the diff is
// applied to the branch's tree in a temporary index (GIT_INDEX_FILE), then
// write-tree, commit-tree and update-ref, which moves the branch only if
// it still points where it did. No working tree, index or HEAD is touched.
func mergeApproved(ctx context.Context, repo string, store proposals.Store, branch string, p patch.Output, reviewer string, now time.Time) (reviews.Merge, error) {
	diff, err := store.Diff(ctx, p.ID)
	if err != nil {
		return reviews.Merge{}, fmt.Errorf("read the diff of proposal %s: %w", p.ID, err)
	}
	if !objectID.MatchString(p.Base) {
		return reviews.Merge{}, fmt.Errorf("proposal %s: base %q is not a commit id", p.ID, p.Base)
	}
	tmp, err := os.MkdirTemp("", "devai-review-")
	if err != nil {
		return reviews.Merge{}, fmt.Errorf("approve %s: %w", p.ID, err)
	}
	defer os.RemoveAll(tmp)
	g := gitRunner{repo: repo, env: []string{"GIT_INDEX_FILE=" + filepath.Join(tmp, "index")}}
	ref := "refs/heads/" + branch
	was, _ := g.run(ctx, nil, "rev-parse", "--verify", "--quiet", "--end-of-options", ref+"^{commit}")
	parent := was
	if parent == "" {
		parent = p.Base
	}
	if _, err := g.run(ctx, nil, "read-tree", parent); err != nil {
		return reviews.Merge{}, err
	}
	if _, err := g.run(ctx, diff, "apply", "--cached", "--whitespace=nowarn"); err != nil {
		return reviews.Merge{}, fmt.Errorf("the proposal does not apply to %s at %s (it was made on %s); ask for a revision on the current branch: %w",
			branch, short(parent), short(p.Base), err)
	}
	tree, err := g.run(ctx, nil, "write-tree")
	if err != nil {
		return reviews.Merge{}, err
	}
	g.env = append(g.env, "GIT_AUTHOR_NAME=devai propose_patch", "GIT_AUTHOR_EMAIL=devai@localhost",
		"GIT_COMMITTER_NAME="+identName(reviewer), "GIT_COMMITTER_EMAIL=devai@localhost",
		"GIT_AUTHOR_DATE="+p.Created.Format(time.RFC3339), "GIT_COMMITTER_DATE="+now.Format(time.RFC3339))
	msg := p.Title + "\n"
	if p.Rationale != "" {
		msg += "\n" + strings.TrimSpace(p.Rationale) + "\n"
	}
	msg += "\nProposed-by: devai propose_patch " + p.ID + "\nApproved-by: " + identName(reviewer) + " (devai review console)\n"
	commit, err := g.run(ctx, []byte(msg), "commit-tree", tree, "-p", parent)
	if err != nil {
		return reviews.Merge{}, err
	}
	old := was
	if old == "" {
		old = strings.Repeat("0", len(parent)) // the branch must not exist yet
	}
	if _, err := g.run(ctx, nil, "update-ref", "-m", "devai review: approve proposal "+p.ID, ref, commit, old); err != nil {
		return reviews.Merge{}, fmt.Errorf("move %s (someone else moved it meanwhile? approve again): %w", branch, err)
	}
	return reviews.Merge{Branch: branch, Commit: commit, Parent: parent, Was: was}, nil
}

// identName keeps a name git can put in a commit's committer line.
func identName(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '<' || r == '>' {
			return -1
		}
		return r
	}, s)
	if strings.TrimSpace(s) == "" {
		return "reviewer"
	}
	return s
}

func short(hash string) string {
	if len(hash) > 12 {
		return hash[:12]
	}
	return hash
}

// gitRunner runs git in a repository with extra environment. Arguments
// are fixed words or values checked by the caller; none comes from a form.
type gitRunner struct {
	repo string
	env  []string
}

func (g gitRunner) run(ctx context.Context, stdin []byte, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, gitTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = g.repo
	cmd.Env = append(os.Environ(), g.env...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return "", fmt.Errorf("git %s: %s", args[0], strings.TrimSpace(errb.String()))
		}
		return "", fmt.Errorf("git %s: %w", args[0], err)
	}
	return strings.TrimSpace(out.String()), nil
}
