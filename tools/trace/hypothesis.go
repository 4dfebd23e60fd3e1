package trace

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/devaiops/devai/memory/chunk"
	"github.com/devaiops/devai/memory/stack"
	"github.com/devaiops/devai/memory/walk"
)

// faultKinds maps words of an error message to what usually causes it and
// the case a test should build. They are hints for a reviewer, worded as
// such; the evidence is in the suspect's other fields.
var faultKinds = []struct {
	cues      []string
	cause     string
	testInput string
}{
	// before "missing": "missing 1 required positional argument" is a call
	// that does not fit its function, not a value that is not there
	{[]string{"required positional argument", "required keyword-only argument", "unexpected keyword argument",
		"positional argument but", "positional arguments but", "NoSuchMethodError", "AbstractMethodError",
		"IncompatibleClassChangeError", "cannot import name"},
		"a call and the function it calls disagree on its signature or names: often two versions that do not fit (a dependency upgraded or downgraded on one side)",
		"the dependency versions the report names"},
	{[]string{"nil pointer", "nil map", "NullPointerException", "'NoneType' object", "undefined (reading", "of undefined", "of null", "called `Option::unwrap()` on a `None`", "missing"},
		"a value used here is nil/None/undefined: something it comes from (a lookup, a map entry, an optional config) can be missing and is not checked",
		"the missing case (the lookup returns nothing)"},
	{[]string{"index out of range", "IndexError", "ArrayIndexOutOfBounds", "out of bounds", "slice bounds"},
		"an index or slice bound is computed from data that can be shorter than assumed",
		"an empty or shorter input"},
	{[]string{"concurrent map", "data race", "ConcurrentModification"},
		"shared state is read and written from several goroutines/threads without synchronisation",
		"two concurrent callers (run it with -race)"},
	{[]string{"invalid literal", "NumberFormatException", "ParseIntError", "strconv.", "ValueError"},
		"input is parsed without validating its format",
		"a malformed value"},
	{[]string{"KeyError", "no such key", "not found"},
		"a key is assumed to exist",
		"an absent key"},
	{[]string{"deadlock", "all goroutines are asleep"},
		"a channel or lock waits for a partner that never comes",
		"the path where the partner returns early"},
	{[]string{"timeout", "deadline exceeded"},
		"a call waits longer than its budget",
		"a slow dependency"},
}

// hypothesize writes the suspect's hypothesis and the test to write;
// testsByDir are the repository's test files (memory.Index.TestFilesByDir).
// failure is the input's failure line (failureText), what the hypothesis
// quotes when no error was parsed from the input.
func hypothesize(s *Suspect, errs []Error, failure string, rank int, testsByDir map[string][]string) {
	e := errorOf(s, errs)
	msg := strings.TrimSpace(e.text())
	if e.Type == "" && e.Message == "" {
		msg = excerpt(failure, 200)
	}
	quoted, opening := "`"+msg+"`", "`"+msg+"`"
	if msg == "" {
		quoted, opening = "the trace", "The trace" // frames pasted without their error
	}
	cause, input := "the error surfaced here", "the input from the log"
	env, isEnv := conditionOf(e)
	if isEnv {
		cause, input = "a condition of the machine, not of this code (see the note on the environment)", env.testInput
	} else if c, in, ok := faultOf(msg); ok {
		cause, input = c, in
	}
	where := fmt.Sprintf("%s:%d", s.Path, s.Line)
	name := s.Symbol
	if name == "" {
		name = stack.Symbol(e.Lang, s.Func)
	}
	var b strings.Builder
	if s.Func != "" && isTopFrame(s, e) {
		fmt.Fprintf(&b, "%s fails at %s in %s", opening, where, name)
	} else if s.Func != "" {
		fmt.Fprintf(&b, "%s (%s) is on the path of %s; the fault may be in what it passes down or in how it handles the failure", name, where, quoted)
	} else if len(s.Why) > 0 && !strings.HasPrefix(s.Why[0], "search hit") {
		// Not on the trace: a rule tied it to the failing code.
		fmt.Fprintf(&b, "%s (%s) is not on the trace of %s, but %s", name, where, quoted, withoutWeight(s.Why[0]))
	} else {
		fmt.Fprintf(&b, "%s (%s) matches the error message %s", name, where, quoted)
	}
	if s.SourceLine != "" {
		fmt.Fprintf(&b, " (`%s`)", s.SourceLine)
	}
	if isTopFrame(s, e) {
		fmt.Fprintf(&b, ": %s", cause)
	}
	for _, bl := range s.Blame {
		if bl.Line == s.Line && s.recent != "" && bl.Hash == s.recent {
			fmt.Fprintf(&b, ". The line came in with %s \"%s\" (%s, %s), shortly before the newest commit: a likely regression", short(bl.Hash), bl.Summary, bl.Author, bl.Time[:10])
		}
	}
	b.WriteString(".")
	s.Hypothesis = b.String()
	s.WriteTest = testAdvice(s, msg, name, input, isEnv, rank, testsByDir)
}

// faultOf is the kind of fault an error's message suggests: its likely
// cause and the input a test should give; false when none fits.
func faultOf(msg string) (cause, testInput string, ok bool) {
	for _, fk := range faultKinds {
		for _, cue := range fk.cues {
			if strings.Contains(msg, cue) {
				return fk.cause, fk.testInput, true
			}
		}
	}
	return "", "", false
}

// withoutWeight drops the trailing "+0.35" of a score part.
func withoutWeight(why string) string {
	if i := strings.LastIndex(why, " +"); i > 0 {
		return why[:i]
	}
	return why
}

// errorOf finds the error whose frame made the suspect.
func errorOf(s *Suspect, errs []Error) Error {
	for _, e := range errs {
		for _, f := range e.Frames {
			if f.Path == s.Path && f.Line == s.Line {
				return e
			}
		}
	}
	if len(errs) > 0 {
		return errs[0]
	}
	return Error{}
}

func isTopFrame(s *Suspect, e Error) bool {
	for _, f := range e.Frames {
		if f.InApp && !f.CreatedBy {
			return f.Path == s.Path && f.Line == s.Line
		}
	}
	return false
}

// testAdvice names the test file by each language's convention and says
// what the test should do.
// For a condition of the machine the test cannot make it succeed; it checks
// that the failure comes back to the caller as an error.
func testAdvice(s *Suspect, msg, name, input string, environment bool, rank int, testsByDir map[string][]string) string {
	testFile := testFileFor(s.Path, testsByDir)
	bare := name
	if i := strings.LastIndexByte(bare, '.'); i >= 0 {
		bare = bare[i+1:]
	}
	if isTestPath(s.Path) {
		advice := fmt.Sprintf("%s is a test: check that what it sets up and expects is right, then look at the code it calls", name)
		if rank > 0 {
			advice = "If the suspects above are cleared: " + advice
		}
		return advice
	}
	advice := fmt.Sprintf("In %s, call %s with %s and assert it does not fail with `%s`", testFile, name, input, msg)
	if msg == "" {
		advice = fmt.Sprintf("In %s, call %s with %s and assert it does not fail as the trace shows", testFile, name, input)
	}
	if environment {
		advice = fmt.Sprintf("In %s, call %s with %s and assert that `%s` comes back to the caller as an error it can handle, not a crash or a hang", testFile, name, input, msg)
	}
	if len(s.Tests) > 0 {
		advice += fmt.Sprintf("; extend %s, which already reaches it", s.Tests[0].Symbol)
	} else {
		advice += fmt.Sprintf("; no test reaches %s yet", bare)
	}
	if rank > 0 {
		advice = "If the suspects above are cleared: " + advice
	}
	return advice
}

var (
	idPattern   = regexp.MustCompile(`(?i)"?\b(request[_-]?id|req[_-]?id|x-request-id|trace[_-]?id|span[_-]?id|correlation[_-]?id|user[_-]?id|order[_-]?id|session[_-]?id)"?\s*[=:]\s*"?([\w.:\-]{3,})`)
	timePattern = regexp.MustCompile(`\d{4}[-/]\d\d[-/]\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?`)
)

// testFileFor is where a test of the code at p goes: the repository's own
// test file for it, or the test file beside it, as find_test_gaps places
// them (walk.TestHome: flask's src/flask/templating.py is tested in
// tests/test_templating.py); a Rust file's own tests module; else a new
// file by the language's convention, marked as new.
func testFileFor(p string, testsByDir map[string][]string) string {
	dir, file := path.Split(p)
	ext := path.Ext(file)
	base := strings.TrimSuffix(file, ext)
	if ext == ".rs" {
		return p + " (a #[cfg(test)] mod tests)"
	}
	home := walk.TestHome(p, testsByDir)
	if path.Base(home) == base+"Test"+ext || home != "" && ext != ".java" && ext != ".kt" {
		return home
	}
	switch ext {
	case ".py":
		return dir + "test_" + file + walk.NewSuffix
	case ".js", ".ts", ".mjs", ".cjs":
		return dir + base + ".test" + ext + walk.NewSuffix
	case ".java", ".kt":
		return strings.Replace(dir, "/main/", "/test/", 1) + base + "Test" + ext + walk.NewSuffix
	}
	return "a test next to " + p
}

// reproMargin is how many lines before a trace are read for its context.
const reproMargin = 20

// reproduction collects what the input says about the failing request:
// IDs in the lines before each trace, the time of the last line before it,
// and that line itself.
func reproduction(lines []string, traces []stack.Trace) []string {
	out := []string{}
	seen := map[string]bool{}
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, t := range traces {
		if t.Type == "goroutine" {
			continue
		}
		from := max(0, t.StartLine-1-reproMargin)
		for i := from; i < t.StartLine-1 && i < len(lines); i++ {
			for _, m := range idPattern.FindAllStringSubmatch(lines[i], -1) {
				add(fmt.Sprintf("%s=%s (line %d)", strings.ToLower(m[1]), m[2], i+1))
			}
		}
		for i := t.StartLine - 2; i >= from && i < len(lines); i-- {
			if l := strings.TrimSpace(lines[i]); l != "" {
				if ts := timePattern.FindString(l); ts != "" {
					add(fmt.Sprintf("last line before the failure at line %d (%s): %s", i+1, ts, trim(l, 200)))
				}
				break
			}
		}
		for i := t.EndLine; i < len(lines) && i < t.EndLine+3; i++ {
			if l := strings.TrimSpace(lines[i]); l != "" {
				if ts := timePattern.FindString(l); ts != "" {
					add(fmt.Sprintf("first line after the failure at line %d (%s): %s", i+1, ts, trim(l, 200)))
				}
				break
			}
		}
	}
	if len(out) > 12 {
		out = append(out[:12], fmt.Sprintf("… and %d more", len(out)-12))
	}
	return out
}

func trim(s string, n int) string {
	if len(s) > n {
		return s[:n-3] + "..."
	}
	return s
}

// isTestPath tells a test file by the conventions the index classifies by.
func isTestPath(p string) bool {
	kind, _ := walk.Classify(p, nil)
	return kind == chunk.Test
}
