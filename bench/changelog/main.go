// Command changelog measures generate_changelog's sections against the
// changelogs maintainers wrote by hand (issue 13):
//
//	changelog label [--mirrors /work/.mirror] [-o bench/changelog/labels.jsonl]
//	    for each release of each project (projects.go), lists the commits
//	    generate_changelog would (no merges) and labels each with the
//	    heading its maintainers listed it under, matched by pull request
//	    number, commit hash or subject, or "dropped" when they left it out.
//	changelog score [--mirrors DIR] [--labels FILE] [--before FILE] [--emit FILE] [--mistakes tune|heldout]
//	    runs this build's generate_changelog on the same releases and
//	    prints, per split and repository, section accuracy and how many
//	    left-out commits it shows, beside the naive Conventional-Commits
//	    baseline and (--before) another build's predictions written with
//	    --emit.
//
// The mirrors are bare clones named owner+name/repo. Only the labels
// (hashes, subjects, headings) are committed, never the changelogs.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: changelog label|score [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "label":
		err = runLabel(ctx, os.Args[2:])
	case "score":
		err = runScore(ctx, os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q: use label or score", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "changelog:", err)
		os.Exit(1)
	}
}

func runLabel(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("label", flag.ContinueOnError)
	mirrors := fs.String("mirrors", "/work/.mirror", "folder of bare mirrors named owner+name/repo")
	out := fs.String("o", "bench/changelog/labels.jsonl", "where to write the labels")
	if err := fs.Parse(args); err != nil {
		return err
	}
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(f)
	enc.SetEscapeHTML(false)
	for _, p := range projects {
		ls, err := labelProject(ctx, *mirrors, p)
		if err != nil {
			f.Close()
			return fmt.Errorf("%s: %w", p.Name, err)
		}
		counts := map[string]int{}
		for _, l := range ls {
			counts[l.Truth]++
			if err := enc.Encode(l); err != nil {
				f.Close()
				return err
			}
		}
		fmt.Fprintf(os.Stderr, "%s (%s): %d commits %v\n", p.Name, p.Split, len(ls), counts)
	}
	return f.Close()
}

func runScore(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("score", flag.ContinueOnError)
	mirrors := fs.String("mirrors", "/work/.mirror", "folder of bare mirrors named owner+name/repo")
	labelsPath := fs.String("labels", "bench/changelog/labels.jsonl", "labels written by label")
	before := fs.String("before", "", "predictions of another build (written with --emit), shown as the column before")
	emit := fs.String("emit", "", "write this build's predictions here")
	why := fs.String("mistakes", "", "print this build's mistakes on this split (tune or heldout)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	labels, err := readLabels(*labelsPath)
	if err != nil {
		return err
	}
	preds, err := predictBuild(ctx, *mirrors, labels)
	if err != nil {
		return err
	}
	if *emit != "" {
		if err := writePredictions(*emit, labels, preds); err != nil {
			return err
		}
	}
	methods := []method{{"naive", func(l label) (string, bool) { return naive(l.Subject), true }}}
	if *before != "" {
		old, err := readPredictions(*before)
		if err != nil {
			return err
		}
		methods = append(methods, method{"before", func(l label) (string, bool) {
			p, ok := old[l.Repo+" "+l.Hash]
			return p.Section, ok
		}})
	}
	after := method{"after", func(l label) (string, bool) { return preds[l.Repo+" "+l.Hash].Section, true }}
	methods = append(methods, after)
	report(os.Stdout, labels, methods)
	if *why != "" {
		fmt.Println()
		mistakes(os.Stdout, labels, *why, after, func(l label) string { return preds[l.Repo+" "+l.Hash].Rule })
	}
	return nil
}
