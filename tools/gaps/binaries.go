package gaps

import (
	"path"
	"regexp"
	"strings"
)

// binaryUse is how a Rust integration test runs the package's binary:
// Cargo gives it the binary's path as CARGO_BIN_EXE_<name>, and
// assert_cmd finds it with cargo_bin("name").
var binaryUse = regexp.MustCompile(`CARGO_BIN_EXE_([\w-]+)|cargo_bin!?\(\s*"([\w-]+)"`)

// testedBinaryMains are the main functions of the binaries the tests run
// as a process (fd's tests/tests.rs runs fd on a temporary tree for every
// option): they and all they reach are tested, although no symbol-graph
// edge crosses the process boundary.
func (a *analysis) testedBinaryMains() []string {
	run := map[string]bool{}
	for _, files := range a.testFilesByDir {
		for _, f := range files {
			for _, m := range binaryUse.FindAllStringSubmatch(strings.Join(a.lines(f), "\n"), -1) {
				run[m[1]+m[2]] = true
			}
		}
	}
	if len(run) == 0 {
		return nil
	}
	var mains []string
	for _, c := range a.code {
		if c.Language == "Rust" && c.Symbol == "main" && runsAsBinary(c.Path, run) {
			mains = append(mains, c.Symbol)
		}
	}
	return mains
}

// runsAsBinary reports whether the Rust file is the main of a binary the
// tests run: a package's src/main.rs (its default binary, or a [[bin]]
// that points there), or src/bin/NAME.rs and src/bin/NAME/main.rs.
func runsAsBinary(file string, run map[string]bool) bool {
	if path.Base(file) == "main.rs" && path.Base(path.Dir(file)) == "src" {
		return true
	}
	dir, base := path.Split(file)
	if name := strings.TrimSuffix(base, ".rs"); path.Base(dir) == "bin" && run[name] {
		return true
	}
	return base == "main.rs" && path.Base(path.Dir(dir)) == "bin" && run[path.Base(dir)]
}
