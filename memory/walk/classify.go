package walk

import (
	"bytes"
	"path"
	"regexp"
	"strings"

	"github.com/devaiops/devai/memory/chunk"
)

// Languages devai names itself, beyond go-enry's names.
const (
	LangMarkdown = "Markdown"
	LangAsciiDoc = "AsciiDoc"
	LangRST      = "reStructuredText"
	LangOpenAPI  = "OpenAPI"
	LangAsyncAPI = "AsyncAPI"
	LangGherkin  = "Gherkin"
	LangProtobuf = "Protobuf"
	LangLog      = "Log"
	LangText     = "Text"
)

// Classify decides what a file is to the project from its repo-relative
// path and the first few KiB of its content (head may be empty or nil).
//
// In order:
//   - log: *.log and rotated *.log.N; *.jsonl/*.ndjson whose first line is
//     a JSON object with a time key and a message key;
//   - spec: Markdown, AsciiDoc, reStructuredText, man pages, POD, Org,
//     Texinfo, Gherkin, OpenAPI/Swagger
//     and AsyncAPI documents (YAML or JSON with a top-level openapi/swagger/
//     asyncapi key), .proto files that declare a service, and narrative plain
//     text: README/CHANGELOG/CONTRIBUTING-like files without an extension or
//     with .txt, and .txt files under a docs/doc/documentation folder.
//     Legal text (LICENSE, COPYING, NOTICE) is not a spec: it is code "Text";
//   - test: source files that follow their language's test conventions (see
//     isTestFile); nothing under a testdata/ folder is a test;
//   - code: everything else, with go-enry's language, or "Text".
//
// Options.LogPaths are applied by Walk, not here.
func Classify(relPath string, head []byte) (kind chunk.Kind, language string) {
	rel := cleanRel(relPath)
	base := path.Base(rel)
	lowerBase := strings.ToLower(base)
	ext := path.Ext(lowerBase)

	switch {
	case isForgeTemplate(rel):
		return chunk.Spec, detectLanguage(base, head)
	case isLogName(lowerBase):
		return chunk.Log, LangLog
	case ext == ".jsonl" || ext == ".ndjson":
		if isLogRecordLine(head) {
			return chunk.Log, LangLog
		}
		return chunk.Code, "JSON"
	case ext == ".md" || ext == ".markdown" || ext == ".mdx" || ext == ".mdown" || ext == ".mkd":
		return chunk.Spec, LangMarkdown
	case ext == ".adoc" || ext == ".asciidoc":
		return chunk.Spec, LangAsciiDoc
	case ext == ".rst" || ext == ".rest":
		return chunk.Spec, LangRST
	case ext == ".feature":
		return chunk.Spec, LangGherkin
	case ext == ".proto":
		if declaresService(head) {
			return chunk.Spec, LangProtobuf
		}
		return chunk.Code, LangProtobuf
	case ext == ".yaml" || ext == ".yml" || ext == ".json":
		if lang := apiDocument(head, ext == ".json"); lang != "" {
			return chunk.Spec, lang
		}
	}

	lang := detectLanguage(base, head)
	if isTestFile(rel, lowerBase, ext, lang) {
		return chunk.Test, lang
	}
	if documentLanguages[lang] {
		return chunk.Spec, lang
	}
	if lang == "" || lang == LangText {
		if isNarrativeText(rel, lowerBase, ext) {
			return chunk.Spec, LangText
		}
		return chunk.Code, LangText
	}
	return chunk.Code, lang
}

// forgeTemplates are the folders of forms an issue tracker or a code
// forge hands to people who report a bug or open a change.
var forgeTemplates = []string{".github/ISSUE_TEMPLATE/", ".github/PULL_REQUEST_TEMPLATE/",
	".gitlab/issue_templates/", ".gitlab/merge_request_templates/", ".gitea/ISSUE_TEMPLATE/"}

// isForgeTemplate tells an issue or pull-request template: a form people
// fill in, a document and not code. A pasted issue shares its template's
// every heading, so as code the template would answer every bug report.
func isForgeTemplate(rel string) bool {
	for _, dir := range forgeTemplates {
		if strings.HasPrefix(rel, dir) || strings.Contains(rel, "/"+dir) {
			return true
		}
	}
	base := strings.ToLower(path.Base(rel))
	return strings.HasPrefix(base, "pull_request_template.") || strings.HasPrefix(base, "issue_template.")
}

// rotatedLog matches app.log, app.log.1, app.log.2024-01-02.
var rotatedLog = regexp.MustCompile(`\.log(\.[0-9][0-9._-]*)?$`)

func isLogName(lowerBase string) bool { return rotatedLog.MatchString(lowerBase) }

// serviceDecl finds a gRPC service declaration in a .proto file.
var serviceDecl = regexp.MustCompile(`(?m)^\s*service\s+[A-Za-z_][A-Za-z0-9_]*\s*\{`)

func declaresService(head []byte) bool { return serviceDecl.Match(head) }

// yamlAPIKey matches a top-level (column 0) openapi/swagger/asyncapi key.
var yamlAPIKey = regexp.MustCompile(`(?m)^["']?(openapi|swagger|asyncapi)["']?\s*:`)

// apiDocument returns "OpenAPI" or "AsyncAPI" when head starts an API
// description document, "" otherwise.
func apiDocument(head []byte, isJSON bool) string {
	var key string
	if isJSON {
		key = topLevelJSONKey(head, "openapi", "swagger", "asyncapi")
	} else if m := yamlAPIKey.FindSubmatch(head); m != nil {
		key = string(m[1])
	}
	switch key {
	case "openapi", "swagger":
		return LangOpenAPI
	case "asyncapi":
		return LangAsyncAPI
	}
	return ""
}

// documentLanguages are markup languages whose files are documentation,
// never the program: man pages (fd.1, git.8), Perl's POD, Org and Texinfo
// manuals.
var documentLanguages = map[string]bool{"Roff Manpage": true, "Roff": true, "Pod": true, "Pod 6": true, "Org": true, "Texinfo": true}

// isNarrativeText reports plain-text files that explain the project.
func isNarrativeText(rel, lowerBase, ext string) bool {
	if ext != "" && ext != ".txt" {
		return false
	}
	stem := strings.TrimSuffix(lowerBase, ext)
	switch stem {
	case "readme", "changelog", "changes", "history", "news", "contributing",
		"install", "security", "code_of_conduct", "governance", "support", "design", "roadmap":
		return true
	}
	if ext != ".txt" {
		return false
	}
	for _, dir := range strings.Split(path.Dir(rel), "/") {
		switch strings.ToLower(dir) {
		case "docs", "doc", "documentation":
			return true
		}
	}
	return false
}

// firstLine returns head up to its first newline.
func firstLine(head []byte) []byte {
	if nl := bytes.IndexByte(head, '\n'); nl >= 0 {
		return head[:nl]
	}
	return head
}

// exampleDirs are the folders projects keep usage examples in.
var exampleDirs = map[string]bool{"examples": true, "example": true, "_examples": true, "_example": true,
	"samples": true, "sample": true, "demos": true, "demo": true, "docs_src": true} // docs_src: FastAPI's and Typer's tutorial code

// ciDirs are the folders of a project's CI and forge automation.
var ciDirs = []string{".github/", ".gitlab/", ".circleci/", ".buildkite/", ".ci/"}

// IsCIScript reports whether relPath is in a folder of the project's CI
// and forge automation (.github/scripts/lint-ecosystem.js): code that
// checks or releases the project rather than being it.
func IsCIScript(relPath string) bool {
	for _, d := range ciDirs {
		if strings.HasPrefix(relPath, d) {
			return true
		}
	}
	return false
}

// IsExample reports whether relPath lies in a folder of usage examples
// (examples/, _example/, samples/, demo/): code that uses the project's
// own, the way a test does, rather than implementing it.
func IsExample(relPath string) bool {
	dirs := strings.Split(path.Dir(relPath), "/")
	for _, d := range dirs {
		if exampleDirs[strings.ToLower(d)] {
			return true
		}
	}
	return false
}
