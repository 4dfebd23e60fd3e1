// Command shopd runs the shop API. Application events go to stdout as JSON
// (log/slog), the access log goes to a file in logfmt, and the session
// janitor writes plain-text lines to stderr.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"example.com/shop/internal/auth"
	"example.com/shop/internal/httpapi"
	"example.com/shop/internal/orders"
	"example.com/shop/internal/sessions"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "shopd:", err)
		os.Exit(1)
	}
}

func run() error {
	addr := flag.String("addr", ":8080", "listen address")
	accessPath := flag.String("access-log", "access.log", "access log file (logfmt)")
	sessionTTL := flag.Duration("session-ttl", sessions.DefaultTTL, "idle lifetime of a session")
	sweepEvery := flag.Duration("janitor-interval", sessions.DefaultSweepInterval, "how often expired sessions are removed")
	flag.Parse()

	logger := slog.New(httpapi.NewContextHandler(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{Level: slog.LevelInfo}))).
		With("service", "shopd", "version", version)
	accessFile, err := os.OpenFile(*accessPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("open access log: %w", err)
	}
	defer accessFile.Close()
	access := slog.New(slog.NewTextHandler(accessFile, nil))

	store := sessions.NewStore(*sessionTTL)
	users := auth.NewUserStore()
	authSvc := auth.NewService(auth.Config{}, users, store, logger, nil)
	orderSvc := orders.NewService(logger, nil)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	janitor := sessions.NewJanitor(store, *sweepEvery, log.New(os.Stderr, "janitor: ", log.LstdFlags|log.Lmicroseconds|log.LUTC))
	janitor.OnExpire(authSvc.ExpiryHook())
	go janitor.Run(ctx)

	api := httpapi.New(httpapi.Deps{Auth: authSvc, Sessions: store, Orders: orderSvc, Log: logger, Access: access})
	srv := &http.Server{
		Addr:              *addr,
		Handler:           api.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelError),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	logger.Info("shopd listening", "addr", *addr, "session_ttl", sessionTTL.String(), "janitor_interval", sweepEvery.String())

	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}
