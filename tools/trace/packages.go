package trace

import (
	"path"
	"sort"
	"strings"
)

// pythonPackages lists the repository's own top-level Python packages:
// folders at the root or under src/ that hold an __init__.py. A traceback
// from an installed copy of the project names them under site-packages.
func pythonPackages(paths []string) []string {
	seen := map[string]bool{}
	for _, p := range paths {
		if path.Base(p) != "__init__.py" {
			continue
		}
		parts := strings.Split(p, "/")
		if parts[0] == "src" && len(parts) > 2 {
			parts = parts[1:]
		}
		if len(parts) == 2 {
			seen[parts[0]] = true
		}
	}
	out := make([]string, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}
