package main

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// entry is one bullet of a maintainer's changelog.
type entry struct {
	Release string   // the version heading it is under
	Class   string   // the truth class of its heading; "" when not scored
	PRs     []int    // pull requests it names
	Hashes  []string // commits it names
	Text    string   // the bullet, without its links
}

var (
	prRef     = regexp.MustCompile(`(?:/pull/|/issues/|#)(\d+)\b`)
	commitRef = regexp.MustCompile(`/commit/([0-9a-f]{7,40})\b`)
	bullet    = regexp.MustCompile(`^\s{0,3}[-*] +(.*)$`)
	linkTail  = regexp.MustCompile(`\s+by @\S+( in \S+)?|\(?\[?#\d+\]?(\([^)]*\))?\)?|https?://\S+`)
)

// parseChangelog reads a changelog into its bullets. A bullet's
// continuation lines (indented, no bullet) join it.
func parseChangelog(p project, text string) []entry {
	var out []entry
	release, class := "", ""
	for _, line := range strings.Split(text, "\n") {
		if m := p.Release.FindStringSubmatch(line); m != nil {
			release, class = strings.TrimPrefix(m[1], "v"), ""
			continue
		}
		if m := p.Heading.FindStringSubmatch(line); m != nil {
			class = p.Sections[strings.ToLower(strings.TrimSpace(m[1]))]
			continue
		}
		if release == "" {
			continue
		}
		if m := bullet.FindStringSubmatch(line); m != nil {
			out = append(out, entry{Release: release, Class: class, Text: m[1]})
		} else if strings.TrimSpace(line) == "" || !strings.HasPrefix(line, " ") {
			if strings.TrimSpace(line) != "" && len(out) > 0 && out[len(out)-1].Release == release {
				// prose after a list ends the bullet
				out = append(out, entry{Release: release})
			}
			continue
		} else if len(out) > 0 {
			out[len(out)-1].Text += " " + strings.TrimSpace(line)
		}
	}
	kept := out[:0]
	for _, e := range out {
		if e.Text == "" {
			continue
		}
		for _, m := range prRef.FindAllStringSubmatch(e.Text, -1) {
			n, _ := strconv.Atoi(m[1])
			e.PRs = append(e.PRs, n)
		}
		for _, m := range commitRef.FindAllStringSubmatch(e.Text, -1) {
			e.Hashes = append(e.Hashes, m[1])
		}
		if m := regexp.MustCompile(`\[#([0-9a-f]{7,40})\]`).FindAllStringSubmatch(e.Text, -1); m != nil {
			for _, h := range m {
				e.Hashes = append(e.Hashes, h[1])
			}
		}
		kept = append(kept, e)
	}
	return kept
}

// norm is a subject or bullet reduced to lowercase letters and digits,
// for matching one to the other.
func norm(s string) string {
	s = linkTail.ReplaceAllString(s, "")
	if _, rest, ok := strings.Cut(s, ": "); ok && len(rest) > 10 && !strings.Contains(s[:len(s)-len(rest)], " ") {
		s = rest // "fix(static): x" matches "x"
	}
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// label is one commit with what its maintainers did with it.
type label struct {
	Repo    string `json:"repo"`
	Split   string `json:"split"`
	Since   string `json:"since"`
	Until   string `json:"until"`
	Hash    string `json:"hash"`
	Subject string `json:"subject"`
	PR      int    `json:"pr,omitempty"`
	// Truth is the class of the heading the maintainers listed the change
	// under, "dropped" when they left it out, or "unscored" when it is
	// listed under a heading that says nothing of its kind.
	Truth string `json:"truth"`
	How   string `json:"how"` // how the commit was matched to the changelog
}

var subjectPR = regexp.MustCompile(`\(#(\d+)\)\s*$|^Merge pull request #(\d+)`)

func git(ctx context.Context, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", append([]string{"--git-dir", dir}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return string(out), nil
}

// labelProject labels every commit of p's releases.
func labelProject(ctx context.Context, mirrors string, p project) ([]label, error) {
	dir := filepath.Join(mirrors, p.Name, "repo")
	text, err := git(ctx, dir, "show", p.Pin+":"+p.File)
	if err != nil {
		return nil, err
	}
	entries := parseChangelog(p, text)
	var out []label
	for _, r := range p.Releases {
		ls, err := labelRelease(ctx, dir, p, r[0], r[1], entries)
		if err != nil {
			return nil, err
		}
		out = append(out, ls...)
	}
	return out, nil
}

// labelRelease labels the commits generate_changelog lists for since..until
// (merges are never listed): by the pull request the subject or the merge
// that brought it names, else by the commit hash, else by the subject.
// The release's own bullets are preferred; a change listed in another
// release (a backport) still counts as listed.
func labelRelease(ctx context.Context, dir string, p project, since, until string, entries []entry) ([]label, error) {
	version := strings.TrimPrefix(strings.TrimPrefix(until, p.Prefix), "v")
	merges, err := git(ctx, dir, "log", "--merges", "--format=%H %P%x00%s", since+".."+until)
	if err != nil {
		return nil, err
	}
	viaMerge := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(merges), "\n") {
		head, subject, ok := strings.Cut(line, "\x00")
		f := strings.Fields(head)
		m := subjectPR.FindStringSubmatch(subject)
		if !ok || len(f) < 3 || m == nil {
			continue
		}
		n, _ := strconv.Atoi(m[1] + m[2])
		inner, err := git(ctx, dir, "rev-list", f[1]+".."+f[2])
		if err != nil {
			return nil, err
		}
		for _, h := range strings.Fields(inner) {
			if _, seen := viaMerge[h]; !seen {
				viaMerge[h] = n
			}
		}
	}
	log, err := git(ctx, dir, "log", "--no-merges", "--format=%H%x00%s", since+".."+until)
	if err != nil {
		return nil, err
	}
	var out []label
	for _, line := range strings.Split(strings.TrimSpace(log), "\n") {
		hash, subject, ok := strings.Cut(line, "\x00")
		if !ok {
			continue
		}
		l := label{Repo: p.Name, Split: p.Split, Since: since, Until: until, Hash: hash, Subject: subject}
		if m := subjectPR.FindStringSubmatch(subject); m != nil {
			l.PR, _ = strconv.Atoi(m[1] + m[2])
		} else if n, ok := viaMerge[hash]; ok {
			l.PR = n
		}
		for prefix, n := range p.Manual {
			if strings.HasPrefix(hash, prefix) {
				l.PR = n
			}
		}
		e, how := match(l, version, entries)
		l.How = how
		switch {
		case e == nil:
			l.Truth = "dropped"
		case e.Class == "":
			l.Truth = "unscored"
		default:
			l.Truth = e.Class
		}
		out = append(out, l)
	}
	return out, nil
}

// match finds the bullet that lists l, in its own release first.
func match(l label, version string, entries []entry) (*entry, string) {
	for _, own := range []bool{true, false} {
		for i := range entries {
			e := &entries[i]
			if (e.Release == version) != own {
				continue
			}
			for _, n := range e.PRs {
				if l.PR != 0 && n == l.PR {
					return e, "pr"
				}
			}
			for _, h := range e.Hashes {
				if strings.HasPrefix(l.Hash, h) {
					return e, "hash"
				}
			}
		}
	}
	subj := norm(subjectPR.ReplaceAllString(l.Subject, ""))
	if len(subj) < 12 {
		return nil, ""
	}
	for i := range entries {
		e := &entries[i]
		if e.Release != version {
			continue
		}
		if t := norm(e.Text); t == subj || len(t) >= 20 && strings.HasPrefix(subj, t) || strings.HasPrefix(t, subj) ||
			commonPrefix(t, subj) >= 30 || wordOverlap(e.Text, l.Subject) >= 0.6 {
			return e, "subject"
		}
	}
	return nil, ""
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

var word = regexp.MustCompile(`[A-Za-z0-9_.]{3,}`)

// wordOverlap is the Jaccard index of the words (3 letters or more) of a
// bullet and a subject, 0 when either has fewer than 4.
func wordOverlap(a, b string) float64 {
	set := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, w := range word.FindAllString(strings.ToLower(linkTail.ReplaceAllString(s, "")), -1) {
			m[w] = true
		}
		return m
	}
	x, y := set(a), set(b)
	if len(x) < 4 || len(y) < 4 {
		return 0
	}
	both := 0
	for w := range x {
		if y[w] {
			both++
		}
	}
	return float64(both) / float64(len(x)+len(y)-both)
}
