package main

import (
	"bufio"
	"crypto/sha1"
	"embed"
	"encoding/hex"
	"fmt"
	"io"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// blindLabels are the committed labels of the blind set (issue 12): real
// logs of systems loghub does not have, labelled by event before devai ever
// ran on them. Only the labels are committed; the log lines are read at run
// time from the repository each label file names.
//
//go:embed blind/*.labels
var blindLabels embed.FS

// blindSystem is one labelled log file.
//
// A label file is line-based; '#' starts a comment line:
//
//	system Kafka
//	repo elastic/beats
//	file filebeat/module/kafka/log/test/server-2.0.0.log
//	commit d13173e2df5cf5681216723b4aa70c3fbfc0d403   (the commit the file was read at)
//	blob 425b68c79df23ea0ecca1319c5bf18cd5b95c617     (its git blob id: the exact bytes)
//	lines 160
//
//	event K1 Removed <*> expired offsets in <*> milliseconds.
//	basis source kafka GroupMetadataManager.scala   (or: basis judged …)
//	match \] Removed \d+ expired offsets in \d+ milliseconds\. \(
//	at 61-62,70                                      (1-based line numbers)
//
// An event's lines are those its match regexps (RE2, unanchored, on the raw
// line) find and those its at lists name; every line of the file must
// belong to exactly one event.
type blindSystem struct {
	name, repo, file, commit, blob string
	lines                          int
	events                         []blindEvent
}

// blindEvent is one true event: the log statement's format string with its
// variable parts as <*> (loghub's convention), and how lines are assigned.
type blindEvent struct {
	id, template, basis string
	match               []*regexp.Regexp
	at                  []int
}

// loadBlindSystems parses every embedded label file, in name order.
func loadBlindSystems() ([]blindSystem, error) {
	names, err := blindLabels.ReadDir("blind")
	if err != nil {
		return nil, fmt.Errorf("read embedded labels: %w", err)
	}
	var out []blindSystem
	for _, n := range names {
		if path.Ext(n.Name()) != ".labels" {
			continue
		}
		f, err := blindLabels.Open("blind/" + n.Name())
		if err != nil {
			return nil, err
		}
		s, err := parseBlindLabels(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("blind/%s: %w", n.Name(), err)
		}
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out, nil
}

// parseBlindLabels reads one label file (format on blindSystem).
func parseBlindLabels(r io.Reader) (blindSystem, error) {
	var s blindSystem
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, val, _ := strings.Cut(line, " ")
		val = strings.TrimSpace(val)
		if err := s.set(key, val); err != nil {
			return s, fmt.Errorf("line %d: %w", n, err)
		}
	}
	if err := sc.Err(); err != nil {
		return s, err
	}
	return s, s.validate()
}

// set applies one "key value" line.
func (s *blindSystem) set(key, val string) error {
	last := func() (*blindEvent, error) {
		if len(s.events) == 0 {
			return nil, fmt.Errorf("%q before the first event", key)
		}
		return &s.events[len(s.events)-1], nil
	}
	switch key {
	case "system":
		s.name = val
	case "repo":
		s.repo = val
	case "file":
		s.file = val
	case "commit":
		s.commit = val
	case "blob":
		s.blob = val
	case "lines":
		n, err := strconv.Atoi(val)
		if err != nil || n <= 0 {
			return fmt.Errorf("lines %q: want a positive count", val)
		}
		s.lines = n
	case "event":
		id, tpl, _ := strings.Cut(val, " ")
		if id == "" || strings.TrimSpace(tpl) == "" {
			return fmt.Errorf("event %q: want an id and a template", val)
		}
		s.events = append(s.events, blindEvent{id: id, template: strings.TrimSpace(tpl)})
	case "basis":
		e, err := last()
		if err != nil {
			return err
		}
		e.basis = val
	case "match":
		e, err := last()
		if err != nil {
			return err
		}
		re, err := regexp.Compile(val)
		if err != nil {
			return fmt.Errorf("event %s: %w", e.id, err)
		}
		e.match = append(e.match, re)
	case "at":
		e, err := last()
		if err != nil {
			return err
		}
		at, err := parseLineList(val)
		if err != nil {
			return fmt.Errorf("event %s: %w", e.id, err)
		}
		e.at = append(e.at, at...)
	default:
		return fmt.Errorf("unknown key %q (system, repo, file, commit, blob, lines, event, basis, match, at)", key)
	}
	return nil
}

// validate checks what a label file must say before any log is read.
func (s *blindSystem) validate() error {
	for k, v := range map[string]string{"system": s.name, "repo": s.repo, "file": s.file, "commit": s.commit, "blob": s.blob} {
		if v == "" {
			return fmt.Errorf("no %s line", k)
		}
	}
	if s.lines == 0 {
		return fmt.Errorf("%s: no lines count", s.name)
	}
	seen := map[string]bool{}
	for _, e := range s.events {
		if seen[e.id] {
			return fmt.Errorf("%s: event id %s twice", s.name, e.id)
		}
		seen[e.id] = true
		if len(e.match) == 0 && len(e.at) == 0 {
			return fmt.Errorf("%s: event %s has neither match nor at", s.name, e.id)
		}
		for _, l := range e.at {
			if l > s.lines {
				return fmt.Errorf("%s: event %s names line %d of %d", s.name, e.id, l, s.lines)
			}
		}
	}
	if len(s.events) < 3 {
		return fmt.Errorf("%s: %d events, the set wants at least 3 per system", s.name, len(s.events))
	}
	return nil
}

// parseLineList reads "3,5-7,12" (1-based, inclusive ranges).
func parseLineList(v string) ([]int, error) {
	var out []int
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.Atoi(lo)
		b := a
		if err == nil && isRange {
			b, err = strconv.Atoi(hi)
		}
		if err != nil || a < 1 || b < a {
			return nil, fmt.Errorf("line list %q: bad item %q", v, part)
		}
		for l := a; l <= b; l++ {
			out = append(out, l)
		}
	}
	return out, nil
}

// assign gives each line its event id and template, and fails, naming the
// lines, when a line has no event or more than one.
func (s blindSystem) assign(lines []string) (events, templates []string, err error) {
	if len(lines) != s.lines {
		return nil, nil, fmt.Errorf("%s: %d lines, the labels are for %d", s.name, len(lines), s.lines)
	}
	owners := make([][]int, len(lines)) // event indexes per line
	for ei, e := range s.events {
		for _, l := range e.at {
			owners[l-1] = appendOnce(owners[l-1], ei)
		}
		for i, line := range lines {
			for _, re := range e.match {
				if re.MatchString(line) {
					owners[i] = appendOnce(owners[i], ei)
				}
			}
		}
	}
	var bad []string
	for i, o := range owners {
		if len(o) == 1 {
			events = append(events, s.events[o[0]].id)
			templates = append(templates, s.events[o[0]].template)
			continue
		}
		ids := make([]string, len(o))
		for j, ei := range o {
			ids[j] = s.events[ei].id
		}
		bad = append(bad, fmt.Sprintf("line %d %v: %.80q", i+1, ids, lines[i]))
	}
	if len(bad) > 0 {
		return nil, nil, fmt.Errorf("%s: %d lines without exactly one event:\n  %s", s.name, len(bad), strings.Join(bad, "\n  "))
	}
	for _, e := range s.events {
		if !slices.Contains(events, e.id) {
			return nil, nil, fmt.Errorf("%s: event %s has no line", s.name, e.id)
		}
	}
	return events, templates, nil
}

func appendOnce(xs []int, x int) []int {
	if slices.Contains(xs, x) {
		return xs
	}
	return append(xs, x)
}

// gitBlobID is git's object id of a file's bytes ("blob <size>\0" + bytes),
// so a label's blob line can be checked against any copy of the file and
// against `git ls-tree <commit> <file>` in the repository it came from.
func gitBlobID(b []byte) string {
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", len(b))
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}
