package chunk

import (
	"strings"

	"gopkg.in/yaml.v3"
)

var httpMethods = map[string]bool{"get": true, "put": true, "post": true, "delete": true, "options": true, "head": true, "patch": true, "trace": true}

// splitOpenAPI cuts an OpenAPI (or Swagger, or AsyncAPI) document, YAML or
// JSON, into one chunk per operation ("POST /login"), one for info and one
// per schema. Everything else becomes block chunks. Invalid YAML gives nil
// so that Split falls back to line windows.
func splitOpenAPI(p string, content []byte) []Chunk {
	var doc yaml.Node
	if err := yaml.Unmarshal(content, &doc); err != nil || doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil
	}
	s := newSource(content)
	var out []Chunk
	add := func(r span, symbol, kind string, parents []string) {
		a, b, ok := s.trim(r.a, r.b)
		if !ok {
			return
		}
		c := s.chunk(a, b, symbol, kind, parents)
		c.Shall = FindShall(c.Text)
		c.Refs = apiRefs(r.node)
		out = append(out, c)
	}
	for _, top := range entries(root, span{1, s.n(), root}) {
		switch top.key {
		case "info":
			title := scalarAt(top.node, "title")
			if title == "" {
				title = "info"
			}
			add(top.span, title, "info", nil)
		case "paths":
			for _, path := range entries(top.node, top.span) {
				for _, op := range entries(path.node, path.span) {
					if httpMethods[strings.ToLower(op.key)] {
						add(op.span, strings.ToUpper(op.key)+" "+path.key, "operation", []string{path.key})
					}
				}
			}
		case "channels": // AsyncAPI 2 operations live under their channel
			for _, ch := range entries(top.node, top.span) {
				found := false
				for _, op := range entries(ch.node, ch.span) {
					if op.key == "publish" || op.key == "subscribe" {
						add(op.span, strings.ToUpper(op.key)+" "+ch.key, "operation", []string{ch.key})
						found = true
					}
				}
				if !found {
					add(ch.span, ch.key, "channel", nil)
				}
			}
		case "operations": // AsyncAPI 3
			for _, op := range entries(top.node, top.span) {
				action := strings.ToUpper(scalarAt(op.node, "action"))
				symbol := op.key
				if action != "" {
					symbol = action + " " + op.key
				}
				add(op.span, symbol, "operation", nil)
			}
		case "components":
			for _, group := range entries(top.node, top.span) {
				kind := strings.TrimSuffix(group.key, "s")
				if group.key == "schemas" {
					kind = "schema"
				}
				for _, item := range entries(group.node, group.span) {
					add(item.span, item.key, kind, []string{"components", group.key})
				}
			}
		case "definitions": // Swagger 2
			for _, item := range entries(top.node, top.span) {
				add(item.span, item.key, "schema", []string{"definitions"})
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	out = append(out, s.fillGaps(out, 1, s.n(), nil)...)
	sortChunks(out)
	return out
}

// span is the lines a YAML value occupies, from its key to the line
// before the next key.
type span struct {
	a, b int
	node *yaml.Node
}

type entry struct {
	key  string
	node *yaml.Node
	span
}

// entries lists a mapping's keys with their line spans; each entry runs
// until the line before the next key, and the last one to the end of the
// parent's span. A mapping on one line (JSON flow style) gives each key
// that line.
func entries(m *yaml.Node, parent span) []entry {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	var out []entry
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		e := entry{key: k.Value, node: v, span: span{a: k.Line, b: parent.b, node: v}}
		if i+2 < len(m.Content) {
			e.b = m.Content[i+2].Line - 1
		}
		if e.b < e.a {
			e.b = e.a
		}
		if e.a < parent.a {
			e.a = parent.a
		}
		out = append(out, e)
	}
	return out
}

func scalarAt(m *yaml.Node, key string) string {
	if m == nil || m.Kind != yaml.MappingNode {
		return ""
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key && m.Content[i+1].Kind == yaml.ScalarNode {
			return m.Content[i+1].Value
		}
	}
	return ""
}

// apiRefs lists what an operation or schema points at: the operationId
// (often the handler's name) and the last segment of every $ref.
func apiRefs(n *yaml.Node) []string {
	var out []string
	var walk func(*yaml.Node)
	walk = func(n *yaml.Node) {
		if n == nil || len(out) > 200 {
			return
		}
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i].Value, n.Content[i+1]
				if v.Kind == yaml.ScalarNode && (k == "operationId" || k == "$ref") {
					ref := v.Value
					if j := strings.LastIndex(ref, "/"); j >= 0 {
						ref = ref[j+1:]
					}
					if ref != "" {
						out = append(out, ref)
					}
				}
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(n)
	return uniq(out)
}
