package gaps

import (
	"path"
	"regexp"
	"strings"

	"github.com/devaiops/devai/memory"
)

// overrideMark is how Java and Kotlin mark a method that implements or
// overrides one of a supertype.
var overrideMark = regexp.MustCompile(`(?m)^\s*(?:@Override\b|(?:\w+\s+)*override\s+fun\b)`)

// calledInOwnTestFile reports whether an overriding method is called by
// name in its class's own test file (RetrofitTest.java for Retrofit):
// tests call it through the interface it implements (a CallAdapter.Factory
// variable holding RxJavaCallAdapterFactory.create()), which the symbol
// graph cannot tie to the implementation.
func (a *analysis) calledInOwnTestFile(c memory.ChunkInfo) bool {
	i := strings.LastIndexByte(c.Symbol, '.')
	if i <= 0 || !overrideMark.MatchString(a.text(c.Path, c.StartLine, c.EndLine)) {
		return false
	}
	typ, method := c.Symbol[:i], c.Symbol[i+1:]
	typ = typ[strings.LastIndexByte(typ, '.')+1:]
	call := "." + method + "("
	for _, f := range a.ownTestFiles(typ) {
		lines := a.lines(f)
		if strings.Contains(strings.Join(lines, "\n"), call) {
			return true
		}
	}
	return false
}

// ownTestFiles are the test files named after a type: TypeTest.java,
// TypeTests.kt, TestType.java.
func (a *analysis) ownTestFiles(typ string) []string {
	var out []string
	for _, files := range a.testFilesByDir {
		for _, f := range files {
			stem := strings.TrimSuffix(path.Base(f), path.Ext(f))
			if stem == typ+"Test" || stem == typ+"Tests" || stem == "Test"+typ {
				out = append(out, f)
			}
		}
	}
	return out
}
