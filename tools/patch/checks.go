package patch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/format"
	"go/parser"
	"go/token"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/devaiops/devai/tools/tool"
)

const outputTail = 4000

// checker runs the checks of one proposal.
type checker struct {
	b       *base
	repoDir string
	id      string
	changed []*file
	diff    string
	tests   []Test
	opts    RunOptions
	goTmp   string // GOTMPDIR for build and test: inside the scratch folder
}

// wantChecks validates the caller's list; empty means all.
func wantChecks(list []string) (map[string]bool, error) {
	all := []string{CheckApply, CheckFormat, CheckBuild, CheckTest}
	if len(list) == 0 {
		list = all
	}
	want := map[string]bool{}
	for _, c := range list {
		c = strings.ToLower(strings.TrimSpace(c))
		switch c {
		case CheckApply, CheckFormat, CheckBuild, CheckTest:
			want[c] = true
		default:
			return nil, tool.Inputf("unknown check %q: use apply, format, build, test", c)
		}
	}
	return want, nil
}

// run runs the wanted checks and says why build and test ran or not.
func (c *checker) run(ctx context.Context, want map[string]bool) ([]CheckResult, string) {
	var out []CheckResult
	if want[CheckApply] {
		out = append(out, timed(CheckApply, func() (string, string, string) { return c.apply(ctx) }))
	}
	if want[CheckFormat] {
		out = append(out, timed(CheckFormat, c.format))
	}
	execWanted := want[CheckBuild] || want[CheckTest]
	switch {
	case !execWanted:
		return out, "build and test were not asked for"
	case !c.opts.AllowExec:
		for _, name := range []string{CheckBuild, CheckTest} {
			if want[name] {
				out = append(out, CheckResult{Name: name, Status: StatusSkipped, Output: "running the repository's code is not allowed here; only static checks ran (start devai with --allow-exec or DEVAI_ALLOW_EXEC=1 to build and test)", Duration: "0s"})
			}
		}
		return out, "static checks only: running the repository's code (build, tests) is off; the repository owner turns it on with --allow-exec or DEVAI_ALLOW_EXEC=1"
	}
	if !c.hasGo() {
		for _, name := range []string{CheckBuild, CheckTest} {
			if want[name] {
				out = append(out, CheckResult{Name: name, Status: StatusSkipped, Output: "no Go file or go.mod changed; other stacks have no build command configured", Duration: "0s"})
			}
		}
		return out, "exec allowed; nothing to build"
	}
	start := time.Now()
	c.opts.Progress.Report("scratch: writing the base tree and the edits to a scratch copy")
	root, dir, err := c.export()
	prep := CheckResult{Name: "scratch", Duration: time.Since(start).Round(time.Millisecond).String(), Millis: time.Since(start).Milliseconds(), Status: StatusPass, Output: "base tree and edits written to a scratch copy"}
	if err != nil {
		prep.Status, prep.Output = StatusFail, err.Error()
		return append(out, prep), "exec allowed, but the scratch copy failed"
	}
	defer os.RemoveAll(root)
	c.goTmp = filepath.Join(root, "gotmp")
	out = append(out, prep)
	mods := c.modules(dir)
	if want[CheckBuild] {
		out = append(out, c.build(ctx, dir, mods))
	}
	if want[CheckTest] {
		out = append(out, c.test(ctx, dir, mods))
	}
	return out, "exec allowed: build and tests ran in a scratch copy of base with the edits, which was removed afterwards"
}

func timed(name string, f func() (status, cmd, output string)) CheckResult {
	start := time.Now()
	status, cmd, output := f()
	d := time.Since(start)
	return CheckResult{Name: name, Status: status, Command: cmd, Output: tail(output), Duration: d.Round(time.Millisecond).String(), Millis: d.Milliseconds()}
}

func tail(s string) string {
	if len(s) > outputTail {
		return "…" + s[len(s)-outputTail:]
	}
	return s
}

// apply checks that the diff turns base into the edited files: devai's own
// applier always (no command needed), and `git apply --cached --check`
// against base in a throwaway index file when git is installed.
func (c *checker) apply(ctx context.Context) (string, string, string) {
	fps, err := parseUnified(c.diff)
	if err != nil {
		return StatusFail, "", "the generated diff does not parse: " + err.Error()
	}
	byPath := map[string]*file{}
	for _, f := range c.changed {
		byPath[f.path] = f
	}
	for _, fp := range fps {
		p := fp.newPath
		if p == "" {
			p = fp.oldPath
		}
		f := byPath[p]
		if f == nil {
			return StatusFail, "", "the diff names " + p + ", which no edit changed"
		}
		got, _, err := applyHunks(string(f.old), fp.hunks, usesCRLF(f.old))
		if err != nil || got != string(f.new) {
			return StatusFail, "", fmt.Sprintf("the diff of %s does not reproduce the edited file (%v)", p, err)
		}
	}
	gitBin, err := exec.LookPath("git")
	if err != nil {
		return StatusPass, "devai applier", "the diff applies to base (devai's applier; git is not installed)"
	}
	tmp, err := newScratch(os.TempDir(), "apply")
	if err != nil {
		return StatusFail, "", err.Error()
	}
	defer os.RemoveAll(tmp)
	patchFile := filepath.Join(tmp, "proposal.diff")
	if err := os.WriteFile(patchFile, []byte(c.diff), 0o600); err != nil {
		return StatusFail, "", err.Error()
	}
	env := append(os.Environ(), "GIT_INDEX_FILE="+filepath.Join(tmp, "index"))
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	cmdline := "git read-tree " + c.b.commit.Hash.String()[:12] + " && git apply --cached --check (in a throwaway index)"
	for _, args := range [][]string{{"read-tree", c.b.commit.Hash.String()}, {"apply", "--cached", "--check", patchFile}} {
		cmd := exec.CommandContext(ctx, gitBin, args...)
		cmd.Dir, cmd.Env = c.repoDir, env
		if out, err := cmd.CombinedOutput(); err != nil {
			return StatusFail, cmdline, fmt.Sprintf("git %s: %v\n%s", args[0], err, out)
		}
	}
	return StatusPass, cmdline, "the diff applies to base (devai's applier and git apply --check)"
}

// format parses the changed Go files and checks they are gofmt-formatted.
func (c *checker) format() (string, string, string) {
	var problems []string
	n := 0
	for _, f := range c.changed {
		if !f.newExists || !strings.HasSuffix(f.path, ".go") {
			continue
		}
		n++
		fset := token.NewFileSet()
		if _, err := parser.ParseFile(fset, f.path, f.new, parser.AllErrors); err != nil {
			problems = append(problems, "parse error: "+err.Error())
			continue
		}
		formatted, err := format.Source(f.new)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", f.path, err))
		} else if !bytes.Equal(formatted, f.new) {
			problems = append(problems, fmt.Sprintf("%s: not gofmt-formatted (line %d is the first that differs)", f.path, firstDiffLine(f.new, formatted)))
		}
	}
	if n == 0 {
		return StatusSkipped, "", "no Go file changed; no formatter is configured for other files"
	}
	if len(problems) > 0 {
		return StatusFail, "gofmt -l (in process)", strings.Join(problems, "\n")
	}
	return StatusPass, "gofmt -l (in process)", fmt.Sprintf("%d Go file(s) parse and are gofmt-formatted", n)
}

func firstDiffLine(a, b []byte) int {
	la, lb := splitLines(string(a)), splitLines(string(b))
	for i := range la {
		if i >= len(lb) || la[i] != lb[i] {
			return i + 1
		}
	}
	return len(la) + 1
}

func (c *checker) hasGo() bool {
	for _, f := range c.changed {
		if strings.HasSuffix(f.path, ".go") || path.Base(f.path) == "go.mod" {
			return true
		}
	}
	return false
}

// export writes base's tree with the edits applied to a new scratch
// folder: a plain copy, so git's worktree list is not touched either. It
// returns the folder to remove (with its owner file, and gotmp/ for the go
// command's own work files, so that a killed run leaves nothing the next
// one does not find) and the tree inside it.
func (c *checker) export() (root, tree string, err error) {
	root, err = newScratch(os.TempDir(), "proposal-"+c.id)
	if err != nil {
		return "", "", fmt.Errorf("scratch copy: %w", err)
	}
	tree = filepath.Join(root, "tree")
	if err = os.Mkdir(filepath.Join(root, "gotmp"), 0o700); err == nil {
		err = os.Mkdir(tree, 0o700)
	}
	if err == nil {
		err = c.b.tree.Files().ForEach(func(f *object.File) error {
			if f.Mode != filemode.Regular && f.Mode != filemode.Executable {
				return nil // links and submodules stay out of the scratch copy
			}
			r, err := f.Reader()
			if err != nil {
				return err
			}
			defer r.Close()
			return writeFile(filepath.Join(tree, filepath.FromSlash(f.Name)), r, f.Mode == filemode.Executable)
		})
	}
	if err == nil {
		for _, f := range c.changed {
			dst := filepath.Join(tree, filepath.FromSlash(f.path))
			if !f.newExists {
				err = os.Remove(dst)
			} else {
				err = writeFile(dst, bytes.NewReader(f.new), f.mode == filemode.Executable)
			}
			if err != nil {
				break
			}
		}
	}
	if err != nil {
		os.RemoveAll(root)
		return "", "", fmt.Errorf("scratch copy: %w", err)
	}
	return root, tree, nil
}

func writeFile(dst string, r io.Reader, executable bool) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	perm := os.FileMode(0o644)
	if executable {
		perm = 0o755
	}
	w, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, perm)
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, r); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}

// modules maps each changed Go file's module root (repo-relative, "" for
// the root) to the package directories changed in it.
func (c *checker) modules(dir string) map[string][]string {
	mods := map[string][]string{}
	for _, f := range c.changed {
		if !strings.HasSuffix(f.path, ".go") && path.Base(f.path) != "go.mod" {
			continue
		}
		mod, ok := moduleOf(dir, path.Dir(f.path))
		if !ok {
			continue
		}
		pkg := path.Dir(f.path)
		if f.newExists || path.Base(f.path) != "go.mod" {
			mods[mod] = appendUnique(mods[mod], pkg)
		}
	}
	return mods
}

// moduleOf finds the nearest directory at or above d with a go.mod.
func moduleOf(root, d string) (string, bool) {
	for {
		if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(d), "go.mod")); err == nil {
			if d == "." {
				return "", true
			}
			return d, true
		}
		if d == "." || d == "/" || d == "" {
			return "", false
		}
		d = path.Dir(d)
	}
}

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func (c *checker) build(ctx context.Context, dir string, mods map[string][]string) CheckResult {
	start := time.Now()
	res := CheckResult{Name: CheckBuild, Status: StatusPass}
	var cmds, outs []string
	if len(mods) == 0 {
		res.Status, res.Output = StatusSkipped, "the changed Go files are in no module (no go.mod above them)"
	}
	for _, mod := range sortedKeys(mods) {
		args := []string{"build", "-trimpath", "./..."}
		cmds = append(cmds, "(cd "+orDot(mod)+" && go "+strings.Join(args, " ")+")")
		c.opts.Progress.Report("build: go build ./... in " + orDot(mod))
		out, err := c.goCmd(ctx, filepath.Join(dir, filepath.FromSlash(mod)), args)
		outs = append(outs, out)
		if err != nil {
			res.Status = StatusFail
			outs = append(outs, err.Error())
		}
	}
	res.Command, res.Output = strings.Join(cmds, "; "), tail(strings.TrimSpace(strings.Join(outs, "\n")+"\n"+res.Output))
	res.Millis = time.Since(start).Milliseconds()
	res.Duration = time.Since(start).Round(time.Millisecond).String()
	return res
}

func orDot(s string) string {
	if s == "" {
		return "."
	}
	return s
}

// test runs the impacted tests of each module (go test -run), or, when no
// test references the touched symbols, the tests of the changed packages.
func (c *checker) test(ctx context.Context, dir string, mods map[string][]string) CheckResult {
	start := time.Now()
	res := CheckResult{Name: CheckTest, Status: StatusPass}
	var cmds, outs []string
	for _, mod := range sortedKeys(mods) {
		byPkg := map[string][]string{}
		for _, t := range c.tests {
			if t.Package == "" {
				continue
			}
			if strings.HasPrefix(t.Name, "Benchmark") {
				continue // -run does not run benchmarks
			}
			if m, ok := moduleOf(dir, t.Package); ok && m == mod {
				byPkg[t.Package] = appendUnique(byPkg[t.Package], t.Name)
			}
		}
		args := []string{"test", "-trimpath", "-count=1"}
		if len(byPkg) > 0 {
			var names []string
			for _, pkg := range sortedKeys(byPkg) {
				names = append(names, byPkg[pkg]...)
			}
			sort.Strings(names)
			args = append(args, "-run", "^("+strings.Join(names, "|")+")$")
			for _, pkg := range sortedKeys(byPkg) {
				args = append(args, "./"+relTo(mod, pkg))
			}
		} else {
			outs = append(outs, "no test references the touched symbols: running the tests of the changed packages")
			n := len(args)
			for _, pkg := range mods[mod] {
				if hasGoFiles(filepath.Join(dir, filepath.FromSlash(pkg))) {
					args = append(args, "./"+relTo(mod, pkg))
				}
			}
			if len(args) == n {
				outs = append(outs, "(the changed packages have no Go files left)")
				continue
			}
		}
		cmds = append(cmds, "(cd "+orDot(mod)+" && go "+quoteArgs(args)+")")
		c.opts.Progress.Report("test: go " + quoteArgs(args) + " in " + orDot(mod))
		out, err := c.goCmd(ctx, filepath.Join(dir, filepath.FromSlash(mod)), args)
		outs = append(outs, out)
		if err != nil {
			res.Status = StatusFail
			outs = append(outs, err.Error())
		}
	}
	if len(mods) == 0 {
		res.Status = StatusSkipped
		outs = append(outs, "the changed Go files are in no module (no go.mod above them)")
	}
	res.Command, res.Output = strings.Join(cmds, "; "), tail(strings.TrimSpace(strings.Join(outs, "\n")))
	res.Millis = time.Since(start).Milliseconds()
	res.Duration = time.Since(start).Round(time.Millisecond).String()
	return res
}

func quoteArgs(args []string) string {
	out := make([]string, len(args))
	for i, a := range args {
		if strings.ContainsAny(a, "^$|() ") {
			a = "'" + a + "'"
		}
		out[i] = a
	}
	return strings.Join(out, " ")
}

func relTo(mod, pkg string) string {
	if mod == "" {
		if pkg == "." {
			return ""
		}
		return pkg + "/"
	}
	r := strings.TrimPrefix(strings.TrimPrefix(pkg, mod), "/")
	if r == "" {
		return ""
	}
	return r + "/"
}

// goCmd runs the go command with the check timeout, killing its whole
// process group when the time is up. Build and test pass -trimpath: each
// scratch copy has a new directory, and without it the directory is part
// of every package's build-cache key, so nothing of the repository's own
// packages would ever be reused (measured on prometheus: a full rebuild,
// minutes, on every proposal).
func (c *checker) goCmd(ctx context.Context, dir string, args []string) (string, error) {
	timeout := c.opts.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	env := []string{"GOWORK=off"}
	if c.goTmp != "" {
		env = append(env, "GOTMPDIR="+c.goTmp) // go's work files go with the scratch folder
	}
	var buf bytes.Buffer
	// go test's per-package verdicts ("ok  pkg 0.2s", "FAIL pkg") are the
	// progress of a long test run.
	verdicts := &tool.LineReporter{Progress: c.opts.Progress, Keep: func(line string) bool {
		return strings.HasPrefix(line, "ok  ") || strings.HasPrefix(line, "FAIL\t") || strings.HasPrefix(line, "--- FAIL")
	}}
	err := tool.RunGo(ctx, tool.GoRun{Dir: dir, Args: args, Env: env, Timeout: timeout, Output: io.MultiWriter(&buf, verdicts)})
	if err != nil && !errors.Is(err, tool.ErrTimedOut) {
		err = fmt.Errorf("go %s: %w", args[0], err)
	}
	return buf.String(), err
}

// hasGoFiles reports whether dir holds a .go file (a package go test can
// name); a package the proposal deleted has none.
func hasGoFiles(dir string) bool {
	matches, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	return len(matches) > 0
}
