package spec

import (
	"fmt"
	"regexp"
	"strings"
)

// Lint rules.
const (
	RuleEARS        = "ears"         // the text follows one of the five EARS patterns
	RuleOneShall    = "one-shall"    // exactly one "shall"
	RuleVague       = "vague"        // a vague word without a measure
	RuleSource      = "source"       // a source URI or an open question
	RuleDuplicateID = "duplicate-id" // IDs are unique
	RuleTestable    = "testable"     // an observable outcome
	RulePlaceholder = "placeholder"  // a TODO or <placeholder> left to fill
)

// earsPatterns match each EARS pattern; keywords are case-insensitive and
// a comma may end a clause.
var earsPatterns = map[string]*regexp.Regexp{
	Ubiquitous: regexp.MustCompile(`(?is)^THE\s+\S.*?\s+SHALL\s+\S`),
	Event:      regexp.MustCompile(`(?is)^WHEN\s+\S.*?,?\s+THE\s+\S.*?\s+SHALL\s+\S`),
	State:      regexp.MustCompile(`(?is)^WHILE\s+\S.*?,?\s+(?:WHEN\s+\S.*?,?\s+)?THE\s+\S.*?\s+SHALL\s+\S`),
	Unwanted:   regexp.MustCompile(`(?is)^IF\s+\S.*?,?\s+THEN\s+THE\s+\S.*?\s+SHALL\s+\S`),
	Optional:   regexp.MustCompile(`(?is)^WHERE\s+\S.*?,?\s+(?:WHEN\s+\S.*?,?\s+)?THE\s+\S.*?\s+SHALL\s+\S`),
}

// PatternOf names the EARS pattern text follows, or "" when none.
func PatternOf(text string) string {
	t := strings.TrimSpace(text)
	for _, p := range []string{Event, State, Unwanted, Optional, Ubiquitous} {
		if earsPatterns[p].MatchString(t) {
			return p
		}
	}
	return ""
}

var shallWord = regexp.MustCompile(`(?i)\bshall\b`)

// vagueWords promise a quality without saying how much.
var vagueWords = regexp.MustCompile(`(?i)\b(fast|faster|quick|quickly|robust|user-friendly|user friendly|easy|easily|efficient|efficiently|scalable|flexible|intuitive|seamless|seamlessly|reliable|secure|as appropriate|as needed|if possible|etc)\b\.?`)

// unitMeasure is a number with a unit: "200 ms", "5 requests", "99.9%".
var unitMeasure = regexp.MustCompile(`\d+(?:[.,]\d+)?\s*(?:%|ms|s\b|sec|second|minute|min\b|hour|day|request|attempt|call|byte|KiB|MiB|GiB|KB|MB|GB|item|user|time|per|x\b|[a-z]+/[a-z]+)`)

// unobservable responses: verbs that describe an intent, not a result.
var unobservable = regexp.MustCompile(`(?i)^(be|consider|try|aim|strive|attempt|endeavou?r|seek|care|think|want|hope|work on|look into|handle|deal with)\b`)

// observable marks an outcome a test can see: a number, code, quoted text.
var observable = regexp.MustCompile("[0-9`\"“]")

var placeholder = regexp.MustCompile(`(?i)TODO|<[a-z][^<>]*>`)

// Lint checks requirements deterministically. Findings come in the order
// of the requirements, each with its rule.
func Lint(reqs []Requirement) []Finding {
	var out []Finding
	add := func(rule, id, format string, args ...any) {
		out = append(out, Finding{Rule: rule, ID: id, Message: fmt.Sprintf(format, args...)})
	}
	seen := map[string]int{}
	for _, r := range reqs {
		t := strings.TrimSpace(r.Text)
		seen[r.ID]++
		if seen[r.ID] == 2 {
			add(RuleDuplicateID, r.ID, "%s is used by more than one requirement: give each its own ID", r.ID)
		}
		if PatternOf(t) == "" {
			add(RuleEARS, r.ID, "not in an EARS pattern: use THE <system> SHALL …, WHEN … THE … SHALL …, WHILE …, IF … THEN THE … SHALL …, or WHERE …")
		}
		if n := len(shallWord.FindAllString(t, -1)); n != 1 {
			add(RuleOneShall, r.ID, "has %d \"shall\"s: state exactly one behaviour per requirement (split it)", n)
		}
		if m := vagueWords.FindString(t); m != "" && !unitMeasure.MatchString(t) {
			add(RuleVague, r.ID, "%q without a measure: say how much (a number with a unit, e.g. 200 ms, 5 requests per minute)", strings.TrimSuffix(m, "."))
		}
		if len(r.Sources) == 0 && r.Question == "" {
			add(RuleSource, r.ID, "cites no source and depends on no open question: cite the spec, code or test it rests on, or ask")
		}
		if _, resp, ok := cutShall(t); ok {
			resp = strings.TrimSpace(resp)
			if resp == "" || (unobservable.MatchString(resp) && !observable.MatchString(resp)) {
				add(RuleTestable, r.ID, "no observable outcome after SHALL (%q): say what a test can see (a response, a state, a record, a number)", resp)
			}
		}
		if m := placeholder.FindString(t); m != "" {
			add(RulePlaceholder, r.ID, "still has a placeholder (%s): fill it in", m)
		}
	}
	return out
}

// cutShall splits a requirement at its (first) SHALL.
func cutShall(t string) (before, after string, ok bool) {
	loc := shallWord.FindStringIndex(t)
	if loc == nil {
		return t, "", false
	}
	return t[:loc[0]], t[loc[1]:], true
}
