// Command tracecases measures trace_root_cause on real failures whose fix
// is known: commits of real projects that quote the crash they fix, crash
// reports pasted into public issues whose fix is linked (the issue named
// by the fix's commit or PR), and fixes whose regression test, run at the
// fix's parent, crashes. For each case the repository is checked out at
// the fix's parent, indexed, and given the log as a user would paste it
// (traces/<repo>-<fix>.txt: an excerpt of the commit message or of the
// issue, verbatim, or the output of the fix's new test at the parent). The
// answer is the code the fix changed: its files and the functions its
// hunks fall in (tests and docs left out; Go, Python, JS/TS, Java/Kotlin,
// Rust). Reported: top-1 and top-3 at file and at function level, side by
// side with the naive answer "the first in-repo frame of the trace" (a
// frame is in the repository when devai's frame resolver maps it there,
// module-cache, GOPATH, vendor, site-packages and node_modules paths
// included), for tune and held-out cases (splitOf), per category of the
// naive frame's printed path (repository paths, dependency paths, no
// in-repo frame) and per language.
//
//	go run ./bench/tracecases --mirrors /work/.mirror [--json] [--only REGEXP] [--half tune|held-out] [--keep DIR]
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"hash/fnv"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/chunk"
	"github.com/devaiops/devai/tools/trace"
)

// tcase is one real failure: the repository, the fixing commit and how
// its log was obtained.
type tcase struct {
	repo, fix string
	// how: "message L<a>-L<b>" (those lines of the fix's commit message)
	// or "test <go test command run at the fix's parent with the fix's
	// test files>", or "issue <URL>" (the trace as the issue's reporter
	// pasted it, verbatim).
	how string
}

// splitByRepo is how the cases added for issue 12 (reports in which the
// repository is a dependency) are split, by repository, chosen on
// 2026-12-04 before any rule was designed on them. Tune repositories go
// first in the list as they are added.
var splitByRepo = map[string]string{
	"go-resty+resty": "held-out",
}

// splitOf is the half a case's repository belongs to. The 35 cases from
// before issue 12 keep theirs (the first devCases tune, the rest held
// out; resty by splitByRepo). Every repository first added after resty
// is split by a rule fixed on 2026-12-04 before any of its cases was
// collected or run: FNV-1a (32 bit) of "owner/name", even → tune, odd →
// held out. splits.txt lists each repository with its half, written
// when the repository is added; TestSplitsFile keeps the two in step.
func splitOf(i int, repo string) (heldOut bool) {
	if split, ok := splitByRepo[repo]; ok {
		return split == "held-out"
	}
	if i < len(cases) && i < preIssue12 {
		return i >= devCases
	}
	return fnvHalf(repo)
}

// preIssue12 is how many cases (from the first) predate issue 12's split
// by repository.
const preIssue12 = 34

// fnvHalf reports whether the repository ("owner+name") falls in the
// held-out half by the FNV-1a rule of splitOf.
func fnvHalf(repo string) bool {
	h := fnv.New32a()
	_, _ = h.Write([]byte(strings.Replace(repo, "+", "/", 1)))
	return h.Sum32()%2 == 1
}

// devCases is how many of the cases, from the first, the ranking
// heuristics were chosen on (the 16 first, half of the 31 there were
// then); the rest, and every case added since, are held out.
const devCases = 16

// cases, in the order they were added. Dropped candidates and why are
// listed in bench/README.md.
var cases = []tcase{
	{"prometheus+prometheus", "a19852de99", "message L5-L14"},
	{"prometheus+prometheus", "f0521cf960", "message L11-L30"},
	{"prometheus+prometheus", "650dc146db", "message L5-L12"},
	{"prometheus+prometheus", "a3bb2378c0", "message L14-L38"},
	{"pallets+flask", "8bb71852", "message L6-L40"},
	{"pallets+flask", "0049922f", "message L14-L24"},
	{"pallets+flask", "7a7a163f", "message L5-L41"},
	{"caddyserver+caddy", "d816a2a1e1", "message L24-L37"},
	{"caddyserver+caddy", "f05266923b", "message L7-L18"},
	{"etcd-io+bbolt", "bdc109bdc7", "message L9-L29"},
	{"gohugoio+hugo", "31b23bdf85", "message L12-L32"},
	{"helm+helm", "071646cc6c", "message L9-L41"},
	{"helm+helm", "dadb026afe", "message L6-L28"},
	{"influxdata+telegraf", "b49086c980", "message L6-L23"},
	{"pallets+werkzeug", "e56b96f097", "message L5-L27"},
	{"pallets+werkzeug", "b2ea63f76c", "message L5-L10"},
	{"prometheus+alertmanager", "5ce63f6ab0", "message L16-L60"},
	{"prometheus+alertmanager", "890f148a27", "message L8-L24"},
	{"prometheus+prometheus", "b602393473", "message L13-L68"},
	{"psf+requests", "f823a2b2b0", "message L9-L29"},
	{"prometheus+prometheus", "1a0dab0faa", "message L15-L20"},
	{"caddyserver+caddy", "2926062009", "message L12-L18"},
	{"gin-gonic+gin", "7cb151bb", "test go test -run '^TestContextNegotiationFormat2$' ."},
	{"gin-gonic+gin", "e25867d2", "test go test -run '^TestContextValue$' ."},
	{"gin-gonic+gin", "0aae1ab6", "test go test -run '^TestContextPostFormOnEmptyRequest$' ."},
	{"gin-gonic+gin", "a3b386f0", "test go test -run '^TestMethodNotAllowedNoRoute$' ."},
	{"urfave+cli", "827f487c", "test go test -run '^TestRunWithNoOsArgs$' ."},
	{"urfave+cli", "8294cc82", "test go test -run '^TestFlagBaseInterfaceValueType$' ."},
	{"urfave+cli", "ef59b5af", "test go test -run '^TestBoolWithInverseFlagStringNoPanicWithNoTabStringer$' ."},
	{"urfave+cli", "949a6ea9", "test go test -run '^TestCommand_Run_CustomShellCompleteAcceptsMalformedFlags$' ."},
	{"etcd-io+bbolt", "e8dfa8c", "test go test -run '^TestTx_Check_Panic$' ."},
	{"gin-gonic+gin", "46da4854", "test go test -run '^TestResponseWriterHijackWithTimeoutHandler$' ."},
	{"urfave+cli", "e855c4cd", "test go test -run '^TestContext_String$' ."},
	{"etcd-io+bbolt", "b06ba6a", "test go test -timeout=20s -run '^TestFindPathsToKey_CycleDetected$' ./internal/surgeon"},
	// Issue 12: the repository as a dependency of the reporter's program.
	{"go-resty+resty", "e11af35", "issue https://github.com/go-resty/resty/issues/873"},
	// Issue 12: fix commits that quote a crash (split by splitOf).
	{"go-git+go-git", "ec647e9f", "message L12-L55"},
	{"nats-io+nats.go", "a9042992", "message L3-L17"},
	{"pytest-dev+pytest", "41ca4dd44", "message L16-L85"},
	{"restic+restic", "9537bc561", "message L9-L34"},
	{"restic+restic", "ce8901890", "message L9-L32"},
	{"jackc+pgx", "23c0b6c4", "message L5-L119"},
	{"sphinx-doc+sphinx", "c7c4f8f0f4", "message L5-L11"},
	{"sphinx-doc+sphinx", "c84dad28e9", "message L5-L17"},
	{"sphinx-doc+sphinx", "9d6deec4ca", "message L9-L13"},
	{"urllib3+urllib3", "68ff852c", "message L15-L52"},
	{"urllib3+urllib3", "7fa026c3", "message L11-L29"},
	{"FasterXML+jackson-databind", "d4469335b", "message L8-L15"},
	{"Automattic+mongoose", "cc20d1cf1", "message L3-L13"},
	{"paramiko+paramiko", "587db0f2", "message L9-L36"},
	{"pylint-dev+pylint", "aa292013c", "message L5-L15"},
	{"pypa+pip", "6c50ea578", "message L8-L18"},
	{"sequelize+sequelize", "5eaa69de6", "message L5-L14"},
	{"sequelize+sequelize", "f54677840", "message L32-L42"},
	{"syncthing+syncthing", "fb939ec49", "message L7-L30"},
	{"hyperium+hyper", "fece9f7f", "message L8-L13"},
	{"rust-lang+cargo", "dd5806d14", "message L8-L9"},
	{"serde-rs+json", "c9bff92", "message L5-L7"},
	{"eslint+eslint", "458386ff8", "issue https://github.com/eslint/eslint/issues/1789"},
	{"eslint+eslint", "cf14c7197", "issue https://github.com/eslint/eslint/issues/5290"},
	{"eslint+eslint", "4797fb2c2", "issue https://github.com/eslint/eslint/issues/12884"},
	{"eslint+eslint", "e35107f0f", "issue https://github.com/eslint/eslint/pull/8477"},
	{"FasterXML+jackson-databind", "2e741764c", "issue https://github.com/FasterXML/jackson-databind/issues/4878"},
	{"jackc+pgx", "dfd19800", "issue https://github.com/jackc/pgx/issues/1827"},
	{"benoitc+gunicorn", "da5e847b", "message L9-L19"},
	{"benoitc+gunicorn", "f186fa3a", "message L5-L18"},
	{"dgraph-io+badger", "22454734", "message L11-L43"},
	{"dgraph-io+badger", "dd332b04", "message L7-L17"},
	{"pallets+jinja", "91255f86", "message L29-L37"},
	{"python+mypy", "b067c4f2b6", "message L15-L32"},
	{"python+mypy", "4a9e6e6088", "message L6-L89"},
	{"python+mypy", "be6adaeeeb", "message L9-L22"},
	{"python+mypy", "b137254652", "message L5-L15"},
	{"python+mypy", "9e45dadcf6", "message L9-L22"},
	{"minio+minio-go", "6c8a198", "message L4-L20"},
	{"rclone+rclone", "eb10ac346", "message L6-L20"},
	{"scrapy+scrapy", "eb91cad0d", "message L3-L12"},
	{"mitmproxy+mitmproxy", "16654ad6a", "message L8-L23"},
	{"ipython+ipython", "10a376e04", "message L7-L13"},
	{"ipython+ipython", "52f39dd5c", "message L6-L15"},
	{"davidhalter+jedi", "a5480c05", "message L10-L18"},
	{"python+mypy", "301c3b604a", "message L6-L48"},
	{"benoitc+gunicorn", "da3b89b7", "message L9-L14"},
	{"pylint-dev+pylint", "ab3ad0629", "issue https://github.com/pylint-dev/pylint/issues/6414"},
	{"pylint-dev+pylint", "69ba89eb6", "issue https://github.com/pylint-dev/pylint/issues/7467"},
	{"pylint-dev+pylint", "8cf4887e6", "issue https://github.com/pylint-dev/pylint/issues/10626"},
	{"pylint-dev+pylint", "d168c2399", "issue https://github.com/pylint-dev/pylint/issues/3742"},
	{"pylint-dev+pylint", "a219ca322", "issue https://github.com/pylint-dev/pylint/issues/11222"},
	{"pylint-dev+pylint", "40a305e83", "issue https://github.com/pylint-dev/pylint/issues/2384"},
	{"sphinx-doc+sphinx", "fe037233ca", "issue https://github.com/sphinx-doc/sphinx/issues/9404"},
	// Issue 12, second round: reports in which the repository is a
	// dependency (cargo registry and git checkouts, site-packages,
	// node_modules), and Rust and Java cases for the tune half.
	{"clap-rs+clap", "50c59f63b", "issue https://github.com/clap-rs/clap/issues/5304"},
	{"clap-rs+clap", "01da89014", "issue https://github.com/clap-rs/clap/issues/3858"},
	{"clap-rs+clap", "85b11468b", "issue https://github.com/clap-rs/clap/issues/410"},
	{"clap-rs+clap", "e9cbed34c", "issue https://github.com/clap-rs/clap/issues/4473"},
	{"tox-dev+tox", "8d2f36a1", "message L6-L21"},
	{"tornadoweb+tornado", "e3010216", "message L6-L10"},
	{"pypa+virtualenv", "7a779312", "message L18-L56"},
	{"pypa+virtualenv", "9d2af790", "message L6-L8"},
	{"pypa+setuptools", "91aafe5d7", "message L8-L26"},
	{"webpack+webpack", "3bd930eb8", "message L7-L10"},
	{"yargs+yargs", "28d55e10", "message L6-L16"},
	{"knex+knex", "ea05be583", "message L5-L26"},
	{"encode+httpx", "7073d95c", "message L9-L18"},
	{"mockito+mockito", "2c073533a", "message L9-L13"},
	{"jhy+jsoup", "d5cea131", "message L5-L15"},
	{"winstonjs+winston", "684cc193", "message L3-L8"},
	{"mochajs+mocha", "1e08057d", "message L3-L5"},
	{"python+mypy", "bd09d51960", "message L6-L24"},
	{"pypa+pip", "9017caa64", "message L6-L8"},
	{"pypa+pip", "c2766d841", "message L12-L14"},
	// Issue 12, third round: Rust panics, Java stack traces, Node errors
	// and reports with no in-repo frame, for the tune half.
	{"Automattic+mongoose", "a248d7026", "message L7-L30"},
	{"Automattic+mongoose", "909560ae0", "message L5-L6"},
	{"sequelize+sequelize", "4ebdf9791", "message L5-L37"},
	{"sequelize+sequelize", "9b73d157b", "message L8-L11"},
	{"webpack+webpack", "3aac3350a", "message L14-L19"},
	{"webpack+webpack", "7b87312b5", "message L5-L6"},
	{"yargs+yargs", "142091e4", "message L5-L15"},
	{"rust-lang+rustfmt", "e0e2f0db5", "message L5-L5"},
	{"clap-rs+clap", "3d0199da8", "message L13-L13"},
	{"BurntSushi+ripgrep", "bc76a30c", "issue https://github.com/BurntSushi/ripgrep/issues/1891"},
	{"BurntSushi+ripgrep", "12dd455e", "issue https://github.com/BurntSushi/ripgrep/issues/1765"},
	{"alacritty+alacritty", "8d3f5f4e", "issue https://github.com/alacritty/alacritty/issues/81"},
	{"alacritty+alacritty", "53c74892", "issue https://github.com/alacritty/alacritty/issues/1897"},
	{"jhy+jsoup", "6e3c98c4", "issue https://github.com/jhy/jsoup/issues/1404"},
	{"jhy+jsoup", "daef8bb4", "issue https://github.com/jhy/jsoup/issues/2068"},
	{"jhy+jsoup", "1030e618", "issue https://github.com/jhy/jsoup/issues/162"},
	{"jhy+jsoup", "26d3c14e", "issue https://github.com/jhy/jsoup/issues/1603"},
	{"mockito+mockito", "4225851e1", "issue https://github.com/mockito/mockito/issues/866"},
	{"celery+kombu", "6ef88c34", "message L26-L36"},
	{"tornadoweb+tornado", "d49e5e87", "message L6-L9"},
	{"mitmproxy+mitmproxy", "3ba4b65ec", "message L86-L95"},
	// Error messages with no stack (Go commands' "Error:"/"Fatal:"/"ERROR :"
	// lines, a server's error): the tune half had none.
	{"restic+restic", "8d9d218d1", "message L5-L6"},
	{"helm+helm", "6f2f7d478", "message L7-L7"},
	{"helm+helm", "c8890e971", "message L9-L9"},
	{"helm+helm", "b14fe2cea", "message L8-L10"},
	{"helm+helm", "33ace505c", "message L5-L9"},
	{"helm+helm", "5eb48f447", "message L3-L4"},
	{"rclone+rclone", "8b4b59412", "message L6-L6"},
	{"rclone+rclone", "8d1d096c1", "message L5-L6"},
	{"rclone+rclone", "415eeca6c", "message L5-L6"},
	{"rclone+rclone", "3c9793341", "message L7-L7"},
	{"rclone+rclone", "b3710c962", "message L5-L5"},
	// The same kind in held-out repositories, added before any rule for
	// them was designed, never run before the held-out run.
	{"jackc+pgx", "6e0cae17", "message L8-L8"},
	{"jackc+pgx", "eab316e2", "message L7-L7"},
	{"pypa+pip", "e9f58aab3", "message L5-L5"},
	// Issue 12, fifth round: for the tune half, cases shaped like the
	// held-out half's weak rows: Python tracebacks with repository paths
	// whose fix is not in the first in-repo frame, reports with no
	// in-repo frame or no parsable trace, and Rust panics.
	{"ipython+ipython", "86364d023", "message L8-L17"},
	{"ipython+ipython", "7ad908bf0", "message L6-L23"},
	{"ipython+ipython", "2c0e86ab6", "message L5-L13"},
	{"davidhalter+jedi", "a9ada275", "message L6-L39"},
	{"davidhalter+jedi", "ced7f7d8", "message L6-L19"},
	{"tox-dev+tox", "07a77e42", "message L9-L31"},
	{"tornadoweb+tornado", "0b86507e", "message L9-L19"},
	{"tox-dev+tox", "9aaec0c7", "message L14-L16"},
	{"ipython+ipython", "2da6fb987", "message L6-L24"},
	{"paramiko+paramiko", "598d9d71", "message L4-L37"},
	{"urllib3+urllib3", "c2787a56", "message L9-L20"},
	{"ipython+ipython", "46497c651", "message L22-L33"},
	{"tox-dev+tox", "0e3776e0", "message L5-L5"},
	{"mitmproxy+mitmproxy", "55a64b7ad", "message L8-L8"},
	{"celery+kombu", "8f1de37a", "message L14-L16"},
	{"urllib3+urllib3", "62c9d1b0", "message L5-L5"},
	{"celery+kombu", "aab2588c", "message L7-L7"},
	{"sharkdp+bat", "64de2a44", "issue https://github.com/sharkdp/bat/issues/15"},
	{"rust-lang+rustfmt", "749315046", "issue https://github.com/rust-lang/rustfmt/issues/5739"},
	{"rust-lang+rustfmt", "37b177942", "issue https://github.com/rust-lang/rustfmt/issues/2151"},
	{"rust-lang+rustfmt", "c0ff894a2", "issue https://github.com/rust-lang/rustfmt/issues/2995"},
	{"alacritty+alacritty", "a2653293", "issue https://github.com/alacritty/alacritty/issues/8230"},
	{"seanmonstar+reqwest", "5c3494b8", "issue https://github.com/seanmonstar/reqwest/issues/484"},
	// Reports whose frames are in a build of the repository's own npm
	// package (dist/, lib/, a minified bundle), which the checkout does not
	// hold; collected 2026-12-05 by searching issue threads, every case
	// found kept.
	{"rollup+rollup", "6697ee41", "issue https://github.com/rollup/rollup/issues/3766"},
	{"rollup+rollup", "ee6db134", "issue https://github.com/rollup/rollup/issues/2625"},
	{"rollup+rollup", "83d21a4e", "issue https://github.com/rollup/rollup/issues/5043"},
	{"babel+babel", "c20506e5", "issue https://github.com/babel/babel/issues/13901"},
	{"postcss+postcss", "35045a9d", "issue https://github.com/postcss/postcss/issues/526"},
	{"prettier+prettier", "7e862bbc", "issue https://github.com/prettier/prettier/issues/15912"},
	{"prettier+prettier", "cb8004f3", "issue https://github.com/prettier/prettier/issues/15916"},
	{"sindresorhus+got", "dc537476", "issue https://github.com/sindresorhus/got/issues/998"},
	{"typeorm+typeorm", "b35397ea", "issue https://github.com/typeorm/typeorm/pull/7043"},
	{"iamkun+dayjs", "dad46e6f", "issue https://github.com/iamkun/dayjs/issues/3178"},
}

type result struct {
	Case      string   `json:"case"`
	How       string   `json:"how"`
	HeldOut   bool     `json:"held_out"`
	Files     []string `json:"fix_files"`
	Funcs     []string `json:"fix_funcs"`
	Suspects  []string `json:"suspects"` // path symbol
	Naive     string   `json:"naive"`    // path symbol of the first in-repo frame
	FileTop1  bool     `json:"file_top1"`
	FileTop3  bool     `json:"file_top3"`
	FuncTop1  bool     `json:"func_top1"`
	FuncTop3  bool     `json:"func_top3"`
	NaiveFile bool     `json:"naive_file"`
	NaiveFunc bool     `json:"naive_func"`
	// AtAFrame: a function the fix changed is an in-repo frame of the
	// trace, so ranking the frames alone could find it; the share of
	// these bounds what any frame-only answer can score.
	AtAFrame bool    `json:"fix_at_a_frame"`
	TraceMS  float64 `json:"trace_ms"`
	Note     string  `json:"note,omitempty"`
	// Category: "repository paths" (the naive frame's path is a checkout
	// of the repository), "dependency paths" (module cache, site-packages,
	// vendor, node_modules, cargo registry) or "no in-repo frame".
	Category string `json:"category"`
	// Lang is the language of the first trace in the text (go, python,
	// java, node, rust).
	Lang string `json:"lang"`
}

func main() {
	mirrors := flag.String("mirrors", "/work/.mirror", "folder of bare mirrors named owner+name/repo")
	asJSON := flag.Bool("json", false, "print JSON")
	only := flag.String("only", "", "run only the cases whose name (repo@fix) matches this regexp")
	keep := flag.String("keep", "", "keep checkouts and indexes in this folder and reuse them on the next run")
	half := flag.String("half", "", `run only one half: "tune" or "held-out" (tuning reads the tune half alone)`)
	flag.Parse()
	if *half != "" && *half != "tune" && *half != "held-out" {
		fmt.Fprintf(os.Stderr, "--half is %q; want tune or held-out\n", *half)
		os.Exit(2)
	}
	var sel *regexp.Regexp
	if *only != "" {
		sel = regexp.MustCompile(*only)
	}
	_, self, _, _ := runtime.Caller(0)
	traces := filepath.Join(filepath.Dir(self), "traces")
	ctx := context.Background()
	start := time.Now()
	var results []result
	for i, c := range cases {
		if sel != nil && !sel.MatchString(caseName(c)) {
			continue
		}
		if *half != "" && splitOf(i, c.repo) != (*half == "held-out") {
			continue
		}
		r, err := runCase(ctx, filepath.Join(*mirrors, c.repo, "repo"), c, traces, *keep)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", caseName(c), err)
			os.Exit(1)
		}
		r.HeldOut = splitOf(i, c.repo)
		fmt.Fprintf(os.Stderr, "%s: file %v/%v func %v/%v naive %v/%v\n", r.Case, r.FileTop1, r.FileTop3, r.FuncTop1, r.FuncTop3, r.NaiveFile, r.NaiveFunc)
		results = append(results, r)
	}
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(results)
		return
	}
	report(results)
	fmt.Printf("\nwall time %.0f s (checkout, index and trace of every case)\n", time.Since(start).Seconds())
}

func caseName(c tcase) string { return strings.Split(c.repo, "+")[1] + "@" + c.fix }

func git(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("git %s: %w", strings.Join(args, " "), err)
	}
	return string(out), nil
}

func runCase(ctx context.Context, mirror string, c tcase, traces, keep string) (result, error) {
	r := result{Case: caseName(c), How: c.how}
	base := keep
	if base == "" {
		tmp, err := os.MkdirTemp("", "tracecase-")
		if err != nil {
			return r, err
		}
		defer os.RemoveAll(tmp)
		base = tmp
	}
	dir := filepath.Join(base, strings.ReplaceAll(r.Case, "@", "-"))
	work := filepath.Join(dir, "repo")
	if _, err := os.Stat(work); err != nil {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return r, err
		}
		if _, err := git(dir, "clone", "-q", "--shared", "--no-checkout", mirror, work); err != nil {
			return r, err
		}
		if _, err := git(work, "checkout", "-q", c.fix+"^"); err != nil {
			return r, err
		}
	}
	if strings.HasPrefix(c.how, "test ") {
		// The test that crashed is in the tree of whoever ran it: the
		// fix's test files (and test data) at the parent, as when the log
		// was made.
		names, err := git(work, "diff-tree", "--no-commit-id", "-r", "--name-only", "--diff-filter=AM", c.fix)
		if err != nil {
			return r, err
		}
		for _, n := range strings.Fields(names) {
			if strings.HasSuffix(n, "_test.go") || strings.Contains(n, "/testdata/") || strings.HasPrefix(n, "testdata/") {
				if _, err := git(work, "checkout", "-q", c.fix, "--", n); err != nil {
					return r, err
				}
			}
		}
	}
	log, err := pastedLog(work, c, traces)
	if err != nil {
		return r, err
	}
	// --ignore-cr-at-eol: a fix that also changed the file's line endings
	// changed only the lines it meant to.
	diff, err := git(work, "diff", "-U0", "--ignore-cr-at-eol", c.fix+"^", c.fix)
	if err != nil {
		return r, err
	}
	ix, err := memory.Open(ctx, memory.Options{Repo: work, StateDir: filepath.Join(dir, "state"), Embedder: "hash"})
	if err != nil {
		return r, err
	}
	defer ix.Close()
	if err := ix.Sync(ctx, nil); err != nil {
		return r, err
	}
	files, funcs := changed(ix, diff)
	r.Files, r.Funcs = keys(files), keys(funcs)
	start := time.Now()
	out, err := trace.Run(ctx, ix, trace.Input{Text: log, MaxSuspects: 5})
	r.TraceMS = float64(time.Since(start).Microseconds()) / 1000
	if err != nil {
		return r, err
	}
	for i, s := range out.Suspects {
		r.Suspects = append(r.Suspects, s.Path+" "+s.Symbol)
		if files[s.Path] {
			r.FileTop3 = r.FileTop3 || i < 3
			r.FileTop1 = r.FileTop1 || i == 0
		}
		if funcs[s.Path+" "+s.Symbol] {
			r.FuncTop3 = r.FuncTop3 || i < 3
			r.FuncTop1 = r.FuncTop1 || i == 0
		}
	}
	// naive: the first in-repo frame of the first trace in the text (a
	// Python warning line before it is not a trace)
	errs := append([]trace.Error(nil), out.Errors...)
	sort.SliceStable(errs, func(i, j int) bool { return errs[i].StartLine < errs[j].StartLine })
	if len(errs) > 0 {
		r.Lang = errs[0].Lang
	}
naive:
	for _, e := range errs {
		if e.Warning {
			continue // a warning printed before the trace is not one
		}
		for _, f := range e.Frames {
			if f.InApp && !f.CreatedBy {
				r.Naive = f.Path + " " + f.Symbol
				r.NaiveFile, r.NaiveFunc = files[f.Path], funcs[r.Naive]
				r.Category = "repository paths"
				if dependencyMark.MatchString(strings.ReplaceAll(f.File, `\`, "/")) {
					r.Category = "dependency paths"
				}
				break naive
			}
		}
	}
	if r.Category == "" {
		r.Category = "no in-repo frame"
	}
	r.AtAFrame = fixAtAFrame(errs, funcs)
	r.Note = strings.Join(out.Notes, "; ")
	return r, nil
}

// fixAtAFrame reports whether a function the fix changed is an in-repo
// frame of any trace in the text.
func fixAtAFrame(errs []trace.Error, funcs map[string]bool) bool {
	for _, e := range errs {
		for _, f := range e.Frames {
			if f.InApp && funcs[f.Path+" "+f.Symbol] {
				return true
			}
		}
	}
	return false
}

var hunk = regexp.MustCompile(`^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@`)

// changed maps the fix's hunks in code files (not tests, not docs) to the
// files and the "path symbol" of the chunks they fall in at the parent.
func changed(ix *memory.Index, diff string) (files, funcs map[string]bool) {
	files, funcs = map[string]bool{}, map[string]bool{}
	var cur string
	sc := bufio.NewScanner(strings.NewReader(diff))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		l := sc.Text()
		if p, ok := strings.CutPrefix(l, "--- a/"); ok {
			cur = p
			if !isCode(cur) {
				cur = ""
			}
			continue
		}
		if strings.HasPrefix(l, "--- /dev/null") {
			cur = ""
			continue
		}
		m := hunk.FindStringSubmatch(l)
		if m == nil || cur == "" {
			continue
		}
		start, _ := strconv.Atoi(m[1])
		n := 1
		if m[2] != "" {
			n, _ = strconv.Atoi(m[2])
		}
		lines := []int{start}
		if n > 0 {
			lines = lines[:0]
			for i := start; i < start+n; i++ {
				lines = append(lines, i)
			}
		}
		for _, line := range lines {
			// A changed line outside every chunk (the blank line after a
			// function that the fix extends) counts for the chunk before it;
			// a line of a Rust #[cfg(test)] module is the fix's test.
			for _, at := range []int{max(line, 1), line - 1} {
				c, ok := ix.ChunkAt(cur, max(at, 1))
				if ok && c.Kind == chunk.Test {
					break
				}
				files[cur] = true
				if ok && c.Symbol != "" {
					funcs[cur+" "+c.Symbol] = true
					break
				}
			}
		}
	}
	return files, funcs
}

// pastedLog reads the case's log from traces/. A log quoted from the
// commit message must be those lines of it, verbatim.
func pastedLog(work string, c tcase, traces string) (string, error) {
	file := filepath.Join(traces, strings.Split(c.repo, "+")[1]+"-"+c.fix+".txt")
	b, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("read the case's log: %w", err)
	}
	var from, to int
	if _, err := fmt.Sscanf(c.how, "message L%d-L%d", &from, &to); err == nil {
		msg, err := git(work, "show", "-s", "--format=%B", c.fix)
		if err != nil {
			return "", err
		}
		lines := strings.Split(msg, "\n")
		if to > len(lines) || from < 1 || strings.Join(lines[from-1:to], "\n")+"\n" != string(b) {
			return "", fmt.Errorf("%s is not lines %d-%d of the commit message", file, from, to)
		}
	}
	return string(b), nil
}

// codeExts are the languages whose files count as the fix's code.
var codeExts = map[string]bool{".go": true, ".py": true, ".js": true, ".mjs": true, ".cjs": true, ".ts": true, ".java": true, ".kt": true, ".rs": true}

// isCode tells a changed file that is the fix's code: a source file of one
// of codeExts that is not a test (by its name or a test folder).
func isCode(p string) bool {
	if !codeExts[path.Ext(p)] {
		return false
	}
	base := path.Base(p)
	for _, suf := range []string{"_test.go", "_test.py", ".test.js", ".test.ts", ".spec.js", ".spec.ts", "Test.java", "Tests.java", "Test.kt"} {
		if strings.HasSuffix(base, suf) {
			return false
		}
	}
	if strings.HasPrefix(base, "test_") || strings.HasPrefix(p, "tests/") {
		return false
	}
	for _, dir := range strings.Split(path.Dir(p), "/") {
		switch dir {
		case "tests", "testing", "__tests__", "testdata":
			return false
		}
	}
	return !strings.Contains(p, "src/test/")
}

// dependencyMark matches a printed frame path in which the repository is
// a dependency of the program that crashed: the Go module cache, a GOPATH
// src/<host>/ tree, vendor/, site- or dist-packages, node_modules, the
// cargo registry and git checkouts, the Maven repository, an egg.
var dependencyMark = regexp.MustCompile(`/pkg/mod/|(^|/)src/[\w.-]+\.[a-z]+/|(^|/)vendor/|site-packages/|dist-packages/|node_modules/|cargo/registry/|cargo/git/checkouts/|/\.m2/|\.egg/`)

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func report(rs []result) {
	fmt.Println("| case | how | fix changed (functions) | suspect #1 | naive (first in-repo frame) | file top-1/top-3 | function top-1/top-3 | naive file/function | trace ms |")
	fmt.Println("|---|---|---|---|---|---|---|---|---:|")
	for _, r := range rs {
		top := "—"
		if len(r.Suspects) > 0 {
			top = r.Suspects[0]
		}
		name := r.Case
		if r.HeldOut {
			name += " (held out)"
		}
		fmt.Printf("| %s | %s | %s | %s | %s | %s/%s | %s/%s | %s/%s | %.0f |\n", name, strings.Fields(r.How)[0], orDash(strings.Join(r.Funcs, ", ")), top, orDash(r.Naive),
			yes(r.FileTop1), yes(r.FileTop3), yes(r.FuncTop1), yes(r.FuncTop3), yes(r.NaiveFile), yes(r.NaiveFunc), r.TraceMS)
	}
	fmt.Println()
	total(rs, "all", func(result) bool { return true })
	total(rs, "tune (the first 16 and the tune repositories of issue 12)", func(r result) bool { return !r.HeldOut })
	total(rs, "held out (the rest)", func(r result) bool { return r.HeldOut })
	var langs []string
	for _, r := range rs {
		if !slices.Contains(langs, r.Lang) {
			langs = append(langs, r.Lang)
		}
	}
	for _, lang := range langs {
		total(rs, "language "+orDash(lang), func(r result) bool { return r.Lang == lang })
	}
	for _, cat := range []string{"repository paths", "dependency paths", "no in-repo frame"} {
		total(rs, cat, func(r result) bool { return r.Category == cat })
		for _, half := range []bool{false, true} {
			name := cat + ", tune"
			if half {
				name = cat + ", held out"
			}
			total(rs, name, func(r result) bool { return r.Category == cat && r.HeldOut == half })
		}
	}
}

// total prints one line of counts over the results keep selects. File
// figures count every case; function figures count the cases whose fix
// has a function the index names (a fix inside CommonJS module code that
// the chunker gives no symbol has none), and say how many those are.
func total(rs []result, label string, keep func(result) bool) {
	var n, nf, f1, f3, g1, g3, naiveFile, naiveFunc, atAFrame int
	for _, r := range rs {
		if !keep(r) {
			continue
		}
		n++
		f1, f3, naiveFile = f1+b(r.FileTop1), f3+b(r.FileTop3), naiveFile+b(r.NaiveFile)
		if len(r.Funcs) > 0 {
			nf++
			g1, g3, naiveFunc = g1+b(r.FuncTop1), g3+b(r.FuncTop3), naiveFunc+b(r.NaiveFunc)
			atAFrame += b(r.AtAFrame)
		}
	}
	if n == 0 {
		return
	}
	pct := func(k, of int) string {
		if of == 0 {
			return "—"
		}
		return fmt.Sprintf("%d/%d (%.0f%%)", k, of, 100*float64(k)/float64(of))
	}
	fmt.Printf("%s, %d cases: file top-1 %s, top-3 %s; function top-1 %s, top-3 %s; naive file %s, function %s; fixed function at a frame %s\n",
		label, n, pct(f1, n), pct(f3, n), pct(g1, nf), pct(g3, nf), pct(naiveFile, n), pct(naiveFunc, nf), pct(atAFrame, nf))
}

func b(v bool) int {
	if v {
		return 1
	}
	return 0
}

func yes(v bool) string {
	if v {
		return "✓"
	}
	return "✗"
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
