package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

func TestDescribeBuild(t *testing.T) {
	platform := runtime.GOOS + "/" + runtime.GOARCH
	stamped := []debug.BuildSetting{
		{Key: "-trimpath", Value: "true"},
		{Key: "vcs", Value: "git"},
		{Key: "vcs.revision", Value: "c9952a91f0e1d2c3b4a5968778695a4b3c2d1e0f"},
		{Key: "vcs.time", Value: "2026-12-04T20:45:00Z"},
		{Key: "vcs.modified", Value: "false"},
	}
	dirty := append(append([]debug.BuildSetting(nil), stamped[:4]...), debug.BuildSetting{Key: "vcs.modified", Value: "true"})
	for _, tc := range []struct {
		name   string
		linked string
		info   *debug.BuildInfo
		want   string
	}{
		{"go install module@version", "", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.3.0"}},
			"devai v0.3.0 (go1.26.8, " + platform + ")"},
		{"-buildvcs=false in a checkout", "", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}},
			"devai (devel) (go1.26.8, " + platform + ")"},
		{"git checkout with changes", "", &debug.BuildInfo{GoVersion: "go1.26.8",
			Main: debug.Module{Version: "v0.0.0-20261204204500-c9952a91f0e1+dirty"}, Settings: dirty},
			"devai v0.0.0-20261204204500-c9952a91f0e1+dirty (commit c9952a91f0e1, 2026-12-04T20:45:00Z, modified, go1.26.8, " + platform + ")"},
		{"release build: version set at link time", "v0.3.0", &debug.BuildInfo{GoVersion: "go1.26.8",
			Main: debug.Module{Version: "v0.3.0"}, Settings: stamped},
			"devai v0.3.0 (commit c9952a91f0e1, 2026-12-04T20:45:00Z, go1.26.8, " + platform + ")"},
		{"link-time version differs from the module's", "v0.3.1-rc1", &debug.BuildInfo{GoVersion: "go1.26.8",
			Main: debug.Module{Version: "(devel)"}, Settings: stamped[:3]},
			"devai v0.3.1-rc1 (module (devel), commit c9952a91f0e1, go1.26.8, " + platform + ")"},
		{"no build info", "", nil, "devai (devel) (" + platform + ")"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := describeBuild(tc.linked, tc.info); got != tc.want {
				t.Errorf("describeBuild:\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}

// TestVersionOfABuiltBinary builds devai as a user would and reads what
// `devai version` says: "(devel)" without version control information; from
// a git checkout, the link-time version, the module's (a pseudo-version
// stamped from git) and the commit.
func TestVersionOfABuiltBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds devai twice")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("needs git")
	}
	head, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skipf("not in a git checkout: %v", err)
	}
	// The go command stamps the commit only where .git is a folder: not
	// in a git worktree, where it is a file.
	linked := `^devai v9\.8\.7 \(module \(devel\), go1\.`
	if root, err := exec.Command("git", "rev-parse", "--show-toplevel").Output(); err == nil {
		if fi, err := os.Stat(filepath.Join(strings.TrimSpace(string(root)), ".git")); err == nil && fi.IsDir() {
			linked = `^devai v9\.8\.7 \(module v\S+, commit ` + string(head[:12]) + `, \d{4}-\d\d-\d\dT[^,]+, (modified, )?go1\.`
		} else {
			t.Log("a git worktree: the go command stamps no commit")
		}
	}
	dir := t.TempDir()
	for _, tc := range []struct {
		name  string
		flags []string
		want  *regexp.Regexp
	}{
		{"-buildvcs=false", []string{"-buildvcs=false"}, regexp.MustCompile(`^devai \(devel\) \(go1\.[^,]+, [a-z0-9]+/[a-z0-9]+\)$`)},
		{"git checkout, version set at link time", []string{"-buildvcs=auto", "-ldflags=-X main.buildVersion=v9.8.7"}, regexp.MustCompile(linked)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bin := filepath.Join(dir, strings.NewReplacer(" ", "_", "=", "_", ".", "_").Replace(tc.name)+".exe")
			build := exec.Command("go", append(append([]string{"build", "-o", bin}, tc.flags...), ".")...)
			build.Env = append(os.Environ(), "GOFLAGS=") // the flags here, not the environment's
			if out, err := build.CombinedOutput(); err != nil {
				t.Fatalf("go build %v: %v\n%s", tc.flags, err, out)
			}
			out, err := exec.Command(bin, "version").Output()
			if err != nil {
				t.Fatal(err)
			}
			if line := strings.TrimSpace(string(out)); !tc.want.MatchString(line) {
				t.Errorf("devai version = %q, want it to match %s", line, tc.want)
			}
		})
	}
}
