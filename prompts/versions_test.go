package prompts

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// lockFile records name, version and hash of every embedded prompt. A
// prompt whose file changed while its version did not fails the test: the
// decision log names prompts by version and hash, and one version must
// mean one text. UPDATE_PROMPTS=true rewrites the file once the versions
// are bumped.
const lockFile = "versions.lock"

type lockEntry struct{ version, hash string }

func TestPromptVersionsLock(t *testing.T) {
	set := loadEmbedded(t)
	locked, err := readLock(lockFile)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var problems []string
	for _, p := range set.List() {
		old, ok := locked[p.Name]
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("%s %s is not in %s", p.Name, p.Version, lockFile))
		case old.hash != p.Hash && old.version == p.Version:
			t.Errorf("prompt %s changed (hash %s, was %s) but its version is still %s: bump the version in %s.md", p.Name, p.Hash, old.hash, p.Version, p.Name)
		case old.version != p.Version && semverLess(p.Version, old.version):
			t.Errorf("prompt %s: version %s is lower than the locked %s; versions only go up", p.Name, p.Version, old.version)
		case old != (lockEntry{p.Version, p.Hash}):
			problems = append(problems, fmt.Sprintf("%s is %s %s, locked as %s %s", p.Name, p.Version, p.Hash, old.version, old.hash))
		}
	}
	for name := range locked {
		if _, ok := set.Get(name); !ok {
			problems = append(problems, fmt.Sprintf("%s is locked but no longer embedded", name))
		}
	}
	if len(problems) == 0 || t.Failed() {
		return
	}
	if os.Getenv("UPDATE_PROMPTS") != "true" {
		t.Fatalf("%s is stale; run UPDATE_PROMPTS=true go test ./prompts/ -run PromptVersionsLock:\n  %s", lockFile, strings.Join(problems, "\n  "))
	}
	if err := writeLock(lockFile, set); err != nil {
		t.Fatal(err)
	}
	t.Logf("updated %s:\n  %s", lockFile, strings.Join(problems, "\n  "))
}

func readLock(path string) (map[string]lockEntry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]lockEntry{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 3 {
			return nil, fmt.Errorf("%s: bad line %q, want: name version hash", path, line)
		}
		out[f[0]] = lockEntry{f[1], f[2]}
	}
	return out, sc.Err()
}

func writeLock(path string, set Set) error {
	var b strings.Builder
	b.WriteString("# name version sha256-prefix of each embedded prompt file; written by\n# UPDATE_PROMPTS=true go test ./prompts/ -run PromptVersionsLock\n")
	list := set.List()
	sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
	for _, p := range list {
		fmt.Fprintf(&b, "%s %s %s\n", p.Name, p.Version, p.Hash)
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// semverLess compares MAJOR.MINOR.PATCH; a pre-release sorts before its release.
func semverLess(a, b string) bool {
	pa, pb := semverParts(a), semverParts(b)
	for i := 0; i < 3; i++ {
		if pa[i] != pb[i] {
			return pa[i] < pb[i]
		}
	}
	return strings.Contains(a, "-") && !strings.Contains(b, "-")
}

func semverParts(v string) [3]int {
	var out [3]int
	core, _, _ := strings.Cut(strings.SplitN(v, "+", 2)[0], "-")
	for i, s := range strings.SplitN(core, ".", 3) {
		out[i], _ = strconv.Atoi(s)
	}
	return out
}

func TestPromptSemverLess(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{{"1.0.0", "1.0.1", true}, {"1.10.0", "1.9.0", false}, {"2.0.0-rc.1", "2.0.0", true}, {"2.0.0", "2.0.0", false}} {
		if got := semverLess(c.a, c.b); got != c.want {
			t.Errorf("semverLess(%s, %s) = %v", c.a, c.b, got)
		}
	}
}
