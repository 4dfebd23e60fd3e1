package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/devaiops/devai/bench/internal/locset"
)

// runMine lists, for every repository of the split file whose mirror is
// present, the issues a single commit says it fixes (locset.MineIssueFixes).
// Its output is the candidate list whose issue texts are then looked up.
func runMine(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("mine", flag.ContinueOnError)
	mirrors := fs.String("mirrors", "/work/.mirror", "folder of bare mirrors named owner+name/repo")
	splits := fs.String("splits", "bench/locset/issuesets/splits.txt", "repositories and their split")
	maxFiles := fs.Int("max-files", 5, "most non-test source files a fix may change")
	out := fs.String("o", "", "output candidates (JSON lines); required")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return errors.New("mine needs -o")
	}
	split, err := readSplits(*splits)
	if err != nil {
		return err
	}
	f, err := os.Create(*out)
	if err != nil {
		return fmt.Errorf("create candidates: %w", err)
	}
	enc := json.NewEncoder(f)
	for _, repo := range split.order {
		dir := mirrorDir(*mirrors, repo)
		if _, err := os.Stat(dir); err != nil {
			fmt.Fprintf(os.Stderr, "locset: %s: no mirror at %s, skipped\n", repo, dir)
			continue
		}
		fixes, err := locset.MineIssueFixes(ctx, dir, repo, "HEAD", *maxFiles)
		if err != nil {
			f.Close()
			return err
		}
		for _, fx := range fixes {
			if err := enc.Encode(fx); err != nil {
				f.Close()
				return fmt.Errorf("write candidates: %w", err)
			}
		}
		fmt.Printf("%-32s %-8s %4d candidates\n", repo, split.of[repo], len(fixes))
	}
	return f.Close()
}

func mirrorDir(mirrors, repo string) string {
	return filepath.Join(mirrors, strings.ReplaceAll(repo, "/", "+"), "repo")
}

// splitFile is splits.txt: "owner/name tune|held-out" per line, # comments.
type splitFile struct {
	order []string
	of    map[string]string
}

func readSplits(path string) (splitFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return splitFile{}, fmt.Errorf("open splits: %w", err)
	}
	defer f.Close()
	s := splitFile{of: map[string]string{}}
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		text, _, _ := strings.Cut(sc.Text(), "#")
		fields := strings.Fields(text)
		if len(fields) == 0 {
			continue
		}
		if len(fields) != 2 || (fields[1] != "tune" && fields[1] != "held-out") {
			return splitFile{}, fmt.Errorf("%s:%d: want \"owner/name tune|held-out\"", path, line)
		}
		s.order = append(s.order, fields[0])
		s.of[fields[0]] = fields[1]
	}
	return s, sc.Err()
}

// runIssues turns the issue texts of a folder (owner+name-N.md, the
// issue's title and description as looked up) into an issue set: each
// issue is paired with the one commit of its repository's history that
// says it fixes it (locset.MineIssueFixes). An issue without such a commit
// is an error: its text should not have been kept.
func runIssues(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("issues", flag.ContinueOnError)
	mirrors := fs.String("mirrors", "/work/.mirror", "folder of bare mirrors named owner+name/repo")
	texts := fs.String("texts", "bench/locset/issuesets/texts", "folder of issue texts named owner+name-N.md")
	maxFiles := fs.Int("max-files", 5, "most non-test source files a fix may change")
	labels := fs.String("labels", "", "also write the labels (the set without the texts) here")
	out := fs.String("o", "", "output set (JSON lines); required")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return errors.New("issues needs -o")
	}
	names, err := filepath.Glob(filepath.Join(*texts, "*.md"))
	if err != nil || len(names) == 0 {
		return fmt.Errorf("no issue texts (*.md) in %s", *texts)
	}
	sort.Strings(names)
	fixes := map[string]map[int]locset.IssueFix{}
	var set []locset.Query
	for _, name := range names {
		repo, num, err := issueOfFile(filepath.Base(name))
		if err != nil {
			return err
		}
		if fixes[repo] == nil {
			mined, err := locset.MineIssueFixes(ctx, mirrorDir(*mirrors, repo), repo, "HEAD", *maxFiles)
			if err != nil {
				return err
			}
			fixes[repo] = map[int]locset.IssueFix{}
			for _, fx := range mined {
				fixes[repo][fx.Issue] = fx
			}
		}
		fx, ok := fixes[repo][num]
		if !ok {
			return fmt.Errorf("%s: no single commit of %s says it fixes #%d", name, repo, num)
		}
		text, err := os.ReadFile(name)
		if err != nil {
			return fmt.Errorf("read issue text: %w", err)
		}
		set = append(set, locset.IssueQuery(fx, string(text)))
	}
	if err := writeSetFile(*out, set); err != nil {
		return err
	}
	if *labels != "" {
		bare := make([]locset.Query, len(set))
		for i, q := range set {
			q.Query = "(text: " + filepath.Join(*texts, strings.ReplaceAll(q.Repo, "/", "+")+"-"+q.Issue[strings.LastIndexByte(q.Issue, '/')+1:]+".md") + ")"
			bare[i] = q
		}
		if err := writeSetFile(*labels, bare); err != nil {
			return err
		}
	}
	fmt.Printf("%d issues → %s\n", len(set), *out)
	return nil
}

// issueOfFile reads "owner+name-123.md".
func issueOfFile(base string) (repo string, num int, err error) {
	stem := strings.TrimSuffix(base, ".md")
	i := strings.LastIndexByte(stem, '-')
	if i < 0 || !strings.Contains(stem[:i], "+") {
		return "", 0, fmt.Errorf("%s: want owner+name-N.md", base)
	}
	num, err = strconv.Atoi(stem[i+1:])
	if err != nil {
		return "", 0, fmt.Errorf("%s: want owner+name-N.md", base)
	}
	return strings.Replace(stem[:i], "+", "/", 1), num, nil
}

func writeSetFile(path string, set []locset.Query) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create set: %w", err)
	}
	if err := locset.WriteSet(f, set); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
