package trace

import (
	"strconv"
	"strings"
	"testing"
)

// noneRepo has a class whose property can return None, a module function
// that can, and a function that reads an attribute of each.
var noneRepo = map[string]string{
	"pkg/env.py": `class Python:
    @property
    def base_python(self):
        if self._skip:
            return None
        return self._find()

    def python_cache(self):
        return {"version_info": list(self.base_python.version_info)}

    def settings(self):
        return config().debug

    def logged(self, log):
        log.debug("cached")
        return 1
` + pyPadding + `

def config():
    return None
`,
}

// An AttributeError on None whose failing line reads the attribute of a
// property or a call of the repository leads to that property or function
// (it returned the None), in the top 3, saying so; a plain local names no
// definition.
func TestNoneReturnerIsALead(t *testing.T) {
	t.Parallel()
	ix := openFiles(t, noneRepo)
	src := noneRepo["pkg/env.py"]
	tb := func(fn, code, attr string) string {
		return "Traceback (most recent call last):\n  File \"/srv/app/pkg/env.py\", line " + strconv.Itoa(lineOf(src, code)) + ", in " + fn + "\n    " + code + "\n" +
			"AttributeError: 'NoneType' object has no attribute '" + attr + "'\n"
	}
	for _, tc := range []struct {
		name, text, lead string // lead "": none
	}{
		{"property read by self.name.attr (tox 07a77e42)", tb("python_cache", `return {"version_info": list(self.base_python.version_info)}`, "version_info"), "Python.base_python"},
		{"function called before .attr", tb("settings", "return config().debug", "debug"), "config"},
		{"plain local", tb("logged", `log.debug("cached")`, "debug"), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := Run(t.Context(), ix, Input{Text: tc.text})
			if err != nil {
				t.Fatal(err)
			}
			leads := topLeads(t, out, "returns the None")
			want := []string{tc.lead}
			if tc.lead == "" {
				want = nil
			}
			if strings.Join(leads, ",") != strings.Join(want, ",") {
				t.Fatalf("leads %v, want %v:\n%s", leads, want, Markdown(out))
			}
		})
	}
}

// topLeads lists the suspects whose reasons hold marker, and fails the test
// when one of them is not in the top 3.
func topLeads(t *testing.T, out Output, marker string) []string {
	t.Helper()
	var leads []string
	for i, s := range out.Suspects {
		if strings.Contains(strings.Join(s.Why, " "), marker) {
			leads = append(leads, s.Symbol)
			if i > 2 {
				t.Errorf("%s is suspect #%d, want the top 3:\n%s", s.Symbol, i+1, Markdown(out))
			}
		}
	}
	return leads
}
