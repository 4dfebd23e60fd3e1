package main

// This file derives the calls an assistant would make on a repository
// from the repository itself: its functions, its comments, its history or
// changelog. Only the developer questions and one feature request per
// repository are written by hand (read from its code), with a generic set
// for any other repository.

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// call is one tools/call to make and measure.
type call struct {
	Tool  string
	Label string // what the call is, for the table
	Args  map[string]any
	// Edited is the file a propose_patch call edits; the working tree must
	// be the same after the call.
	Edited string
	// mistake marks a call made wrong on purpose, as a user would: its
	// answer must be an isError that says what to do.
	mistake bool
}

// repoText is what was written by hand for one module: three questions a
// developer new to it would ask, and one feature request.
type repoText struct {
	Questions [3]string
	Request   string
}

// handWritten is keyed by module path. Each question names something the
// code does (read from it), not the answer's file name.
var handWritten = map[string]repoText{
	"github.com/labstack/echo/v4": {
		Questions: [3]string{
			"how does the router match a path with named parameters and wildcards",
			"where is the request body bound to a struct and how are query params handled",
			"how does the CORS middleware answer a preflight OPTIONS request",
		},
		Request: "add a MinLength option to the gzip middleware so that small responses are sent uncompressed",
	},
	"github.com/gin-gonic/gin": {
		Questions: [3]string{
			"how does gin recover from a panic in a handler and what does it write to the client",
			"where are query string parameters bound to a struct with form tags",
			"how does the radix tree resolve a wildcard route versus a static one",
		},
		Request: "allow setting the maximum multipart memory per route group instead of only on the engine",
	},
	"github.com/go-git/go-git/v5": {
		Questions: [3]string{
			"how does clone negotiate and fetch the packfile over smart HTTP",
			"where is the worktree status computed against the index and HEAD",
			"how is a revision like HEAD~2 or a branch name resolved to a commit hash",
		},
		Request: "support fetching with a depth into an existing shallow repository so that it can be deepened",
	},
	"github.com/prometheus/prometheus": {
		Questions: [3]string{
			"how does the TSDB head decide when to cut a new chunk and compact a block",
			"where are scrape targets relabeled before they are scraped",
			"how does PromQL evaluate rate over a range vector with counter resets",
		},
		Request: "add a limit parameter to the series API endpoint so that a query can cap the number of series returned",
	},
}

// generic is for any other repository.
var generic = repoText{
	Questions: [3]string{
		"where is the configuration loaded and validated",
		"how are errors returned to the caller and wrapped",
		"what happens when a request times out",
	},
	Request: "add structured logging with a request ID on every error path",
}

// planCalls is the calls for the repository at dir.
func planCalls(ctx context.Context, dir string, r goRepo, version string) ([]call, []string) {
	text, ok := handWritten[r.Module]
	var notes []string
	if !ok {
		text = generic
		notes = append(notes, "no questions written for "+r.Module+": the generic set is used")
	}
	var calls []call
	for i, q := range text.Questions {
		calls = append(calls, call{Tool: "search_context", Label: fmt.Sprintf("question %d (default limit)", i+1), Args: map[string]any{"query": q}})
	}
	calls = append(calls, call{Tool: "search_context", Label: "question 1, limit 50, max_tokens 32000", Args: map[string]any{"query": text.Questions[0], "limit": 50, "max_tokens": 32000}})

	traces, why := panics(r, version)
	crash, frameMark := "panic", "\n\t"
	if r.Lang != langGo && r.Lang != "" {
		traces, why = scriptTraces(r, dir)
		crash, frameMark = "crash", "File \""
		if r.Lang != langPython {
			frameMark = "    at "
		}
	}
	notes = append(notes, why...)
	for i, t := range traces {
		calls = append(calls, call{Tool: "trace_root_cause", Label: fmt.Sprintf("%s %c (%d frames)", crash, 'A'+i, strings.Count(t, frameMark)), Args: map[string]any{"text": t}})
	}
	if len(traces) > 0 {
		calls = append(calls, call{Tool: "trace_root_cause", Label: crash + " A, max_suspects 20", Args: map[string]any{"text": traces[0], "max_suspects": 20}})
	}

	calls = append(calls,
		call{Tool: "find_test_gaps", Label: "{}", Args: map[string]any{}},
		call{Tool: "find_test_gaps", Label: "limit 500", Args: map[string]any{"limit": 500}},
	)

	calls = append(calls, call{Tool: "draft_spec", Label: "hand-written request", Args: map[string]any{"request": text.Request}})
	if req, from := realRequest(ctx, dir); req != "" {
		calls = append(calls, call{Tool: "draft_spec", Label: "request from " + from, Args: map[string]any{"request": req}})
	} else {
		notes = append(notes, "no feature commit or changelog entry to take a draft_spec request from")
	}

	for _, f := range patchTargets(r) {
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f)))
		if err != nil {
			continue
		}
		line, ok := commentLine(data)
		if !ok {
			continue
		}
		calls = append(calls, call{Tool: "propose_patch", Label: "comment edit in " + f, Edited: f, Args: map[string]any{
			"title":     "docs: clarify a comment in " + path.Base(f),
			"rationale": "Wording only; measured by bench/budget.",
			"edits":     []map[string]any{{"path": f, "search": line, "replace": line + " (clarified)"}},
		}})
	}

	calls = append(calls,
		call{Tool: "generate_changelog", Label: "{}", Args: map[string]any{}},
		call{Tool: "generate_changelog", Label: "max_commits 200", Args: map[string]any{"max_commits": 200}},
	)
	if tags, err := gitLines(ctx, dir, "tag", "--merged", "HEAD", "--sort=-v:refname"); err == nil && len(tags) > 10 {
		calls = append(calls, call{Tool: "generate_changelog", Label: "since " + tags[10] + " (ten tags back)", Args: map[string]any{"since": tags[10]}})
	}

	logs, why := logCalls(dir)
	calls = append(calls, logs...)
	notes = append(notes, why...)
	return calls, notes
}

// maxPastedLog bounds the log pasted as text: what an assistant would
// paste, not the whole file.
const maxPastedLog = 256 << 10

// logCalls are summarize_log calls on a log file of the repository
// (bench/realrepos.sh commits a real `go test -v` log at
// logs/go-test.log): by path, by its devai://log URI with a line range,
// pasted as text, and with every template and line ID, which the budget
// must cut.
func logCalls(dir string) ([]call, []string) {
	rel, err := firstLog(dir)
	if err != nil || rel == "" {
		return nil, []string{fmt.Sprintf("no *.log file in the repository to summarise (%v): summarize_log is not called", err)}
	}
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		return nil, []string{fmt.Sprintf("read %s: %v", rel, err)}
	}
	text := string(data[:min(len(data), maxPastedLog)])
	lines := strings.Count(text, "\n")
	rangeEnd := max(1, min(lines, 100))
	return []call{
		{Tool: "summarize_log", Label: "path " + rel, Args: map[string]any{"path": rel}},
		{Tool: "summarize_log", Label: fmt.Sprintf("devai://log URI, lines 1-%d", rangeEnd), Args: map[string]any{"path": fmt.Sprintf("devai://log/%s#L1-L%d", rel, rangeEnd)}},
		{Tool: "summarize_log", Label: fmt.Sprintf("pasted text (%d lines)", lines), Args: map[string]any{"text": text}},
		{Tool: "summarize_log", Label: "path, top -1, lines", Args: map[string]any{"path": rel, "top": -1, "lines": true}},
	}, nil
}

// firstLog is the repository-relative path of a *.log file, one under a
// logs/ folder first, skipping hidden folders (.git, .devai).
func firstLog(dir string) (string, error) {
	var found []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != dir && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(d.Name(), ".log") {
			rel, _ := filepath.Rel(dir, p)
			found = append(found, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("look for a log file: %w", err)
	}
	sort.SliceStable(found, func(i, j int) bool {
		return strings.HasPrefix(found[i], "logs/") && !strings.HasPrefix(found[j], "logs/")
	})
	if len(found) == 0 {
		return "", nil
	}
	return found[0], nil
}

// patchTargets are two real files to edit a comment in: the first
// non-test Go file at the top of the module (or anywhere, if none) and
// the largest one.
func patchTargets(r goRepo) []string {
	if len(r.Files) == 0 {
		return nil
	}
	first := r.Files[0].Path
	for _, f := range r.Files {
		if !strings.Contains(f.Path, "/") {
			first = f.Path
			break
		}
	}
	largest := r.Files[0]
	for _, f := range r.Files {
		if f.Size > largest.Size {
			largest = f
		}
	}
	if largest.Path == first {
		return []string{first}
	}
	return []string{first, largest.Path}
}

// panics are two Go panics as a user of the module would paste them: a
// chain of real calls (each frame's function calls the one above it, at
// the line of the call), under the module cache path, with the user's
// own main at the bottom. The picks are drawn with a fixed seed, so a
// rerun asks the same.
func panics(r goRepo, version string) ([]string, []string) {
	var starts []goFunc
	for _, fn := range r.Funcs {
		if fn.Exported && len(r.callers(fn)) > 0 {
			starts = append(starts, fn)
		}
	}
	if len(starts) < 2 {
		return nil, []string{"fewer than two exported functions with a caller: no panic to trace"}
	}
	rng := rand.New(rand.NewPCG(13, 16))
	heads := []string{
		"panic: runtime error: invalid memory address or nil pointer dereference\n[signal SIGSEGV: segmentation violation code=0x1 addr=0x18 pc=0x7a3f2c]\n\ngoroutine 1 [running]:\n",
		"panic: runtime error: index out of range [3] with length 3\n\ngoroutine 42 [running]:\n",
	}
	tails := []string{
		"main.main()\n\t/home/u/src/app/main.go:31 +0x1a5\nexit status 2\n",
		"net/http.HandlerFunc.ServeHTTP(0xc0001a6000, {0x9c7e40, 0xc0002a0000}, 0xc0002b4000)\n\t/usr/local/go/src/net/http/server.go:2220 +0x29\n" +
			"net/http.serverHandler.ServeHTTP({0xc000186000}, {0x9c7e40, 0xc0002a0000}, 0xc0002b4000)\n\t/usr/local/go/src/net/http/server.go:3210 +0x8e\n" +
			"created by net/http.(*Server).Serve in goroutine 1\n\t/usr/local/go/src/net/http/server.go:3360 +0x485\n",
	}
	root := "/home/u/go/pkg/mod/" + escapeModule(r.Module) + "@" + version + "/"
	var out []string
	for i := range heads {
		fn := starts[rng.IntN(len(starts))]
		var b strings.Builder
		b.WriteString(heads[i])
		line := fn.Line
		for depth := 0; depth < 4; depth++ {
			fmt.Fprintf(&b, "%s(0xc000%06x)\n\t%s%s:%d +0x%x\n", fn.frameName(), 0x120000+depth*0x1000, root, fn.File, line, 0x1d+depth*0x24)
			callers := r.callers(fn)
			if len(callers) == 0 {
				break
			}
			next := callers[rng.IntN(len(callers))]
			line = next.Calls[fn.Name]
			fn = next
		}
		b.WriteString(tails[i])
		out = append(out, b.String())
	}
	return out, nil
}

var (
	prRef        = regexp.MustCompile(`\s*\(?#\d+\)?`)
	mdLink       = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
	inPR         = regexp.MustCompile(`\s+(by @\S+\s+)?in https?://\S+`)
	featureVerb  = regexp.MustCompile(`(?i)^(add|adds|added|support|supports|allow|allows|introduce|implement|new)\b`)
	conventional = regexp.MustCompile(`^(?i)feat(\([^)]*\))?!?:\s*`)
)

// realRequest is a feature request taken from the repository: the newest
// commit subject that adds something (from history), else the first
// changelog entry that does.
func realRequest(ctx context.Context, dir string) (string, string) {
	if subjects, err := gitLines(ctx, dir, "log", "--no-merges", "--format=%s", "-n", "2000"); err == nil && len(subjects) > 1 {
		for _, s := range subjects {
			if req := featureRequest(s); req != "" {
				return req, "commit subject"
			}
		}
	}
	for _, name := range []string{"CHANGELOG.md", "CHANGES.md", "HISTORY.md"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		for sc.Scan() {
			t := strings.TrimSpace(sc.Text())
			if !strings.HasPrefix(t, "* ") && !strings.HasPrefix(t, "- ") {
				continue
			}
			if req := featureRequest(t[2:]); req != "" {
				return req, name + " entry"
			}
		}
	}
	return "", ""
}

// featureRequest is s as a request, when s says that something is added.
func featureRequest(s string) string {
	s = mdLink.ReplaceAllString(s, "$1")
	s = inPR.ReplaceAllString(s, "")
	s = prRef.ReplaceAllString(s, "")
	feat := conventional.MatchString(s)
	s = strings.TrimSpace(conventional.ReplaceAllString(s, ""))
	if (!feat && !featureVerb.MatchString(s)) || len(strings.Fields(s)) < 4 {
		return ""
	}
	return s
}

// sortedKeys is the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
