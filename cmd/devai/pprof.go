package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"runtime"
	"time"

	"github.com/hashicorp/go-hclog"
)

// pprofEnv names the loopback address of a pprof listener for profiling a
// running server (bench/load uses it). It is an environment variable on
// purpose, not a flag: it is for whoever measures devai, not for its users.
// Set, it also samples every blocking event and every contended mutex, which
// costs a little on every lock; unset, nothing of this runs.
const pprofEnv = "DEVAI_PPROF_ADDR"

// servePprof serves net/http/pprof on the address in $DEVAI_PPROF_ADDR,
// loopback only, until ctx ends. Unset, it does nothing.
func servePprof(ctx context.Context, getenv func(string) string, logger hclog.Logger) error {
	addr := getenv(pprofEnv)
	if addr == "" {
		return nil
	}
	if !isLoopbackAddr(addr) {
		return fmt.Errorf("%s=%s: profiling listens on loopback only, e.g. 127.0.0.1:6060", pprofEnv, addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("%s: listen on %s: %w", pprofEnv, addr, err)
	}
	runtime.SetBlockProfileRate(1)
	runtime.SetMutexProfileFraction(1)
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: readHeaderTimeout}
	go func() {
		<-ctx.Done()
		shutdownCtx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdownCtx)
	}()
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Warn("pprof listener stopped", "error", err)
		}
	}()
	logger.Info("serving pprof", "url", "http://"+ln.Addr().String()+"/debug/pprof/")
	return nil
}
