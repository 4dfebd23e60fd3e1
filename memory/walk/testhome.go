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
// p wins (tests/test_x.py for src/pkg/x.py). "" when the repository has no
// test at all and p is not Go.
func TestHome(p string, testsByDir map[string][]string) string {
	dir := path.Dir(p)
	ext := path.Ext(p)
	stem := strings.TrimSuffix(path.Base(p), ext)
	own := []string{stem + "_test" + ext, "test_" + stem + ext, stem + ".test" + ext, stem + ".spec" + ext, stem + "Test" + ext}
	if files := testsByDir[dir]; len(files) > 0 {
		for _, f := range files {
			if slices.Contains(own, path.Base(f)) {
				return f
			}
		}
		return slices.Min(files)
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
		if len(files) == 0 {
			continue
		}
		cand, score := slices.Min(files), sharedDirs(d, dir)
		for _, f := range files {
			if slices.Contains(own, path.Base(f)) {
				cand, score = f, score+100
				break
			}
		}
		if score > bestScore {
			best, bestScore = cand, score
		}
	}
	return best
}

// sharedDirs counts the leading directories a and b share.
func sharedDirs(a, b string) int {
	pa, pb := strings.Split(a, "/"), strings.Split(b, "/")
	n := 0
	for n < len(pa) && n < len(pb) && pa[n] == pb[n] {
		n++
	}
	return n
}
