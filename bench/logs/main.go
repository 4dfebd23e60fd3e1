// Command logs measures devai's log reading and template mining (issue 7):
//
//	logs build [--out testdata/logs-labelled] [--lines 300]
//	    runs real programs (Go's slog and log, go-hclog, Python logging,
//	    PostgreSQL, nginx) and reads dpkg's log to write labelled logs:
//	    NAME.{tune,test}.log and one label per line in NAME.*.labels.
//	logs score [--dir testdata/logs-labelled] [--split test] [--json]
//	    grouping accuracy of the miner devai logs uses, per dataset, and of
//	    plain Drain (no masking) for comparison.
//	logs loghub --dir LOGHUB [--only A,B] [--why]
//	    GA and PA on loghub's 2k samples of 16 systems, raw lines, for
//	    devai, the naive baseline and Drain with its published settings.
//	logs blind --dir BEATS [--check]
//	    the same figures on the blind set: real logs of six systems loghub
//	    does not have (bench/logs/blind), labelled before devai ran on
//	    them; Drain gets one generic setting for all.
//	logs gen --out FILE [--size 1GiB]
//	    writes a mixed-format log for the throughput run.
//	logs throughput FILE [--old BIN]
//	    lines/s, MB/s and peak RSS of parsing + mining on one core, next to
//	    a plain line count (and an older devai binary's "devai logs").
//	logs index --bin NAME=BIN... [--sizes 10MB,50MB,200MB]
//	    peak RSS and time of "devai index" on a generated log of each size,
//	    for each binary (issue 11: indexing must not grow with the log).
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
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: logs build|score|loghub|blind|gen|throughput|index [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "build":
		err = runBuild(ctx, os.Args[2:])
	case "score":
		err = runScore(os.Args[2:])
	case "gen":
		err = runGen(os.Args[2:])
	case "throughput":
		err = runThroughput(ctx, os.Args[2:])
	case "index":
		err = runBigIndex(ctx, os.Args[2:])
	case "loghub":
		err = runLoghub(os.Args[2:])
	case "blind":
		err = runBlind(os.Args[2:])
	case "mine": // the child process of throughput
		err = runMine(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q: use build, score, loghub, blind, gen, throughput or index", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "logs:", err)
		os.Exit(1)
	}
}
