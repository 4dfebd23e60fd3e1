package history

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// errNoResult is a git failure that only means "nothing found" (no tag to
// describe from, for instance).
var errNoResult = errors.New("no result")

// run runs git in the repository and returns its stdout.
func (r *Repo) run(ctx context.Context, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, r.git, append([]string{"-C", r.dir, "-c", "core.quotepath=off"}, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("git %s: %w", args[0], ctx.Err())
		}
		msg := strings.TrimSpace(stderr.String())
		if strings.Contains(msg, "No names found") || strings.Contains(msg, "cannot describe") || strings.Contains(msg, "No tags can describe") {
			return nil, fmt.Errorf("git %s: %s: %w", args[0], msg, errNoResult)
		}
		return nil, fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, msg)
	}
	return stdout.Bytes(), nil
}

func trimNL(b []byte) string { return strings.TrimRight(string(b), "\r\n") }

// logFormat puts a record separator before each commit and NULs between
// its fields; with -z the name-status entries that follow are NUL-separated.
const logFormat = "--format=%x1e%H%x00%P%x00%an%x00%ae%x00%at%x00%s%x00%b%x00"

func (r *Repo) logGit(ctx context.Context, opts LogOptions) ([]Commit, error) {
	args := []string{"log", "-z", logFormat}
	if !opts.NoFiles {
		args = append(args, "--name-status", "--no-renames")
	}
	if !opts.Merges {
		args = append(args, "--no-merges")
	}
	if !opts.Since.IsZero() {
		args = append(args, "--since="+strconv.FormatInt(opts.Since.Unix(), 10))
	}
	if opts.Max > 0 {
		args = append(args, "-n", strconv.Itoa(opts.Max))
	}
	to, err := r.resolveOr(ctx, opts.To, "HEAD")
	if err != nil {
		return nil, fmt.Errorf("log %s: %w", r.dir, err)
	}
	if opts.From != "" {
		from, err := r.Resolve(ctx, opts.From)
		if err != nil {
			return nil, fmt.Errorf("log %s: %w", r.dir, err)
		}
		to = from + ".." + to
	}
	args = append(args, "--end-of-options", to, "--")
	args = append(args, opts.Paths...)
	out, err := r.run(ctx, args...)
	if err != nil {
		return nil, fmt.Errorf("log %s: %w", r.dir, err)
	}
	return parseLog(out)
}

// parseLog reads the output of logGit.
func parseLog(out []byte) ([]Commit, error) {
	var commits []Commit
	for _, rec := range bytes.Split(out, []byte{0x1e}) {
		if len(bytes.TrimSpace(rec)) == 0 {
			continue
		}
		f := strings.Split(string(rec), "\x00")
		if len(f) < 7 {
			return nil, fmt.Errorf("parse git log: a record with %d fields", len(f))
		}
		secs, err := strconv.ParseInt(f[4], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("parse git log: commit %s: time %q", f[0], f[4])
		}
		c := Commit{Hash: f[0], Author: f[2], Email: f[3], Time: time.Unix(secs, 0).UTC(),
			Subject: f[5], Body: strings.TrimSpace(f[6])}
		if f[1] != "" {
			c.Parents = strings.Fields(f[1])
		}
		c.Files = parseNameStatus(f[7:])
		commits = append(commits, c)
	}
	return commits, nil
}

// parseNameStatus reads NUL-separated "M", "path" pairs ("R100", "old",
// "new" for renames and copies).
func parseNameStatus(tokens []string) []FileChange {
	var files []FileChange
	for i := 0; i < len(tokens); i++ {
		status := strings.TrimSpace(tokens[i])
		if status == "" {
			continue
		}
		switch status[0] {
		case 'R', 'C':
			if i+2 < len(tokens) {
				files = append(files, FileChange{Status: status[:1], From: tokens[i+1], Path: tokens[i+2]})
			}
			i += 2
		default:
			if i+1 < len(tokens) {
				files = append(files, FileChange{Status: status[:1], Path: tokens[i+1]})
			}
			i++
		}
	}
	return files
}

func (r *Repo) blameGit(ctx context.Context, rev, path string, start, end int) ([]BlameLine, error) {
	hash, err := r.Resolve(ctx, rev)
	if err != nil {
		return nil, fmt.Errorf("blame %s: %w", path, err)
	}
	args := []string{"blame", "--porcelain", "-w"}
	if start > 0 {
		if end < start {
			end = start
		}
		args = append(args, "-L", fmt.Sprintf("%d,%d", start, end))
	}
	args = append(args, hash, "--", path)
	out, err := r.run(ctx, args...)
	if err != nil {
		return nil, fmt.Errorf("blame %s: %w", path, err)
	}
	return parsePorcelain(out)
}

// parsePorcelain reads `git blame --porcelain`: a header per line, the
// commit's details the first time a commit appears, then the line itself
// after a tab.
func parsePorcelain(out []byte) ([]BlameLine, error) {
	type info struct {
		author, summary string
		time            time.Time
	}
	commits := map[string]*info{}
	var lines []BlameLine
	var cur *BlameLine
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "\t") {
			if cur == nil {
				return nil, errors.New("parse git blame: a line without a header")
			}
			cur.Text = line[1:]
			in := commits[cur.Hash]
			cur.Author, cur.Summary, cur.Time = in.author, in.summary, in.time
			lines = append(lines, *cur)
			cur = nil
			continue
		}
		key, val, _ := strings.Cut(line, " ")
		if cur == nil {
			fields := strings.Fields(line)
			if len(fields) < 3 || len(key) < 40 {
				return nil, fmt.Errorf("parse git blame: unexpected header %q", line)
			}
			n, err := strconv.Atoi(fields[2])
			if err != nil {
				return nil, fmt.Errorf("parse git blame: header %q", line)
			}
			cur = &BlameLine{Line: n, Hash: key}
			if commits[key] == nil {
				commits[key] = &info{}
			}
			continue
		}
		in := commits[cur.Hash]
		switch key {
		case "author":
			in.author = val
		case "author-time":
			if secs, err := strconv.ParseInt(val, 10, 64); err == nil {
				in.time = time.Unix(secs, 0).UTC()
			}
		case "summary":
			in.summary = val
		}
	}
	return lines, sc.Err()
}

func (r *Repo) tagsGit(ctx context.Context) ([]Tag, error) {
	out, err := r.run(ctx, "for-each-ref", "--sort=-creatordate",
		"--format=%(refname:short)%00%(objectname)%00%(*objectname)%00%(committerdate:unix)%00%(*committerdate:unix)", "refs/tags")
	if err != nil {
		return nil, fmt.Errorf("tags: %w", err)
	}
	var tags []Tag
	for _, line := range strings.Split(trimNL(out), "\n") {
		f := strings.Split(line, "\x00")
		if len(f) != 5 {
			continue
		}
		t := Tag{Name: f[0], Commit: f[1]}
		date := f[3]
		if f[2] != "" { // annotated: the tag object points at the commit
			t.Commit, date = f[2], f[4]
		}
		if secs, err := strconv.ParseInt(date, 10, 64); err == nil {
			t.Time = time.Unix(secs, 0).UTC()
		}
		tags = append(tags, t)
	}
	return tags, nil
}
