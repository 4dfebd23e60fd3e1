package main

// This file speaks to one `devai serve` over stdio with mcp-go's client,
// and keeps the exact bytes of every JSON-RPC result.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
)

// session is one devai serve and its client.
type session struct {
	cl     *client.Client
	stderr *tailBuffer
	nextID int
}

// tailBuffer keeps the last bytes the server wrote to stderr, for the
// report of a crash or a hang.
type tailBuffer struct {
	mu  sync.Mutex
	buf []byte
}

const tailMax = 8 << 10

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > tailMax {
		t.buf = t.buf[len(t.buf)-tailMax:]
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.TrimSpace(string(t.buf))
}

// startServe starts `devai serve --repo dir --embedder hash --log-level
// warn` and initializes the session.
func startServe(ctx context.Context, devai, dir string) (*session, error) {
	s := &session{stderr: &tailBuffer{}}
	cl, err := client.NewStdioMCPClientWithOptions(devai, nil,
		[]string{"serve", "--repo", dir, "--embedder", "hash", "--log-level", "warn"},
		transport.WithCommandStderrWriter(s.stderr))
	if err != nil {
		return nil, fmt.Errorf("start %s serve: %w", devai, err)
	}
	s.cl = cl
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	init.Params.ClientInfo = mcp.Implementation{Name: "bench-budget", Version: "1"}
	if _, err := cl.Initialize(ctx, init); err != nil {
		s.close()
		return nil, fmt.Errorf("initialize: %w (server stderr: %s)", err, s.stderr)
	}
	return s, nil
}

// close stops the server; a nil session (a restart that failed) is
// already closed.
func (s *session) close() {
	if s != nil {
		_ = s.cl.Close()
	}
}

// raw sends one request and returns its result exactly as it came over
// the wire, and how long the answer took.
func (s *session) raw(ctx context.Context, method string, params any) (json.RawMessage, time.Duration, error) {
	s.nextID++
	req := transport.JSONRPCRequest{JSONRPC: "2.0", ID: mcp.NewRequestId(fmt.Sprintf("bench-%d", s.nextID)), Method: method, Params: params}
	start := time.Now()
	resp, err := s.cl.GetTransport().SendRequest(ctx, req)
	took := time.Since(start)
	if err != nil {
		return nil, took, fmt.Errorf("%s: %w", method, err)
	}
	if resp.Error != nil {
		return nil, took, fmt.Errorf("%s: JSON-RPC error %d: %s", method, resp.Error.Code, resp.Error.Message)
	}
	return resp.Result, took, nil
}

// waitReady polls devai://index until the first sync is done.
func (s *session) waitReady(ctx context.Context) (indexStatus, error) {
	for {
		res, _, err := s.raw(ctx, "resources/read", map[string]any{"uri": "devai://index"})
		if err != nil {
			return indexStatus{}, err
		}
		st, err := parseIndexStatus(res)
		if err != nil {
			return indexStatus{}, err
		}
		if st.State == "ready" {
			return st, nil
		}
		select {
		case <-ctx.Done():
			return st, fmt.Errorf("the first sync did not finish (state %s, %.0f%%): %w", st.State, st.Progress*100, ctx.Err())
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// indexStatus is the part of devai://index the report uses.
type indexStatus struct {
	State     string  `json:"state"`
	Progress  float64 `json:"progress"`
	Files     int     `json:"files"`
	Chunks    int     `json:"chunks"`
	Symbols   int     `json:"symbols"`
	SyncTook  string  `json:"sync_took"`
	LastError string  `json:"last_error"`
}

func parseIndexStatus(res json.RawMessage) (indexStatus, error) {
	var rr struct {
		Contents []struct {
			Text string `json:"text"`
		} `json:"contents"`
	}
	if err := json.Unmarshal(res, &rr); err != nil || len(rr.Contents) == 0 {
		return indexStatus{}, fmt.Errorf("devai://index: unexpected answer %.200s", res)
	}
	var st indexStatus
	if err := json.Unmarshal([]byte(rr.Contents[0].Text), &st); err != nil {
		return indexStatus{}, fmt.Errorf("devai://index: decode status: %w", err)
	}
	return st, nil
}

// measured is one tool call's answer as an assistant receives it.
type measured struct {
	Call       call
	Total      int // bytes of the JSON-RPC result
	Text       int // bytes of the text content, decoded
	Structured int // bytes of structuredContent as sent
	Items      int // entries of the answer's main list (hits, suspects, gaps, …); -1 unknown
	IsError    bool
	Message    string // the text of an isError answer
	Took       time.Duration
	Result     json.RawMessage // the JSON-RPC result as it came
	Err        error           // no answer at all: transport error, timeout, crash
	Problem    string
}

// callTool makes c and measures its answer.
func (s *session) callTool(ctx context.Context, c call) measured {
	res, took, err := s.raw(ctx, "tools/call", map[string]any{"name": c.Tool, "arguments": c.Args})
	m := measured{Call: c, Took: took, Err: err, Result: res}
	if err != nil {
		return m
	}
	var r struct {
		Content []struct {
			Type string `json:"type"`
			Text string `json:"text"`
		} `json:"content"`
		Structured json.RawMessage `json:"structuredContent"`
		IsError    bool            `json:"isError"`
	}
	if err := json.Unmarshal(res, &r); err != nil {
		m.Err = fmt.Errorf("decode the result: %w", err)
		return m
	}
	m.Total, m.Structured, m.IsError = len(res), len(r.Structured), r.IsError
	m.Items = countItems(r.Structured)
	for _, part := range r.Content {
		m.Text += len(part.Text)
		if r.IsError {
			m.Message += part.Text
		}
	}
	return m
}

// gitLines runs the git binary in dir and splits its output into lines.
func gitLines(ctx context.Context, dir string, args ...string) ([]string, error) {
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", dir}, args...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(errb.String()))
	}
	s := strings.TrimRight(out.String(), "\n")
	if s == "" {
		return nil, nil
	}
	return strings.Split(s, "\n"), nil
}

// treeState is what propose_patch must leave as it found it: HEAD, the
// branches, the status of the working tree and the edited file's bytes.
func treeState(ctx context.Context, dir, file string) (string, error) {
	var parts []string
	for _, args := range [][]string{
		{"rev-parse", "HEAD"},
		{"for-each-ref", "--format=%(refname) %(objectname)", "refs/heads"},
		{"status", "--porcelain", "--untracked-files=all"},
		{"hash-object", "--", file},
	} {
		lines, err := gitLines(ctx, dir, args...)
		if err != nil {
			return "", err
		}
		parts = append(parts, strings.Join(lines, "\n"))
	}
	return strings.Join(parts, "\n--\n"), nil
}

var errChanged = errors.New("the working tree, HEAD or a branch changed")

// mainLists name, per tool, the list an answer is made of; a changelog's
// entries are counted over its sections.
var mainLists = []string{"hits", "suspects", "gaps", "files", "requirements", "templates"}

// countItems is the length of the first main list the structured answer
// has, -1 when it has none.
func countItems(structured json.RawMessage) int {
	var obj map[string]json.RawMessage
	if json.Unmarshal(structured, &obj) != nil {
		return -1
	}
	for _, key := range mainLists {
		var list []json.RawMessage
		if raw, ok := obj[key]; ok && json.Unmarshal(raw, &list) == nil {
			return len(list)
		}
	}
	var sections []struct {
		Entries []json.RawMessage `json:"entries"`
	}
	if raw, ok := obj["sections"]; ok && json.Unmarshal(raw, &sections) == nil {
		n := 0
		for _, s := range sections {
			n += len(s.Entries)
		}
		return n
	}
	return -1
}
