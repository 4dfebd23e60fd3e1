package logs

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/fixture"
	"github.com/devaiops/devai/tools/tool"
	"github.com/devaiops/devai/tools/tool/tooltest"
)

var (
	shopOnce sync.Once
	shopIx   *memory.Index
	shopErr  error
)

// shop is the fixture's index, synced once for the package (its logs are
// what devai://log URIs name). The fixture is only read.
func shop(t *testing.T) *memory.Index {
	t.Helper()
	shopOnce.Do(func() {
		state, err := os.MkdirTemp("", "devai-logs-test-")
		if err != nil {
			shopErr = err
			return
		}
		ctx := context.Background()
		shopIx, shopErr = memory.Open(ctx, memory.Options{Repo: fixture.Dir(t), StateDir: state, Embedder: "hash"})
		if shopErr == nil {
			shopErr = shopIx.Sync(ctx, nil)
		}
	})
	if shopErr != nil {
		t.Fatal(shopErr)
	}
	return shopIx
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shopIx != nil {
		state := shopIx.StateDir()
		_ = shopIx.Close()
		_ = os.RemoveAll(state)
	}
	os.Exit(code)
}

// call runs summarize_log on a real MCP client against a server over env.
func call(t *testing.T, env tool.Env, args map[string]any) (*mcp.CallToolResult, Output) {
	t.Helper()
	c := tooltest.Connect(t, tooltest.Server(t, env, Tool), "")
	res := tooltest.Call(t, c, ToolName, args)
	var out Output
	if !res.IsError {
		raw, _ := json.Marshal(res.StructuredContent)
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatal(err)
		}
	}
	return res, out
}

func text(res *mcp.CallToolResult) string {
	var b strings.Builder
	for _, c := range res.Content {
		if t, ok := c.(mcp.TextContent); ok {
			b.WriteString(t.Text)
		}
	}
	return b.String()
}

func TestSummarizeLogThroughClient(t *testing.T) {
	t.Parallel()
	env := tool.Env{Index: shop(t)}
	for _, tt := range []struct {
		args            map[string]any
		source          string
		lines, lineTmpl int
	}{
		{map[string]any{"path": "logs/worker.log"}, "logs/worker.log", 50, 0},
		{map[string]any{"path": "logs/worker.log", "lines": true}, "logs/worker.log", 50, 50},
		{map[string]any{"path": "devai://log/logs/worker.log"}, "devai://log/logs/worker.log", 50, 0},
		{map[string]any{"path": "devai://log/logs/worker.log#L1-L10"}, "devai://log/logs/worker.log#L1-L10", 10, 0},
	} {
		res, out := call(t, env, tt.args)
		if res.IsError {
			t.Errorf("%v: %s", tt.args, text(res))
			continue
		}
		if out.Source != tt.source || out.Lines != tt.lines || len(out.LineTemplates) != tt.lineTmpl {
			t.Errorf("%v: source %q, %d lines, %d line templates", tt.args, out.Source, out.Lines, len(out.LineTemplates))
		}
	}
	// errors first: the panic (three fatal events) heads both forms
	res, out := call(t, env, map[string]any{"path": "logs/worker.log"})
	md := text(res)
	if first := out.Templates[0]; !first.Error || first.Count != 3 || first.Levels["fatal"] != 3 {
		t.Errorf("first template %+v, want the panic", first)
	}
	if i := strings.Index(md, fmt.Sprintf("| %d | 3 | fatal 3 |", out.Templates[0].ID)); i < 0 || i > strings.Index(md, "starting shopd") {
		t.Errorf("the panic is not the first row:\n%s", md)
	}
	if !strings.HasPrefix(md, "# logs/worker.log: 50 lines") {
		t.Errorf("heading:\n%s", md)
	}
}

func TestSummarizeLogText(t *testing.T) {
	t.Parallel()
	log := strings.Repeat("GET /x 200\n", 50) + "level=error msg=\"db down\"\n"
	for name, env := range map[string]tool.Env{"with index": {Index: shop(t)}, "without index": {}} {
		res, out := call(t, env, map[string]any{"text": log, "max_bytes": 100})
		if res.IsError {
			t.Fatalf("%s: %s", name, text(res))
		}
		if out.Source != "text" || !out.Truncated || !strings.Contains(out.Note, "max_bytes") || !strings.Contains(text(res), "max_bytes") {
			t.Errorf("%s: the byte limit is not said: %+v\n%s", name, out, text(res))
		}
	}
}

// Over MCP a path must lie inside the repository; the user's own command
// line (Env.Local) may name any file, and nothing else gets that.
func TestSummarizeLogPaths(t *testing.T) {
	t.Parallel()
	outside := filepath.Join(t.TempDir(), "app.log")
	if err := os.WriteFile(outside, []byte("level=error msg=\"boom\"\nlevel=info msg=ok\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ix := shop(t)
	for _, tt := range []struct {
		name string
		env  tool.Env
		args map[string]any
		want string // in the isError text; "" for a summary
	}{
		{"local file outside", tool.Env{Index: ix, Local: true}, map[string]any{"path": outside}, ""},
		{"local file, no index", tool.Env{Local: true}, map[string]any{"path": outside}, ""},
		{"MCP file outside", tool.Env{Index: ix}, map[string]any{"path": outside}, "outside the repository"},
		{"MCP dotdot", tool.Env{Index: ix}, map[string]any{"path": "../../go.mod"}, "outside the repository"},
		{"local dotdot is still repo-relative", tool.Env{Index: ix, Local: true}, map[string]any{"path": "../../go.mod"}, "outside the repository"},
		{"missing", tool.Env{Index: ix}, map[string]any{"path": "logs/nope.log"}, "cannot read logs/nope.log"},
		{"local missing", tool.Env{Local: true}, map[string]any{"path": outside + ".gone"}, "cannot read"},
		{"folder", tool.Env{Index: ix}, map[string]any{"path": "logs"}, "is a folder"},
		{"bad URI", tool.Env{Index: ix}, map[string]any{"path": "devai://log/nope.log"}, "cannot read devai://log/nope.log"},
		{"nothing", tool.Env{Index: ix}, map[string]any{}, "nothing to summarise"},
		{"both", tool.Env{Index: ix}, map[string]any{"text": "x", "path": "logs/worker.log"}, "not both"},
		{"sim", tool.Env{Index: ix}, map[string]any{"text": "x", "sim": 2}, "sim 2"},
		{"depth", tool.Env{Index: ix}, map[string]any{"text": "x", "depth": 2}, "depth 2"},
		{"max_bytes", tool.Env{Index: ix}, map[string]any{"text": "x", "max_bytes": -1}, "max_bytes -1"},
	} {
		res, out := call(t, tt.env, tt.args)
		switch {
		case tt.want == "" && res.IsError:
			t.Errorf("%s: %s", tt.name, text(res))
		case tt.want == "" && (out.Source != outside || out.Records != 2 || !out.Templates[0].Error):
			t.Errorf("%s: %+v", tt.name, out)
		case tt.want != "" && (!res.IsError || !strings.Contains(text(res), tt.want) || kind(res) != "input"):
			t.Errorf("%s: want an input error saying %q, got %s (%s)", tt.name, tt.want, text(res), kind(res))
		}
	}
	// a path needs the index to find the repository; that is devai's state, not the caller's mistake
	res, _ := call(t, tool.Env{}, map[string]any{"path": "logs/worker.log"})
	if !res.IsError || !strings.Contains(text(res), "pass the log as text") || kind(res) != "failure" {
		t.Errorf("no index: %s (%s)", text(res), kind(res))
	}
}

func kind(res *mcp.CallToolResult) string {
	if res.Meta == nil {
		return ""
	}
	k, _ := res.Meta.AdditionalFields[tool.ErrorKindKey].(string)
	return k
}

// A log of thousands of one-off messages does not fit the budget: the
// answer drops line IDs and the rarest non-error templates, keeps every
// error, fits, and says what went.
func TestSummarizeLogShrinks(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	for i := range 3000 {
		fmt.Fprintf(&b, "level=info msg=\"%s\"\n", oneOff(i))
	}
	for range 5 {
		b.WriteString("level=error msg=\"payment gateway refused the charge\"\n")
	}
	res, out := call(t, tool.Env{}, map[string]any{"text": b.String(), "lines": true})
	if res.IsError {
		t.Fatal(text(res))
	}
	raw, _ := json.Marshal(res.StructuredContent)
	if size := len(raw) + len(text(res)); size > tool.DefaultBudget {
		t.Errorf("answer is %d bytes, over the budget %d", size, tool.DefaultBudget)
	}
	if out.Cut == nil || out.Cut.Templates == 0 || !out.Cut.LineTemplates || len(out.LineTemplates) != 0 {
		t.Fatalf("cut %+v, %d line templates", out.Cut, len(out.LineTemplates))
	}
	if !out.Templates[0].Error || out.Templates[0].Count != 5 {
		t.Errorf("the error template was dropped: %+v", out.Templates[0])
	}
	if !strings.Contains(text(res), "To fit the answer budget, left out") || !strings.Contains(text(res), fmt.Sprintf("3005 events, %d templates", out.Total())) {
		t.Errorf("the text does not say what went:\n%.400s", text(res))
	}
}

// oneOff is a message no other line shares a template with.
func oneOff(i int) string {
	words := []string{"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet"}
	var w []string
	for n := i; len(w) < 4; n /= 10 {
		w = append(w, words[n%10]+words[(n/7)%10])
	}
	return strings.Join(w, " ")
}

func TestShortenKeepsWholeWords(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("word ", 30) + "dial https://deploy:correcthorsebattery@db.internal/orders refused"
	for width := 20; width < len(long); width++ {
		got := shorten(long, width)
		if strings.Contains(got, "correcthorse") && !strings.Contains(got, "correcthorsebattery@db.internal/orders") {
			t.Fatalf("width %d cut inside the URL: %q", width, got)
		}
		if len(got) > width+1 {
			t.Fatalf("width %d: %d bytes", width, len(got))
		}
	}
}
