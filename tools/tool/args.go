package tool

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// argsChecker checks a call's arguments against the tool's input schema
// before anything binds them, and says what is wrong in the caller's
// terms: `unknown argument "qury" (did you mean "query"?)`, not a
// validator's tree of schema paths.
type argsChecker struct {
	schema *jsonschema.Schema
	names  []string // the tool's arguments, for suggestions
}

func newArgsChecker(tool string, raw json.RawMessage) (*argsChecker, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("decode input schema: %w", err)
	}
	url := "mem:///devai/tools/" + tool + "/input.json"
	c := jsonschema.NewCompiler()
	if err := c.AddResource(url, doc); err != nil {
		return nil, fmt.Errorf("input schema: %w", err)
	}
	schema, err := c.Compile(url)
	if err != nil {
		return nil, fmt.Errorf("compile input schema: %w", err)
	}
	var top struct {
		Properties map[string]json.RawMessage `json:"properties"`
	}
	_ = json.Unmarshal(raw, &top)
	var names []string
	for n := range top.Properties {
		names = append(names, n)
	}
	sort.Strings(names)
	return &argsChecker{schema: schema, names: names}, nil
}

// check returns an InputError that lists every problem of args, or nil.
func (c *argsChecker) check(args any) error {
	if args == nil {
		args = map[string]any{}
	}
	data, err := json.Marshal(args)
	if err != nil {
		return Inputf("the arguments are not JSON: %v", err)
	}
	value, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return Inputf("the arguments are not JSON: %v", err)
	}
	err = c.schema.Validate(value)
	if err == nil {
		return nil
	}
	verr, ok := err.(*jsonschema.ValidationError)
	if !ok {
		return Inputf("the arguments do not fit the schema: %v", err)
	}
	var problems []string
	c.describe(verr, &problems)
	sort.Strings(problems) // the validator's order is not stable
	return Inputf("%s", strings.Join(problems, "; "))
}

var printer = message.NewPrinter(language.English)

// describe adds one sentence per leaf of the validator's error tree.
func (c *argsChecker) describe(e *jsonschema.ValidationError, out *[]string) {
	if len(e.Causes) > 0 {
		for _, cause := range e.Causes {
			c.describe(cause, out)
		}
		return
	}
	at := strings.Join(e.InstanceLocation, ".")
	switch k := e.ErrorKind.(type) {
	case *kind.AdditionalProperties:
		for _, p := range k.Properties {
			msg := fmt.Sprintf("unknown argument %q", join(at, p))
			if at == "" {
				if near := nearest(p, c.names); near != "" {
					msg += fmt.Sprintf(" (did you mean %q?)", near)
				}
			}
			*out = append(*out, msg)
		}
	case *kind.Required:
		for _, p := range k.Missing {
			*out = append(*out, fmt.Sprintf("missing argument %q", join(at, p)))
		}
	case *kind.Type:
		*out = append(*out, fmt.Sprintf("argument %q is %s; it must be %s", orRoot(at), article(k.Got), strings.Join(k.Want, " or ")))
	default:
		*out = append(*out, fmt.Sprintf("argument %q: %s", orRoot(at), e.ErrorKind.LocalizedString(printer)))
	}
}

func join(at, name string) string {
	if at == "" {
		return name
	}
	return at + "." + name
}

func orRoot(at string) string {
	if at == "" {
		return "(all of them)"
	}
	return at
}

func article(typ string) string {
	if strings.IndexByte("aeiou", typ[0]) >= 0 {
		return "an " + typ
	}
	return "a " + typ
}

// nearest is the name closest to s by edit distance, if it is close (at
// most a third of s's length, and 2 at least).
func nearest(s string, names []string) string {
	best, bestD := "", max(2, len(s)/3)+1
	for _, n := range names {
		if d := editDistance(strings.ToLower(s), n); d < bestD {
			best, bestD = n, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance of a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
