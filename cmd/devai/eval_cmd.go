package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/hashicorp/go-hclog"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/tools/eval"
	"github.com/devaiops/devai/tools/search"
)

type evalConfig struct {
	commonConfig
	Compare    string
	Limit      int
	MaxTokens  int
	NoSync     bool
	thresholds map[string]*float64
}

// evalThresholdFlags maps each --min-* flag to the summary figure it guards.
var evalThresholdFlags = []struct{ flag, key, what string }{
	{"min-mrr", "mrr", "mean reciprocal rank"},
	{"min-acc1", "acc_at_1", "Acc@1"},
	{"min-acc5", "acc_at_5", "Acc@5"},
	{"min-recall", "recall_at_10", "recall@10"},
	{"min-ndcg", "ndcg_at_10", "nDCG@10"},
	{"min-ctx-precision", "contextual_precision", "contextual precision"},
	{"min-ctx-recall", "contextual_recall", "contextual recall"},
}

func evalCommand(stdout, stderr io.Writer) *command {
	cfg := &evalConfig{thresholds: map[string]*float64{}}
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	cfg.commonConfig.register(fs)
	fs.StringVar(&cfg.Compare, "compare", "", "also run this `configuration` and show both side by side: key=value pairs such as embedder=hash or weights.vector=1,weights.text=0.5")
	fs.IntVar(&cfg.Limit, "limit", eval.DefaultLimit, fmt.Sprintf("files each query returns, 1 to %d (the metrics @10 need 10)", search.MaxLimit))
	fs.IntVar(&cfg.MaxTokens, "max-tokens", search.DefaultMaxTokens, "snippet token budget of each search, as search_context's max_tokens")
	fs.BoolVar(&cfg.NoSync, "no-sync", false, "evaluate the index as it is, without syncing changed files first")
	for _, t := range evalThresholdFlags {
		v := new(float64)
		cfg.thresholds[t.key] = v
		fs.Float64Var(v, t.flag, 0, "exit 1 when the "+t.what+" of the first configuration is below this `value`")
	}
	c := &command{
		name:    "eval",
		summary: "Score retrieval on a golden set of queries: Acc@k, recall@k, MRR, nDCG@10, contextual precision and recall, tokens, latency.",
		usage:   "FILE [flags]",
		details: `
FILE holds one JSON object per line: {"query": "...", "kinds": ["code"], "expect": ["path or devai:// URI", ...]}
("files" is read as "expect", so bench/locset sets run as they are). Every query goes through
search_context's own path at file level. The index is synced first unless --no-sync. --compare
runs a second configuration on the same set; a different embedder is indexed in a temporary
directory, so your index stays as it is. With --json the output is the whole report, every query
included. The --min-* thresholds make the command exit 1 when the first configuration falls below them.`,
		flags: fs,
	}
	c.run = func(args []string) error {
		if len(args) != 1 {
			return usagef("give one golden set file, e.g. devai eval testdata/golden/shop.jsonl")
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		return runEval(ctx, cfg, args[0], stdout, stderr)
	}
	return c
}

func runEval(ctx context.Context, cfg *evalConfig, setPath string, stdout, stderr io.Writer) error {
	if err := cfg.validate(); err != nil {
		return usageError{err}
	}
	if cfg.Limit < 1 || cfg.Limit > search.MaxLimit {
		return usagef("--limit %d: use 1 to %d", cfg.Limit, search.MaxLimit)
	}
	if cfg.MaxTokens < 1 || cfg.MaxTokens > search.MaxMaxTokens {
		return usagef("--max-tokens %d: use 1 to %d", cfg.MaxTokens, search.MaxMaxTokens)
	}
	var variant *eval.Variant
	if cfg.Compare != "" {
		v, err := eval.ParseVariant(cfg.Compare)
		if err != nil {
			return usageError{err}
		}
		variant = &v
	}
	f, err := os.Open(setPath)
	if err != nil {
		return usagef("open the golden set: %v", err)
	}
	set, err := eval.LoadSet(f)
	f.Close()
	if err != nil {
		return usagef("%s: %v", setPath, err)
	}
	logger, closeLog, err := newLoggerTo(cfg.LogLevel, cfg.LogFile, stderr)
	if err != nil {
		return usageError{err}
	}
	defer closeLog()

	report := eval.Report{Set: setPath, Repo: cfg.Repo, Limit: cfg.Limit, Failures: []string{}}
	base := cfg.memoryOptions()
	base.Logger = logger.Named("memory")
	conf, err := evalOnce(ctx, cfg, base, "baseline", set, logger, stderr)
	if err != nil {
		return err
	}
	report.Configs = append(report.Configs, conf)
	if variant != nil {
		opts := variant.Apply(base)
		if variant.ChangesIndex() {
			dir, err := os.MkdirTemp("", "devai-eval-")
			if err != nil {
				return fmt.Errorf("make a temporary index for --compare: %w", err)
			}
			defer os.RemoveAll(dir)
			opts.StateDir = filepath.Join(dir, "state")
		}
		conf, err := evalOnce(ctx, cfg, opts, variant.Label, set, logger, stderr)
		if err != nil {
			return fmt.Errorf("--compare %s: %w", variant.Label, err)
		}
		report.Configs = append(report.Configs, conf)
	}
	th := eval.Thresholds{}
	for key, v := range cfg.thresholds {
		th[key] = *v
	}
	report.Failures = append(report.Failures, th.Check(report.Configs[0].Summary)...)
	if cfg.JSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(report); err != nil {
			return err
		}
	} else {
		fmt.Fprint(stdout, eval.Markdown(report))
	}
	if len(report.Failures) > 0 {
		return fmt.Errorf("retrieval fell below %d threshold(s): %v", len(report.Failures), report.Failures)
	}
	return nil
}

// evalOnce opens (and syncs) an index with opts and runs the set through
// search_context's plain API.
func evalOnce(ctx context.Context, cfg *evalConfig, opts memory.Options, name string, set []eval.Case, logger hclog.Logger, stderr io.Writer) (eval.Config, error) {
	ix, err := memory.Open(ctx, opts)
	if err != nil {
		return eval.Config{}, fmt.Errorf("open the index of %s: %w", opts.Repo, err)
	}
	defer ix.Close()
	if !cfg.NoSync || opts.StateDir != cfg.memoryOptions().StateDir {
		bar := newProgressBar(stderr, isTerminal(stderr))
		err := ix.Sync(ctx, bar.update)
		bar.finish()
		if err != nil {
			if ix.Status().Files == 0 {
				return eval.Config{}, fmt.Errorf("sync %s: %w", opts.Repo, err)
			}
			logger.Warn("sync failed; evaluating the index as it was", "error", err)
		}
	}
	searcher := func(ctx context.Context, c eval.Case, limit int) (eval.Retrieved, error) {
		out, err := search.Run(ctx, ix, search.Input{Query: c.Query, Kinds: c.Kinds, Limit: limit, MaxTokens: cfg.MaxTokens, FileLevel: true})
		if err != nil {
			return eval.Retrieved{}, err
		}
		got := eval.Retrieved{Tokens: out.Tokens, Paths: make([]string, len(out.Hits))}
		for i, h := range out.Hits {
			got.Paths[i] = h.Path
		}
		return got, nil
	}
	sum, results, err := eval.Run(ctx, set, searcher, cfg.Limit)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return eval.Config{}, err
		}
		return eval.Config{}, fmt.Errorf("run the golden set: %w", err)
	}
	w := memory.DefaultWeightsFor(opts.Embedder)
	if opts.Weights != nil {
		w = *opts.Weights
	}
	settings := fmt.Sprintf("embedder %s, weights text %g, vector %g, symbol %g, req %g, graph %g",
		ix.Status().Embedder, w.Text, w.Vector, w.Symbol, w.Req, w.Graph)
	return eval.Config{Name: name, Settings: settings, Summary: sum, Queries: results}, nil
}
