package memory

import (
	"cmp"
	"context"
	"fmt"
	"regexp"
	"strings"
	"unicode"

	"github.com/devaiops/devai/memory/chunk"
	"github.com/devaiops/devai/memory/textindex"
	"github.com/devaiops/devai/memory/walk"
)

// Verbatim match levels, best last: a chunk that holds a string of the
// query as written outranks every fuzzy hit, and one that defines a named
// identifier outranks one that only mentions it.
const (
	exactMention    = 1 // holds an identifier of the query as a whole word
	exactPhrase     = 2 // holds a quoted string, or the whole message-like query
	exactDefinition = 3 // defines an identifier the query names
	exactMessage    = 4 // emits the message of an error or log line the query pastes
)

// exactWindow bounds the chunks checked per needle.
const exactWindow = 100

// maxNeedles bounds the lookups of one query (a long commit message names
// many identifiers; the first ones are the ones it is about).
const maxNeedles = 8

// maxMentionFiles is how many files may mention an identifier of the query
// before the mentions stop counting: a word that many files use (PromQL in
// prometheus, sqlite3 in knex) tells them apart no better than BM25 does,
// and a verbatim level on each of them would push the fuzzy answer out of
// the top 10 (bench/locset commitsets, tune split).
const maxMentionFiles = 10

// needle is a string of the query to find verbatim.
type needle struct {
	text    string
	ident   bool // an identifier: definitions count, whole words only
	message bool // a pasted message: where it is emitted is the answer
	// inPassing: an identifier a long text (a commit message with a body,
	// a pasted issue) names along the way; what it changes or breaks is
	// rarely where the name is defined, so its definition counts as no
	// more than a mention.
	inPassing bool
	// bound: held only where a string literal or a placeholder in one
	// ends or starts the text (a message the program cut short).
	bound  literalBound
	window int // chunks read for it; 0: exactWindow
}

var (
	quotedString = regexp.MustCompile("`([^`\n]{3,200})`|\"([^\"\n]{3,200})\"|“([^”\n]{3,200})”")
	wordLike     = regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*`)
	questionWord = regexp.MustCompile(`(?i)^(how|where|what|why|when|which|who|does|do|is|are|can|should|find|show|list)\b`)
	// errorLine is an error as a terminal prints it: a type or a word such
	// as panic or Error, a colon, the message.
	errorLine = regexp.MustCompile(`^([A-Za-z_][\w.]*):\s+(\S.{7,})$`)
	// variablePart is a token a program fills in: quoted, numeric, a
	// path, an option, key=value.
	variablePart = regexp.MustCompile("['\"`{}<>=/\\\\]|^--?\\w|\\d")
)

// exactNeedles finds what a query asks for verbatim: its quoted strings,
// its identifiers (CamelCase, snake_case, dotted, 4+ letters, or a
// one-word query), and the whole query when it reads like a message
// copied from a log or an error (3 to 12 words, not a question, see
// messageCase).
func exactNeedles(text string) []needle {
	var out []needle
	seen := map[string]bool{}
	add := func(n needle) {
		if key := strings.ToLower(n.text); !seen[key] && len(out) < maxNeedles {
			seen[key] = true
			out = append(out, n)
		}
	}
	words := strings.Fields(text)
	if msg, ok := pastedError(text); ok {
		add(needle{text: msg, message: true})
	}
	quotedValue := false // a quoted part that is no identifier: a value a message may quote
	for _, m := range quotedString.FindAllStringSubmatch(text, -1) {
		for _, g := range m[1:] {
			if g = strings.TrimSpace(strings.TrimSuffix(g, "()")); g != "" {
				ident := wordLike.FindString(g) == g
				quotedValue = quotedValue || !ident
				add(needle{text: g, ident: ident})
			}
		}
	}
	if len(words) >= 3 && len(words) <= 12 && !questionWord.MatchString(text) && (len(out) == 0 || quotedValue && messageCase(text) && wordsOutsideQuotes(text) >= 2) {
		// A message copied from a log or an error is emitted somewhere; a
		// phrase in lower case may be one too, or prose: held verbatim, it
		// is a phrase match either way. A message may quote a value
		// itself (axum's "Expected request with `Content-Type:
		// application/json`"); a commit subject that quotes a name ("Fix
		// `extensions` type annotation.") is no message.
		add(needle{text: text, message: messageCase(text)})
	}
	for _, w := range wordLike.FindAllString(text, -1) {
		w = strings.Trim(w, ".")
		if len(words) > 1 && (allCapitals(w) || namesDocument(w)) {
			continue
		}
		if len(w) >= 4 && (len(words) == 1 || identifierLike(w)) {
			add(needle{text: w, ident: true})
		}
	}
	return out
}

// namesDocument: "Update CHANGELOG.md", "see README.rst" name a document,
// which the text channel finds by its words; verbatim, the name is found
// in the packaging that ships it (httpx's MANIFEST.in came first for every
// release commit), not in the code a query is about.
func namesDocument(w string) bool {
	kind, _ := walk.Classify(w, nil)
	return strings.Contains(w, ".") && kind == chunk.Spec
}

// wordsOutsideQuotes counts the words of text outside its quoted strings.
func wordsOutsideQuotes(text string) int {
	return len(strings.Fields(quotedString.ReplaceAllString(text, " ")))
}

// pastedError is the message of a query that is an error line as a
// terminal prints it ("java.lang.IllegalArgumentException: Path parameter
// …", "panic: …"), of 30 words at most.
func pastedError(text string) (msg string, ok bool) {
	m := errorLine.FindStringSubmatch(text)
	if m == nil || len(strings.Fields(text)) > 30 || !errorHead(m[1]) {
		return "", false
	}
	return m[2], true
}

// errorHead tells the head of an error line ("httpx.InvalidURL",
// "TypeError", "panic", "Error") from a prose label ("note", "update").
func errorHead(h string) bool {
	switch strings.ToLower(h) {
	case "panic", "error", "err", "fatal", "warning", "warn", "exception", "critical":
		return true
	}
	return identifierLike(h)
}

// allCapitals tells an acronym or a keyword written in a sentence (HTTP,
// YAML, BUGFIX, SQL's EXCEPT) from an identifier: it has no lower-case
// letter, and no underscore or dot, which constants (MAX_SIZE) and
// qualified names (io.EOF) have.
func allCapitals(w string) bool {
	return strings.ToUpper(w) == w && !strings.ContainsAny(w, "_.")
}

// messageCase tells a message copied from a log or an error ("No response
// returned.", "Working outside of application context") from a search
// phrased in lower case ("janitor removes expired sessions"), which also
// occurs verbatim wherever it is an example query.
func messageCase(text string) bool {
	first := []rune(text)[0]
	return unicode.IsUpper(first) || strings.ContainsAny(text[len(text)-1:], ".!:")
}

// searchExact adds the chunks that hold a needle of the query verbatim, or
// define one, with their level. Candidates come from the text index (every
// term of the needle in the field); the text itself is then checked.
func (ix *Index) searchExact(ctx context.Context, q Query, needles []needle, cands map[string]*candidate) error {
	for _, n := range needles {
		if n.ident && !n.inPassing {
			name := n.text[strings.LastIndexByte(n.text, '.')+1:]
			ids, err := ix.withAllTerms(ctx, q, name, textindex.InSymbol)
			if err != nil {
				return err
			}
			terms := map[string]bool{strings.ToLower(n.text): true, strings.ToLower(name): true}
			ix.mu.RLock()
			for _, id := range ids {
				// a test case titled with the name (fastify's
				// test('FST_ERR_CTP_BODY_TOO_LARGE', …)) tests it; it
				// defines nothing
				if ref, ok := ix.byID[id]; ok && ref.meta().SymbolKind != "test" && symbolNamed(ref.meta(), terms) != "" {
					markExact(cands, id, exactDefinition, "defines "+n.text)
				}
			}
			ix.mu.RUnlock()
		}
		if n.message {
			if err := ix.searchMessage(ctx, q, n, cands); err != nil {
				return err
			}
			continue
		}
		ids, err := ix.withAllTerms(ctx, q, n.text, textindex.InText)
		if err != nil {
			return err
		}
		level, why := exactPhrase, fmt.Sprintf("holds %q", n.text)
		if n.ident {
			level, why = exactMention, "mentions "+n.text
		}
		held := ix.holding(ids, n)
		if n.ident && ix.fileCount(held) > maxMentionFiles {
			continue
		}
		for _, id := range held {
			markExact(cands, id, level, why)
		}
	}
	return nil
}

// searchMessage finds where a pasted message is emitted: the message as
// pasted, and its longest fixed part, since the program filled in the rest
// ("Invalid port: 'abc'" is emitted by f"Invalid port: {port!r}"; a test
// that asserts the whole message does not emit it). When no code holds
// either, ever shorter leading runs of the message, then of its fixed part,
// are tried, longest first: the program may have filled in plain words too
// ("… when compiling SELECT", "Expected BEGIN_OBJECT but was STRING at line
// 1 column 3", zod's `Invalid input: expected ${expected}, received …`). A
// shortened run counts only where a string literal ends with it or stops at
// a placeholder after it, and only while few files hold it.
func (ix *Index) searchMessage(ctx context.Context, q Query, n needle, cands map[string]*candidate) error {
	fixed := fixedPart(n.text)
	inCode := false
	for _, text := range []string{n.text, fixed} {
		if text == "" {
			continue
		}
		held, err := ix.holdingAllTerms(ctx, q, needle{text: text})
		if err != nil {
			return err
		}
		inCode = ix.markMessage(cands, held, text) || inCode
	}
	if inCode || len(q.Kinds) > 0 && !containsKind(q.Kinds, chunk.Code) {
		return nil
	}
	// Only code emits a message, and its words are common (zod's
	// "invalid", "input", "expected"): the window holds code alone and
	// reaches further than a whole message's.
	inCodeOnly := q
	inCodeOnly.Kinds = []chunk.Kind{chunk.Code}
	for _, cut := range []struct {
		runs  func(string) []string
		bound literalBound
	}{{shorterPrefixes, endsLiteral}, {shorterSuffixes, startsLiteral}} {
		for _, whole := range []string{n.text, fixed} {
			for _, text := range cut.runs(whole) {
				if inCode {
					return nil
				}
				held, err := ix.holdingAllTerms(ctx, inCodeOnly, needle{text: text, bound: cut.bound, window: prefixWindow})
				if err != nil {
					return err
				}
				if ix.fileCount(held) > maxMessageFiles {
					break // a shorter run is held by more files still
				}
				inCode = ix.markMessage(cands, held, text)
			}
		}
	}
	return nil
}

// maxMessageFiles is how many files may hold a shortened message before it
// stops telling where the message is emitted.
const maxMessageFiles = 3

// prefixWindow is how many code chunks with every word of a shortened
// message are read for it.
const prefixWindow = 400

// holdingAllTerms is the chunks that hold n, from those with all its terms.
func (ix *Index) holdingAllTerms(ctx context.Context, q Query, n needle) ([]string, error) {
	ids, err := ix.withAllTermsIn(ctx, q, n.text, textindex.InText, cmp.Or(n.window, exactWindow))
	if err != nil {
		return nil, err
	}
	return ix.holding(ids, n), nil
}

// markMessage marks the chunks ids as emitting the message text and
// reports whether one of them is code.
func (ix *Index) markMessage(cands map[string]*candidate, ids []string, text string) (inCode bool) {
	for _, id := range ids {
		markExact(cands, id, exactMessage, fmt.Sprintf("holds the message %q", text))
		inCode = inCode || ix.kindOf(id) == chunk.Code
	}
	return inCode
}

// kindOf is the kind of chunk id; "" when unknown.
func (ix *Index) kindOf(id string) chunk.Kind {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ref, ok := ix.byID[id]; ok {
		return ref.kind()
	}
	return ""
}

// literalBound is where a shortened message must meet a string literal's
// edge: the program filled in the words beyond it.
type literalBound int

const (
	anywhere      literalBound = iota
	endsLiteral                // a literal ends, or a placeholder follows
	startsLiteral              // a literal starts, or a placeholder precedes
)

// shorterSuffixes are s's trailing runs of words, longest first, as
// shorterPrefixes cuts leading ones: black's f"INTERNAL ERROR:
// {_black_info()} produced code that is not equivalent to the source"
// prints "Black" where its source has a placeholder.
func shorterSuffixes(s string) []string {
	words := strings.Fields(s)
	var out []string
	for n := len(words) - 1; n >= 2 && n >= len(words)-maxDroppedWords; n-- {
		if p := strings.Join(words[len(words)-n:], " "); len(p) >= 10 {
			out = append(out, p)
		}
	}
	return out
}

// shorterPrefixes are s's leading runs of words, longest first, from one
// word short of s down to two words and ten characters, at most
// maxDroppedWords words short.
func shorterPrefixes(s string) []string {
	words := strings.Fields(s)
	var out []string
	for n := len(words) - 1; n >= 2 && n >= len(words)-maxDroppedWords; n-- {
		if p := strings.Join(words[:n], " "); len(p) >= 10 {
			out = append(out, p)
		}
	}
	return out
}

// maxDroppedWords bounds the lookups of one pasted message.
const maxDroppedWords = 5

// fixedPart is the longest run of a message's words, split at colons,
// sentence ends (a long message is often written as several literals) and
// words a program fills in (variablePart), of at least two words and ten
// letters; "" when none is, or when it is the whole message.
func fixedPart(msg string) string {
	var best, run []string
	flush := func() {
		if len(run) >= 2 && len(strings.Join(run, " ")) > len(strings.Join(best, " ")) {
			best = run
		}
		run = nil
	}
	for _, w := range strings.Fields(msg) {
		if variablePart.MatchString(w) {
			flush()
			continue
		}
		trimmed := strings.TrimRight(w, ":.!?")
		if trimmed != w {
			run = append(run, trimmed)
			flush()
			continue
		}
		run = append(run, w)
	}
	flush()
	out := strings.TrimRight(strings.Join(best, " "), ".,;!?")
	if len(out) < 10 || out == strings.TrimRight(msg, ".,;!? ") {
		return ""
	}
	return out
}

// fileCount is the number of files the chunks ids belong to.
func (ix *Index) fileCount(ids []string) int {
	files := map[string]bool{}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	for _, id := range ids {
		if ref, ok := ix.byID[id]; ok {
			files[ref.file.Path] = true
		}
	}
	return len(files)
}

func (ix *Index) withAllTerms(ctx context.Context, q Query, text, field string) ([]string, error) {
	return ix.withAllTermsIn(ctx, q, text, field, exactWindow)
}

// withAllTermsIn is withAllTerms with a window of limit chunks.
func (ix *Index) withAllTermsIn(ctx context.Context, q Query, text, field string, limit int) ([]string, error) {
	tq := textindex.Query{Text: text, Language: q.Language, PathGlob: q.PathGlob, Limit: limit}
	for _, k := range q.Kinds {
		tq.Kinds = append(tq.Kinds, string(k))
	}
	docs, err := ix.text.WithAllTerms(ctx, tq, field)
	if err != nil {
		return nil, fmt.Errorf("exact search: %w", err)
	}
	ids := docs[:0]
	seen := make(map[string]bool, len(docs))
	for _, d := range docs {
		if id, _ := chunkOfDoc(d); !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids, nil
}

func markExact(cands map[string]*candidate, id string, level int, why string) {
	c := candidateFor(cands, id)
	if level > c.exact {
		c.exact, c.exactWhy = level, why
	}
}

// holding keeps the chunks of ids whose text holds n: case-insensitively
// with runs of blanks as one, and for an identifier as a whole word. Each
// file is read once, from its first candidate line to its last.
func (ix *Index) holding(ids []string, n needle) []string {
	want := foldSpace(n.text)
	byPath := map[string][]chunkRef{}
	ix.mu.RLock()
	for _, id := range ids {
		if ref, ok := ix.byID[id]; ok {
			byPath[ref.file.Path] = append(byPath[ref.file.Path], ref)
		}
	}
	ix.mu.RUnlock()
	var out []string
	for p, refs := range byPath {
		lo, hi := refs[0].meta().StartLine, refs[0].meta().EndLine
		for _, ref := range refs {
			lo, hi = min(lo, ref.meta().StartLine), max(hi, ref.meta().EndLine)
		}
		lines := ix.readLines(p, lo, hi) // only those lines: a log may be gigabytes
		for _, ref := range refs {
			m := ref.meta()
			text := foldSpace(sliceLines(lines, m.StartLine-lo+1, m.EndLine-lo+1))
			if k := ref.kind(); !n.ident && (k == chunk.Code || k == chunk.Test) {
				text = joinLiterals(text)
			}
			if containsFolded(text, want, n.ident) && n.bound.holds(text, want) {
				out = append(out, m.ID)
			}
		}
	}
	return out
}

// foldSpace lowercases s and turns every run of white space into one blank.
func foldSpace(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(s)), " ")
}

// containsFolded reports whether hay holds want; with wholeWord, not as
// part of a longer identifier.
func containsFolded(hay, want string, wholeWord bool) bool {
	for from := 0; ; {
		i := strings.Index(hay[from:], want)
		if i < 0 {
			return false
		}
		i += from
		end := i + len(want)
		if !wholeWord || (!identRune(hay, i-1) && !identRune(hay, end)) {
			return true
		}
		from = i + 1
	}
}

// joinLiterals joins the literals of folded code that a long message is
// written as ("… not equivalent to" " the source", "a " + "b") so that
// the message is found whole: a literal's closing quote, blanks, an
// optional +, and the next literal's opening quote (with a Python prefix
// such as f) are dropped.
func joinLiterals(folded string) string {
	var b strings.Builder
	b.Grow(len(folded))
	var open byte // the quote of the literal the scan is in; 0 outside
	for i := 0; i < len(folded); i++ {
		c := folded[i]
		switch {
		case open == 0:
			if c == '"' || c == '\'' || c == '`' {
				open = c
			}
		case c == '\\' && i+1 < len(folded):
			b.WriteByte(c)
			i++
			c = folded[i]
		case c == open:
			if next := nextLiteral(folded, i+1, open); next > 0 {
				i = next
				continue
			}
			open = 0
		}
		b.WriteByte(c)
	}
	return b.String()
}

// nextLiteral is the index of the opening quote of a literal that
// continues the one closed right before from, or -1.
func nextLiteral(s string, from int, quote byte) int {
	i := from
	skip := func(set string, most int) {
		for n := 0; n < most && i < len(s) && strings.IndexByte(set, s[i]) >= 0; n++ {
			i++
		}
	}
	skip(" ", 1)
	skip("+", 1)
	skip(" ", 1)
	skip("rbfu", 2)
	if i < len(s) && s[i] == quote {
		return i
	}
	return -1
}

// holds reports whether hay holds want at a literal's edge as b asks.
func (b literalBound) holds(hay, want string) bool {
	switch b {
	case endsLiteral:
		return atLiteralEdge(hay, want, endsAt)
	case startsLiteral:
		return atLiteralEdge(hay, want, startsAt)
	}
	return true
}

// atLiteralEdge reports whether edge holds for one occurrence of want in
// hay, given the text before it and the text after it.
func atLiteralEdge(hay, want string, edge func(before, after string) bool) bool {
	for from := 0; ; {
		i := strings.Index(hay[from:], want)
		if i < 0 {
			return false
		}
		i += from
		if edge(hay[:i], hay[i+len(want):]) {
			return true
		}
		from = i + 1
	}
}

// endsAt: a closing quote, a printf verb, a {} or ${} placeholder follows,
// blanks allowed between.
func endsAt(_, after string) bool {
	after = strings.TrimLeft(after, " ")
	return after != "" && strings.ContainsRune("\"'`%{$", rune(after[0]))
}

// startsAt: an opening quote or the end of a placeholder ({…}, %s, %v)
// precedes, blanks allowed between.
func startsAt(before, _ string) bool {
	before = strings.TrimRight(before, " ")
	if before == "" {
		return false
	}
	if strings.ContainsRune("\"'`}", rune(before[len(before)-1])) {
		return true
	}
	return len(before) >= 2 && before[len(before)-2] == '%' && unicode.IsLetter(rune(before[len(before)-1]))
}

func identRune(s string, i int) bool {
	if i < 0 || i >= len(s) {
		return false
	}
	r := rune(s[i])
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)
}
