package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/hashicorp/go-hclog"
)

// TestPprofListener: unset, nothing listens; a non-loopback address is
// refused; a loopback one serves the profiles bench/load reads.
func TestPprofListener(t *testing.T) {
	logger := hclog.NewNullLogger()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	env := func(v string) func(string) string {
		return func(name string) string {
			if name == pprofEnv {
				return v
			}
			return ""
		}
	}
	if err := servePprof(ctx, env(""), logger); err != nil {
		t.Fatalf("unset: %v", err)
	}
	if err := servePprof(ctx, env("0.0.0.0:0"), logger); err == nil || !strings.Contains(err.Error(), "loopback only") {
		t.Fatalf("0.0.0.0: got %v, want a loopback-only refusal", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	if err := servePprof(ctx, env(addr), logger); err != nil {
		t.Fatalf("%s: %v", addr, err)
	}
	resp, err := http.Get("http://" + addr + "/debug/pprof/mutex?debug=1")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "mutex") {
		t.Fatalf("mutex profile: %d %.200s", resp.StatusCode, body)
	}
}
