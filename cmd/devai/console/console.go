// Package console is the review console of `devai serve --http`: server-
// rendered pages (Go templates, embedded; no JavaScript) where a person
// reads what the assistants proposed — the diff, the checks, the trail of
// decisions that led to it — and gives a verdict that goes back to the
// assistant through devai://proposals/{id}. Verdicts are decision records
// (memory/reviews); an approval can also commit the change to a review
// branch with git plumbing, never touching a working tree.
//
// Security: every page is sent with a strict Content-Security-Policy (no
// script at all), every value goes through html/template, every POST needs
// a CSRF token bound to a SameSite=Strict cookie and a same-origin Origin,
// and, when the server has bearer tokens, every page needs a signed-in
// reviewer. Without tokens (loopback only) the Host must be a loopback name,
// so that a rebound DNS name cannot read the pages.
package console

import (
	"context"
	"crypto/rand"
	"embed"
	"fmt"
	"net/http"
	"os/exec"
	"strings"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/decisions"
	"github.com/devaiops/devai/memory/proposals"
	"github.com/devaiops/devai/tools/gaps"
)

// Prefix is where the console is mounted on the HTTP server by default;
// Config.Prefix mounts it elsewhere (a server of several repositories
// mounts one console per repository at /console/NAME/).
const Prefix = "/console/"

//go:embed templates/*.html static/*
var assets embed.FS

// Config is what the console serves and how.
type Config struct {
	// Prefix is the path the console answers under, with a slash at each
	// end ("/console/shop/"); "": Prefix. Every link, form, redirect and
	// cookie stays under it.
	Prefix string
	Repo   string // the repository approvals commit to
	// Decisions is the log the pages read and verdicts are appended to:
	// the server's own (files, or the shared store); required.
	Decisions decisions.Store
	// Proposals is where propose_patch keeps proposals; required.
	Proposals proposals.Store
	// Status is devai://index's data; nil hides the index page's facts.
	Status func() memory.Status
	// Gaps is find_test_gaps' Go API over the server's index, for the
	// traceability page; nil hides it.
	Gaps func(ctx context.Context, in gaps.Input) (gaps.Output, error)
	// ReviewBranch, when set, is the branch an approval commits the
	// proposal's change to.
	ReviewBranch string
	Auth         Auth
	// AllowedOrigins are origins whose forms are taken besides this
	// server's own (a proxy in front that rewrites Host); "*" is ignored:
	// a state change always needs a named origin.
	AllowedOrigins []string
	Version        string
	Logger         hclog.Logger
	Now            func() time.Time // nil: time.Now
}

// Console serves the pages. Make one with New.
type Console struct {
	cfg   Config
	key   []byte // signs sessions and CSRF tokens; new each run
	pages pages
	css   []byte // chroma's classes, light and dark
	mux   *http.ServeMux
}

// New checks cfg and builds the console.
func New(cfg Config) (*Console, error) {
	if cfg.Decisions == nil || cfg.Proposals == nil {
		return nil, fmt.Errorf("review console: no decision log to write verdicts to, or no proposals to review")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Prefix == "" {
		cfg.Prefix = Prefix
	}
	if err := checkPrefix(cfg.Prefix); err != nil {
		return nil, err
	}
	if cfg.Logger == nil {
		cfg.Logger = hclog.NewNullLogger()
	}
	if cfg.ReviewBranch != "" {
		if err := CheckBranch(cfg.Repo, cfg.ReviewBranch); err != nil {
			return nil, err
		}
	}
	c := &Console{cfg: cfg, key: make([]byte, 32)}
	if _, err := rand.Read(c.key); err != nil {
		return nil, fmt.Errorf("review console: make a key: %w", err)
	}
	var err error
	if c.pages, err = parsePages(cfg.Prefix); err != nil {
		return nil, err
	}
	if c.css, err = chromaCSS(); err != nil {
		return nil, err
	}
	c.routes()
	return c, nil
}

// Prefix is the path the console answers under ("/console/" or
// "/console/NAME/").
func (c *Console) Prefix() string { return c.cfg.Prefix }

// checkPrefix refuses a mount path that is not a clean absolute folder:
// it goes into links and cookie paths unescaped.
func checkPrefix(p string) error {
	if !strings.HasPrefix(p, "/") || !strings.HasSuffix(p, "/") || strings.HasPrefix(p, "//") ||
		strings.ContainsAny(p, "\\?#%\"'<> \t\n") || strings.Contains(p, "/../") || strings.Contains(p, "/./") {
		return fmt.Errorf("review console: prefix %q: want a path like /console/ or /console/NAME/", p)
	}
	return nil
}

// CheckBranch refuses a review branch name git would not take (or that
// could be read as an option).
func CheckBranch(repo, name string) error {
	if name == "" || strings.HasPrefix(name, "-") {
		return fmt.Errorf("--review-branch %q: want a branch name like review/approved", name)
	}
	cmd := exec.Command("git", "check-ref-format", "refs/heads/"+name)
	cmd.Dir = repo
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("--review-branch %q is not a valid branch name (git check-ref-format): %w", name, err)
	}
	return nil
}

func (c *Console) routes() {
	m := http.NewServeMux()
	p := c.cfg.Prefix
	m.HandleFunc("GET "+p+"{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, p+"proposals", http.StatusSeeOther)
	})
	m.HandleFunc("GET "+p+"static/{name}", c.static)
	m.HandleFunc("GET "+p+"login", c.loginPage)
	m.HandleFunc("POST "+p+"login", c.login)
	m.Handle("POST "+p+"logout", c.signedIn(http.HandlerFunc(c.logout)))
	m.Handle("GET "+p+"proposals", c.signedIn(http.HandlerFunc(c.proposalList)))
	m.Handle("GET "+p+"proposals/{id}", c.signedIn(http.HandlerFunc(c.proposalPage)))
	m.Handle("POST "+p+"proposals/{id}/verdict", c.signedIn(http.HandlerFunc(c.verdict)))
	m.Handle("GET "+p+"decisions", c.signedIn(http.HandlerFunc(c.decisionList)))
	m.Handle("GET "+p+"decisions/{id}", c.signedIn(http.HandlerFunc(c.decisionPage)))
	m.Handle("GET "+p+"index", c.signedIn(http.HandlerFunc(c.indexPage)))
	m.Handle("GET "+p+"trace", c.signedIn(http.HandlerFunc(c.tracePage)))
	c.mux = m
}

// maxForm bounds a POST body: a verdict's comment and a token.
const maxForm = 64 << 10

// ServeHTTP sets the security headers, refuses foreign hosts on a server
// without authentication and checks every POST for CSRF before routing.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self' data:; "+
		"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	if !c.cfg.Auth.required() && !LoopbackHost(r.Host) {
		http.Error(w, fmt.Sprintf("forbidden: host %q: this console has no authentication and answers loopback names only (127.0.0.1, localhost)", r.Host), http.StatusForbidden)
		return
	}
	if r.Method == http.MethodPost {
		r.Body = http.MaxBytesReader(w, r.Body, maxForm)
		if err := c.checkCSRF(r); err != nil {
			http.Error(w, "forbidden: "+err.Error(), http.StatusForbidden)
			return
		}
	}
	c.mux.ServeHTTP(w, r)
}

func (c *Console) static(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	var data []byte
	switch name {
	case "chroma.css":
		data = c.css
	case "console.css":
		data, _ = assets.ReadFile("static/console.css")
	default:
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(data)
}
