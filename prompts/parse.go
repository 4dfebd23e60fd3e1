package prompts

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"text/template"
	"text/template/parse"

	"gopkg.in/yaml.v3"
)

// frontMatter is the head of a prompt file, between two "---" lines.
type frontMatter struct {
	Name        string     `yaml:"name"`
	Title       string     `yaml:"title"`
	Version     string     `yaml:"version"`
	Description string     `yaml:"description"`
	Arguments   []Argument `yaml:"arguments"`
}

var (
	promptName   = regexp.MustCompile(`^[a-z][a-z0-9-]{0,63}$`)
	argumentName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)
	semver       = regexp.MustCompile(`^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`)
	pathKinds    = []string{"spec", "code", "test", "log"}
)

// Parse reads one prompt file: front matter, then a text/template body
// whose fields ({{.request}}) are the prompt's arguments. Unknown front
// matter keys, a bad name or version, and a body that uses an argument the
// front matter does not declare are errors, so a typo fails at load time
// rather than rendering as an empty string.
func Parse(raw []byte) (Prompt, error) {
	head, body, err := splitFrontMatter(raw)
	if err != nil {
		return Prompt{}, err
	}
	var fm frontMatter
	dec := yaml.NewDecoder(bytes.NewReader(head))
	dec.KnownFields(true)
	if err := dec.Decode(&fm); err != nil {
		return Prompt{}, fmt.Errorf("front matter: %w", err)
	}
	if err := fm.validate(); err != nil {
		return Prompt{}, err
	}
	tmpl, err := template.New(fm.Name).Option("missingkey=zero").Parse(body)
	if err != nil {
		return Prompt{}, fmt.Errorf("body: %w", err)
	}
	declared := map[string]bool{}
	for _, a := range fm.Arguments {
		declared[a.Name] = true
	}
	if err := checkFields(tmpl.Tree.Root, declared); err != nil {
		return Prompt{}, fmt.Errorf("body: %w", err)
	}
	return Prompt{
		Name:        fm.Name,
		Title:       fm.Title,
		Version:     fm.Version,
		Description: strings.TrimSpace(fm.Description),
		Arguments:   fm.Arguments,
		Hash:        HashOf(raw),
		body:        tmpl,
	}, nil
}

// splitFrontMatter cuts "---\n<yaml>\n---\n<body>".
func splitFrontMatter(raw []byte) (head []byte, body string, err error) {
	text := strings.ReplaceAll(string(raw), "\r\n", "\n")
	rest, ok := strings.CutPrefix(text, "---\n")
	if !ok {
		return nil, "", errors.New(`no front matter: the file must start with a "---" line, the name, version, description and arguments, and another "---" line`)
	}
	h, b, ok := strings.Cut(rest, "\n---\n")
	if !ok {
		if h, ok = strings.CutSuffix(rest, "\n---"); !ok {
			return nil, "", errors.New(`front matter is not closed by a "---" line`)
		}
	}
	if strings.TrimSpace(b) == "" {
		return nil, "", errors.New("the body after the front matter is empty")
	}
	return []byte(h), b, nil
}

func (fm frontMatter) validate() error {
	switch {
	case !promptName.MatchString(fm.Name):
		return fmt.Errorf("name %q: want lower-case letters, digits and dashes, starting with a letter (plan, fix-log)", fm.Name)
	case !semver.MatchString(fm.Version):
		return fmt.Errorf("prompt %s: version %q is not semver (MAJOR.MINOR.PATCH, e.g. 1.0.0)", fm.Name, fm.Version)
	case strings.TrimSpace(fm.Description) == "":
		return fmt.Errorf("prompt %s: the description is empty; clients show it in their prompt menus", fm.Name)
	}
	seen := map[string]bool{}
	for _, a := range fm.Arguments {
		if !argumentName.MatchString(a.Name) {
			return fmt.Errorf("prompt %s: argument name %q: want lower-case letters, digits and underscores", fm.Name, a.Name)
		}
		if seen[a.Name] {
			return fmt.Errorf("prompt %s: argument %q is declared twice", fm.Name, a.Name)
		}
		seen[a.Name] = true
		if strings.TrimSpace(a.Description) == "" {
			return fmt.Errorf("prompt %s: argument %q has no description", fm.Name, a.Name)
		}
		if a.Complete != "" && !contains(pathKinds, a.Complete) {
			return fmt.Errorf("prompt %s: argument %q: complete %q is not one of %s", fm.Name, a.Name, a.Complete, strings.Join(pathKinds, ", "))
		}
	}
	return nil
}

// checkFields walks the template and rejects fields that are not declared
// arguments ({{.reqest}}), and chains ({{.a.b}}) that a string cannot have.
func checkFields(n parse.Node, declared map[string]bool) error {
	var err error
	walk(n, func(f *parse.FieldNode) {
		switch {
		case err != nil:
		case len(f.Ident) != 1:
			err = fmt.Errorf("%s: arguments are plain strings; use {{.%s}}", f, f.Ident[0])
		case !declared[f.Ident[0]]:
			err = fmt.Errorf("%s is not a declared argument", f)
		}
	})
	return err
}

// walk calls fn on every field node under n.
func walk(n parse.Node, fn func(*parse.FieldNode)) {
	switch x := n.(type) {
	case *parse.ListNode:
		if x == nil {
			return
		}
		for _, c := range x.Nodes {
			walk(c, fn)
		}
	case *parse.ActionNode:
		walk(x.Pipe, fn)
	case *parse.PipeNode:
		if x == nil {
			return
		}
		for _, c := range x.Cmds {
			walk(c, fn)
		}
	case *parse.CommandNode:
		for _, a := range x.Args {
			walk(a, fn)
		}
	case *parse.FieldNode:
		fn(x)
	case *parse.ChainNode:
		walk(x.Node, fn)
	case *parse.IfNode:
		walk(x.Pipe, fn)
		walk(x.List, fn)
		walk(x.ElseList, fn)
	case *parse.RangeNode:
		walk(x.Pipe, fn)
		walk(x.List, fn)
		walk(x.ElseList, fn)
	case *parse.WithNode:
		walk(x.Pipe, fn)
		walk(x.List, fn)
		walk(x.ElseList, fn)
	}
}
