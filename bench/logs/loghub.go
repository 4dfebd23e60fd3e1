package main

import (
	"bytes"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/devaiops/devai/memory/drain"
)

// loghubSystems are loghub's 16 systems with logparser's Drain benchmark
// settings (logpai/logparser, logparser/Drain/benchmark.py: header format,
// regexes, similarity threshold, depth), which the published Drain figures
// used. devai gets none of them.
//
// The split was fixed on 2026-11-25, before any header rule was designed:
// the systems in byte-wise sorted order, the 1st, 3rd, 5th … are the tune
// half, the 2nd, 4th, 6th … the held-out half. No system moves.
var loghubSystems = []struct {
	name    string
	tune    bool
	setting drainSetting
}{
	{"Android", true, drainSetting{`<Date> <Time>  <Pid>  <Tid> <Level> <Component>: <Content>`, []string{`(/[\w-]+)+`, `([\w-]+\.){2,}[\w-]+`, `\b(\-?\+?\d+)\b|\b0[Xx][a-fA-F\d]+\b|\b[a-fA-F\d]{4,}\b`}, 0.2, 6}},
	{"Apache", false, drainSetting{`\[<Time>\] \[<Level>\] <Content>`, []string{`(\d+\.){3}\d+`}, 0.5, 4}},
	{"BGL", true, drainSetting{`<Label> <Timestamp> <Date> <Node> <Time> <NodeRepeat> <Type> <Component> <Level> <Content>`, []string{`core\.\d+`}, 0.5, 4}},
	{"HDFS", false, drainSetting{`<Date> <Time> <Pid> <Level> <Component>: <Content>`, []string{`blk_-?\d+`, `(\d+\.){3}\d+(:\d+)?`}, 0.5, 4}},
	{"HPC", true, drainSetting{`<LogId> <Node> <Component> <State> <Time> <Flag> <Content>`, []string{`=\d+`}, 0.5, 4}},
	{"Hadoop", false, drainSetting{`<Date> <Time> <Level> \[<Process>\] <Component>: <Content>`, []string{`(\d+\.){3}\d+`}, 0.5, 4}},
	{"HealthApp", true, drainSetting{`<Time>\|<Component>\|<Pid>\|<Content>`, nil, 0.2, 4}},
	{"Linux", false, drainSetting{`<Month> <Date> <Time> <Level> <Component>(\[<PID>\])?: <Content>`, []string{`(\d+\.){3}\d+`, `\d{2}:\d{2}:\d{2}`}, 0.39, 6}},
	{"Mac", true, drainSetting{`<Month>  <Date> <Time> <User> <Component>\[<PID>\]( \(<Address>\))?: <Content>`, []string{`([\w-]+\.){2,}[\w-]+`}, 0.7, 6}},
	{"OpenSSH", false, drainSetting{`<Date> <Day> <Time> <Component> sshd\[<Pid>\]: <Content>`, []string{`(\d+\.){3}\d+`, `([\w-]+\.){2,}[\w-]+`}, 0.6, 5}},
	{"OpenStack", true, drainSetting{`<Logrecord> <Date> <Time> <Pid> <Level> <Component> \[<ADDR>\] <Content>`, []string{`((\d+\.){3}\d+,?)+`, `/.+?\s`, `\d+`}, 0.5, 5}},
	{"Proxifier", false, drainSetting{`\[<Time>\] <Program> - <Content>`, []string{`<\d+\ssec`, `([\w-]+\.)+[\w-]+(:\d+)?`, `\d{2}:\d{2}(:\d{2})*`, `[KGTM]B`}, 0.6, 3}},
	{"Spark", true, drainSetting{`<Date> <Time> <Level> <Component>: <Content>`, []string{`(\d+\.){3}\d+`, `\b[KGTM]?B\b`, `([\w-]+\.){2,}[\w-]+`}, 0.5, 4}},
	{"Thunderbird", false, drainSetting{`<Label> <Timestamp> <Date> <User> <Month> <Day> <Time> <Location> <Component>(\[<PID>\])?: <Content>`, []string{`(\d+\.){3}\d+`}, 0.5, 4}},
	{"Windows", true, drainSetting{`<Date> <Time>, <Level>                  <Component>    <Content>`, []string{`0x.*?\s`}, 0.7, 5}},
	{"Zookeeper", false, drainSetting{`<Date> <Time> - <Level>  \[<Node>:<Component>@<Id>\] - <Content>`, []string{`(/|)(\d+\.){3}\d+(:\d+)?`}, 0.5, 4}},
}

// loghubSet is one system's raw lines with the true event of each.
type loghubSet struct {
	name      string
	half      string // tune, held-out (loghub) or blind
	lines     []string
	events    []string // EventId per line
	templates []string // the true EventTemplate per line
}

// loghubRow is one system's figures: grouping accuracy (GA), parsing
// accuracy (PA) and templates found, for devai, the naive baseline and
// Drain with its published settings.
type loghubRow struct {
	System            string
	Half              string // tune, held-out or blind
	Lines, Groups     int
	DevaiGA, DevaiPA  float64
	DevaiTpl          int
	NaiveGA, NaivePA  float64
	NaiveTpl          int
	DrainGA, DrainPA  float64
	DrainTpl, Skipped int // Skipped: lines Drain's header format did not match
}

func runLoghub(args []string) error {
	fs := flag.NewFlagSet("loghub", flag.ContinueOnError)
	dir := fs.String("dir", "", "loghub: a checkout, or the bare git mirror (read with git show HEAD:…)")
	only := fs.String("only", "", "score only these systems (comma-separated)")
	why := fs.Bool("why", false, "list devai's templates that mix or split true events")
	corrected := fs.String("corrected", "", "score against the corrected labels of Khan et al. (ICSE 2022) instead: a checkout or bare mirror of github.com/logpai/logparser (data/loghub_2k_corrected)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dir == "" {
		return fmt.Errorf("--dir is required: a checkout or mirror of github.com/logpai/loghub (research-only licence: never commit its data)")
	}
	var rows []loghubRow
	for _, sys := range loghubSystems {
		if *only != "" && !strings.Contains(","+*only+",", ","+sys.name+",") {
			continue
		}
		set, err := loadLoghub(*dir, *corrected, sys.name)
		if err != nil {
			return err
		}
		set.half = "held-out"
		if sys.tune {
			set.half = "tune"
		}
		if *why {
			d := dataset{name: set.name, log: []byte(strings.Join(set.lines, "\n") + "\n"), labels: set.events}
			if err := explain(os.Stdout, d, drain.Options{}); err != nil {
				return err
			}
			continue
		}
		row, err := scoreLoghub(set, sys.setting)
		if err != nil {
			return fmt.Errorf("%s: %w", sys.name, err)
		}
		rows = append(rows, row)
	}
	if !*why {
		printLoghub(os.Stdout, rows)
	}
	return nil
}

// loadLoghub reads <System>/<System>_2k.log and its _structured.csv from a
// checkout, or from a bare mirror with git show. With a logparser checkout
// or mirror in corrected, the truth is logparser's corrected labels
// (data/loghub_2k_corrected/<System>/<System>_2k.log_structured_corrected.csv),
// which fix templates that loghub's labels wrote inconsistently.
func loadLoghub(dir, corrected, system string) (loghubSet, error) {
	base := system + "/" + system + "_2k.log"
	raw, err := readLoghubFile(dir, base)
	if err != nil {
		return loghubSet{}, err
	}
	truthName := system + "_2k.log_structured.csv"
	var structured []byte
	if corrected == "" {
		structured, err = readLoghubFile(dir, base+"_structured.csv")
	} else {
		truthName = system + "_2k.log_structured_corrected.csv"
		structured, err = readRepoFile(corrected, "HEAD", "data/loghub_2k_corrected/"+system+"/"+truthName)
	}
	if err != nil {
		return loghubSet{}, err
	}
	recs, err := csv.NewReader(bytes.NewReader(structured)).ReadAll()
	if err != nil || len(recs) < 2 {
		return loghubSet{}, fmt.Errorf("%s: %d records, %v", truthName, len(recs), err)
	}
	ev, tpl := column(recs[0], "EventId"), column(recs[0], "EventTemplate")
	if ev < 0 || tpl < 0 {
		return loghubSet{}, fmt.Errorf("%s: no EventId/EventTemplate column in %v", truthName, recs[0])
	}
	lines := strings.Split(strings.TrimSuffix(strings.ReplaceAll(string(raw), "\r\n", "\n"), "\n"), "\n")
	if len(lines) != len(recs)-1 {
		return loghubSet{}, fmt.Errorf("%s: %d lines, %d truth rows in %s", system, len(lines), len(recs)-1, truthName)
	}
	s := loghubSet{name: system, lines: lines}
	for _, r := range recs[1:] {
		s.events = append(s.events, r[ev])
		s.templates = append(s.templates, r[tpl])
	}
	if corrected != "" {
		// The corrections rewrote templates and kept loghub's EventIds, so
		// one corrected template can still carry several ids (Linux's
		// E17–E19 differ only by the user name loghub's labellers saw). As
		// Khan et al. score it, a true group is a corrected template.
		s.events = s.templates
	}
	return s, nil
}

func column(header []string, name string) int {
	for i, h := range header {
		if strings.TrimPrefix(h, "\ufeff") == name {
			return i
		}
	}
	return -1
}

func readLoghubFile(dir, path string) ([]byte, error) {
	return readRepoFile(dir, "HEAD", path)
}

// readRepoFile reads path from a checkout (dir/path) or, failing that, from
// a bare git mirror at rev.
func readRepoFile(dir, rev, path string) ([]byte, error) {
	if b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(path))); err == nil {
		return b, nil
	}
	out, err := exec.Command("git", "--git-dir="+dir, "show", rev+":"+path).Output()
	if err != nil {
		return nil, fmt.Errorf("read %s from %s (neither a checkout nor a git mirror holding %s?): %w", path, dir, rev, err)
	}
	return out, nil
}

// scoreLoghub scores devai, the naive baseline and reference Drain with
// the system's published setting on one loghub system.
func scoreLoghub(s loghubSet, setting drainSetting) (loghubRow, error) {
	ref, err := newRefDrain(setting)
	if err != nil {
		return loghubRow{System: s.name}, err
	}
	dids, dtpls := ref.Parse(s.lines)
	byID := map[int]string{}
	for i, t := range dtpls {
		byID[i] = t
	}
	skipped := 0
	for i, id := range dids {
		if id < 0 { // unparsed: a group of its own
			dids[i] = len(dtpls) + i
			skipped++
		}
	}
	row, err := scoreSet(s, dids, byID)
	row.Skipped = skipped
	return row, err
}

// scoreSet scores devai (drain.Summarize on the raw lines, as devai logs
// --lines does) and the naive baseline on one labelled set, beside Drain's
// groups (drainIDs, one per line) and templates computed by the caller.
func scoreSet(s loghubSet, drainIDs []int, drainTemplates map[int]string) (loghubRow, error) {
	row := loghubRow{System: s.name, Half: s.half, Lines: len(s.lines), Groups: truthGroups(s.events)}
	sum, err := drain.Summarize(strings.NewReader(strings.Join(s.lines, "\n")+"\n"), drain.SummaryOptions{Lines: true})
	if err != nil {
		return row, err
	}
	if len(sum.LineTemplates) != len(s.lines) {
		return row, fmt.Errorf("devai gave %d line templates for %d lines", len(sum.LineTemplates), len(s.lines))
	}
	text := map[int]string{}
	for _, t := range sum.Templates {
		text[t.ID] = t.Template
	}
	row.DevaiGA = groupingAccuracy(s.events, sum.LineTemplates)
	row.DevaiPA = parsingAccuracy(s.templates, sum.LineTemplates, text)
	row.DevaiTpl = len(sum.Templates)

	ids, tpls := naiveGroups(s.lines)
	row.NaiveGA = groupingAccuracy(s.events, ids)
	row.NaivePA = parsingAccuracy(s.templates, ids, tpls)
	row.NaiveTpl = len(tpls)

	row.DrainGA = groupingAccuracy(s.events, drainIDs)
	row.DrainPA = parsingAccuracy(s.templates, drainIDs, drainTemplates)
	row.DrainTpl = len(drainTemplates)
	return row, nil
}

// naiveGroups is the baseline "mask digits, group by the first 4 tokens":
// digit runs become 0, the group is the first four whitespace tokens, and
// its template is the group's first line with its digit-holding tokens as
// <*> (the header stays in: the baseline does not know it).
func naiveGroups(lines []string) (ids []int, templates map[int]string) {
	groups := map[string]int{}
	templates = map[int]string{}
	for _, l := range lines {
		toks := strings.Fields(digitRun.ReplaceAllString(l, "0"))
		key := strings.Join(toks[:min(4, len(toks))], " ")
		id, ok := groups[key]
		if !ok {
			id = len(groups)
			groups[key] = id
			raw := strings.Fields(l)
			for i, t := range raw {
				if strings.ContainsAny(t, "0123456789") {
					raw[i] = "<*>"
				}
			}
			templates[id] = strings.Join(raw, " ")
		}
		ids = append(ids, id)
	}
	return ids, templates
}

var digitRun = regexp.MustCompile(`[0-9]+`)

// parsingAccuracy (PA, Dai et al.; loghub-2.0's evaluator): the share of
// lines whose template is exactly their true template, once both are
// normalised (normTemplate).
func parsingAccuracy(truth []string, ids []int, templates map[int]string) float64 {
	if len(truth) == 0 {
		return 0
	}
	norm := map[int]string{}
	for id, t := range templates {
		norm[id] = normTemplate(t)
	}
	ok := 0
	for i, t := range truth {
		if got, found := norm[ids[i]]; found && got == normTemplate(t) {
			ok++
		}
	}
	return float64(ok) / float64(len(truth))
}

var (
	typedMask = regexp.MustCompile(`<(?:NUM|IP|HEX|UUID|VER|\*)>`)
	wildRun   = regexp.MustCompile(`<\*>(?:<\*>)+`)
)

// normTemplate makes templates comparable: devai's typed masks (<NUM>,
// <IP>, <HEX>, <UUID>, <VER>) are <*>, adjacent wildcards are one, and runs of
// whitespace are one space.
func normTemplate(t string) string {
	t = typedMask.ReplaceAllString(t, "<*>")
	t = wildRun.ReplaceAllString(t, "<*>")
	return strings.Join(strings.Fields(t), " ")
}

// printLoghub prints one row per system, then the averages of each half in
// the order the halves first appear, and of all rows when there are several
// halves.
func printLoghub(w io.Writer, rows []loghubRow) {
	fmt.Fprintln(w, "| system | half | true events | devai GA | devai PA | devai templates | naive GA | naive PA | Drain GA | Drain PA | Drain templates |")
	fmt.Fprintln(w, "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	type avg struct{ n, dga, dpa, nga, npa, rga, rpa, minGA float64 }
	halves := map[string]*avg{"all": {minGA: 1}}
	var order []string
	for _, r := range rows {
		if halves[r.Half] == nil {
			halves[r.Half] = &avg{minGA: 1}
			order = append(order, r.Half)
		}
		note := ""
		if r.Skipped > 0 {
			note = fmt.Sprintf(" (%d lines unparsed)", r.Skipped)
		}
		fmt.Fprintf(w, "| %s | %s | %d | %.3f | %.3f | %d | %.3f | %.3f | %.3f | %.3f | %d%s |\n", r.System, r.Half, r.Groups,
			r.DevaiGA, r.DevaiPA, r.DevaiTpl, r.NaiveGA, r.NaivePA, r.DrainGA, r.DrainPA, r.DrainTpl, note)
		for _, h := range []string{r.Half, "all"} {
			a := halves[h]
			a.n++
			a.dga, a.dpa, a.nga, a.npa, a.rga, a.rpa = a.dga+r.DevaiGA, a.dpa+r.DevaiPA, a.nga+r.NaiveGA, a.npa+r.NaivePA, a.rga+r.DrainGA, a.rpa+r.DrainPA
			a.minGA = min(a.minGA, r.DevaiGA)
		}
	}
	averaged := order
	if len(order) > 1 {
		averaged = append(append([]string{}, order...), "all")
	}
	for _, h := range averaged {
		a := halves[h]
		fmt.Fprintf(w, "| **average** | %s | | **%.3f** | **%.3f** | | %.3f | %.3f | %.3f | %.3f | |\n", h, a.dga/a.n, a.dpa/a.n, a.nga/a.n, a.npa/a.n, a.rga/a.n, a.rpa/a.n)
	}
	lowest := make([]string, len(order))
	for i, h := range order {
		lowest[i] = fmt.Sprintf("%s %.3f", h, halves[h].minGA)
	}
	fmt.Fprintf(w, "\nlowest devai GA: %s\n", strings.Join(lowest, ", "))
}
