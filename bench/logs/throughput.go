package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/devaiops/devai/memory/drain"
	"github.com/devaiops/devai/memory/rusage"
	"github.com/hashicorp/go-hclog"
)

// runGen writes a mixed-format log of about --size bytes: blocks of the
// Go loggers' output (slog JSON and text, hclog, log in CRI) and of the
// labelled server logs (nginx, PostgreSQL, Python, dpkg) with their digits
// redrawn, so numbers vary as they do in real logs.
func runGen(args []string) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	out := fs.String("out", "/tmp/devai-logs-1g.log", "output `file`")
	size := fs.Int64("size", 1<<30, "bytes to write")
	dir := fs.String("dir", "testdata/logs-labelled", "labelled logs to replay")
	if err := fs.Parse(args); err != nil {
		return err
	}
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	defer f.Close()
	written, err := writeMixedLog(f, *size, *dir, false)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "wrote %s: %.2f GB\n", *out, float64(written)/1e9)
	return nil
}

// writeMixedLog writes about size bytes of mixed-format log to out (see
// runGen); with traces, a Go panic or a Java exception with its stack
// trace follows every third block.
func writeMixedLog(out io.Writer, size int64, dir string, traces bool) (int64, error) {
	var replay [][]byte
	for _, name := range []string{"nginx-access", "nginx-error", "postgres", "python", "dpkg"} {
		b, err := os.ReadFile(fmt.Sprintf("%s/%s.tune.log", dir, name))
		if err != nil {
			return 0, err
		}
		replay = append(replay, b)
	}
	w := bufio.NewWriterSize(out, 1<<20)
	r := rand.New(rand.NewPCG(3, 4))
	var written int64
	var block bytes.Buffer
	for round := uint64(0); written < size; round++ {
		block.Reset()
		switch round % 9 {
		case 0:
			block.Write(genGo(round, func(l *labelled) []callSite {
				return slogSites(slog.New(slog.NewJSONHandler(&l.log, &slog.HandlerOptions{Level: slog.LevelDebug})))
			}))
		case 1:
			block.Write(genGo(round, func(l *labelled) []callSite {
				return gatewaySites(slog.New(slog.NewTextHandler(&l.log, &slog.HandlerOptions{Level: slog.LevelDebug})))
			}))
		case 2:
			block.Write(genGo(round, func(l *labelled) []callSite {
				return hclogSites(hclog.New(&hclog.LoggerOptions{Name: "scheduler", Level: hclog.Debug, Output: &l.log}))
			}))
		case 3:
			block.Write(buildBatchCRI(round, 2000).log.Bytes())
		default:
			src := replay[int(round)%len(replay)]
			col := 0
			for _, c := range src {
				// redraw digits past the timestamps at the start of lines
				if col > 40 && c >= '0' && c <= '9' && r.IntN(2) == 0 {
					c = byte('0' + r.IntN(10))
				}
				block.WriteByte(c)
				col++
				if c == '\n' {
					col = 0
				}
			}
		}
		if traces && round%3 == 2 {
			writeTrace(&block, round, r)
		}
		n, err := w.Write(block.Bytes())
		if err != nil {
			return written, err
		}
		written += int64(n)
	}
	return written, w.Flush()
}

// writeTrace appends a Go panic or a Java exception, as services print
// them, with a timestamp of the day the other blocks are from.
func writeTrace(b *bytes.Buffer, round uint64, r *rand.Rand) {
	ts := time.Now().UTC().Add(time.Duration(round) * time.Second).Format(time.RFC3339Nano)
	if round%2 == 0 {
		fmt.Fprintf(b, "%s ERROR worker crashed job=%d\npanic: runtime error: index out of range [%d] with length %d\n\ngoroutine %d [running]:\n", ts, r.IntN(100000), r.IntN(10)+3, r.IntN(3), r.IntN(500)+1)
		for _, fn := range []string{"shop/internal/cart.(*Cart).Total", "shop/internal/checkout.Handler.ServeHTTP", "net/http.serverHandler.ServeHTTP"} {
			fmt.Fprintf(b, "%s(0xc%09x)\n\t/src/%s.go:%d +0x%x\n", fn, r.IntN(1<<30), strings.ReplaceAll(fn, ".", "/"), r.IntN(300)+1, r.IntN(4096))
		}
		return
	}
	fmt.Fprintf(b, "%s ERROR [http-nio-8080-exec-%d] c.s.OrderController - request failed\njava.lang.IllegalStateException: order %d has no lines\n", ts, r.IntN(20)+1, r.IntN(1000000))
	for _, fn := range []string{"com.shop.order.OrderService.place(OrderService.java:%d)", "com.shop.order.OrderController.create(OrderController.java:%d)", "org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:%d)"} {
		fmt.Fprintf(b, "\tat "+fn+"\n", r.IntN(400)+1)
	}
	fmt.Fprintf(b, "\t... %d more\n", r.IntN(60)+10)
}

func genGo(seed uint64, sites func(*labelled) []callSite) []byte {
	l := &labelled{}
	drive(l, seed, 2000, sites(l))
	return l.log.Bytes()
}

// mineResult is what one child run reports.
type mineResult struct {
	Lines     int     `json:"lines"`
	Records   int     `json:"records"`
	Templates int     `json:"templates"`
	Seconds   float64 `json:"seconds"`
}

// runMine is the measured child: drain.Summarize over the file on one core
// (or, with --count, a plain bufio.Scanner line count).
func runMine(args []string) error {
	fs := flag.NewFlagSet("mine", flag.ContinueOnError)
	count := fs.Bool("count", false, "only count lines")
	prof := fs.String("cpuprofile", "", "write a CPU profile to `file`")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *prof != "" {
		pf, err := os.Create(*prof)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(pf); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	runtime.GOMAXPROCS(1)
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	start := time.Now()
	var res mineResult
	if *count {
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			res.Lines++
		}
		if err := sc.Err(); err != nil {
			return err
		}
	} else {
		s, err := drain.Summarize(f, drain.SummaryOptions{})
		if err != nil {
			return err
		}
		res = mineResult{Lines: s.Lines, Records: s.Records, Templates: len(s.Templates)}
	}
	res.Seconds = time.Since(start).Seconds()
	return json.NewEncoder(os.Stdout).Encode(res)
}

// runThroughput runs each contender as a child process (so peak RSS is its
// own, from the kernel's rusage) with GOMAXPROCS=1.
func runThroughput(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("throughput", flag.ContinueOnError)
	old := fs.String("old", "", "an older devai binary: its `devai logs --json FILE` is timed too")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("give the log file (logs gen writes one)")
	}
	file := fs.Arg(0)
	st, err := os.Stat(file)
	if err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	type row struct {
		name string
		argv []string
	}
	rows := []row{
		{"bufio.Scanner line count", []string{self, "mine", "--count", file}},
		{"devai: parse + mine (this tree)", []string{self, "mine", file}},
	}
	if *old != "" {
		rows = append(rows, row{"devai logs --json (" + *old + ")", []string{*old, "logs", "--json", "--max-bytes", "0", file}})
	}
	lines := 0
	fmt.Printf("%s: %.2f GB, GOMAXPROCS=1. CPU s is user+system time: on a shared machine lines per CPU second is the steadier figure.\n\n| run | lines | wall s | CPU s | lines/s (wall) | lines per CPU s | MB per CPU s | peak RSS MB |\n|---|---:|---:|---:|---:|---:|---:|---:|\n", file, float64(st.Size())/1e9)
	for _, r := range rows {
		cmd := exec.CommandContext(ctx, r.argv[0], r.argv[1:]...)
		cmd.Env = append(os.Environ(), "GOMAXPROCS=1")
		var stdout bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, os.Stderr
		start := time.Now()
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("%s: %w", r.name, err)
		}
		wall := time.Since(start).Seconds()
		rss := "n/a" // Windows keeps no peak RSS
		if b, ok := rusage.PeakRSS(cmd.ProcessState); ok {
			rss = fmt.Sprintf("%.0f", float64(b)/(1<<20))
		}
		cpu := rusage.ChildCPU(cmd.ProcessState).Seconds()
		var res mineResult
		if json.Unmarshal(stdout.Bytes(), &res) == nil && res.Lines > 0 && !strings.Contains(r.name, "--json") {
			lines = res.Lines
		}
		n := lines
		fmt.Printf("| %s | %d | %.1f | %.1f | %.0f | %.0f | %.1f | %s |\n", r.name, n, wall, cpu, float64(n)/wall, float64(n)/cpu, float64(st.Size())/1e6/cpu, rss)
	}
	return nil
}
