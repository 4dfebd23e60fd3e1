package trace

import (
	"strings"
	"testing"
)

func TestFaultOf(t *testing.T) {
	for _, c := range []struct{ msg, want string }{
		{"TypeError: Parameter.make_metavar() missing 1 required positional argument: 'ctx'", "disagree on its signature"},
		{"TypeError: __init__() got an unexpected keyword argument 'timeout'", "disagree on its signature"},
		{"java.lang.NoSuchMethodError: 'okio.BufferedSource okio.Okio.buffer(okio.Source)'", "disagree on its signature"},
		{"AttributeError: 'NoneType' object has no attribute 'group'", "nil/None/undefined"},
		{"KeyError: 'user'", "a key is assumed to exist"},
		{"panic: runtime error: index out of range [3] with length 3", "index or slice bound"},
		{"something else went wrong", ""},
	} {
		cause, _, ok := faultOf(c.msg)
		if ok != (c.want != "") || !strings.Contains(cause, c.want) {
			t.Errorf("faultOf(%q) = %q, %v; want %q", c.msg, cause, ok, c.want)
		}
	}
}
