package main

import "regexp"

// project is one repository whose maintainers write their changelog by
// hand: where the changelog is, how its release and section headings look,
// what each heading means in generate_changelog's sections, and which
// releases are scored.
type project struct {
	Name   string // owner+name, the mirror's folder
	Split  string // tune or heldout, fixed before any rule was designed
	File   string // the changelog's path in the repository
	Pin    string // the commit whose changelog is read
	Prefix string // the tag's prefix before the changelog's version ("v" or "")
	// Release matches a release heading; group 1 is the version.
	Release *regexp.Regexp
	// Heading matches a section heading; group 1 is its title.
	Heading *regexp.Regexp
	// Sections maps a lowercased heading title to a truth class (see
	// accepted); a heading not listed ends the current section, and its
	// entries are not scored.
	Sections map[string]string
	// Releases are the tags scored, each against the tag before it.
	Releases [][2]string
	// Manual names the pull request of commits matched by hand: rebased
	// commits whose subject neither names it nor resembles its bullet.
	Manual map[string]int
}

// The splits were fixed before any classification rule was written:
// echo, starlette and httpx tune; gin and requests are held out.
var projects = []project{
	{
		Name: "labstack+echo", Split: "tune", File: "CHANGELOG.md", Pin: "05489dc1", Prefix: "",
		Release: regexp.MustCompile(`^## (v\d+\.\d+\.\d+)\b`),
		Heading: regexp.MustCompile(`^\*\*([^*]+)\*\*:?\s*$`),
		Sections: map[string]string{
			// echo lists fixes, docs and CI under Enhancements too ("fix proxy
			// panic when balancer has no target"): it says listed, not which kind.
			"fixes": "Fixed", "enhancements": "Listed", "security": "Security",
		},
		Manual: map[string]int{"222be90c": 2949}, // "AutoHandleHEAD enables …" is "Router: auto HEAD to GET"
		Releases: [][2]string{
			{"v4.12.0", "v4.13.0"}, {"v4.13.4", "v4.14.0"}, {"v5.0.4", "v5.1.0"}, {"v5.1.0", "v5.1.1"},
			{"v5.1.1", "v5.2.0"}, {"v5.2.1", "v5.3.0"}, {"v5.3.0", "v5.3.1"},
		},
	},
	{
		Name: "encode+starlette", Split: "tune", File: "docs/release-notes.md", Pin: "cb8f84f5", Prefix: "",
		Release: regexp.MustCompile(`^## (\d+\.\d+\.\d+)\b`),
		Heading: regexp.MustCompile(`^#{3,4} (.+?)\s*$`),
		Sections: map[string]string{
			"added": "Added", "changed": "Changed", "changes": "Changed", "refactor": "Changed",
			"fixed": "Fixed", "fix": "Fixed", "removed": "Removed", "deprecated": "Deprecated", "security": "Security",
		},
		Releases: [][2]string{
			{"0.40.0", "0.41.0"}, {"0.41.0", "0.41.1"}, {"0.41.1", "0.41.2"}, {"0.41.2", "0.41.3"}, {"0.41.3", "0.42.0"},
			{"0.42.0", "0.43.0"}, {"0.43.0", "0.44.0"}, {"0.44.0", "0.45.0"}, {"0.45.0", "0.45.1"}, {"0.45.1", "0.45.2"},
			{"0.45.2", "0.45.3"}, {"0.45.3", "0.46.0"}, {"0.46.0", "0.46.1"}, {"0.46.1", "0.46.2"}, {"0.46.2", "0.47.0"},
			{"0.47.0", "0.47.1"}, {"0.47.1", "0.47.2"}, {"0.47.2", "0.47.3"},
		},
	},
	{
		Name: "encode+httpx", Split: "tune", File: "CHANGELOG.md", Pin: "ae1b9f66", Prefix: "",
		Release: regexp.MustCompile(`^## (\d+\.\d+\.\d+)\b`),
		Heading: regexp.MustCompile(`^### (.+?)\s*$`),
		Sections: map[string]string{
			"added": "Added", "changed": "Changed", "fixed": "Fixed", "removed": "Removed", "deprecated": "Deprecated",
			"security": "Security",
		},
		Releases: [][2]string{
			{"0.23.0", "0.23.1"}, {"0.23.1", "0.23.2"}, {"0.23.2", "0.23.3"}, {"0.23.3", "0.24.0"}, {"0.24.0", "0.24.1"},
			{"0.24.1", "0.25.0"}, {"0.25.0", "0.25.1"}, {"0.25.1", "0.25.2"}, {"0.25.2", "0.26.0"}, {"0.26.0", "0.27.0"},
			{"0.27.0", "0.27.1"}, {"0.27.1", "0.27.2"},
		},
	},
	{
		Name: "gin-gonic+gin", Split: "heldout", File: "CHANGELOG.md", Pin: "dcaa4296", Prefix: "",
		Release: regexp.MustCompile(`^##+ Gin (v\d+\.\d+\.\d+)\b`),
		Heading: regexp.MustCompile(`^### (.+?)\s*$`),
		Sections: map[string]string{
			"features": "Added", "enhancements": "Improvement", "bug fixes": "Fixed", "bugfixes": "Fixed",
			"security": "Security", "break changes": "Breaking", "breaking": "Breaking",
			"docs": "Maintenance", "documentation updates": "Maintenance", "build process updates": "Maintenance",
			"build process updates / ci": "Maintenance", "dependency updates": "Dependencies",
			"others": "Listed", "misc": "Listed",
		},
		Releases: [][2]string{
			{"v1.7.7", "v1.8.0"}, {"v1.8.0", "v1.8.1"}, {"v1.8.1", "v1.8.2"}, {"v1.8.2", "v1.9.0"}, {"v1.9.0", "v1.9.1"},
			{"v1.9.1", "v1.10.0"}, {"v1.10.0", "v1.10.1"}, {"v1.10.1", "v1.11.0"}, {"v1.11.0", "v1.12.0"},
		},
	},
	{
		Name: "psf+requests", Split: "heldout", File: "HISTORY.md", Pin: "1f6589ec", Prefix: "v",
		Release: regexp.MustCompile(`^(\d+\.\d+\.\d+) \(\d{4}-\d\d-\d\d\)\s*$`),
		Heading: regexp.MustCompile(`^\*\*([^*]+?):?\*\*:?\s*$`),
		Sections: map[string]string{
			"bugfixes": "Fixed", "improvements": "Improvement", "features and improvements": "Improvement",
			"features": "Added", "new features": "Added", "dependencies": "Dependencies", "deprecations": "Deprecated",
			"security": "Security", "documentation": "Maintenance", "miscellaneous": "Listed",
			"behavioural changes": "Changed", "behavioral changes": "Changed", "api changes": "Changed",
		},
		Releases: [][2]string{
			{"v2.29.0", "v2.30.0"}, {"v2.30.0", "v2.31.0"}, {"v2.31.0", "v2.32.0"}, {"v2.32.0", "v2.32.1"},
			{"v2.32.1", "v2.32.2"}, {"v2.32.2", "v2.32.3"}, {"v2.32.3", "v2.32.4"}, {"v2.32.4", "v2.32.5"},
			{"v2.32.5", "v2.33.0"}, {"v2.33.0", "v2.33.1"}, {"v2.33.1", "v2.34.0"}, {"v2.34.0", "v2.34.1"},
		},
	},
}

// accepted lists, for each truth class, the sections of generate_changelog
// that agree with it. Headings that mix features and changes
// ("Enhancements", "Improvements") accept both; "Dependencies" accepts
// Changed (Keep a Changelog's place for them) and Maintenance; "Listed"
// (a catch-all heading such as "Misc") accepts any section a reader sees
// as a change. A breaking change is right wherever the maintainers put a
// change or removal. Other changes is never right: it is no answer.
var accepted = map[string][]string{
	"Added":        {"Added"},
	"Changed":      {"Changed", "Breaking changes"},
	"Deprecated":   {"Deprecated"},
	"Removed":      {"Removed", "Breaking changes"},
	"Fixed":        {"Fixed"},
	"Security":     {"Security"},
	"Breaking":     {"Breaking changes", "Changed", "Removed"},
	"Improvement":  {"Added", "Changed", "Breaking changes"},
	"Maintenance":  {"Maintenance"},
	"Dependencies": {"Changed", "Maintenance"},
	"Listed":       {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security", "Breaking changes", "Maintenance"},
}
