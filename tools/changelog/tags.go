package changelog

import (
	"strconv"
	"strings"

	"github.com/devaiops/devai/memory/history"
)

// tagsOn lists the names of the tags that point at commit.
func tagsOn(tags []history.Tag, commit string) []string {
	var names []string
	for _, t := range tags {
		if t.Commit == commit {
			names = append(names, t.Name)
		}
	}
	return names
}

// preferredTag picks one of several tags on the same commit: the highest
// version. Projects that tag a release twice (prometheus tags v3.0.0 and
// its Go module version v0.300.0 on one commit) mean the higher one.
func preferredTag(names []string) string {
	best := ""
	for _, n := range names {
		if best == "" || versionLess(best, n) {
			best = n
		}
	}
	return best
}

// isPreRelease reports whether a tag names a pre-release version, such as
// v3.14.0-rc.0 or 1.2.0-beta.1.
func isPreRelease(tag string) bool {
	_, pre, ok := parseVersion(tag)
	return ok && pre != ""
}

// versionLess compares tags as versions: the dot-separated numbers after
// an optional v, a release above its pre-releases (v1.0.0-rc.1 < v1.0.0);
// names that are not versions compare as strings, below versions.
func versionLess(a, b string) bool {
	va, pa, oka := parseVersion(a)
	vb, pb, okb := parseVersion(b)
	switch {
	case !oka && !okb:
		return a < b
	case oka != okb:
		return !oka
	}
	for i := 0; i < max(len(va), len(vb)); i++ {
		var x, y int
		if i < len(va) {
			x = va[i]
		}
		if i < len(vb) {
			y = vb[i]
		}
		if x != y {
			return x < y
		}
	}
	if (pa == "") != (pb == "") {
		return pb == "" // a pre-release is below its release
	}
	return pa < pb
}

func parseVersion(s string) (nums []int, pre string, ok bool) {
	s = strings.TrimPrefix(strings.TrimPrefix(s, "v"), "V")
	core, pre, _ := strings.Cut(s, "-")
	core, _, _ = strings.Cut(core, "+")
	for _, part := range strings.Split(core, ".") {
		n, err := strconv.Atoi(part)
		if err != nil {
			return nil, "", false
		}
		nums = append(nums, n)
	}
	return nums, pre, len(nums) > 0
}
