package trace

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/devaiops/devai/memory"
)

// TestOtherCallerOfADoubleClose runs a real program that closes a channel
// twice, from two places, and checks that the other closer is a suspect:
// the fault is a race between the two, and the trace shows only one.
func TestOtherCallerOfADoubleClose(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("runs go")
	}
	dir := t.TempDir()
	files := map[string]string{
		"go.mod": "module example.com/pool\n\ngo 1.22\n",
		"pool/pool.go": `package pool

// Pool runs workers until it is stopped.
type Pool struct{ done chan struct{} }

// New makes a pool.
func New() *Pool { return &Pool{done: make(chan struct{})} }

func (p *Pool) stop() { close(p.done) }

// Reload replaces the workers: it stops the old ones first.
func (p *Pool) Reload() {
	p.stop()
}

// Shutdown stops the pool for good.
func (p *Pool) Shutdown() {
	p.stop()
}
`,
		"main.go": `package main

import "example.com/pool/pool"

func main() {
	p := pool.New()
	p.Shutdown()
	p.Reload()
}
`,
	}
	for name, text := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("go", "run", "-gcflags=all=-l", ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	crash, _ := cmd.CombinedOutput()
	if !strings.Contains(string(crash), "close of closed channel") {
		t.Fatalf("the program did not crash as planned:\n%s", crash)
	}
	ix, err := memory.Open(context.Background(), memory.Options{Repo: dir, StateDir: t.TempDir(), Embedder: "hash"})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if err := ix.Sync(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	out, err := Run(context.Background(), ix, Input{Text: string(crash)})
	if err != nil {
		t.Fatal(err)
	}
	rank := map[string]int{}
	for _, s := range out.Suspects {
		rank[s.Symbol] = s.Rank
	}
	if rank["pool.Pool.stop"] != 1 || rank["pool.Pool.Reload"] == 0 || rank["pool.Pool.Shutdown"] == 0 || rank["pool.Pool.Shutdown"] > 3 {
		t.Fatalf("ranks %v\n%s\n%s", rank, crash, Markdown(out))
	}
}

// TestOtherCallersLeaveOutTests: the other callers of the failing function
// are leads in the code, never a test file's set-up (retrofit's tests call
// Retrofit.Builder.baseUrl in their setUp methods).
func TestOtherCallersLeaveOutTests(t *testing.T) {
	t.Parallel()
	pad := func(name string) string {
		return "\n  public int " + name + "(int x) {\n" + strings.Repeat("    x = x + 1;\n", 90) + "    return x;\n  }\n"
	}
	ix := openFiles(t, map[string]string{
		"src/main/java/lib/Retrofit.java":     "package lib;\n\npublic final class Retrofit {\n  public static final class Builder {\n    public Builder baseUrl(String url) {\n      if (url.isEmpty()) throw new IllegalArgumentException(\"Illegal URL: \" + url);\n      return this;\n    }\n" + pad("size") + "  }\n}\n",
		"src/main/java/lib/Client.java":       "package lib;\n\npublic final class Client {\n  public Retrofit.Builder make(String url) {\n    return new Retrofit.Builder().baseUrl(url);\n  }\n" + pad("other") + "}\n",
		"src/test/java/lib/RetrofitTest.java": "package lib;\n\nclass RetrofitTest {\n  @Before public void setUp() {\n    new Retrofit.Builder().baseUrl(\"http://a/\");\n  }\n" + pad("helper") + "\n  @Test public void works() {}\n}\n",
	})
	text := "java.lang.IllegalArgumentException: Illegal URL: \nat lib.Retrofit$Builder.baseUrl(Retrofit.java:6)\n    at com.app.Main.main(Main.java:3)\n"
	out, err := Run(t.Context(), ix, Input{Text: text})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Suspects) == 0 || out.Suspects[0].Symbol != "Retrofit.Builder.baseUrl" {
		t.Fatalf("suspects %+v, want Retrofit.Builder.baseUrl first", out.Suspects)
	}
	lead := false
	for _, s := range out.Suspects {
		lead = lead || s.Symbol == "Client.make"
		if strings.Contains(s.Path, "/test/") {
			t.Errorf("a test file's code is a suspect: %s %s (%s)", s.Path, s.Symbol, strings.Join(s.Why, "; "))
		}
	}
	if !lead {
		t.Errorf("Client.make, the other caller, is no suspect: %+v", out.Suspects)
	}
}
