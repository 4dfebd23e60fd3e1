// Package stack finds stack traces in text (Go panics, fatal errors and race
// reports, Python tracebacks, JVM exceptions, Node.js errors, Rust panics)
// and turns each into frames with a function, a file and a line. Resolve then
// decides which frames belong to the repository. Traces are what a crash
// leaves behind; turning them into frames is the first step from a log to
// the code at fault.
package stack

import (
	"strings"
)

// Frame is one call in a trace.
type Frame struct {
	Func string `json:"func"`           // as printed, e.g. example.com/shop/internal/auth.(*Service).recordLastSeen
	File string `json:"file,omitempty"` // as printed
	Line int    `json:"line,omitempty"`
	Col  int    `json:"col,omitempty"`
	// Path is the repository-relative file the frame resolves to (Resolve).
	Path string `json:"path,omitempty"`
	// InApp: the frame's file is in the repository and not a library.
	InApp bool `json:"in_app"`
	// CreatedBy marks the frame that started the goroutine (Go), not a
	// caller on its stack.
	CreatedBy bool `json:"created_by,omitempty"`
	// Access marks the first frame of a race report's access section: the
	// line that read or wrote, each of which may hold the fault.
	Access bool `json:"access,omitempty"`
	// Source is the line of code the trace prints under the frame (Python
	// does), trimmed: it can find the code where the path cannot.
	Source string `json:"source,omitempty"`
	// Built marks a frame of an installed copy of the repository's own
	// package whose file the checkout does not hold: a bundle its build
	// wrote (node_modules/<it>/dist/…). Path is empty; the function's name
	// can still place it.
	Built bool `json:"built,omitempty"`
}

// Trace is one error with its stack. Frames are innermost first, whatever
// the language prints (Python prints innermost last).
type Trace struct {
	Lang    string  `json:"lang"`              // go, python, java, node, rust
	Type    string  `json:"type,omitempty"`    // exception type, "panic", "fatal error", "data race"
	Message string  `json:"message,omitempty"` // the error message
	Frames  []Frame `json:"frames"`
	// StartLine and EndLine are the 1-based lines of the input it spans.
	StartLine int `json:"start_line"`
	EndLine   int `json:"end_line"`
	// Cause is true for a trace that caused the one after it in the same
	// chain (Python's chained tracebacks, a JVM "Caused by:"). The root
	// cause of a chain is the Cause trace that no other trace caused.
	Cause bool `json:"cause,omitempty"`
	// Chain numbers the traces of one chain alike, so a reader can group
	// them; it counts from 0 in the order traces appear.
	Chain int `json:"chain"`
	// Warning marks a warning printed on the way (Python's "file:line:
	// UserWarning: …"): context for a failure, not one.
	Warning bool `json:"warning,omitempty"`
	// Thread is the name of the thread that failed, as printed (Rust's
	// "thread 'pty reader' panicked", the JVM's "Exception in thread
	// "main"", Python's "Exception in thread worker:").
	Thread string `json:"thread,omitempty"`
}

// Parse finds every trace in text. Lines are split on \n with a trailing \r
// dropped; invalid UTF-8 is replaced. Text with no trace gives nil.
func Parse(text string) []Trace {
	text = strings.ToValidUTF8(text, "\uFFFD")
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, "\r")
	}
	p := &parser{lines: lines}
	p.run()
	return p.out
}

// Symbol turns a frame's function into the qualified symbol devai's index
// uses (package or class, type, name: "auth.Service.recordLastSeen"),
// dropping Go receivers' pointer marks, closure suffixes and generics, Java
// packages and Rust crate paths. It is a hint for display and matching; the
// index's chunk at the frame's line is the authority.
// javaClass is a JVM class name as the chunker names it: a nested class
// after its outer one (Retrofit$Builder → Retrofit.Builder), anonymous
// classes and lambdas (Foo$1, Foo$$Lambda$12) left to their outer class.
func javaClass(binary string) string {
	var kept []string
	for _, part := range strings.Split(binary, "$") {
		if part == "" || part[0] >= '0' && part[0] <= '9' || strings.HasPrefix(part, "Lambda") || strings.HasPrefix(part, "lambda") {
			continue
		}
		kept = append(kept, part)
	}
	return strings.Join(kept, ".")
}

func Symbol(lang, fn string) string {
	switch lang {
	case "go":
		if i := strings.LastIndexByte(fn, '/'); i >= 0 {
			fn = fn[i+1:]
		}
		fn = strings.NewReplacer("(*", "", ")", "", "[...]", "").Replace(fn)
		parts := strings.Split(fn, ".")
		for len(parts) > 1 && isClosure(parts[len(parts)-1]) {
			parts = parts[:len(parts)-1]
		}
		return strings.Join(parts, ".")
	case "java":
		if i := strings.IndexByte(fn, '/'); i >= 0 && !strings.Contains(fn[:i], "$") {
			fn = strings.TrimLeft(fn[i:], "/") // the module: app//, java.base/
		}
		parts := strings.Split(fn, ".")
		if len(parts) >= 2 {
			return javaClass(parts[len(parts)-2]) + "." + parts[len(parts)-1]
		}
		return fn
	case "rust":
		parts := rustPathParts(fn)
		if len(parts) >= 2 {
			return parts[len(parts)-2] + "." + parts[len(parts)-1]
		}
		return fn
	case "node":
		fn = strings.TrimPrefix(strings.TrimPrefix(fn, "async "), "new ")
		if i := strings.IndexByte(fn, ' '); i >= 0 {
			fn = fn[:i]
		}
		return strings.TrimPrefix(fn, "Object.")
	}
	return fn
}

// isClosure reports whether a Go name part is compiler-made: func1, gowrap2,
// deferwrap1, or a bare number of a nested closure.
func isClosure(s string) bool {
	for _, p := range []string{"func", "gowrap", "deferwrap"} {
		if rest, ok := strings.CutPrefix(s, p); ok && rest != "" && allDigits(rest) {
			return true
		}
	}
	return s != "" && allDigits(s)
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
