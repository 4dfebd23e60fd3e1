package walk

import (
	"bytes"
	"path"
	"strings"

	"github.com/go-enry/go-enry/v2"
)

// preferredLanguages settle extensions that go-enry finds ambiguous when its
// content heuristics cannot: .md is Markdown before "GCC Machine
// Description", .txt is Text before "Adblock Filter List", .yml is YAML
// before "MiniYAML". Earlier entries win.
var preferredLanguages = []string{
	"Text", "Markdown", "YAML", "C", "C++", "Objective-C", "TypeScript", "TSX",
	"JavaScript", "Python", "Perl", "Ruby", "PHP", "Shell", "SQL", "Rust", "Go",
	"Java", "Kotlin", "MATLAB", "HTML", "INI", "TOML", "JSON", "XML",
}

// commonExtensions settle frequent extensions that enry lists as ambiguous
// without running its content heuristics, which for YAML alone cost more
// than the rest of a walk of a Kubernetes-style repository. The rare
// alternatives (MiniYAML, Qt's .ts translations, Adblock lists) are not
// worth it; OpenAPI is recognised before this.
var commonExtensions = map[string]string{
	".yml": "YAML", ".yaml": "YAML", ".json": "JSON", ".txt": "Text",
	".ts": "TypeScript", ".tsx": "TSX", ".md": "Markdown",
}

// detectLanguage names a file's language with go-enry's cheap strategies,
// in the order linguist uses them: exact file name, shebang, extension, then
// the extension's content heuristics. The Bayesian classifier is the last
// resort, for ambiguous extensions nothing else settles. "" when unknown.
func detectLanguage(name string, head []byte) string {
	if lang, ok := enry.GetLanguageByFilename(name); ok {
		return lang
	}
	if bytes.HasPrefix(head, []byte("#!")) {
		if lang, ok := enry.GetLanguageByShebang(head); ok {
			return lang
		}
	}
	if lang, ok := commonExtensions[strings.ToLower(path.Ext(name))]; ok {
		return lang
	}
	candidates := enry.GetLanguagesByExtension(name, nil, nil)
	switch len(candidates) {
	case 0:
		return ""
	case 1:
		return candidates[0]
	}
	if h := enry.GetLanguagesByContent(name, head, candidates); len(h) == 1 {
		return h[0]
	} else if len(h) > 1 {
		candidates = h
	}
	for _, p := range preferredLanguages {
		for _, c := range candidates {
			if c == p {
				return c
			}
		}
	}
	if len(head) == 0 {
		return candidates[0]
	}
	lang, _ := enry.GetLanguageByClassifier(head, candidates)
	return lang
}

// IsProgramming tells a programming language (Go, Python, Shell) from data,
// markup and prose (YAML, TOML, JSON, Text): code that runs, where a crash
// can come from.
func IsProgramming(lang string) bool {
	return lang != "" && enry.GetLanguageType(lang) == enry.Programming
}
