package walk

import (
	"path"
	"slices"
	"sort"
	"strings"
)

// NewSuffix marks a test file that does not exist yet.
const NewSuffix = " (new)"

// TestHome is where a test for the file p belongs, given the repository's
// test files by directory: p's own test file (x_test.go, test_x.py,
// x.test.js, XTest.java) when it exists beside it, else the first test file
// of its directory, else, for Go, p's _test.go (marked NewSuffix), else
// the test file of the closest directory with tests, where one named after
// p wins (tests/test_x.py for src/pkg/x.py, or a mirrored tree's
// test/unit/adapters/http.js for lib/adapters/http.js) and, among equally
// close ones, the directory with the most tests; a folder of helpers or
// fixtures comes last. Only tests in p's language family count (a
// website's script.js has no home in a Java suite). "" when the repository
// has no such test and p is not Go.
func TestHome(p string, testsByDir map[string][]string) string {
	dir := path.Dir(p)
	ext := path.Ext(p)
	stem := strings.TrimLeft(strings.TrimSuffix(path.Base(p), ext), "-_") // okhttp's -UtilJvm.kt, Python's _utils.py
	own := []string{stem + "_test" + ext, "test_" + stem + ext, stem + ".test" + ext, stem + ".spec" + ext, stem + "Test" + ext}
	testsByDir = inFamilyOf(ext, testsByDir)
	if files := testsByDir[dir]; len(files) > 0 {
		for _, f := range files {
			if slices.Contains(own, path.Base(f)) {
				return f
			}
		}
		return firstTest(files)
	}
	if ext == ".go" {
		// Go tests live next to the code, in the package's directory.
		return path.Join(dir, stem+"_test.go") + NewSuffix
	}
	best, bestScore := "", -1
	dirs := make([]string, 0, len(testsByDir))
	for d := range testsByDir {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	for _, d := range dirs {
		files := testsByDir[d]
		if len(files) == 0 || IsExample(d+"/") && !IsExample(p) {
			continue // an example's tests test the example
		}
		// Closer folders first; among equals, the project's main suite
		// (tests/ with thirty files, not an example's tests/ with two).
		cand, score := firstTest(files), 1000*closeness(d, dir)+min(len(files), 999)
		if setupDir(d) {
			score -= 999
		}
		for _, f := range files {
			if slices.Contains(own, path.Base(f)) || path.Base(f) == path.Base(p) && !setupFile(f) {
				cand, score = f, score+100000
				break
			}
		}
		if score > bestScore {
			best, bestScore = cand, score
		}
	}
	return best
}

// languageFamily groups the extensions whose code one suite can test.
var languageFamily = map[string]string{
	".js": "js", ".jsx": "js", ".mjs": "js", ".cjs": "js", ".ts": "js", ".tsx": "js", ".mts": "js", ".cts": "js", ".vue": "js", ".svelte": "js",
	".java": "jvm", ".kt": "jvm", ".kts": "jvm", ".scala": "jvm", ".groovy": "jvm",
	".py": "py", ".pyi": "py",
	".c": "c", ".h": "c", ".cc": "c", ".cpp": "c", ".cxx": "c", ".hpp": "c",
}

// LanguageFamily is the family of a file extension ("js" for .ts and .jsx,
// "jvm" for .kt, "py", "c"), or the extension itself when it has none.
func LanguageFamily(ext string) string {
	if f, ok := languageFamily[ext]; ok {
		return f
	}
	return ext
}

// inFamilyOf keeps the test files of ext's language family.
func inFamilyOf(ext string, testsByDir map[string][]string) map[string][]string {
	want := LanguageFamily(ext)
	out := make(map[string][]string, len(testsByDir))
	for d, files := range testsByDir {
		for _, f := range files {
			if LanguageFamily(path.Ext(f)) == want {
				out[d] = append(out[d], f)
			}
		}
	}
	return out
}

// firstTest is the first of a folder's test files (sorted) that holds
// tests rather than their setup: conftest.py and __init__.py come last.
func firstTest(files []string) string {
	best := ""
	for _, f := range files {
		if setupFile(f) {
			continue
		}
		if best == "" || f < best {
			best = f
		}
	}
	if best == "" {
		return slices.Min(files)
	}
	return best
}

// setupFile: a file that sets tests up or helps them (conftest.py,
// __helpers.js, spec_helper.rb) rather than holding them.
func setupFile(p string) bool {
	base := path.Base(p)
	switch base {
	case "conftest.py", "__init__.py", "setup.js", "jest.setup.js":
		return true
	}
	stem := strings.TrimSuffix(base, path.Ext(base))
	return strings.HasPrefix(base, "_") || slices.Contains([]string{"helper", "helpers", "test_helper", "spec_helper", "testutil", "testutils", "fixtures"}, stem)
}

// setupDir: a test folder of helpers, fixtures, mocks or data, or one
// inside such a folder (black's tests/data/cases holds the files its
// tests format).
func setupDir(d string) bool {
	for _, seg := range strings.Split(d, "/") {
		if slices.Contains([]string{"helpers", "helper", "fixtures", "__fixtures__", "mocks", "__mocks__", "support", "testdata", "data"}, seg) {
			return true
		}
	}
	return false
}

// closeness is how many directories a test folder shares with a code
// folder, from the root and from the end: a mirrored tree shares its
// package path (okhttp/src/commonTest/kotlin/okhttp3/internal/dns for
// okhttp/src/commonJvmAndroid/kotlin/okhttp3/internal/dns, tests/sub for
// src/pkg/sub).
func closeness(test, code string) int {
	pa, pb := strings.Split(test, "/"), strings.Split(code, "/")
	tail := 0
	for tail < len(pa) && tail < len(pb) && pa[len(pa)-1-tail] == pb[len(pb)-1-tail] {
		tail++
	}
	return min(SharedDirs(test, code)+tail, len(pa), len(pb))
}

// SharedDirs counts the leading directories a and b share.
func SharedDirs(a, b string) int {
	pa, pb := strings.Split(a, "/"), strings.Split(b, "/")
	n := 0
	for n < len(pa) && n < len(pb) && pa[n] == pb[n] {
		n++
	}
	return n
}
