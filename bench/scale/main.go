// Command scale measures devai's index on a large real tree against the
// targets of issue 3: cold index time and throughput (with ripgrep over the
// same tree as the I/O floor), reopen time, change-one-file-to-searchable
// latency, search latency, peak RSS and index size.
//
//	scale --src DIR [--embedder builtin] [--queries 200] [--updates 10] [--json]
//
// The tree is copied to a temporary directory first (module caches are
// read-only, and the update phase edits files). The cold and warm phases run
// as child processes of this binary, so each one's peak RSS is its own.
// bench/scale.sh fetches the prometheus tree and runs this.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "scale:", err)
		os.Exit(1)
	}
}

// config is shared by the parent and the phases it starts.
type config struct {
	src, work, tree, state string
	embedder               string
	queries, updates       int
	asJSON, keep           bool
	phase                  string
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("scale", flag.ContinueOnError)
	var c config
	fs.StringVar(&c.src, "src", "", "source tree to measure (copied first; never modified)")
	fs.StringVar(&c.work, "work", "", "directory for the copy and the index (default: a temporary one)")
	fs.StringVar(&c.embedder, "embedder", "builtin", "embedder of the index")
	fs.IntVar(&c.queries, "queries", 200, "searches timed for the latency percentiles")
	fs.IntVar(&c.updates, "updates", 10, "one-file edits timed for the update latency")
	fs.BoolVar(&c.asJSON, "json", false, "print JSON instead of a table")
	fs.BoolVar(&c.keep, "keep", false, "keep the work directory")
	// Internal: a phase run in a child process, reporting JSON on stdout.
	fs.StringVar(&c.phase, "phase", "", "internal: cold or warm")
	fs.StringVar(&c.tree, "tree", "", "internal: the copied tree")
	fs.StringVar(&c.state, "state", "", "internal: the state directory")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch c.phase {
	case "cold":
		return emit(coldPhase(ctx, c))
	case "warm":
		return emit(warmPhase(ctx, c))
	case "":
	default:
		return fmt.Errorf("unknown phase %q", c.phase)
	}
	if c.src == "" {
		return errors.New("--src is required (bench/scale.sh finds the prometheus tree for you)")
	}
	return measure(ctx, c)
}
