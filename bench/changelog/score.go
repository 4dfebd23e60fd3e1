package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/devaiops/devai/memory/history"
	"github.com/devaiops/devai/tools/changelog"
)

// prediction is the section a build gave one commit; "" when it listed
// the commit nowhere.
type prediction struct {
	Repo    string `json:"repo"`
	Hash    string `json:"hash"`
	Section string `json:"section"`
	Rule    string `json:"rule,omitempty"`
}

// predictBuild runs this build's generate_changelog on every release the
// labels cover.
func predictBuild(ctx context.Context, mirrors string, labels []label) (map[string]prediction, error) {
	out := map[string]prediction{}
	type rel struct{ repo, since, until string }
	var done []rel
	for _, l := range labels {
		r := rel{l.Repo, l.Since, l.Until}
		if slices.Contains(done, r) {
			continue
		}
		done = append(done, r)
		repo, err := history.Open(filepath.Join(mirrors, l.Repo, "repo"))
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", l.Repo, err)
		}
		cl, err := changelog.Run(ctx, repo, nil, changelog.Input{Since: r.since, Until: r.until, MaxCommits: changelog.MaxMaxCommits})
		if err != nil {
			return nil, fmt.Errorf("%s %s..%s: %w", l.Repo, r.since, r.until, err)
		}
		for _, s := range cl.Sections {
			for _, e := range s.Entries {
				out[l.Repo+" "+e.Hash] = prediction{Repo: l.Repo, Hash: e.Hash, Section: s.Title, Rule: e.Rule}
			}
		}
	}
	return out, nil
}

// naiveHeader is a Conventional Commit header.
var naiveHeader = regexp.MustCompile(`^(\w+)(?:\([^()]*\))?(!)?: `)

// naiveSections is the baseline: the Conventional Commits type alone, as
// git-cliff's and release-please's default configurations read it
// (feat, fix, perf, refactor, revert; docs, test, ci, chore, build and
// style grouped apart); any other commit is Other changes.
var naiveSections = map[string]string{
	"feat": "Added", "fix": "Fixed", "perf": "Changed", "refactor": "Changed", "revert": "Changed",
	"docs": "Maintenance", "doc": "Maintenance", "test": "Maintenance", "tests": "Maintenance", "ci": "Maintenance",
	"chore": "Maintenance", "build": "Maintenance", "style": "Maintenance",
}

func naive(subject string) string {
	m := naiveHeader.FindStringSubmatch(subject)
	if m == nil {
		return changelog.SectionOther
	}
	if m[2] == "!" {
		return changelog.SectionBreaking
	}
	if s, ok := naiveSections[strings.ToLower(m[1])]; ok {
		return s
	}
	return changelog.SectionOther
}

// tally is one method's figures on one set of commits.
type tally struct {
	Listed, Right, Other  int // commits the maintainers listed (scored), right, in Other changes
	Dropped, DroppedShown int // commits they left out, and those we show as a change
	Shown                 int // listed commits we show as a change (not Maintenance, not left out)
	Confusion             map[string]int
}

func (t *tally) add(l label, section string) {
	shown := section != "" && section != changelog.SectionMaintenance
	switch l.Truth {
	case "unscored":
		return
	case "dropped":
		t.Dropped++
		if shown {
			t.DroppedShown++
		}
		return
	}
	t.Listed++
	if shown {
		t.Shown++
	}
	if slices.Contains(accepted[l.Truth], section) {
		t.Right++
	}
	if section == changelog.SectionOther {
		t.Other++
	}
}

func pct(a, b int) string {
	if b == 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(a)/float64(b))
}

// methods are the columns of the report, in order.
type method struct {
	name    string
	section func(l label) (string, bool)
}

func readLabels(path string) ([]label, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []label
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var l label
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		out = append(out, l)
	}
	return out, sc.Err()
}

func readPredictions(path string) (map[string]prediction, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]prediction{}
	dec := json.NewDecoder(f)
	for {
		var p prediction
		if err := dec.Decode(&p); err == io.EOF {
			return out, nil
		} else if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		out[p.Repo+" "+p.Hash] = p
	}
}

func writePredictions(path string, labels []label, preds map[string]prediction) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(f)
	for _, l := range labels {
		p := preds[l.Repo+" "+l.Hash]
		p.Repo, p.Hash = l.Repo, l.Hash
		if err := enc.Encode(p); err != nil {
			f.Close()
			return err
		}
	}
	return f.Close()
}

// report prints the table: per split and per repository, each method.
func report(w io.Writer, labels []label, methods []method) {
	fmt.Fprintln(w, "| split | repository | method | listed | section right | in Other changes | left out by maintainers | of those shown as a change | listed but not shown |")
	fmt.Fprintln(w, "|---|---|---|---:|---:|---:|---:|---:|---:|")
	type key struct{ split, repo string }
	var keys []key
	for _, split := range []string{"tune", "heldout"} {
		for _, p := range projects {
			if p.Split == split {
				keys = append(keys, key{split, p.Name})
			}
		}
		keys = append(keys, key{split, "all"})
	}
	for _, k := range keys {
		for _, m := range methods {
			var t tally
			for _, l := range labels {
				if l.Split != k.split || k.repo != "all" && l.Repo != k.repo {
					continue
				}
				s, ok := m.section(l)
				if !ok {
					continue
				}
				t.add(l, s)
			}
			repo := k.repo
			if repo == "all" {
				repo = "**all**"
			}
			fmt.Fprintf(w, "| %s | %s | %s | %d | %s | %s | %d | %s | %s |\n", k.split, repo, m.name, t.Listed,
				pct(t.Right, t.Listed), pct(t.Other, t.Listed), t.Dropped, pct(t.DroppedShown, t.Dropped), pct(t.Listed-t.Shown, t.Listed))
		}
	}
}

// mistakes prints, for one split, the commits a method got wrong.
func mistakes(w io.Writer, labels []label, split string, m method, rule func(label) string) {
	for _, l := range labels {
		if l.Split != split || l.Truth == "unscored" {
			continue
		}
		s, ok := m.section(l)
		if !ok {
			continue
		}
		wrong := l.Truth == "dropped" && s != "" && s != changelog.SectionMaintenance ||
			l.Truth != "dropped" && !slices.Contains(accepted[l.Truth], s)
		if wrong {
			fmt.Fprintf(w, "%-16s %-12s → %-16s %s  %-70s [%s]\n", l.Repo, l.Truth, s, l.Hash[:8], l.Subject, rule(l))
		}
	}
}
