package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/decisions"
	"github.com/devaiops/devai/tools/tool"
)

// decisionsConfig is `devai decisions`. It reads the log only, so it needs
// no index and runs beside a `devai serve` that is writing to it.
type decisionsConfig struct {
	Repo, StateDir string
	JSON           bool
	filter         decisions.Filter
	Since, Until   string
	trustFlags
}

// trustFlags say where the decision log's key and anchor live, for the
// commands that write the log and for verify. Keeping the key outside the
// state directory (a secret store, another user's file) is what stops
// someone who can rewrite .devai/ from re-signing the log with it.
type trustFlags struct {
	KeyFile, AnchorFile string
	Store               string // --store: the shared store (see store.go); "": files
	StoreRepo           string // --store-repo: the repository's name there; "": its folder's name
}

func (t *trustFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&t.KeyFile, "decisions-key-file", "", "the decision log's HMAC key `file` (default: <state dir>/decisions.key, made on first use, mode 0600)")
	fs.StringVar(&t.AnchorFile, "decisions-anchor-file", "", "the decision log's anchor `file`: record count and head hash (default: <state dir>/decisions.anchor)")
	fs.StringVar(&t.Store, "store", "", storeUsage)
	fs.StringVar(&t.StoreRepo, "store-repo", "", "the repository's `name` in the shared store (default: its folder's name; "+
		"a server of several repositories keeps each under the NAME of --serve-repo or --repos)")
}

// storeRepoName names the repository repoDir in the shared store:
// --store-repo, else its folder's name. Replicas serving one repository
// from folders of different names must set --store-repo alike (the
// decision log keeps one chain per name).
func (t *trustFlags) storeRepoName(repoDir string) string {
	if t.StoreRepo != "" {
		return t.StoreRepo
	}
	return storeRepoName(repoDir)
}

func (t *trustFlags) decisionTrust() decisions.Trust {
	return decisions.Trust{KeyFile: t.KeyFile, AnchorFile: t.AnchorFile}
}

func decisionsCommand(stdout, stderr io.Writer) *command {
	cfg := &decisionsConfig{}
	fs := flag.NewFlagSet("decisions", flag.ContinueOnError)
	fs.StringVar(&cfg.Repo, "repo", "", "the repository whose decision log to read (default: the current directory)")
	fs.StringVar(&cfg.StateDir, "state-dir", "", "where the index and the log live (default: <repo>/.devai)")
	fs.BoolVar(&cfg.JSON, "json", false, "print JSON (records, a record, or the verify report)")
	fs.StringVar(&cfg.filter.Tool, "tool", "", "only calls of this `tool`, e.g. search_context")
	fs.StringVar(&cfg.Since, "since", "", "only calls at or after this `time`: RFC 3339, a date (2026-01-31) or an age (2h, 7d)")
	fs.StringVar(&cfg.Until, "until", "", "only calls before this `time` (same forms as --since)")
	fs.StringVar(&cfg.filter.Outcome, "outcome", "", "only calls that ended ok or error")
	fs.StringVar(&cfg.filter.Grep, "grep", "", "only records containing this `text` (any field, case-insensitive)")
	fs.StringVar(&cfg.filter.Session, "session", "", "only calls of this MCP `session`")
	fs.IntVar(&cfg.filter.Limit, "limit", 50, "show the most recent `n` records (0: all)")
	cfg.trustFlags.register(fs)
	c := &command{
		name:    "decisions",
		summary: "List, show and verify the decision log: every tool call, hash-chained.",
		usage:   "[show ID | verify] [flags]",
		details: `
Every tool call through MCP or the CLI appends one record to .devai/decisions/:
the tool, its arguments (secrets redacted), the client and session, a summary
and hash of the result, what it wrote, duration and outcome. Each record holds
the hash of the one before it, signed with a key kept outside the log
(HMAC-SHA256), and an anchor outside the log keeps the count and the last hash.

  devai decisions                  the most recent records, oldest first
  devai decisions --tool draft_spec --outcome error --since 24h
  devai decisions show d000042     one record, what it wrote, and its session
  devai decisions verify           check the chain and the anchor; exits 1
                                   naming the first record edited, deleted,
                                   moved or cut off, or a missing key or anchor`,
		flags: fs,
	}
	c.run = func(args []string) error {
		state, err := cfg.stateDir()
		if err != nil {
			return usageError{err}
		}
		ctx := context.Background()
		log, dir, closeLog, err := openDecisionReader(ctx, &cfg.trustFlags, cfg.Repo, state)
		if err != nil {
			return err
		}
		defer closeLog()
		switch {
		case len(args) == 0:
			return runDecisionsList(ctx, cfg, log, dir, stdout)
		case args[0] == "show" && len(args) == 2:
			return runDecisionsShow(ctx, cfg, log, args[1], stdout)
		case args[0] == "verify" && len(args) == 1:
			return runDecisionsVerify(ctx, cfg, log, stdout)
		default:
			return usagef("unexpected arguments %q: use devai decisions, devai decisions show ID or devai decisions verify", args)
		}
	}
	return c
}

// stateDir finds the state directory the way the index does.
func (c *decisionsConfig) stateDir() (string, error) {
	repo := c.Repo
	if repo == "" {
		wd, err := os.Getwd()
		if err != nil {
			return "", fmt.Errorf("find the current directory (pass --repo): %w", err)
		}
		repo = wd
	}
	c.Repo = repo
	if info, err := os.Stat(repo); err != nil || !info.IsDir() {
		return "", fmt.Errorf("--repo %s is not a directory", repo)
	}
	state, err := memory.StateDir(memory.Options{Repo: repo, StateDir: c.StateDir})
	if err != nil {
		return "", fmt.Errorf("find the state directory of %s: %w", repo, err)
	}
	return state, nil
}

func runDecisionsList(ctx context.Context, cfg *decisionsConfig, log decisions.Reader, dir string, stdout io.Writer) error {
	f := cfg.filter
	var err error
	if f.Since, err = tool.ParseWhen(cfg.Since, time.Now()); err != nil {
		return usagef("--since: %v", err)
	}
	if f.Until, err = tool.ParseWhen(cfg.Until, time.Now()); err != nil {
		return usagef("--until: %v", err)
	}
	if f.Outcome != "" && f.Outcome != decisions.OutcomeOK && f.Outcome != decisions.OutcomeError {
		return usagef("--outcome %q: use ok or error", f.Outcome)
	}
	if f.Limit < 0 {
		return usagef("--limit %d: use 0 (all) or more", f.Limit)
	}
	recs, err := log.List(ctx, f)
	if err != nil {
		return err
	}
	if cfg.JSON {
		if recs == nil {
			recs = []decisions.Record{}
		}
		return writeJSON(stdout, recs)
	}
	if len(recs) == 0 {
		fmt.Fprintf(stdout, "No decisions recorded in %s match.\n", dir)
		return nil
	}
	for _, r := range recs {
		fmt.Fprintln(stdout, decisionLine(r))
	}
	return nil
}

// decisionLine is one record on one line.
func decisionLine(r decisions.Record) string {
	client := r.Client.Name
	if r.Client.Version != "" {
		client += "/" + r.Client.Version
	}
	line := fmt.Sprintf("%s  %s  %-18s %-5s %8.1fms  %-16s %s", r.ID, r.Time.Local().Format("2006-01-02 15:04:05"), r.Tool, r.Outcome, r.DurationMS, client, shorten(r.Summary, 80))
	if r.Error != "" && r.Error != r.Summary {
		line += "  error: " + shorten(r.Error, 80)
	}
	for _, w := range r.Writes {
		line += fmt.Sprintf("  wrote %s %s", w.Kind, w.Ref)
	}
	return strings.TrimRight(line, " ")
}

func runDecisionsShow(ctx context.Context, cfg *decisionsConfig, log decisions.Reader, id string, stdout io.Writer) error {
	rec, err := log.Get(ctx, id)
	if errors.Is(err, decisions.ErrNotFound) {
		return err
	}
	if err != nil {
		return usageError{err}
	}
	all, err := log.List(ctx, decisions.Filter{})
	if err != nil {
		return err
	}
	links := decisions.LinksOf(rec, all)
	var session []decisions.Record
	for _, r := range all {
		if rec.Client.Session != "" && r.Client.Session == rec.Client.Session {
			session = append(session, r)
		}
	}
	if cfg.JSON {
		return writeJSON(stdout, map[string]any{"decision": rec, "links": links, "session": session})
	}
	fmt.Fprintf(stdout, "Decision %s\n\n", rec.ID)
	fmt.Fprintf(stdout, "  time      %s\n  tool      %s\n  outcome   %s\n  duration  %.1f ms\n", rec.Time.Local().Format(time.RFC3339), rec.Tool, rec.Outcome, rec.DurationMS)
	fmt.Fprintf(stdout, "  client    %s %s\n", rec.Client.Name, rec.Client.Version)
	if rec.Client.Session != "" {
		fmt.Fprintf(stdout, "  session   %s\n", rec.Client.Session)
	}
	if rec.Caller != nil {
		fmt.Fprintf(stdout, "  caller    %s\n", callerLine(*rec.Caller))
	}
	if rec.Prompt != nil {
		inferred := ""
		if rec.Prompt.Inferred {
			inferred = " (inferred: the session's last prompt)"
		}
		fmt.Fprintf(stdout, "  prompt    %s %s %s%s\n", rec.Prompt.Name, rec.Prompt.Version, rec.Prompt.Hash, inferred)
	}
	if len(rec.Arguments) > 0 {
		fmt.Fprintf(stdout, "  arguments %s\n", rec.Arguments)
	}
	if rec.Summary != "" {
		fmt.Fprintf(stdout, "  summary   %s\n", rec.Summary)
	}
	if rec.Error != "" {
		fmt.Fprintf(stdout, "  error     %s\n", rec.Error)
	}
	if rec.ResultSHA256 != "" {
		fmt.Fprintf(stdout, "  result    sha256:%s\n", rec.ResultSHA256)
	}
	fmt.Fprintf(stdout, "  hash      %s\n  prev      %s\n", rec.Hash, rec.PrevHash)
	if len(rec.Writes) > 0 {
		fmt.Fprintf(stdout, "\nWrote\n")
		for _, w := range rec.Writes {
			fmt.Fprintf(stdout, "  %-8s %s%s\n", w.Kind, w.Ref, writeLink(w))
		}
	}
	printLinks(stdout, "Led to this", links.Cites)
	printLinks(stdout, "Led from this", links.CitedBy)
	if len(session) > 1 {
		fmt.Fprintf(stdout, "\nSession %s\n", rec.Client.Session)
		for _, r := range session {
			mark := "  "
			if r.ID == rec.ID {
				mark = "> "
			}
			fmt.Fprintf(stdout, "%s%s\n", mark, decisionLine(r))
		}
	}
	return nil
}

// printLinks lists the records tied to one: what led to it, what it led to.
func printLinks(w io.Writer, title string, links []decisions.Link) {
	if len(links) == 0 {
		return
	}
	fmt.Fprintf(w, "\n%s\n", title)
	for _, l := range links {
		fmt.Fprintf(w, "  %s  %-18s %s\n", l.ID, l.Tool, l.Why)
	}
}

// writeLink is where a written thing can be read, when devai serves it.
func writeLink(w decisions.Write) string {
	switch w.Kind {
	case "proposal":
		return "  (devai://proposals/" + w.Ref + ")"
	case "spec":
		return "  (devai://spec/" + filepath.ToSlash(w.Ref) + ")"
	}
	return ""
}

func runDecisionsVerify(ctx context.Context, cfg *decisionsConfig, log decisions.Reader, stdout io.Writer) error {
	rep, err := log.Verify(ctx)
	if err != nil {
		return err
	}
	if cfg.JSON {
		if err := writeJSON(stdout, rep); err != nil {
			return err
		}
	} else {
		if rep.OK() {
			fmt.Fprintln(stdout, verifiedLine(rep))
		}
		for _, n := range rep.Notes {
			fmt.Fprintf(stdout, "note: %s\n", n)
		}
		for _, t := range rep.Torn {
			fmt.Fprintf(stdout, "note: %s holds a record cut short by a crash (set aside, not part of the chain)\n", t)
		}
	}
	if !rep.OK() {
		return fmt.Errorf("the chain is broken after %d good records: %s", rep.Records, rep.Break)
	}
	return nil
}

// verifiedLine sums up a chain that holds.
func verifiedLine(rep decisions.Report) string {
	line := fmt.Sprintf("ok: the chain holds: %d records in %d files", rep.Records, rep.Files)
	if rep.LastID != "" {
		line += fmt.Sprintf(", last %s (%s)", rep.LastID, rep.LastHash[:12])
	}
	if rep.KeyedFrom != "" {
		line += fmt.Sprintf("; signed with key %s from %s", rep.KeyID, rep.KeyedFrom)
	}
	if rep.Anchored >= 0 {
		line += fmt.Sprintf("; the anchor names %d records", rep.Anchored)
	}
	return line
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
