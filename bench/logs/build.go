package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/devaiops/devai/memory/drain"
)

// runBuild writes each dataset twice, from different seeds (or, for dpkg,
// different windows of its log): the tune half, on which masking and
// grouping may be improved, and the test half, whose figure is reported.
func runBuild(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("build", flag.ContinueOnError)
	out := fs.String("out", "testdata/logs-labelled", "output `dir`")
	n := fs.Int("lines", 300, "lines per file")
	dpkg := fs.String("dpkg", "/var/log/dpkg.log", "dpkg's log")
	script := fs.String("py", "bench/logs/pylog.py", "the Python generator")
	only := fs.String("only", "", "build only these datasets (comma-separated)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	want := func(name string) bool { return *only == "" || strings.Contains(","+*only+",", ","+name+",") }
	for half, seed := range map[string]uint64{"tune": 1, "test": 2} {
		sets := map[string]func() (*labelled, error){
			"slog-json":  func() (*labelled, error) { return buildSlogJSON(seed, *n), nil },
			"slog-text":  func() (*labelled, error) { return buildSlogText(seed, *n), nil },
			"hclog":      func() (*labelled, error) { return buildHclog(seed, *n), nil },
			"cri-stdlog": func() (*labelled, error) { return buildBatchCRI(seed, *n), nil },
			"python":     func() (*labelled, error) { return buildPython(ctx, *script, seed, *n) },
			"postgres":   func() (*labelled, error) { return buildPostgres(ctx, seed, *n) },
			"dpkg":       func() (*labelled, error) { return buildDpkg(*dpkg, int(seed-1)*2000, *n) },
		}
		if want("nginx-access") || want("nginx-error") {
			acc, errs, err := buildNginx(ctx, seed, *n)
			if err != nil {
				return err
			}
			sets["nginx-access"] = func() (*labelled, error) { return acc, nil }
			sets["nginx-error"] = func() (*labelled, error) { return errs, nil }
		}
		for name, build := range sets {
			if !want(name) {
				continue
			}
			l, err := build()
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			base := filepath.Join(*out, name+"."+half)
			if err := os.WriteFile(base+".log", l.log.Bytes(), 0o644); err != nil {
				return err
			}
			if err := os.WriteFile(base+".labels", []byte(strings.Join(l.labels, "\n")+"\n"), 0o644); err != nil {
				return err
			}
			fmt.Fprintf(os.Stderr, "%s: %d lines, %d groups\n", base, l.lines(), truthGroups(l.labels))
		}
	}
	return nil
}

// scoreRow is one dataset's figures.
type scoreRow struct {
	Dataset   string  `json:"dataset"`
	Lines     int     `json:"lines"`
	Groups    int     `json:"groups"`
	GA        float64 `json:"ga"`
	Templates int     `json:"templates"`
	PlainGA   float64 `json:"plain_ga"`
	PlainTpl  int     `json:"plain_templates"`
}

func runScore(args []string) error {
	fs := flag.NewFlagSet("score", flag.ContinueOnError)
	dir := fs.String("dir", "testdata/logs-labelled", "labelled `dir`")
	split := fs.String("split", "test", "tune or test")
	asJSON := fs.Bool("json", false, "JSON output")
	why := fs.Bool("why", false, "list the templates that mix or split true groups")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *why {
		sets, err := loadDatasets(*dir, *split)
		if err != nil {
			return err
		}
		for _, d := range sets {
			if err := explain(os.Stdout, d, drain.Options{}); err != nil {
				return err
			}
		}
		return nil
	}
	rows, err := scoreAll(*dir, *split)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	fmt.Printf("| dataset | lines | true groups | GA (devai) | templates | GA (plain Drain) | templates |\n|---|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range rows {
		if r.Lines == 0 { // the average
			fmt.Printf("| **%s** | | | **%.3f** | | **%.3f** | |\n", r.Dataset, r.GA, r.PlainGA)
			continue
		}
		fmt.Printf("| %s | %d | %d | %.3f | %d | %.3f | %d |\n", r.Dataset, r.Lines, r.Groups, r.GA, r.Templates, r.PlainGA, r.PlainTpl)
	}
	return nil
}

// scoreAll scores every dataset of a split and appends the average row.
func scoreAll(dir, split string) ([]scoreRow, error) {
	sets, err := loadDatasets(dir, split)
	if err != nil {
		return nil, err
	}
	var rows []scoreRow
	var sum, plainSum float64
	for _, d := range sets {
		ga, tpl, err := score(d, drain.Options{})
		if err != nil {
			return nil, err
		}
		pga, ptpl, err := score(d, drain.Options{Plain: true})
		if err != nil {
			return nil, err
		}
		rows = append(rows, scoreRow{Dataset: d.name, Lines: len(d.labels), Groups: truthGroups(d.labels), GA: ga, Templates: tpl, PlainGA: pga, PlainTpl: ptpl})
		sum, plainSum = sum+ga, plainSum+pga
	}
	rows = append(rows, scoreRow{Dataset: "average", GA: sum / float64(len(sets)), PlainGA: plainSum / float64(len(sets))})
	return rows, nil
}
