package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/devaiops/devai/memory/logparse"
)

// blindDrain is reference Drain's one setting for every blind system: no
// header format can be written for systems loghub never configured, so
// Drain gets the message devai's record parser reads from each record
// (logparse.Scanner, as drain.Summarize does), the generic variable
// regexes (IPs with an optional port, 0x hex, numbers) and Drain.py's
// default similarity and depth.
var blindDrain = drainSetting{
	format: `<Content>`,
	regex:  []string{`(\d+\.){3}\d+(:\d+)?`, `\b0[xX][0-9a-fA-F]+\b`, `\b\d+(\.\d+)?\b`},
	st:     0.5,
	depth:  4,
}

// runBlind scores the blind set: the labelled systems of bench/logs/blind,
// read from a checkout or bare git mirror of the repository the labels name.
func runBlind(args []string) error {
	fs := flag.NewFlagSet("blind", flag.ContinueOnError)
	dir := fs.String("dir", "", "a checkout or bare git mirror of the labels' repository (elastic/beats)")
	check := fs.Bool("check", false, "only check the labels against the files (every line exactly one event); run no miner")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dir == "" {
		return fmt.Errorf("--dir is required: a checkout or mirror of github.com/elastic/beats (the labels name the file, commit and blob)")
	}
	systems, err := loadBlindSystems()
	if err != nil {
		return err
	}
	var rows []loghubRow
	for _, sys := range systems {
		set, err := loadBlindSet(*dir, sys)
		if err != nil {
			return err
		}
		if *check {
			fmt.Printf("%-14s %4d lines %3d events: every line has exactly one event\n", set.name, len(set.lines), truthGroups(set.events))
			continue
		}
		ids, tpls, err := blindDrainGroups(set.lines)
		if err != nil {
			return fmt.Errorf("%s: drain: %w", sys.name, err)
		}
		row, err := scoreSet(set, ids, tpls)
		if err != nil {
			return fmt.Errorf("%s: %w", sys.name, err)
		}
		rows = append(rows, row)
	}
	if !*check {
		printLoghub(os.Stdout, rows)
	}
	return nil
}

// loadBlindSet reads a system's file, checks that it is the labelled one
// (its git blob id) and gives every line its labelled event.
func loadBlindSet(dir string, sys blindSystem) (loghubSet, error) {
	raw, err := readRepoFile(dir, sys.commit, sys.file)
	if err != nil {
		return loghubSet{}, fmt.Errorf("%s: %w", sys.name, err)
	}
	if got := gitBlobID(raw); got != sys.blob {
		return loghubSet{}, fmt.Errorf("%s: %s in %s is blob %s, the labels are for blob %s (use %s at commit %s)", sys.name, sys.file, dir, got, sys.blob, sys.repo, sys.commit)
	}
	lines := strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n")
	events, templates, err := sys.assign(lines)
	if err != nil {
		return loghubSet{}, err
	}
	return loghubSet{name: sys.name, half: "blind", lines: lines, events: events, templates: templates}, nil
}

// blindDrainGroups runs reference Drain with blindDrain over the messages of
// devai's records; every line of a record takes the record's cluster, and
// the lines no record holds (blank lines between records) share one group.
func blindDrainGroups(lines []string) (ids []int, templates map[int]string, err error) {
	sc := logparse.NewScanner(strings.NewReader(strings.Join(lines, "\n")+"\n"), 0)
	sc.NoFields = true
	var msgs []string
	var spans [][2]int
	for sc.Scan() {
		rec := sc.Record()
		msgs = append(msgs, strings.ReplaceAll(rec.Pattern(), "\n", " "))
		spans = append(spans, [2]int{rec.Line, rec.EndLine})
	}
	if err := sc.Err(); err != nil {
		return nil, nil, err
	}
	ref, err := newRefDrain(blindDrain)
	if err != nil {
		return nil, nil, err
	}
	recIDs, tpls := ref.Parse(msgs)
	templates = map[int]string{}
	for i, t := range tpls {
		templates[i] = t
	}
	outside := len(tpls) // the group of lines outside every record
	ids = make([]int, len(lines))
	for i := range ids {
		ids[i] = outside
	}
	for r, sp := range spans {
		id := recIDs[r]
		if id < 0 { // Content always matches; kept for safety
			id = outside + 1 + r
		}
		for l := sp[0]; l <= sp[1] && l <= len(lines); l++ {
			ids[l-1] = id
		}
	}
	return ids, templates, nil
}
