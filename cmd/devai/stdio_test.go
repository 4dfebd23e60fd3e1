package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestStdioBinaryWritesOnlyProtocol runs the built binary over stdio with
// debug logging, asks it for a log level, tools, a search and a bad request,
// and checks that every stdout line is a JSON-RPC 2.0 message.
func TestStdioBinaryWritesOnlyProtocol(t *testing.T) {
	t.Parallel()
	bin := buildDevai(t)
	cmd := exec.Command(bin, "serve", "--repo", shopRepo(t), "--state-dir", t.TempDir(), "--no-watch", "--log-level", "debug", "--embedder", "hash")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	requests := []string{
		`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`,
		`{"jsonrpc":"2.0","method":"notifications/initialized"}`,
		`{"jsonrpc":"2.0","id":2,"method":"logging/setLevel","params":{"level":"debug"}}`,
		`{"jsonrpc":"2.0","id":3,"method":"tools/list"}`,
		`{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"search_context","arguments":{"query":"login lockout"}}}`,
		`{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"search_context","arguments":{"query":"x","kinds":["docs"]}}}`,
		`this is not json`,
		`{"jsonrpc":"2.0","id":6,"method":"no/such/method"}`,
		`{"jsonrpc":"2.0","id":7,"method":"resources/templates/list"}`,
	}
	lines := make(chan string, 256)
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 1<<20), 16<<20)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	responses := map[float64]map[string]any{}
	for _, r := range requests {
		if _, err := io.WriteString(stdin, r+"\n"); err != nil {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond) // keep the order the server sees simple to read in failures
	}
	deadline := time.After(60 * time.Second)
	for len(responses) < 7 {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("stdout closed after %d responses; stderr:\n%s", len(responses), stderr.String())
			}
			var msg map[string]any
			if err := json.Unmarshal([]byte(line), &msg); err != nil || msg["jsonrpc"] != "2.0" {
				t.Fatalf("stdout line is not JSON-RPC 2.0: %q", line)
			}
			if id, ok := msg["id"].(float64); ok {
				responses[id] = msg
			}
		case <-deadline:
			t.Fatalf("timed out with responses %v; stderr:\n%s", keys(responses), stderr.String())
		}
	}
	stdin.Close()
	if err := cmd.Wait(); err != nil {
		t.Errorf("devai serve exited with %v after stdin closed; stderr:\n%s", err, stderr.String())
	}
	for line := range lines {
		var msg map[string]any
		if err := json.Unmarshal([]byte(line), &msg); err != nil || msg["jsonrpc"] != "2.0" {
			t.Fatalf("stdout line is not JSON-RPC 2.0: %q", line)
		}
	}
	if res := fmt.Sprint(responses[4]["result"]); !strings.Contains(res, "devai://") {
		t.Errorf("search result cites no devai:// URI: %s", res)
	}
	if res, _ := responses[5]["result"].(map[string]any); res == nil || res["isError"] != true {
		t.Errorf("bad kind: want an isError result, got %v", responses[5])
	}
	if responses[6]["error"] == nil {
		t.Errorf("unknown method: want a JSON-RPC error, got %v", responses[6])
	}
	if !strings.Contains(stderr.String(), "serving MCP over stdio") {
		t.Errorf("the log did not go to stderr:\n%s", stderr.String())
	}
}

func keys(m map[float64]map[string]any) []float64 {
	var out []float64
	for k := range m {
		out = append(out, k)
	}
	return out
}
