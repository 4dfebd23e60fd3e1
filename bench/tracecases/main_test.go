package main

import (
	"os"
	"strings"
	"testing"
)

// TestSplitsFile checks that every repository of the cases added for
// issue 12 is written down in splits.txt, in the half the rule gives it,
// so that a case cannot be run before its half is on record.
func TestSplitsFile(t *testing.T) {
	b, err := os.ReadFile("splits.txt")
	if err != nil {
		t.Fatal(err)
	}
	written := map[string]string{}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) == 2 && !strings.HasPrefix(l, "#") {
			written[strings.Replace(f[0], "/", "+", 1)] = f[1]
		}
	}
	for i, c := range cases {
		if i < preIssue12 {
			continue
		}
		want := "tune"
		if splitOf(i, c.repo) {
			want = "held-out"
		}
		if got, ok := written[c.repo]; !ok || got != want {
			t.Errorf("case %d (%s): splits.txt says %q, the rule says %q", i, caseName(c), got, want)
		}
	}
}

// TestIsCode: the fix's code is source in any of the five languages,
// never its tests.
func TestIsCode(t *testing.T) {
	for path, want := range map[string]bool{
		"pgconn/pgconn.go":          true,
		"pgconn/pgconn_test.go":     false,
		"sphinx/util/__init__.py":   true,
		"tests/test_util.py":        false,
		"testing/test_terminal.py":  false,
		"lib/rules/indent.js":       true,
		"tests/lib/rules/indent.js": false,
		"src/main/java/com/fasterxml/jackson/databind/ser/std/MapSerializer.java":         true,
		"src/test/java/com/fasterxml/jackson/databind/convert/MapConversion4878Test.java": false,
		"src/proto/h2/client.rs": true,
		"tests/test.rs":          false,
		"CHANGES.rst":            false,
		"lib/index.d.ts.md":      false,
	} {
		if got := isCode(path); got != want {
			t.Errorf("isCode(%q) = %v, want %v", path, got, want)
		}
	}
}

// TestDependencyMark: the printed paths in which the repository is a
// dependency of the program that crashed, and ones in which it is not.
func TestDependencyMark(t *testing.T) {
	for file, want := range map[string]bool{
		"/go/pkg/mod/github.com/jackc/pgx/v5@v5.5.0/pgconn/pgconn.go":                               true,
		"/home/andrezen/go/src/github.com/nats-io/nats.go/nats.go":                                  true,
		"src/github.com/restic/restic/internal/backend/gs/gs.go":                                    true,
		"vendor/gopkg.in/src-d/go-git.v4/plumbing/format/packfile/diff_delta.go":                    true,
		"/usr/local/lib/python3.5/site-packages/urllib3/connectionpool.py":                          true,
		"/usr/lib/python2.7/dist-packages/sphinx/transforms.py":                                     true,
		"/usr/local/lib/node_modules/eslint/lib/rules/no-extra-strict.js":                           true,
		`C:\Workspace\app\node_modules\eslint\lib\rules\consistent-return.js`:                       true,
		"/home/u/.cargo/registry/src/github.com-1ecc6299db9ec823/tokio-0.2.14/src/queue.rs":         true,
		"/home/undeadleech/.cargo/git/checkouts/clap-78dbe9b58f9073fe/dabb571/src/parser/parser.rs": true,
		"/home/runner/work/syncthing/syncthing/lib/model/model.go":                                  false,
		"/home/pbrezina/workspace/pytest/src/_pytest/terminal.py":                                   false,
		"path/to/lib/rules/indent.js":                                                               false,
		"/usr/local/go/src/runtime/panic.go":                                                        false,
	} {
		if got := dependencyMark.MatchString(strings.ReplaceAll(file, `\`, "/")); got != want {
			t.Errorf("dependency path %q: %v, want %v", file, got, want)
		}
	}
}
