package trace

import (
	"strings"
	"testing"
)

// uploadTool is a command-line program: an option that renders as an
// upload header, two backends that print what they cannot set, and a
// subcommand that asks for a password.
var uploadTool = map[string]string{
	"go.mod": "module example.com/tool\n\ngo 1.22\n",
	"cmd/tool/main.go": `package main

func main() { execute() }

func execute() {}
`,
	"cmd/tool/repo_add.go": `package main

import "errors"

type repoAddOptions struct {
	name, url, username, password string
}

func newRepoAddCmd() *repoAddOptions { return &repoAddOptions{} }

// run adds the repository under its name.
func (o *repoAddOptions) run() error {
	if o.username != "" && o.password == "" {
		return errors.New("no credentials")
	}
	return nil
}
`,
	"cmd/tool/repo_list.go": `package main

func runRepoList() error { return nil }
`,
	"fs/options.go": `package fs

import "fmt"

// ChunkOption asks for uploads in chunks of a size.
type ChunkOption struct{ ChunkSize int64 }

// Header renders the option as an upload header.
func (o *ChunkOption) Header() (string, string) {
	return "chunkSize", fmt.Sprintf("%v", o.ChunkSize)
}
`,
	"backend/s3/s3.go": `package s3

import "log"

// Update uploads an object, setting the headers its options name.
func Update(headers map[string]string) {
	for key := range headers {
		switch key {
		case "Content-Type":
		default:
			log.Printf("Don't know how to set key %q on upload", key)
		}
	}
}
`,
	"backend/gcs/gcs.go": `package gcs

import "log"

// Update uploads an object, setting the headers its options name.
func Update(headers map[string]string) {
	for key := range headers {
		if key != "Content-Type" {
			log.Printf("Don't know how to set key %q on upload", key)
		}
	}
}
`,
	"internal/term/term.go": `package term

// ReadPassword reads a password from the terminal device, which must be
// an interactive device: an inappropriate device (a pipe) is an error.
func ReadPassword(fd int) (string, error) { return "", nil }
`,
}

// An error with no frame in the repository still names the code that made
// it: a value the message quotes, spelled whole as a literal in one place,
// and the subcommand of a command line the paste shows being run. Each
// ranks first, and says why.
func TestLeadsWithoutAFrame(t *testing.T) {
	t.Parallel()
	ix := openFiles(t, uploadTool)
	for _, c := range []struct {
		name, text, top, why string
	}{
		{"a quoted value spelled as a literal",
			"    ERROR : dir/file: Don't know how to set key \"chunkSize\" on upload\n",
			"fs.ChunkOption.Header", `spells "chunkSize"`},
		{"the subcommand a command line ran",
			"$ echo secret | tool repo add mine https://example.com --username u\nPassword:\nError: inappropriate ioctl for device\n",
			"main.repoAddOptions.run", "runs `tool repo add`"},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, err := Run(t.Context(), ix, Input{Text: c.text})
			if err != nil {
				t.Fatal(err)
			}
			if len(out.Suspects) == 0 || out.Suspects[0].Symbol != c.top || !strings.HasPrefix(out.Suspects[0].Why[0], c.why) {
				t.Fatalf("want %s first, because it %s:\n%s", c.top, c.why, Markdown(out))
			}
		})
	}
}

// A command line is read as the terminal shows it: a prompt, a pipeline,
// environment assignments; the subcommand's words stop at the first flag,
// path or value.
func TestCommandLines(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		line, prog, words string
	}{
		{"$ helm repo add name https://x --username u", "helm", "repo add name"},
		{"    $ restic list", "restic", "list"},
		{"user@host:~/src$ FOO=1 sudo ./bin/tool show-env --all", "tool", "show-env"},
		{"% python -m pip install requests==2.0", "pip", "install"},
		{"> telegraf --test", "telegraf", ""},
		{"Error: $ is not a prompt here", "", ""},
	} {
		runs := commandLines([]string{c.line})
		prog, words := "", ""
		if len(runs) > 0 {
			prog, words = runs[len(runs)-1].prog, strings.Join(runs[len(runs)-1].words, " ")
		}
		if prog != c.prog || words != c.words {
			t.Errorf("%q: program %q, words %q; want %q, %q", c.line, prog, words, c.prog, c.words)
		}
	}
}

// A file names its command by the repository's command layout; a file
// outside a command folder names none.
func TestCommandKeys(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		file, key string
		want      bool
	}{
		{"cmd/helm/repo_add.go", "repo_add", true},
		{"cmd/restic/cmd_list.go", "list", true},
		{"cmd/cat/cat.go", "cat", true},
		{"cmd/repo/add.go", "repo_add", true},
		{"src/pip/_internal/commands/install.py", "install", true},
		{"src/tox/session/commands/show_env.py", "show_env", true},
		{"cmd/serve/main.go", "serve", true},
		{"pkg/install/install.go", "install", false},
		{"cmd/helm/repo_add.go", "add", false},
	} {
		got := false
		for _, k := range commandKeys(c.file) {
			got = got || k == c.key
		}
		if got != c.want {
			t.Errorf("%s names %q: %v, want %v (keys %v)", c.file, c.key, got, c.want, commandKeys(c.file))
		}
	}
}

// describe makes TreeBuilder big enough that its methods are chunks of
// their own, as a real parser's are.
var describe = "\n    String describe() {\n        StringBuilder sb = new StringBuilder();\n" +
	strings.Repeat("        sb.append(root);\n", 50) + "        return sb.toString();\n    }\n"

// treeBuilder is a Java parser whose position tracking reads a field that
// the parse's set-up sets to null.
var treeBuilder = map[string]string{
	"src/main/java/org/example/parser/TreeBuilder.java": `package org.example.parser;

abstract class TreeBuilder {
    Token currentToken;
    Node root;

    void initialiseParse(String input) {
        root = new Node();
        currentToken = null;
    }

    void process(Token token) {
        currentToken = token;
        insert(new Node());
    }

    void insert(Node node) {
        trackNodePosition(node);
        root.append(node);
    }

    private void trackNodePosition(Node node) {
        final Token token = currentToken;
        int start = token.startPos();
        node.setStart(start);
    }

    void reset() {
        root = null;
    }
` + describe + "}\n",
	"src/main/java/org/example/parser/Token.java": `package org.example.parser;

class Token {
    int pos;

    int startPos() {
        return pos;
    }
}
`,
}

// A JDK helpful NullPointerException names what was null: when that is a
// field, or a local copied from one, the code that set the field to null
// is a suspect, and the failing frame keeps its place.
func TestNullFieldWriters(t *testing.T) {
	t.Parallel()
	ix := openFiles(t, treeBuilder)
	for _, c := range []struct {
		name, text, writer string
	}{
		{"a local copied from a field",
			"java.lang.NullPointerException: Cannot invoke \"org.example.parser.Token.startPos()\" because \"token\" is null\n" +
				"\tat org.example.parser.TreeBuilder.trackNodePosition(TreeBuilder.java:24)\n" +
				"\tat org.example.parser.TreeBuilder.insert(TreeBuilder.java:18)\n",
			"TreeBuilder.initialiseParse"},
		{"a field",
			"java.lang.NullPointerException: Cannot invoke \"org.example.parser.Node.append(org.example.parser.Node)\" because \"this.root\" is null\n" +
				"\tat org.example.parser.TreeBuilder.insert(TreeBuilder.java:19)\n",
			"TreeBuilder.reset"},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, err := Run(t.Context(), ix, Input{Text: c.text})
			if err != nil {
				t.Fatal(err)
			}
			at := suspectIndex(out, c.writer)
			if at < 0 || at > 2 || !strings.HasPrefix(out.Suspects[at].Why[0], "sets ") {
				t.Fatalf("want %s in the top 3, because it sets the field to null:\n%s", c.writer, Markdown(out))
			}
			if f, _ := naiveFrame(out.Errors); out.Suspects[0].Path != f.Path || out.Suspects[0].Line != f.Line {
				t.Errorf("the failing frame is not first:\n%s", Markdown(out))
			}
		})
	}
}
