package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// repoResult is everything measured on one repository.
type repoResult struct {
	Name, Dir, Module, Version string
	Commits                    int
	Index                      indexStatus
	FirstSync                  time.Duration // from start to ready, as the bench saw it
	Lists                      []listSize
	Calls                      []measured
	Notes                      []string
	Fatal                      error // the repository could not be measured at all
	budgets                    map[string]int
	tools                      map[string]bool            // the names tools/list gave
	listed                     map[string]json.RawMessage // each list's answer as it came
}

// listSize is one list request's answer.
type listSize struct {
	Method string
	Bytes  int
	Items  int
	More   bool // a nextCursor: the list has further pages not counted
}

func measureRepo(ctx context.Context, devai, name, dir string, syncTimeout, callTimeout time.Duration) repoResult {
	res, s, calls := openRepo(ctx, devai, name, dir, syncTimeout)
	if res.Fatal != nil {
		return res
	}
	defer func() { s.close() }()
	s = res.runCalls(ctx, s, devai, calls, syncTimeout, callTimeout)
	return res
}

// openRepo reads the repository at dir, plans its calls, starts devai
// serve on it, waits for the first sync and sizes the four lists. On
// res.Fatal nothing is left running; otherwise the caller closes s.
func openRepo(ctx context.Context, devai, name, dir string, syncTimeout time.Duration) (res repoResult, s *session, calls []call) {
	res = repoResult{Name: name, budgets: budgets()}
	fmt.Fprintf(os.Stderr, "budget: %s: reading %s\n", name, dir)
	abs, err := filepath.Abs(dir)
	if err != nil {
		res.Fatal = err
		return res, nil, nil
	}
	res.Dir = abs
	src, err := readRepo(abs)
	if err != nil {
		res.Fatal = err
		return res, nil, nil
	}
	res.Module, res.Version = src.Module, moduleVersion(ctx, abs)
	if commits, err := gitLines(ctx, abs, "rev-list", "--count", "HEAD"); err == nil && len(commits) == 1 {
		fmt.Sscan(commits[0], &res.Commits)
	}
	calls, notes := planCalls(ctx, abs, src, res.Version)
	res.Notes = notes

	start := time.Now()
	if s, err = startServe(ctx, devai, abs); err != nil {
		res.Fatal = err
		return res, nil, nil
	}
	syncCtx, cancel := context.WithTimeout(ctx, syncTimeout)
	res.Index, err = s.waitReady(syncCtx)
	cancel()
	res.FirstSync = time.Since(start)
	if err != nil {
		res.Fatal = fmt.Errorf("%w (server stderr: %s)", err, s.stderr)
		s.close()
		return res, nil, nil
	}
	fmt.Fprintf(os.Stderr, "budget: %s: index ready after %s (%d files)\n", name, res.FirstSync.Round(time.Millisecond), res.Index.Files)
	res.listAll(ctx, s, calls)
	return res, s, calls
}

// listAll sizes tools/list, resources/list, resources/templates/list and
// prompts/list, keeps their raw answers, and notes a served tool that no
// call exercises.
func (res *repoResult) listAll(ctx context.Context, s *session, calls []call) {
	res.tools = map[string]bool{}
	res.listed = map[string]json.RawMessage{}
	for _, method := range []string{"tools/list", "resources/list", "resources/templates/list", "prompts/list"} {
		raw, _, err := s.raw(ctx, method, map[string]any{})
		if err != nil {
			res.Notes = append(res.Notes, err.Error())
			continue
		}
		res.listed[method] = raw
		ls, names := listOf(method, raw)
		res.Lists = append(res.Lists, ls)
		if method == "tools/list" {
			for _, n := range names {
				res.tools[n] = true
			}
		}
	}
	planned := map[string]bool{}
	for _, c := range calls {
		planned[c.Tool] = true
	}
	for _, n := range sortedKeys(res.tools) {
		if !planned[n] {
			res.Notes = append(res.Notes, fmt.Sprintf("tool %s is served but this bench makes no call of it", n))
		}
	}
}

// runCalls makes the calls in order and appends what each measured; a
// server that died is restarted (and noted), and the session in use at
// the end is returned.
func (res *repoResult) runCalls(ctx context.Context, s *session, devai string, calls []call, syncTimeout, callTimeout time.Duration) *session {
	for _, c := range calls {
		if !res.tools[c.Tool] {
			res.Notes = append(res.Notes, fmt.Sprintf("%s is not in tools/list: its calls are skipped", c.Tool))
			continue
		}
		m := measureCall(ctx, s, res.Dir, c, callTimeout)
		fmt.Fprintf(os.Stderr, "budget: %s: %s %s: %d B in %s%s\n", res.Name, c.Tool, c.Label, m.Total, m.Took.Round(time.Millisecond), problemSuffix(m))
		res.Calls = append(res.Calls, m)
		if m.Err == nil || alive(ctx, s) {
			continue
		}
		res.Notes = append(res.Notes, fmt.Sprintf("the server died after %s %s; restarted (stderr: %s)", c.Tool, c.Label, s.stderr))
		s.close()
		next, err := startServe(ctx, devai, res.Dir)
		if err == nil {
			syncCtx, cancel := context.WithTimeout(ctx, syncTimeout)
			_, err = next.waitReady(syncCtx)
			cancel()
		}
		if err != nil {
			res.Fatal = err
			next.close()
			return nil
		}
		s = next
	}
	return s
}

// measureCall makes one call; a propose_patch call is checked to leave
// the working tree, HEAD and the branches as they were.
func measureCall(ctx context.Context, s *session, dir string, c call, timeout time.Duration) measured {
	var before string
	if c.Edited != "" {
		var err error
		if before, err = treeState(ctx, dir, c.Edited); err != nil {
			return measured{Call: c, Err: err}
		}
	}
	callCtx, cancel := context.WithTimeout(ctx, timeout)
	m := s.callTool(callCtx, c)
	cancel()
	if errors.Is(m.Err, context.DeadlineExceeded) {
		m.Err = fmt.Errorf("no answer within %s (hang)", timeout)
	}
	if c.Edited != "" && m.Err == nil {
		after, err := treeState(ctx, dir, c.Edited)
		switch {
		case err != nil:
			m.Problem = err.Error()
		case after != before:
			m.Problem = fmt.Sprintf("%v:\nbefore:\n%s\nafter:\n%s", errChanged, before, after)
		}
	}
	return m
}

// alive asks the server for devai://index: a real request, because on a
// 2026-07-28 connection mcp-go's Ping succeeds without sending anything.
func alive(ctx context.Context, s *session) bool {
	askCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	_, _, err := s.raw(askCtx, "resources/read", map[string]any{"uri": "devai://index"})
	return err == nil
}

func problemSuffix(m measured) string {
	switch {
	case m.Err != nil:
		return " ERROR " + m.Err.Error()
	case m.IsError:
		return " isError " + m.Message
	case m.Problem != "":
		return " PROBLEM " + m.Problem
	}
	return ""
}

// listOf sizes one list answer and names its items.
func listOf(method string, raw json.RawMessage) (listSize, []string) {
	key := map[string]string{"tools/list": "tools", "resources/list": "resources",
		"resources/templates/list": "resourceTemplates", "prompts/list": "prompts"}[method]
	var page map[string]json.RawMessage
	_ = json.Unmarshal(raw, &page)
	var items []struct {
		Name string `json:"name"`
	}
	_ = json.Unmarshal(page[key], &items)
	ls := listSize{Method: method, Bytes: len(raw), Items: len(items)}
	if c, ok := page["nextCursor"]; ok && string(c) != `""` && string(c) != "null" {
		ls.More = true
	}
	names := make([]string, len(items))
	for i, it := range items {
		names[i] = it.Name
	}
	return ls, names
}

// moduleVersion is the version a module cache path would carry: the tag
// at HEAD when there is one, else a pseudo-version of HEAD.
func moduleVersion(ctx context.Context, dir string) string {
	if tag, err := gitLines(ctx, dir, "describe", "--tags", "--exact-match", "HEAD"); err == nil && len(tag) == 1 && strings.HasPrefix(tag[0], "v") {
		return tag[0]
	}
	if l, err := gitLines(ctx, dir, "log", "-1", "--format=%cd-%H", "--date=format-local:%Y%m%d%H%M%S"); err == nil && len(l) == 1 {
		if date, hash, ok := strings.Cut(l[0], "-"); ok && len(hash) >= 12 {
			return "v0.0.0-" + date + "-" + hash[:12]
		}
	}
	return "v0.0.0"
}

// failures are the calls that failed, were over budget or changed the
// tree, and a fatal error, each as one line for the report.
func (r repoResult) failures() []string {
	var out []string
	if r.Fatal != nil {
		out = append(out, "could not measure: "+r.Fatal.Error())
	}
	for _, m := range r.Calls {
		what := fmt.Sprintf("`%s` %s", m.Call.Tool, m.Call.Label)
		switch {
		case m.Err != nil:
			out = append(out, fmt.Sprintf("%s: no answer: %v", what, m.Err))
			continue
		case m.IsError:
			out = append(out, fmt.Sprintf("%s: isError: %q", what, m.Message))
		}
		if b := r.budgets[m.Call.Tool]; b > 0 && m.Total > b {
			out = append(out, fmt.Sprintf("%s: %d bytes on the wire, over its budget of %d by %d (text %d, structured %d%s)", what, m.Total, b, m.Total-b, m.Text, m.Structured, overWhy(m, b)))
		}
		if m.Problem != "" {
			out = append(out, fmt.Sprintf("%s: %s", what, m.Problem))
		}
	}
	return out
}

// overWhy says whether devai's own count (decoded text plus structured
// content) was within the budget, so that only the wire's encoding of
// the text and the result's envelope pushed the answer over.
func overWhy(m measured, budget int) string {
	if own := m.Text + m.Structured; own <= budget {
		return fmt.Sprintf("; text + structured = %d is within it: the other %d bytes are the JSON escaping of the text and the envelope, which the budget does not count", own, m.Total-own)
	}
	return "; over even without the wire's encoding: the tool's Shrink could not cut enough"
}
