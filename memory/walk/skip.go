package walk

import (
	"bytes"
	"path"
	"regexp"
	"strings"

	"github.com/go-enry/go-enry/v2"
	"github.com/go-enry/go-enry/v2/data"
)

// Stable Skipped reasons. "too large (…)" and "unreadable: …" carry details.
const (
	ReasonBinary        = "binary"
	ReasonVendored      = "vendored"
	ReasonGenerated     = "generated"
	ReasonLockFile      = "lock file"
	ReasonSymlinkEscape = "symlink leaves the repository"
	ReasonSymlinkDir    = "symlinked directory not followed"
	ReasonNotRegular    = "not a regular file"
)

// lockFiles are dependency lock files: large, machine-written, and of no use
// to a reader of the project.
var lockFiles = map[string]bool{
	"go.sum": true, "go.work.sum": true,
	"package-lock.json": true, "npm-shrinkwrap.json": true, "yarn.lock": true,
	"pnpm-lock.yaml": true, "bun.lock": true, "bun.lockb": true, "deno.lock": true,
	"Cargo.lock": true, "poetry.lock": true, "Pipfile.lock": true, "pdm.lock": true,
	"uv.lock": true, "Gemfile.lock": true, "composer.lock": true, "mix.lock": true,
	"flake.lock": true, "Podfile.lock": true, "packages.lock.json": true,
	"gradle.lockfile": true, "pubspec.lock": true, "Package.resolved": true,
	"MODULE.bazel.lock": true, ".terraform.lock.hcl": true,
}

func isLockFile(rel string) bool { return lockFiles[path.Base(rel)] }

// vendorExemptions are linguist vendoring rules devai does not follow.
// Linguist hides these from language statistics, but for a project's memory
// they are first-class content: test fixtures (classified by what they are),
// CI workflows, git metadata files, Jenkinsfiles, and directory names that
// are as often real code as third-party code (cache/, env/, debian/).
var vendorExemptions = map[string]bool{
	`(^|/)testdata/`:           true,
	`(^|/)[Tt]ests?/fixtures/`: true,
	`(^|/)[Ss]pecs?/fixtures/`: true,
	`(^|/)\.github/`:           true,
	`(^|/)\.gitignore$`:        true,
	`(^|/)\.gitattributes$`:    true,
	`(^|/)\.gitmodules$`:       true,
	`(^|/)Jenkinsfile$`:        true,
	`(^|/)Vagrantfile$`:        true,
	`(^|/)cache/`:              true,
	`(^|/)env/`:                true,
	`^debian/`:                 true,
	`(^|/)\.teamcity/`:         true,
}

// vendorRules are enry's (linguist's) vendoring rules minus
// vendorExemptions, grouped so that a path is matched against few of them:
// one expression of ~170 alternatives per file was the walk's main cost.
type vendorRules struct {
	dirs      *regexp.Regexp            // rules that end in "/": checked once per folder
	byExt     map[string]*regexp.Regexp // file rules by the extension they name (lower case)
	extension []string                  // the extensions byExt knows, for tests
	other     *regexp.Regexp            // file rules naming no extension: configure, waf, .DS_Store, …
	otherSrc  []string
}

// vendor is built once and never changed.
var vendor = buildVendorRules()

// vendorExts are the extensions the file rules of enry's list name.
var vendorExts = []string{
	".js", ".css", ".less", ".scss", ".styl", ".sass", ".ts", ".m4", ".ps1", ".sh",
	".py", ".mk", ".pro", ".n", ".bat", ".cmd", ".xml", ".txt", ".html",
	".properties", ".sublime-project", ".sublime-workspace", ".osx", ".dockerfile",
	".framework", ".guess", ".sub",
}

func buildVendorRules() vendorRules {
	var dirs, other []string
	byExt := map[string][]string{}
	for _, m := range data.VendorMatchers {
		if m == nil || vendorExemptions[m.String()] {
			continue
		}
		src := confineToName(m.String())
		if strings.HasSuffix(src, "/") {
			dirs = append(dirs, src)
			continue
		}
		named := false
		for _, ext := range vendorExts {
			if ruleNamesExt(src, ext) {
				byExt[ext] = append(byExt[ext], src)
				named = true
			}
		}
		if !named {
			other = append(other, src)
		}
	}
	v := vendorRules{
		dirs:     joinRules(dirs),
		byExt:    map[string]*regexp.Regexp{},
		other:    joinRules(other),
		otherSrc: other,
	}
	for ext, srcs := range byExt {
		v.byExt[ext] = joinRules(srcs)
		v.extension = append(v.extension, ext)
	}
	return v
}

// nameWildcards are wildcard groups right after a name in a linguist rule,
// as in "angular([^.]*)\.js$" or "prototype(.*)\.js$".
var (
	nameNoDots = regexp.MustCompile(`([A-Za-z0-9_])\(\[\^\.\]\*\)`)
	nameAny    = regexp.MustCompile(`([A-Za-z0-9_])\(\.\*\??\)`)
)

// confineToName keeps such wildcards inside one path component. As written
// they cross folders, so "angular([^.]*)\.js$" calls every .js file under
// an "angular-app/" folder vendored, and "react(-[^.]*)?\.js$" everything
// under "react-app/": real code, not third-party libraries.
func confineToName(src string) string {
	src = nameNoDots.ReplaceAllString(src, "$1([^./]*)")
	src = nameAny.ReplaceAllString(src, "$1([^/]*)")
	return strings.ReplaceAll(src, "(-[^.]*)?", "(-[^./]*)?")
}

// ruleNamesExt reports whether a rule's source names an extension, as in
// `\.js$`, `(js|css)$` or `\.(css|less)`.
func ruleNamesExt(src, ext string) bool {
	bare := ext[1:]
	lower := strings.ToLower(src)
	return strings.Contains(lower, `\`+ext) || strings.Contains(lower, bare+"$") ||
		strings.Contains(lower, "("+bare+"|") || strings.Contains(lower, "|"+bare+")") ||
		strings.Contains(lower, "|"+bare+"|")
}

func joinRules(srcs []string) *regexp.Regexp {
	if len(srcs) == 0 {
		return regexp.MustCompile(`$^`) // matches nothing
	}
	return regexp.MustCompile("(?:" + strings.Join(srcs, ")|(?:") + ")")
}

// isVendoredDir reports whether a folder (repo-relative, no trailing slash)
// holds third-party code. Walk asks it of every folder before entering, so
// files need only the file rules.
func isVendoredDir(rel string) bool {
	key := rel + "/"
	if vendor.dirs.MatchString(key) || vendor.other.MatchString(key) {
		return true
	}
	// Folders named like files ("Realm.framework/"): the rules naming that
	// extension.
	r := vendor.byExt[strings.ToLower(path.Ext(path.Base(rel)))]
	return r != nil && r.MatchString(key)
}

// isVendoredFile reports whether a file is third-party code by the rules
// that name files; its folders must have passed isVendoredDir. A file is
// matched against the rules naming its extension, and, when it has none or
// is a dotfile, against the rules naming whole file names
// (TestVendorRuleGroups keeps this complete for the enry version in go.mod).
func isVendoredFile(rel string) bool {
	base := path.Base(rel)
	ext := strings.ToLower(path.Ext(base))
	if r := vendor.byExt[ext]; r != nil && r.MatchString(rel) {
		return true
	}
	if ext == "" || strings.HasPrefix(base, ".") {
		return vendor.other.MatchString(rel)
	}
	return false
}

// isVendored applies every rule to a path; folders must end in "/".
func isVendored(rel string) bool {
	if strings.HasSuffix(rel, "/") {
		return isVendoredDir(strings.TrimSuffix(rel, "/"))
	}
	return vendor.dirs.MatchString(rel) || isVendoredFile(rel)
}

// isGenerated reports machine-written files. Go files follow the Go
// convention (https://go.dev/s/generatedcode: a line "// Code generated …
// DO NOT EDIT." anywhere in the head) or the older "Code generated by" in
// the first lines; other files carry the usual markers in their first lines
// or match enry's rules (minified JS, protobuf output, .designer.cs, …).
func isGenerated(rel string, head []byte) bool {
	if strings.HasSuffix(rel, ".go") {
		return isGeneratedGo(head)
	}
	return hasGeneratedMarker(head) || enry.IsGenerated(rel, head)
}

// isGeneratedGo scans lines without a regular expression: a backtracking
// "(?m)^// Code generated .* DO NOT EDIT\.$" over every 8 KiB head was
// the single largest cost of a walk of a Go repository.
func isGeneratedGo(head []byte) bool {
	prefix := []byte("// Code generated ")
	for i, rest := 0, head; len(rest) > 0; i++ {
		line := rest
		if nl := bytes.IndexByte(rest, '\n'); nl >= 0 {
			line, rest = rest[:nl], rest[nl+1:]
		} else {
			rest = nil
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		if bytes.HasPrefix(line, prefix) && bytes.HasSuffix(line, []byte(" DO NOT EDIT.")) {
			return true
		}
		if i < 40 && bytes.Contains(line, []byte("Code generated by")) {
			return true
		}
	}
	return false
}

// hasGeneratedMarker looks at the first few lines only: a marker further
// down is more likely prose about generated code than a header.
func hasGeneratedMarker(head []byte) bool {
	rest := head
	for i := 0; i < 5 && len(rest) > 0; i++ {
		line := rest
		if nl := bytes.IndexByte(rest, '\n'); nl >= 0 {
			line, rest = rest[:nl], rest[nl+1:]
		} else {
			rest = nil
		}
		if bytes.Contains(line, []byte("@generated")) {
			return true
		}
		lower := bytes.ToLower(line)
		if bytes.Contains(lower, []byte("do not edit")) &&
			(bytes.Contains(lower, []byte("generated")) || bytes.Contains(lower, []byte("autogenerated"))) {
			return true
		}
	}
	return false
}
