package resources

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/budget"
	"github.com/devaiops/devai/memory/decisions"
	"github.com/devaiops/devai/memory/proposals"
)

// connect serves s to mcp-go's in-process client speaking version.
func connect(t *testing.T, s *server.MCPServer, version string) *client.Client {
	t.Helper()
	ctx := context.Background()
	c, err := client.NewInProcessClient(s)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = version
	if _, err := c.Initialize(ctx, init); err != nil {
		t.Fatal(err)
	}
	return c
}

func readResource(t *testing.T, c *client.Client, uri string) (*mcp.ReadResourceResult, error) {
	t.Helper()
	var req mcp.ReadResourceRequest
	req.Params.URI = uri
	return c.ReadResource(context.Background(), req)
}

// decisionLog writes n records, each with a long argument, into a fresh
// decision log and returns its directory.
func decisionLog(t *testing.T, n int) string {
	t.Helper()
	dir := decisions.Dir(t.TempDir())
	log, err := decisions.Open(dir, decisions.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	for i := range n {
		_, err := log.Append(context.Background(), decisions.Entry{
			Tool:      "search_context",
			Arguments: map[string]any{"query": fmt.Sprintf("query %d %s", i, strings.Repeat("session expiry ", 80))},
			Client:    decisions.Client{Name: "test", Session: fmt.Sprintf("s%d", i%7)},
			Summary:   "ok 3 hits",
			Duration:  time.Millisecond,
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

type page struct {
	Decisions []decisions.Record `json:"decisions"`
	Shown     int                `json:"shown"`
	Omitted   int                `json:"omitted"`
	More      string             `json:"more"`
}

func readPage(t *testing.T, c *client.Client, uri string) page {
	t.Helper()
	res, err := readResource(t, c, uri)
	if err != nil {
		t.Fatalf("%s: %v", uri, err)
	}
	if size := budget.WireSize(res); size > Budget {
		t.Errorf("%s: %d bytes on the wire, over the budget of %d", uri, size, Budget)
	}
	var p page
	if err := json.Unmarshal([]byte(res.Contents[0].(mcp.TextResourceContents).Text), &p); err != nil {
		t.Fatalf("%s: %v", uri, err)
	}
	return p
}

func TestDecisionLogStaysWithinBudgetAndPages(t *testing.T) {
	const records = 300
	s := server.NewMCPServer("t", "0", server.WithResourceCapabilities(false, false))
	RegisterDecisions(s, decisions.Files{Dir: decisionLog(t, records)})
	c := connect(t, s, mcp.ProtocolVersion20251125)

	first := readPage(t, c, DecisionsURI)
	if first.Shown == 0 || first.Shown != len(first.Decisions) || first.Shown+first.Omitted != records {
		t.Fatalf("shown %d (%d records) + omitted %d, want %d in all", first.Shown, len(first.Decisions), first.Omitted, records)
	}
	if last := first.Decisions[len(first.Decisions)-1].ID; last != fmt.Sprintf("d%06d", records) {
		t.Errorf("the newest record %s is not last", last)
	}
	oldest := first.Decisions[0].ID
	next := DecisionsURI + "?before=" + oldest
	if !strings.Contains(first.More, next) {
		t.Fatalf("more %q does not name %s", first.More, next)
	}
	second := readPage(t, c, next)
	if len(second.Decisions) == 0 || second.Decisions[len(second.Decisions)-1].Seq != first.Decisions[0].Seq-1 {
		t.Errorf("the page before %s does not end just before it: %d records", oldest, len(second.Decisions))
	}
	if second.Shown+second.Omitted != first.Omitted {
		t.Errorf("page two: shown %d + omitted %d, want the %d the first left out", second.Shown, second.Omitted, first.Omitted)
	}
	small := readPage(t, c, DecisionsURI+"?limit=5")
	if small.Shown != 5 || small.Omitted != records-5 {
		t.Errorf("?limit=5: shown %d, omitted %d", small.Shown, small.Omitted)
	}
	if _, err := readResource(t, c, DecisionsURI+"?limit=zero"); err == nil || !strings.Contains(err.Error(), "limit must be a positive whole number") {
		t.Errorf("?limit=zero: %v", err)
	}
}

func TestALargeFileIsCutAndSaysWhereTheRestIs(t *testing.T) {
	repo := t.TempDir()
	var b strings.Builder
	b.WriteString("package big\n\n")
	for i := range 4000 {
		fmt.Fprintf(&b, "// Line%d says why the fixture is long, with \"quotes\" to escape.\nvar V%d = %d\n", i, i, i)
	}
	if err := os.WriteFile(filepath.Join(repo, "big.go"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ix, err := memory.Open(ctx, memory.Options{Repo: repo, StateDir: t.TempDir(), Embedder: "none"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ix.Close() })
	if err := ix.Sync(ctx, nil); err != nil {
		t.Fatal(err)
	}
	s := server.NewMCPServer("t", "0", server.WithResourceCapabilities(false, false))
	Register(s, ix)
	c := connect(t, s, mcp.ProtocolVersion20251125)
	for _, uri := range []string{"devai://code/big.go", "devai://code/big.go#L101-L8002"} {
		res, err := readResource(t, c, uri)
		if err != nil {
			t.Fatal(err)
		}
		if size := budget.WireSize(res); size > Budget {
			t.Errorf("%s: %d bytes, over the budget of %d", uri, size, Budget)
		}
		text := res.Contents[0].(mcp.TextResourceContents).Text
		if !strings.Contains(text, "cut to the resource budget") || !strings.Contains(text, "read devai://code/big.go#L") {
			t.Errorf("%s: the cut answer does not say where the rest is:\n%s", uri, text[max(0, len(text)-300):])
		}
	}
	res, err := readResource(t, c, "devai://code/big.go#L101-L8002")
	if err != nil {
		t.Fatal(err)
	}
	text := res.Contents[0].(mcp.TextResourceContents).Text
	shown := strings.Count(text, "\n") - 2 // the note and the blank line before it
	if want := fmt.Sprintf("read devai://code/big.go#L%d-L8002 for the rest", 101+shown); !strings.Contains(text, want) {
		t.Errorf("the rest of a range should start after the %d lines shown: want %q in\n%s", shown, want, text[len(text)-300:])
	}
}

func TestAMissingResourceIsResourceNotFound(t *testing.T) {
	state := t.TempDir()
	s := server.NewMCPServer("t", "0", server.WithResourceCapabilities(false, false))
	RegisterDecisions(s, decisions.Files{Dir: decisionLog(t, 3)})
	AddProposals(s, proposals.Files{StateDir: state}, decisions.Files{Dir: decisions.Dir(state)})
	for _, tc := range []struct {
		version, uri, list string
		code               error
	}{
		{mcp.ProtocolVersion20251125, "devai://decisions/d999999", "read devai://decisions", mcp.ErrResourceNotFound},
		{mcp.ProtocolVersion20251125, "devai://decisions/xyz", "read devai://decisions", mcp.ErrResourceNotFound},
		{mcp.ProtocolVersion20251125, "devai://proposals/20990101-000000-abcdef", "read devai://proposals", mcp.ErrResourceNotFound},
		{"2025-06-18", "devai://proposals/..%2F..%2Fetc", "read devai://proposals", mcp.ErrResourceNotFound},
		{mcp.LATEST_PROTOCOL_VERSION, "devai://decisions/d999999", "read devai://decisions", mcp.ErrInvalidParams}, // 2026-07-28 says -32602
	} {
		c := connect(t, s, tc.version)
		_, err := readResource(t, c, tc.uri)
		if !errors.Is(err, tc.code) {
			t.Errorf("%s (%s): got %v, want %v", tc.uri, tc.version, err, tc.code)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, tc.uri) || !strings.Contains(msg, tc.list) {
			t.Errorf("%s: the message should name the URI and say %q: %s", tc.uri, tc.list, msg)
		}
	}
	// A record that exists is still read.
	c := connect(t, s, mcp.ProtocolVersion20251125)
	if _, err := readResource(t, c, "devai://decisions/d000002"); err != nil {
		t.Errorf("devai://decisions/d000002: %v", err)
	}
}
