// Command locset builds a localization set from a git repository's history
// and scores devai's retrieval on it: given a commit message, does the index
// built just before that commit rank the files the commit changed?
//
//	locset build --git DIR --snapshot REF [--n 200] [--first-parent] -o set.jsonl
//	locset eval --set set.jsonl (--tree DIR | --git DIR) [--modes text,vector,hybrid] [--json]
//
// See bench/README.md for what the figures mean and the runs behind them.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "locset:", err)
		os.Exit(1)
	}
}

const usage = `usage:
  locset build --git DIR --snapshot REF [--head REF] [--n 200] [--max-files 5] [--first-parent] -o set.jsonl
  locset exact --git DIR [--snapshot HEAD] [--commits 3000] [--per-kind 25] -o set.jsonl
  locset mine  [--mirrors /work/.mirror] [--splits bench/locset/issuesets/splits.txt] -o candidates.jsonl
  locset issues [--mirrors /work/.mirror] [--texts bench/locset/issuesets/texts] [--labels labels.jsonl] -o set.jsonl
  locset eval-issues --set set.jsonl [--mirrors /work/.mirror] [--splits FILE] [--arms text,vector,hybrid,hybrid+strip,hybrid+hints+noexact,…] [--per-query out.jsonl]
  locset refit --signals NAME=FILE[+FILE…],… [--arm hybrid+hints] [--check PERQUERY[+…]] [--weights NAME=V,…] [--fit NAME,…] [--rounds 3]
  locset questions [--dir bench/locset/questions] [--mirrors /work/.mirror] [--arms bm25,text,vector,hybrid] [--half tune|held-out] [--per-query out.jsonl]
  locset eval  --set set.jsonl (--tree DIR | --git DIR) [--state-dir DIR] [--modes text,vector,hybrid,grep]
               [--kinds code] [--embedder builtin] [--exact-weight W] [--weights NAME=V,…] [--rules default|none|strip,hints,strong] [--per-query out.jsonl] [--json]`

func run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("no command\n%s", usage)
	}
	switch args[0] {
	case "build":
		return runBuild(ctx, args[1:])
	case "eval":
		return runEval(ctx, args[1:])
	case "exact":
		return runExact(ctx, args[1:])
	case "mine":
		return runMine(ctx, args[1:])
	case "issues":
		return runIssues(ctx, args[1:])
	case "eval-issues":
		return runEvalIssues(ctx, args[1:])
	case "questions":
		return runQuestions(ctx, args[1:])
	case "refit":
		return runRefit(ctx, args[1:])
	case "-h", "-help", "--help", "help":
		fmt.Println(usage)
		return nil
	}
	return fmt.Errorf("unknown command %q\n%s", args[0], usage)
}
