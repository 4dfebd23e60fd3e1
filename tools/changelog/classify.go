package changelog

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Section titles, in the order a changelog lists them: breaking changes
// first, then Keep a Changelog's six, then what fits none of them.
const (
	SectionBreaking    = "Breaking changes"
	SectionAdded       = "Added"
	SectionChanged     = "Changed"
	SectionDeprecated  = "Deprecated"
	SectionRemoved     = "Removed"
	SectionFixed       = "Fixed"
	SectionSecurity    = "Security"
	SectionOther       = "Other changes"
	SectionMaintenance = "Maintenance"
)

// SectionOrder is the order of sections in the output.
var SectionOrder = []string{SectionBreaking, SectionAdded, SectionChanged, SectionDeprecated,
	SectionRemoved, SectionFixed, SectionSecurity, SectionOther, SectionMaintenance}

// typeSections maps Conventional Commit types to sections. Types for the
// project's own upkeep (docs, tests, build, CI, chores, style) go to
// Maintenance, last, so users read what changed for them first.
var typeSections = map[string]string{
	"feat": SectionAdded, "feature": SectionAdded,
	"fix": SectionFixed, "bugfix": SectionFixed, "hotfix": SectionFixed,
	"perf": SectionChanged, "refactor": SectionChanged, "revert": SectionChanged, "improvement": SectionChanged,
	"deprecate": SectionDeprecated, "deprecation": SectionDeprecated,
	"remove": SectionRemoved, "removal": SectionRemoved,
	"security": SectionSecurity, "sec": SectionSecurity,
	"docs": SectionMaintenance, "doc": SectionMaintenance, "test": SectionMaintenance, "tests": SectionMaintenance,
	"build": SectionMaintenance, "ci": SectionMaintenance, "chore": SectionMaintenance, "style": SectionMaintenance,
	"deps": SectionMaintenance, "release": SectionMaintenance,
}

// firstWordSections classify a commit that is not a Conventional Commit by
// the first word of its description (after an "area:" prefix), lowercased:
// a word listed here, or one that starts with a listed stem ending in "*".
// Before that, a description about tests (testOnly) goes to Maintenance.
// Anything else goes to Other changes.
var firstWordSections = []struct {
	section string
	words   []string
}{
	{SectionAdded, []string{"add", "adds", "added", "adding", "introduc*", "implement*", "support*", "allow*", "enabl*", "new", "creat*"}},
	{SectionFixed, []string{"fix*", "bugfix*", "hotfix*", "correct*", "resolv*", "repair*", "prevent*", "avoid*",
		"don't", "dont", "guard*", "honour*", "honor*", "ensur*", "raise", "raises"}},
	{SectionRemoved, []string{"remov*", "delet*", "drop*"}},
	{SectionDeprecated, []string{"deprecat*"}},
	{SectionChanged, []string{"chang*", "updat*", "refactor*", "improv*", "renam*", "move", "moves", "moved", "moving", "optimi*", "simplif*",
		"replac*", "rework*", "revert*", "upgrad*", "bump*", "reduc*", "increas*", "speed*", "make", "makes", "use", "uses",
		"switch*", "clean*", "tidy", "restructur*", "extend*", "keep*", "stabili*", "show*", "preserve*", "populate*",
		"moderni*", "omit*", "stop*", "skip*", "ignore*", "pin*", "set", "sets", "wait*", "validate*", "reject*", "expose*", "enforce*", "limit*"}},
	{SectionMaintenance, []string{"document*", "prepare*", "release*", "typo*", "lint*"}},
}

// securityMention puts a commit under Security whatever its type: a CVE or
// GitHub advisory ID, or a [SECURITY] tag, as dependency bots write them.
var securityMention = regexp.MustCompile(`(?i)\bCVE-\d{4}-\d{4,}\b|\bGHSA(?:-[23456789cfghjmpqrvwx]{4}){3}\b|\[security\]`)

// mentionsSecurity applies securityMention after a cheap test, since it
// runs on every commit of a long history.
func mentionsSecurity(msg string) bool {
	lower := strings.ToLower(msg)
	if !strings.Contains(lower, "cve-") && !strings.Contains(lower, "ghsa-") && !strings.Contains(lower, "[security]") {
		return false
	}
	return securityMention.MatchString(msg)
}

// header is a Conventional Commit header, or an "area: subject" line:
// a word, an optional (scope) or [scope] (fd's "Feat[release]: …"), an
// optional !, a colon and a space.
var header = regexp.MustCompile(`^([A-Za-z0-9_./{},*-]+)(?:\(([^()\r\n]*)\)|\[([^\[\]\r\n]*)\])?(!)?: +(\S.*)$`)

// breakingFooter starts the BREAKING CHANGE footer in a body.
var breakingFooter = regexp.MustCompile(`(?m)^BREAKING[ -]CHANGE: *`)

// parsed is what a commit message says about itself.
type parsed struct {
	Type, Scope  string
	Description  string // the subject without the header
	Breaking     bool
	BreakingNote string
	Conventional bool
	Section      string
	Rule         string // why it went to Section, for the JSON output
}

// classify reads a commit's subject and body.
func classify(subject, body string) parsed {
	p := parsed{Description: strings.TrimSpace(subject)}
	if m := header.FindStringSubmatch(p.Description); m != nil {
		word := strings.ToLower(m[1])
		scope := strings.TrimSpace(m[2] + m[3])
		if sec, ok := typeSections[word]; ok {
			p.Conventional, p.Type, p.Scope, p.Breaking, p.Description = true, word, scope, m[4] == "!", m[5]
			p.Section, p.Rule = sec, "type "+word
		} else {
			// "tsdb: fix a race", "discovery/moby: bound requests": the Go and
			// Linux habit of naming the area first. The area is the scope.
			p.Scope, p.Description = m[1], m[5]
			if scope != "" {
				p.Scope += "/" + scope
			}
			p.Breaking = m[4] == "!"
		}
	}
	if loc := breakingFooter.FindStringIndex(body); loc != nil {
		p.Breaking = true
		note, _, _ := strings.Cut(body[loc[1]:], "\n\n")
		p.BreakingNote = strings.Join(strings.Fields(note), " ")
	}
	if !p.Conventional {
		p.Section, p.Rule = bySubject(p.Scope, p.Description)
	} else if release.MatchString(p.Description) {
		p.Section, p.Rule = SectionMaintenance, "a release commit"
	}
	if dep := strings.ToLower(p.Scope); (dep == "deps" || dep == "deps-dev" || dep == "dependencies") && p.Section != SectionMaintenance {
		p.Section, p.Rule = SectionMaintenance, "scope "+p.Scope+": a dependency update"
	}
	switch {
	case p.Breaking:
		p.Section, p.Rule = SectionBreaking, "breaking change ("+breakingWhy(p)+")"
	case mentionsSecurity(subject + "\n" + body):
		p.Section, p.Rule = SectionSecurity, "names a CVE, a GitHub advisory or [SECURITY]"
	}
	return p
}

func breakingWhy(p parsed) string {
	if p.BreakingNote != "" {
		return "BREAKING CHANGE footer"
	}
	return "! after the type"
}

// testOnly matches descriptions of work on tests and benchmarks: the words
// test(s), benchmark(s), flaky, or a Go test or benchmark function name.
// A Go test name has two words or an underscore after Test
// (TestHeadCompactionWhileScraping); a one-word one (TestClient) is more
// often a type of the API, which users do see.
var testOnly = regexp.MustCompile(`(?i:\b(?:tests?|benchmarks?|flaky|coverage|pragma)\b|\btest_\w+|\w_test\.go\b)|\b(?:Test|Benchmark|Fuzz)(?:_\w+|[A-Z][a-z0-9]+[A-Z_]\w*)`)

// The project's upkeep, which maintainers leave out of their changelogs or
// list apart, as git-cliff's default configuration skips chore(deps) and
// release commits and release-please hides build, ci, chore, docs and test:
// these go to Maintenance whatever their first word says ("Bump the
// python-packages group", "Pin GitHub Actions to full commit SHAs",
// "Version 0.47.3").
var (
	// release is a release or changelog commit: "Version 0.41.0",
	// "Changelog for v5.3.0", "Release 1.2.3", "Update CHANGELOG.md".
	release = regexp.MustCompile(`(?i)^(?:(?:release|version|changelog for|release notes for|prepare(?: for)?(?: release)?|bump(?:ed)? version to)\s*:?\s*v?\d+\.\d+\S*|v?\d+\.\d+\.\d+\S*|(?:update|add|fix) (?:the )?changelog(?:\.md)?)(?:\s+\(#\d+\))?$`)
	// depUpdate is a dependency update as bots and people write it.
	depUpdate = regexp.MustCompile(`(?i)^(?:bump|update|upgrade)\s+(?:\S+\s+from\s+\S+\s+to\s|the\s+\S+\s+group\b|https?://|module\s+\S+\s+to\s|(?:\S+\s+){0,3}(?:deps|dependencies)\b)`)
	// tooling names the project's CI, bots, linters and release tooling.
	tooling = regexp.MustCompile(`(?i)\b(?:ci|typing|github actions?|workflows?|pipeline|dependabot|renovate|pre-commit|golangci(?:-lint)?|linters?|ruff|mypy|flake8|isort|autoflake|codecov|stalebot|goreleaser)\b`)
	// docsOnly is work on the documentation.
	docsOnly = regexp.MustCompile(`(?i)^\[?docs?\b|\b(?:documentation|docs|docstrings?|readme(?:\.md)?|godoc|typos?|pull_request_template|issue templates?|contributing(?:\.md)?|release notes|changelog entr(?:y|ies)|broken links?|code of conduct|sponsor\w*|funding)\b`)
	// formatting is a commit that only reformats: "Cargo fmt", "Run gofmt",
	// "Reformat with black".
	formatting = regexp.MustCompile(`(?i)^(?:(?:run|apply)\s+)?(?:cargo fmt|go ?fmt|rustfmt|reformat\w*|format(?:ting)? (?:code|sources|files))\b`)
	// browserEdit is GitHub's default subject for a file edited in the
	// browser: "Update _client.py", which says nothing a user could use.
	browserEdit = regexp.MustCompile(`^Update [\w./-]+\.\w+(?:\s+\(#\d+\))?$`)
)

// upkeep says why a description is the project's upkeep, or "".
func upkeep(desc string) string {
	switch {
	case release.MatchString(desc):
		return "a release commit"
	case depUpdate.MatchString(desc):
		return "a dependency update"
	case tooling.MatchString(desc):
		return "about CI and tooling (" + tooling.FindString(desc) + ")"
	case formatting.MatchString(desc):
		return "formatting only"
	case browserEdit.MatchString(desc):
		return "GitHub's default subject for a file edited in the browser"
	case docsOnly.MatchString(desc):
		return "about documentation (" + docsOnly.FindString(desc) + ")"
	case testOnly.MatchString(desc):
		return "about tests (" + testOnly.FindString(desc) + ")"
	}
	return ""
}

// bySubject classifies a commit that is not a Conventional Commit: upkeep
// first, then the first word of the description, then the area's own name
// ("optimization: struct alignment"), then a verb later in the subject
// ("AutoHandleHEAD enables …", "CORS middleware should compile …").
func bySubject(area, desc string) (section, rule string) {
	if why := upkeep(desc); why != "" {
		return SectionMaintenance, why
	}
	if why := upkeep(area); area != "" && why != "" {
		return SectionMaintenance, "area " + `"` + area + `"` + " " + why
	}
	if lower := strings.ToLower(desc); strings.HasPrefix(lower, "do not ") || strings.HasPrefix(lower, "does not ") {
		return SectionFixed, `first words "do not"`
	}
	if sec, ok := byWord(firstWord(desc)); ok {
		return sec, "first word " + `"` + firstWord(desc) + `"`
	}
	if sec, ok := byWord(area); ok && area != "" && !strings.ContainsAny(area, "./") {
		return sec, "area " + `"` + area + `"`
	}
	if sec, w, ok := byLaterVerb(desc); ok {
		return sec, "verb " + `"` + w + `"`
	}
	return SectionOther, "not a Conventional Commit, first word unclassified"
}

// byWord applies firstWordSections to one word.
func byWord(w string) (string, bool) {
	word := strings.ToLower(strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) }))
	if word == "" {
		return "", false
	}
	for _, fw := range firstWordSections {
		for _, w := range fw.words {
			if stem, ok := strings.CutSuffix(w, "*"); ok && strings.HasPrefix(word, stem) || w == word {
				return fw.section, true
			}
		}
	}
	return "", false
}

// laterVerbs are verbs that, as the second to fourth word, say what a
// subject that starts with a name does: "AutoHandleHEAD enables …",
// "Logger now supports …". "should" and "must" state the behaviour that
// was wrong: "Context.Scheme should validate values taken from header".
var laterVerbs = map[string]string{
	"adds": SectionAdded, "enables": SectionAdded, "supports": SectionAdded, "allows": SectionAdded,
	"introduces": SectionAdded, "implements": SectionAdded,
	"fixes": SectionFixed, "prevents": SectionFixed, "avoids": SectionFixed, "resolves": SectionFixed,
	"should": SectionFixed, "must": SectionFixed,
	"removes": SectionRemoved, "drops": SectionRemoved, "deletes": SectionRemoved,
	"deprecates": SectionDeprecated,
	"changes":    SectionChanged, "replaces": SectionChanged, "renames": SectionChanged, "improves": SectionChanged,
}

func byLaterVerb(desc string) (section, word string, ok bool) {
	f := strings.Fields(desc)
	for i := 1; i < len(f) && i < 4; i++ {
		w := strings.ToLower(f[i])
		if sec, found := laterVerbs[w]; found {
			return sec, f[i], true
		}
		if w == "now" || w == "no" {
			continue
		}
	}
	return "", "", false
}

func firstWord(s string) string {
	f := strings.Fields(s)
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

// mergeSubject matches subjects of merges that git records with one parent
// (a rebased or squashed merge): they describe where the change came from,
// not the change.
var mergeSubject = regexp.MustCompile(`^Merge (?:pull request #\d+|branch '|remote-tracking branch '|tag '|branch "|.* into )`)

// humanize makes a description read like a changelog line: first letter
// capital, no final period.
func humanize(desc string) string {
	desc = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(desc), "."))
	r, n := utf8.DecodeRuneInString(desc)
	if n == 0 || !unicode.IsLower(r) {
		return desc
	}
	// Keep identifiers as written: `go.mod`, `fooBar`, `--flag`.
	w := firstWord(desc)
	if strings.ContainsAny(w, "._/()`") || strings.ToLower(w) != w {
		return desc
	}
	return string(unicode.ToUpper(r)) + desc[n:]
}
