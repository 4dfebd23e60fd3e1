package console

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/devaiops/devai/memory/decisions"
	"github.com/devaiops/devai/memory/proposals"
	"github.com/devaiops/devai/memory/reviews"
	"github.com/devaiops/devai/tools/gaps"
	"github.com/devaiops/devai/tools/patch"
)

// pages are the parsed templates, one set per page (each with the layout).
type pages map[string]*template.Template

var pageNames = []string{"login", "proposals", "proposal", "decisions", "decision", "index", "trace", "error"}

func parsePages(prefix string) (pages, error) {
	funcs := template.FuncMap{
		"prefix": func() string { return prefix },
		"short":  short,
		"ago":    ago,
		"when":   func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05Z") },
		"label":  verdictLabel,
		"join":   strings.Join,
		"list":   func(s ...string) []string { return s },
		"inc":    func(i int) int { return i + 1 },
		"pct":    func(f float64) float64 { return f * 100 },
	}
	ps := pages{}
	for _, name := range pageNames {
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(assets, pageFiles(name)...)
		if err != nil {
			return nil, fmt.Errorf("review console: parse template %s: %w", name, err)
		}
		ps[name] = t
	}
	return ps, nil
}

// pageFiles are the templates of one page: the layout, the page, and the
// chain's verify banner where the page shows it.
func pageFiles(name string) []string {
	files := []string{"templates/layout.html", "templates/" + name + ".html"}
	if name == "decision" || name == "decisions" {
		files = append(files, "templates/verify.html")
	}
	return files
}

// view is what every page's layout reads.
type view struct {
	Title    string
	Nav      string
	Reviewer string
	CSRF     string
	Auth     bool
	Version  string
	Data     any
}

// render executes a page into a buffer first, so a template error is a
// clean 500 and not half a page.
func (c *Console) render(w http.ResponseWriter, r *http.Request, status int, page, title string, data any) {
	who, _ := ReviewerFrom(r.Context())
	v := view{Title: title, Nav: page, Reviewer: who, CSRF: c.csrfToken(w, r), Auth: c.cfg.Auth.required(), Version: c.cfg.Version, Data: data}
	var b bytes.Buffer
	if err := c.pages[page].ExecuteTemplate(&b, "layout.html", v); err != nil {
		c.cfg.Logger.Error("review console: render", "page", page, "error", err)
		http.Error(w, "the page could not be rendered; the server log says why", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}

func (c *Console) fail(w http.ResponseWriter, r *http.Request, status int, err error) {
	c.render(w, r, status, "error", http.StatusText(status), err.Error())
}

func ago(t time.Time) string {
	d := time.Since(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h ago", int(d.Hours()))
	}
	return fmt.Sprintf("%d days ago", int(d.Hours()/24))
}

func verdictLabel(state string) string {
	return map[string]string{reviews.Pending: "pending", reviews.Approve: "approved", reviews.RequestChanges: "changes requested", reviews.Reject: "rejected"}[state]
}

func (c *Console) proposalList(w http.ResponseWriter, r *http.Request) {
	qv := r.URL.Query()
	q := listQuery{State: qv.Get("status"), Risk: qv.Get("risk"), Checks: qv.Get("checks"), Q: qv.Get("q"), Sort: qv.Get("sort"), Desc: qv.Get("order") == "desc"}
	rows, err := c.loadRows(r.Context(), q)
	if err != nil {
		c.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	c.render(w, r, http.StatusOK, "proposals", "Proposals", map[string]any{"Rows": rows, "Q": q})
}

// proposalView is the proposal page's data.
type proposalView struct {
	Row          proposalRow
	Files        []fileDiff
	Split        bool
	Before       []trailStep
	After        []trailStep
	ReviewBranch string
	Error        string
	Comment      string
}

func (c *Console) loadProposal(ctx context.Context, id string) (proposalView, error) {
	p, err := patch.Load(ctx, c.cfg.Proposals, id)
	if err != nil {
		return proposalView{}, err
	}
	l, err := c.readLedger(ctx)
	if err != nil {
		return proposalView{}, err
	}
	v := proposalView{Row: l.row(p), ReviewBranch: c.cfg.ReviewBranch}
	v.Before, v.After = l.trail(id)
	if v.Files, err = renderDiff(p.Diff); err != nil {
		return proposalView{}, err
	}
	return v, nil
}

func (c *Console) proposalPage(w http.ResponseWriter, r *http.Request) {
	v, err := c.loadProposal(r.Context(), r.PathValue("id"))
	if errors.Is(err, proposals.ErrNotFound) {
		c.fail(w, r, http.StatusNotFound, err)
		return
	}
	if err != nil {
		c.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	v.Split = r.URL.Query().Get("view") == "split"
	c.render(w, r, http.StatusOK, "proposal", v.Row.P.Title, v)
}

// verdict records a reviewer's verdict, committing an approved change to
// the review branch first where one is configured.
func (c *Console) verdict(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	v, err := c.loadProposal(r.Context(), id)
	if errors.Is(err, proposals.ErrNotFound) {
		c.fail(w, r, http.StatusNotFound, err)
		return
	}
	if err != nil {
		c.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	who, _ := ReviewerFrom(r.Context())
	args := reviews.Args{Proposal: id, Verdict: r.PostFormValue("verdict"), Reviewer: who, Comment: strings.TrimSpace(r.PostFormValue("comment"))}
	again := func(status int, err error) {
		v.Error, v.Comment = err.Error(), args.Comment
		c.render(w, r, status, "proposal", v.Row.P.Title, v)
	}
	if _, err := reviews.Entry(args, decisions.Client{}); err != nil {
		again(http.StatusBadRequest, err)
		return
	}
	if args.Verdict == reviews.Approve && c.cfg.ReviewBranch != "" {
		if prev := v.Row.Verdict; prev != nil && prev.Merge != nil {
			again(http.StatusConflict, fmt.Errorf("already approved and committed as %s on %s (%s)", short(prev.Merge.Commit), prev.Merge.Branch, prev.Decision))
			return
		}
		m, err := mergeApproved(r.Context(), c.cfg.Repo, c.cfg.Proposals, c.cfg.ReviewBranch, v.Row.P, who, c.cfg.Now())
		if err != nil {
			again(http.StatusConflict, fmt.Errorf("not approved: %w", err))
			return
		}
		args.Merge = &m
	}
	e, _ := reviews.Entry(args, decisions.Client{Name: "devai-console", Version: c.cfg.Version})
	if _, err := c.cfg.Decisions.Append(r.Context(), e); err != nil {
		msg := fmt.Errorf("the verdict was not recorded: %w", err)
		if args.Merge != nil {
			msg = fmt.Errorf("%w; the change IS committed as %s on %s", msg, args.Merge.Commit, args.Merge.Branch)
		}
		again(http.StatusInternalServerError, msg)
		return
	}
	http.Redirect(w, r, c.cfg.Prefix+"proposals/"+id+"#verdict", http.StatusSeeOther)
}

// timelineQuery is the decision timeline's filters, from the URL.
type timelineQuery struct {
	Tool, Person, Session, Outcome, Since, Until, Q string
}

// maxTimeline is how many records the timeline shows, newest first.
const maxTimeline = 500

// byPerson keeps the records of one person: the reviewer of a verdict, or
// the client that made a call (case-insensitive).
func byPerson(recs []decisions.Record, person string) []decisions.Record {
	var out []decisions.Record
	for _, r := range recs {
		v, isVerdict := reviews.FromRecord(r)
		if strings.EqualFold(r.Client.Name, person) || isVerdict && strings.EqualFold(v.Reviewer, person) {
			out = append(out, r)
		}
	}
	return out
}

func (c *Console) decisionList(w http.ResponseWriter, r *http.Request) {
	qv := r.URL.Query()
	q := timelineQuery{Tool: qv.Get("tool"), Person: strings.TrimSpace(qv.Get("person")), Session: qv.Get("session"), Outcome: qv.Get("outcome"), Since: qv.Get("since"), Until: qv.Get("until"), Q: qv.Get("q")}
	f := decisions.Filter{Tool: q.Tool, Session: q.Session, Outcome: q.Outcome, Grep: q.Q, Limit: maxTimeline}
	if q.Person != "" {
		f.Limit = 0 // the person is picked after reading
	}
	var err error
	if f.Since, err = parseDay(q.Since, false); err == nil {
		f.Until, err = parseDay(q.Until, true)
	}
	if err != nil {
		c.fail(w, r, http.StatusBadRequest, err)
		return
	}
	recs, err := c.cfg.Decisions.List(r.Context(), f)
	if err != nil {
		c.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	if q.Person != "" {
		if recs = byPerson(recs, q.Person); len(recs) > maxTimeline {
			recs = recs[len(recs)-maxTimeline:]
		}
	}
	sort.Slice(recs, func(i, j int) bool { return recs[i].Seq > recs[j].Seq }) // newest first
	c.render(w, r, http.StatusOK, "decisions", "Decisions", map[string]any{"Recs": recs, "Q": q, "Verify": c.verify(r.Context()), "Tools": c.toolNames(r.Context())})
}

// verifyView is the chain's verify status as the pages show it.
type verifyView struct {
	Report decisions.Report
	Err    string
}

func (c *Console) verify(ctx context.Context) verifyView {
	rep, err := c.cfg.Decisions.Verify(ctx)
	if err != nil {
		return verifyView{Err: err.Error()}
	}
	return verifyView{Report: rep}
}

// toolNames are the tools that appear in the log, for the filter.
func (c *Console) toolNames(ctx context.Context) []string {
	seen := map[string]bool{}
	recs, _ := c.cfg.Decisions.List(ctx, decisions.Filter{})
	for _, r := range recs {
		seen[r.Tool] = true
	}
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// parseDay reads a date (2026-12-04) or an RFC 3339 time; until a date
// means the end of that day.
func parseDay(s string, until bool) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("time %q: want a date like 2026-12-04 or an RFC 3339 time", s)
	}
	if until {
		t = t.Add(24 * time.Hour)
	}
	return t, nil
}

func (c *Console) decisionPage(w http.ResponseWriter, r *http.Request) {
	rec, err := c.cfg.Decisions.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		status := http.StatusInternalServerError
		if errors.Is(err, decisions.ErrNotFound) || strings.Contains(err.Error(), "want d000042") {
			status = http.StatusNotFound
		}
		c.fail(w, r, status, err)
		return
	}
	recs, err := c.cfg.Decisions.List(r.Context(), decisions.Filter{})
	if err != nil {
		c.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	var args bytes.Buffer
	if len(rec.Arguments) > 0 {
		_ = json.Indent(&args, rec.Arguments, "", "  ")
	}
	var proposal string
	for _, w := range rec.Writes {
		if (w.Kind == "proposal" || w.Kind == reviews.WriteKind) && proposals.ValidID(w.Ref) {
			proposal = w.Ref
		}
	}
	c.render(w, r, http.StatusOK, "decision", "Decision "+rec.ID, map[string]any{
		"Rec": rec, "Args": args.String(), "Links": decisions.LinksOf(rec, recs), "Verify": c.verify(r.Context()), "Proposal": proposal})
}

func (c *Console) indexPage(w http.ResponseWriter, r *http.Request) {
	data := map[string]any{}
	if c.cfg.Status != nil {
		st := c.cfg.Status()
		data["Status"] = st
		skipped := st.Skipped
		if len(skipped) > 500 {
			data["SkippedMore"] = len(skipped) - 500
			skipped = skipped[:500]
		}
		data["Skipped"] = skipped
		data["Kinds"] = sortedCounts(st.ByKind)
		data["Languages"] = sortedCounts(st.ByLanguage)
		data["Reasons"] = sortedCounts(st.SkippedBy)
	}
	c.render(w, r, http.StatusOK, "index", "Index", data)
}

type count struct {
	Name string
	N    int
}

// sortedCounts is a map of counts, largest first.
func sortedCounts[K ~string](m map[K]int) []count {
	out := make([]count, 0, len(m))
	for k, n := range m {
		out = append(out, count{string(k), n})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].N > out[j].N || out[i].N == out[j].N && out[i].Name < out[j].Name })
	return out
}

// maxGaps is how many ranked gaps the traceability page lists.
const maxGaps = 100

// tracePage is the traceability matrix (requirement → code → tests, with
// verified, unverified and orphan rows) and the ranked test gaps, from the
// same analysis find_test_gaps runs.
func (c *Console) tracePage(w http.ResponseWriter, r *http.Request) {
	if c.cfg.Gaps == nil {
		c.fail(w, r, http.StatusNotFound, errors.New("traceability needs the server's index, which this console does not have"))
		return
	}
	kind := r.URL.Query().Get("kind")
	in := gaps.Input{Path: r.URL.Query().Get("path"), Limit: maxGaps}
	if kind != "" {
		in.Kinds = []string{kind}
	}
	out, err := c.cfg.Gaps(r.Context(), in)
	if err != nil {
		c.fail(w, r, http.StatusBadRequest, err)
		return
	}
	var orphans []gaps.Gap
	for _, g := range out.Gaps {
		if g.Kind == "orphan" {
			orphans = append(orphans, g)
		}
	}
	c.render(w, r, http.StatusOK, "trace", "Traceability", map[string]any{"Out": out, "Orphans": orphans, "Kind": kind, "Path": in.Path})
}
