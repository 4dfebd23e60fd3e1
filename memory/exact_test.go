package memory

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/devaiops/devai/memory/chunk"
)

// exactRepo has a message that lives in one small file while another
// talks about its words at length, and an identifier defined in one file
// and mentioned more often in another.
var exactRepo = map[string]string{
	"flask/globals.go": `package flask

import "errors"

var errNoApp = errors.New("Working outside of application context.")
`,
	"flask/app.go": `package flask

// App is the application. The application context holds the application
// while a request or a command runs; push the application context before
// working with the application outside of a request: the context of the
// application is what current_app points at.
type App struct{ name string }

// AppContext returns an application context for the application.
func (a *App) AppContext() *AppCtx { return &AppCtx{app: a} }

// AppCtx is an application context of the application.
type AppCtx struct{ app *App }
`,
	"echo/json.go": `package echo

// DefaultJSONSerializer implements JSON encoding using encoding/json.
type DefaultJSONSerializer struct{}

func (d DefaultJSONSerializer) Deserialize(c Context, i any) error { return nil }
`,
	"echo/bind.go": `package echo

// Bind binds the JSON request body to a struct: it calls the serializer's
// DefaultJSONSerializer.Deserialize to bind the JSON body of the request to
// the struct, and binds the JSON request body to a struct again when the
// struct is a JSON body of a request to bind.
func Bind(c Context, i any) error {
	return DefaultJSONSerializer{}.Deserialize(c, i)
}

type Context interface{}
`,
}

func TestSearchVerbatimFirst(t *testing.T) {
	ix := openSynced(t, writeRepo(t, exactRepo))
	tests := []struct {
		query string
		want  string // path of the first hit
	}{
		{"Working outside of application context", "flask/globals.go"},
		{`error "working outside of application context" when running a command`, "flask/globals.go"},
		{"bind JSON request body to a struct with DefaultJSONSerializer.Deserialize", "echo/json.go"},
	}
	for _, tt := range tests {
		res := search(t, ix, Query{Text: tt.query, Kinds: []chunk.Kind{chunk.Code}})
		if len(res.Hits) == 0 || res.Hits[0].Path != tt.want {
			t.Errorf("%q: first hits %v, want %s first", tt.query, paths(res.Hits), tt.want)
		} else if res.Hits[0].Score != 1 {
			t.Errorf("%q: a verbatim hit scores %v, want 1", tt.query, res.Hits[0].Score)
		}
	}
}

func TestExactNeedles(t *testing.T) {
	tests := []struct {
		query string
		want  []needle
	}{
		{"Working outside of application context", []needle{{text: "Working outside of application context", message: true}}},
		{"how are packfiles decoded", nil},
		{"Deserialize", []needle{{text: "Deserialize", ident: true}}},
		{"why does `raise_for_status` fail", []needle{{text: "raise_for_status", ident: true}}},
		{`panics with "no usable address" on IPv6`, []needle{{text: "no usable address"}, {text: "IPv6", ident: true}}},
		{"fix parseRequestURL for paths", []needle{{text: "fix parseRequestURL for paths"}, {text: "parseRequestURL", ident: true}}},
		{"janitor removes expired sessions", []needle{{text: "janitor removes expired sessions"}}},
		{"fix the HTTP handler for YAML_CONFIG", []needle{{text: "fix the HTTP handler for YAML_CONFIG"}, {text: "YAML_CONFIG", ident: true}}},
		{"support EXCEPT and INTERSECT in io.EOF paths", []needle{{text: "support EXCEPT and INTERSECT in io.EOF paths"}, {text: "io.EOF", ident: true}}},
		{"HTTP", []needle{{text: "HTTP", ident: true}}},
		{"Expected request with `Content-Type: application/json`", []needle{{text: "Content-Type: application/json"}, {text: "Expected request with `Content-Type: application/json`", message: true}}},
		{"`Invalid header`", []needle{{text: "Invalid header"}}},                           // all of it quoted
		{"Fix `extensions` type annotation.", []needle{{text: "extensions", ident: true}}}, // a name quoted: no message
		{"Update CHANGELOG.md for parseRequestURL", []needle{{text: "Update CHANGELOG.md for parseRequestURL", message: true}, {text: "parseRequestURL", ident: true}}},
		{"Version 0.23.0\n\n* Update CHANGELOG.md\n* Update docs/index.rst", []needle{{text: "Version 0.23.0\n\n* Update CHANGELOG.md\n* Update docs/index.rst", message: true}}}, // documents are no identifiers
		{"CHANGELOG.md", []needle{{text: "CHANGELOG.md", ident: true}}},                                                                                                           // unless it is all the query asks
		{"Update conftest.py", []needle{{text: "conftest.py", ident: true}}},                                                                                                      // code keeps its name
	}
	for _, tt := range tests {
		got := exactNeedles(tt.query)
		if len(got) != len(tt.want) {
			t.Errorf("%q: needles %+v, want %+v", tt.query, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("%q: needle %d = %+v, want %+v", tt.query, i, got[i], tt.want[i])
			}
		}
	}
}

func TestPastedErrorsAreMessages(t *testing.T) {
	tests := []struct {
		query, message, fixed string
	}{
		{"httpx.TooManyRedirects: Exceeded maximum allowed redirects.", "Exceeded maximum allowed redirects.", ""},
		{"httpx.InvalidURL: Invalid port: 'abc'", "Invalid port: 'abc'", "Invalid port"},
		{"CookieConflict: Multiple cookies exist with name=sessionid", "Multiple cookies exist with name=sessionid", "Multiple cookies exist with"},
		{"panic: GET /users: adding route without handler function", "GET /users: adding route without handler function", "adding route without handler function"},
		{"Working outside of application context.", "Working outside of application context.", ""},
	}
	for _, tt := range tests {
		var msg *needle
		for _, n := range exactNeedles(tt.query) {
			if n.message {
				msg = &n
				break
			}
		}
		if msg == nil || msg.text != tt.message {
			t.Errorf("%q: message needle %+v, want %q", tt.query, msg, tt.message)
			continue
		}
		if got := fixedPart(msg.text); got != tt.fixed {
			t.Errorf("fixedPart(%q) = %q, want %q", msg.text, got, tt.fixed)
		}
	}
	for _, q := range []string{"where are route parameters parsed", "note: this is prose about a feature"} {
		for _, n := range exactNeedles(q) {
			if n.message {
				t.Errorf("%q read as a pasted message %q", q, n.text)
			}
		}
	}
}

func TestFixedPartSplitsSentences(t *testing.T) {
	got := fixedPart("Knex: Timeout acquiring a connection. The pool is probably full. Are you missing a .transacting(trx) call?")
	if got != "Are you missing a .transacting(trx) call" {
		t.Errorf("fixedPart = %q", got)
	}
}

// TestHitNamesTheGroupEntryAsked: a var group is one chunk named by its
// first entry; a query for another entry finds it as that entry's
// definition and shows that entry's name, not the first one's.
func TestHitNamesTheGroupEntryAsked(t *testing.T) {
	ix := openSynced(t, writeRepo(t, map[string]string{
		"git/errors.go": `package git

import "errors"

var (
	ErrBranchExists        = errors.New("branch already exists")
	ErrRepositoryNotExists = errors.New("repository does not exist")
)
`,
		"git/open.go": `package git

// Open fails with ErrRepositoryNotExists when there is no repository;
// callers compare with ErrRepositoryNotExists, and PlainOpen returns
// ErrRepositoryNotExists too.
func Open(path string) error { return ErrRepositoryNotExists }
`,
	}))
	res := search(t, ix, Query{Text: "ErrRepositoryNotExists"})
	if len(res.Hits) == 0 || res.Hits[0].Path != "git/errors.go" {
		t.Fatalf("first hits %v, want git/errors.go first", paths(res.Hits))
	}
	if got := res.Hits[0].Symbol; got != "git.ErrRepositoryNotExists" {
		t.Errorf("hit symbol %q, want git.ErrRepositoryNotExists", got)
	}
	if !strings.Contains(res.Hits[0].Why, "defines ErrRepositoryNotExists") {
		t.Errorf("why %q does not say it defines the name", res.Hits[0].Why)
	}
}

// TestDefinitionOfAQualifiedName: the chunk that defines a package's
// function is found as its definition ("defines …"), above one that calls
// it more often.
func TestDefinitionOfAQualifiedName(t *testing.T) {
	ix := openSynced(t, writeRepo(t, map[string]string{
		"auth/review.go": `package auth

func reviewerAuth(token string) string { return token }
`,
		"auth/serve.go": `package auth

// serve calls reviewerAuth; reviewerAuth names the reviewer, and
// reviewerAuth is called again for the console: reviewerAuth.
func serve() { reviewerAuth("a"); reviewerAuth("b"); reviewerAuth("c") }
`,
	}))
	res := search(t, ix, Query{Text: "reviewerAuth"})
	if len(res.Hits) == 0 || res.Hits[0].Path != "auth/review.go" {
		t.Fatalf("first hits %v, want auth/review.go first", paths(res.Hits))
	}
	if !strings.Contains(res.Hits[0].Why, "defines reviewerAuth") {
		t.Errorf("why %q does not say it defines the name", res.Hits[0].Why)
	}
}

// TestLongQueryDefinitionInPassing: a commit message with a body names a
// method through a local variable (h.appender); the file the message
// describes ranks above one that happens to define something of that
// name.
func TestLongQueryDefinitionInPassing(t *testing.T) {
	ix := openSynced(t, writeRepo(t, map[string]string{
		"tsdb/appender.go": `package tsdb

type appender struct{ refs []uint64 }
`,
		"tsdb/head.go": `package tsdb

// initTime sets the minimum and maximum time of the head when it is
// created, so that the first sample appended sees initialized bounds and
// is not dropped as out of bounds.
func (h *Head) initTime(t int64) {
	h.minTime, h.maxTime = t, t
}
`,
	}))
	const msg = `tsdb: initialize the head time bounds before the first sample is appended

The minimum and maximum time of the head were set only after the first
sample, so h.appender handed out an appender that dropped the first sample
as out of bounds. Set the bounds when the head is created.`
	res := search(t, ix, Query{Text: msg, Kinds: []chunk.Kind{chunk.Code}})
	if len(res.Hits) == 0 || res.Hits[0].Path != "tsdb/head.go" {
		for _, h := range res.Hits {
			t.Logf("%s %.3f %s", h.Path, h.Score, h.Why)
		}
		t.Errorf("first hits %v, want tsdb/head.go first", paths(res.Hits))
	}
}

// TestCommonMentionIsNoVerbatimSignal: an identifier that more than
// maxMentionFiles files mention does not lift them above the file the rest
// of the query describes.
func TestCommonMentionIsNoVerbatimSignal(t *testing.T) {
	files := map[string]string{
		"ui/complete/hybrid.go": `package complete

// autocomplete keeps the completion list of labels and functions sorted
// by the kind of completion.
func sortCompletion(list []string) {}
`,
	}
	for i := 0; i <= maxMentionFiles; i++ {
		files[fmt.Sprintf("ui/view%d.go", i)] = fmt.Sprintf("package ui\n\n// View%d shows a PromQL expression.\nfunc View%d() {}\n", i, i)
	}
	ix := openSynced(t, writeRepo(t, files))
	res := search(t, ix, Query{Text: "PromQL autocomplete: keep the completion list sorted", Kinds: []chunk.Kind{chunk.Code}})
	if len(res.Hits) == 0 || res.Hits[0].Path != "ui/complete/hybrid.go" {
		t.Errorf("first hits %v, want ui/complete/hybrid.go first", paths(res.Hits))
	}
}

// TestQualifiedUseIsAMention: a use of a name through its package
// (chunks.ChunkDiskMapper) holds the name verbatim, as a use inside the
// package does.
func TestQualifiedUseIsAMention(t *testing.T) {
	ix := openSynced(t, writeRepo(t, map[string]string{
		"chunks/mapper.go": "package chunks\n\n// ChunkDiskMapper writes chunks to disk.\ntype ChunkDiskMapper struct{}\n",
		"tsdb/head.go":     "package tsdb\n\nimport \"example.com/chunks\"\n\n// Head keeps recent samples.\ntype Head struct{ m *chunks.ChunkDiskMapper }\n",
	}))
	res := search(t, ix, Query{Text: "ChunkDiskMapper", Kinds: []chunk.Kind{chunk.Code}})
	var whys []string
	for _, h := range res.Hits {
		if h.Path == "tsdb/head.go" {
			whys = append(whys, h.Why)
			if strings.Contains(h.Why, "mentions ChunkDiskMapper") {
				return
			}
		}
	}
	t.Errorf("no hit of tsdb/head.go mentions ChunkDiskMapper: %q (hits %v)", whys, paths(res.Hits))
}

// TestMessageWithAFilledInWord: the program filled in a plain word at the
// end of the message's fixed part ("… when compiling SELECT"); a test that
// asserts the whole message holds it verbatim, the code that emits it
// holds all but that word.
func TestMessageWithAFilledInWord(t *testing.T) {
	ix := openSynced(t, writeRepo(t, map[string]string{
		"lib/compiler.js":       "function toSQL(method) {\n  throw new Error('Undefined binding(s) detected when compiling ' + method.toUpperCase() + '. Undefined column(s): [' + cols + ']');\n}\n",
		"test/compiler.spec.js": "it('throws', () => {\n  expect(() => q.toSQL()).to.throw('Undefined binding(s) detected when compiling SELECT. Undefined column(s): [id] query:');\n});\n",
	}))
	res := search(t, ix, Query{Text: "Error: Undefined binding(s) detected when compiling SELECT. Undefined column(s): [id] query: select * from users where id = ?"})
	if len(res.Hits) == 0 || res.Hits[0].Path != "lib/compiler.js" {
		t.Fatalf("first hits %v, want lib/compiler.js first", paths(res.Hits))
	}
}

func TestShorterPrefixes(t *testing.T) {
	for in, want := range map[string][]string{
		"Undefined binding(s) detected when compiling SELECT": {"Undefined binding(s) detected when compiling", "Undefined binding(s) detected when", "Undefined binding(s) detected", "Undefined binding(s)"},
		"Expected BEGIN_OBJECT but was STRING at line": { // five words short at most
			"Expected BEGIN_OBJECT but was STRING at", "Expected BEGIN_OBJECT but was STRING", "Expected BEGIN_OBJECT but was",
			"Expected BEGIN_OBJECT but", "Expected BEGIN_OBJECT"},
		"Unterminated string at line": {"Unterminated string at", "Unterminated string"},
		"Multiple cookies exist":      {"Multiple cookies"},
		"a bc d":                      nil, // under ten characters
		"":                            nil,
	} {
		if got := shorterPrefixes(in); !slices.Equal(got, want) {
			t.Errorf("shorterPrefixes(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestMessageCutWhereTheProgramFilledIn: a pasted message whose words after
// a literal's end were filled in by the program (gson's "Expected
// BEGIN_OBJECT but was " + peek() + locationString()) leads to the code
// that emits it, before the test that asserts the whole message; a comment
// or a literal that only starts with the same words is no emitter.
func TestMessageCutWhereTheProgramFilledIn(t *testing.T) {
	ix := openSynced(t, writeRepo(t, map[string]string{
		"src/main/java/JsonReader.java": "class JsonReader {\n  public void beginObject() throws IOException {\n    if (peeked != PEEKED_BEGIN_OBJECT) {\n      throw unexpectedTokenError(\"Expected BEGIN_OBJECT but was \" + peek() + locationString());\n    }\n  }\n}\n",
		"src/main/java/Notes.java":      "class Notes {\n  // Expected BEGIN_OBJECT but was what the caller passed\n  void note() { log(\"Expected BEGIN_OBJECT but was a surprise here\"); }\n}\n",
		"src/test/java/MapTest.java":    "class MapTest {\n  @Test public void testComplexKeys() {\n    assertThat(e).hasMessageThat().startsWith(\"Expected BEGIN_OBJECT but was STRING at line 1 column 3 path $.\");\n  }\n}\n",
		// zod: the message's words after the colon are its longest fixed
		// run, but the program filled them in; the docs show it whole.
		"src/locales/en.ts":  "export function error(issue) {\n  switch (issue.code) {\n    case \"invalid_type\":\n      return `Invalid input: expected ${issue.expected}, received ${received(issue)}`;\n  }\n}\n",
		"docs/errors.md":     "# Errors\n\n```\nInvalid input: expected string, received number\n```\n",
		"docs/formatting.md": "# Formatting\n\nThe issue reads: Invalid input: expected string, received number.\n",
		"docs/changelog.md":  "# Changes\n\nMessages now read `Invalid input: expected string, received number`.\n",
		"docs/codecs.md":     "# Codecs\n\nA bad value fails with expected string, received number.\n",
		// black: the program fills in its own name before the fixed
		// words, which are written as two literals.
		"src/black/__init__.py": "def assert_equivalent(src, dst):\n    try:\n        dst_ast = parse_ast(dst)\n    except Exception as exc:\n        raise ASTSafetyError(\n            f\"INTERNAL ERROR: {_black_info()} produced code that is not equivalent to\"\n            \" the source.  Please report a bug on \"\n        ) from None\n",
		"docs/the_basics.md":    "# The basics\n\n    error: cannot format test.py: INTERNAL ERROR: Black produced code that is not equivalent to the source.\n",
	}))
	for query, want := range map[string]string{
		"Expected BEGIN_OBJECT but was STRING": "src/main/java/JsonReader.java",
		"com.google.gson.JsonSyntaxException: Expected BEGIN_OBJECT but was STRING at line 1 column 1 path $": "src/main/java/JsonReader.java",
		"Invalid input: expected string, received number":                                                     "src/locales/en.ts",
		"INTERNAL ERROR: Black produced code that is not equivalent to the source":                            "src/black/__init__.py",
	} {
		res := search(t, ix, Query{Text: query})
		if len(res.Hits) == 0 || res.Hits[0].Path != want {
			t.Errorf("%q: first hits %v, want %s first", query, paths(res.Hits), want)
		}
		for _, h := range res.Hits {
			if h.Path == "src/main/java/Notes.java" && strings.Contains(h.Why, "holds the message") {
				t.Errorf("%q: Notes.java marked as emitting the message: %s", query, h.Why)
			}
		}
	}
}

func TestJoinLiterals(t *testing.T) {
	for in, want := range map[string]string{
		`f"not equivalent to" " the source"`: `f"not equivalent to the source"`,
		`"expected a " + "string"`:           `"expected a string"`,
		`'cannot ' f'parse {src}'`:           `'cannot parse {src}'`,
		"`a ` + `b`":                         "`a b`",
		`fail("a", "b")`:                     `fail("a", "b")`, // two arguments
		`"a " + name + " b"`:                 `"a " + name + " b"`,
		`json:"name" yaml:"name"`:            `json:"name" yaml:"name"`,
	} {
		if got := joinLiterals(in); got != want {
			t.Errorf("joinLiterals(%s) = %s, want %s", in, got, want)
		}
	}
}

func TestLiteralBound(t *testing.T) {
	for _, c := range []struct {
		bound     literalBound
		hay, want string
		holds     bool
	}{
		{endsLiteral, `"expected begin_object but was " + peek()`, "expected begin_object but was", true},
		{endsLiteral, `"invalid input: expected ${x}`, "invalid input: expected", true},
		{endsLiteral, `// expected begin_object but was what`, "expected begin_object but was", false},
		{startsLiteral, `f"error: {info()} produced code"`, "produced code", true},
		{startsLiteral, `"%s produced code"`, "produced code", true},
		{startsLiteral, `"  produced code"`, "produced code", true},
		{startsLiteral, `"it produced code"`, "produced code", false},
		{startsLiteral, `# produced code`, "produced code", false},
		{anywhere, `it produced code`, "produced code", true},
	} {
		if got := c.bound.holds(c.hay, c.want); got != c.holds {
			t.Errorf("%d.holds(%s, %q) = %v, want %v", c.bound, c.hay, c.want, got, c.holds)
		}
	}
}

func TestShorterSuffixes(t *testing.T) {
	got := shorterSuffixes("Black produced code that is not equivalent")
	want := []string{"produced code that is not equivalent", "code that is not equivalent", "that is not equivalent", "is not equivalent", "not equivalent"}
	if !slices.Equal(got, want) {
		t.Errorf("shorterSuffixes = %q, want %q", got, want)
	}
}
