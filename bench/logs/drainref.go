package main

import (
	"fmt"
	"regexp"
	"strings"
)

// refDrain is Drain as published (He et al., ICWS 2017) and as logpai's
// logparser runs it in its benchmark (logparser/Drain/Drain.py): the
// per-system header format splits a line into fields and Content; the
// per-system regexes replace variables in Content with <*>; tokens are split
// on whitespace and routed by token count, then by the first depth-2
// tokens (a token holding a digit goes to <*>), and a message joins the
// most similar cluster of its leaf when seqDist reaches st. It is a
// yardstick: it gets per-system settings that devai does not.
type refDrain struct {
	format   *regexp.Regexp
	content  int // index of the Content group
	rex      []*regexp.Regexp
	depth    int // Drain.py's self.depth: the depth setting minus 2
	st       float64
	maxChild int
	root     map[int]*refNode
	clusters []*refCluster
}

type refNode struct {
	children map[string]*refNode
	clusters []*refCluster // set on leaves
}

type refCluster struct {
	id     int
	tokens []string
}

// drainSetting is one row of logparser's benchmark_settings.
type drainSetting struct {
	format string
	regex  []string
	st     float64
	depth  int
}

// newRefDrain compiles a setting. maxChild is Drain.py's default, 100.
func newRefDrain(s drainSetting) (*refDrain, error) {
	re, content, err := formatRegexp(s.format)
	if err != nil {
		return nil, err
	}
	d := &refDrain{format: re, content: content, depth: s.depth - 2, st: s.st, maxChild: 100, root: map[int]*refNode{}}
	for _, r := range s.regex {
		c, err := regexp.Compile(r)
		if err != nil {
			return nil, fmt.Errorf("regex %q: %w", r, err)
		}
		d.rex = append(d.rex, c)
	}
	return d, nil
}

var formatField = regexp.MustCompile(`<[^<>]+>`)

// formatRegexp turns a logparser log_format ("<Date> <Time> <Level>
// \[<Process>\] <Component>: <Content>") into the anchored regexp
// generate_logformat_regex builds: each <Field> a lazy group, runs of
// spaces \s+, the rest as written (it is already a regexp).
func formatRegexp(format string) (*regexp.Regexp, int, error) {
	var b strings.Builder
	b.WriteString("^")
	last := 0
	spaces := regexp.MustCompile(` +`)
	for _, loc := range formatField.FindAllStringIndex(format, -1) {
		b.WriteString(spaces.ReplaceAllString(format[last:loc[0]], `\s+`))
		name := format[loc[0]+1 : loc[1]-1]
		fmt.Fprintf(&b, "(?P<%s>.*?)", name)
		last = loc[1]
	}
	b.WriteString(spaces.ReplaceAllString(format[last:], `\s+`))
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil, 0, fmt.Errorf("log format %q: %w", format, err)
	}
	content := re.SubexpIndex("Content") // the format's own groups count too
	if content < 0 {
		return nil, 0, fmt.Errorf("log format %q has no <Content>", format)
	}
	return re, content, nil
}

// Parse runs Drain over the lines and returns each line's cluster (its
// index in clusters, or -1 for a line the header format does not match:
// Drain.py skips those) and the final templates.
func (d *refDrain) Parse(lines []string) (ids []int, templates []string) {
	ids = make([]int, len(lines))
	for i, line := range lines {
		m := d.format.FindStringSubmatch(strings.TrimSpace(line))
		if m == nil {
			ids[i] = -1
			continue
		}
		msg := m[d.content]
		for _, r := range d.rex {
			msg = r.ReplaceAllLiteralString(msg, "<*>")
		}
		toks := strings.Fields(msg)
		c := d.search(toks)
		if c == nil {
			c = &refCluster{id: len(d.clusters), tokens: toks}
			d.clusters = append(d.clusters, c)
			d.add(c)
		} else {
			for j, t := range toks {
				if c.tokens[j] != t {
					c.tokens[j] = "<*>"
				}
			}
		}
		ids[i] = c.id
	}
	for _, c := range d.clusters {
		templates = append(templates, strings.Join(c.tokens, " "))
	}
	return ids, templates
}

// search is Drain.py's treeSearch + fastMatch.
func (d *refDrain) search(toks []string) *refCluster {
	n := d.root[len(toks)]
	if n == nil {
		return nil
	}
	depth := 1
	for _, t := range toks {
		if depth >= d.depth || depth > len(toks) {
			break
		}
		next := n.children[t]
		if next == nil {
			next = n.children["<*>"]
		}
		if next == nil {
			return nil
		}
		n = next
		depth++
	}
	var best *refCluster
	bestSim, bestParams := -1.0, -1
	for _, c := range n.clusters {
		same, params := 0, 0
		for j, t := range c.tokens {
			if t == "<*>" {
				params++
				continue
			}
			if t == toks[j] {
				same++
			}
		}
		sim := float64(same) / float64(max(len(c.tokens), 1))
		if len(c.tokens) == 0 {
			sim = 1 // Python divides by zero here; an empty message matches an empty template
		}
		if sim > bestSim || sim == bestSim && params > bestParams {
			best, bestSim, bestParams = c, sim, params
		}
	}
	if bestSim >= d.st {
		return best
	}
	return nil
}

// add is Drain.py's addSeqToPrefixTree.
func (d *refDrain) add(c *refCluster) {
	n := d.root[len(c.tokens)]
	if n == nil {
		n = &refNode{}
		d.root[len(c.tokens)] = n
	}
	depth := 1
	for _, t := range c.tokens {
		if depth >= d.depth || depth > len(c.tokens) {
			break
		}
		if n.children == nil {
			n.children = map[string]*refNode{}
		}
		next, ok := n.children[t]
		if !ok {
			next = d.grow(n, t)
		}
		n = next
		depth++
	}
	n.clusters = append(n.clusters, c)
}

// grow adds the child for token t under n, or routes to <*> when t holds a
// digit or n is full, as Drain.py does.
func (d *refDrain) grow(n *refNode, t string) *refNode {
	wild := n.children["<*>"]
	if strings.ContainsAny(t, "0123456789") {
		if wild == nil {
			wild = &refNode{}
			n.children["<*>"] = wild
		}
		return wild
	}
	switch {
	case wild != nil && len(n.children) < d.maxChild,
		wild == nil && len(n.children)+1 < d.maxChild:
		c := &refNode{}
		n.children[t] = c
		return c
	case wild == nil && len(n.children)+1 == d.maxChild:
		wild = &refNode{}
		n.children["<*>"] = wild
	}
	return wild
}
