// Package redact removes credentials from text and JSON values before devai
// stores or shows them (the decision log's arguments first of all).
//
// The rules are gitleaks' default rule set (gitleaks_rules.json, converted
// from gitleaks' config/gitleaks.toml by update_rules.py; MIT licence, see
// LICENSE.gitleaks), applied the way gitleaks applies them: a keyword
// prefilter, the rule's regex, its secret group, its entropy floor, its
// allowlists and the global allowlist. gitleaks itself is not imported: its
// module pulls in archive readers, a WASM runtime, cobra and viper, which a
// redaction pass does not need. A few devai rules cover what a scanner of
// repositories leaves out but a log of tool arguments meets: passwords in
// URLs, bearer tokens and password=/secret=/token= fields.
//
// A secret is replaced by [REDACTED:<rule id>], so a reader still sees what
// kind of thing was there.
package redact

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
)

//go:embed gitleaks_rules.json
var gitleaksRules []byte

// Redactor holds the compiled rules. It is safe for concurrent use; build
// one with New and keep it.
type Redactor struct {
	rules  []rule
	global allowlist
	kw     keywordIndex
}

type rule struct {
	id          string
	re          *regexp.Regexp
	keywords    []string
	kwIDs       []int // indexes into the Redactor's keywordIndex
	multiline   bool  // can match across lines: always run on the whole text
	entropy     float64
	secretGroup int
	scan        func(s string) [][]int   // a devai rule's scanner, used instead of re
	valid       func(secret string) bool // a devai rule's own test of the secret
	allow       []allowlist
}

type allowlist struct {
	regexes   []*regexp.Regexp
	stopwords []string
	target    string // "" (the secret), "match" or "line"
	and       bool
	hasPaths  bool
}

type ruleFile struct {
	Global struct {
		Regexes   []string `json:"regexes"`
		Stopwords []string `json:"stopwords"`
	} `json:"global"`
	Rules []struct {
		ID          string   `json:"id"`
		Regex       string   `json:"regex"`
		Keywords    []string `json:"keywords"`
		Entropy     float64  `json:"entropy"`
		SecretGroup int      `json:"secretGroup"`
		Allowlists  []struct {
			Regexes     []string `json:"regexes"`
			Stopwords   []string `json:"stopwords"`
			RegexTarget string   `json:"regexTarget"`
			Condition   string   `json:"condition"`
			HasPaths    bool     `json:"hasPaths"`
		} `json:"allowlists"`
	} `json:"rules"`
}

// devaiRules join gitleaks'; where two rules match the same text the more
// specific keeps it (see genericRank): a URL password is reported as
// url-password, a GitHub token in token=… as github-pat. gitleaks looks for
// secrets assigned in source files; logs and command lines also carry them
// as a flag's next word (--password X, mysql -pX) or next to a word that
// names them (aws secret <40 chars>), which the rules below cover.
var devaiRules = []struct {
	id       string
	keywords []string
	regex    string
	valid    func(secret string) bool // nil: every match that passes the allowlists
	allow    []string                 // regexes over the secret, beyond devaiAllow
	lineOK   string                   // a regex over the line that allows it
	scan     func(s string) [][]int   // instead of regex: submatch indexes, the secret in group 1
}{
	// scheme://user:password@host (the user may be empty: redis://:pw@host).
	{id: "url-password", keywords: []string{"://"}, regex: `(?i)\b[a-z][a-z0-9+.-]{1,20}://[^\s:/@'"]{0,128}:([^\s@/'"]{1,256})@[^\s/'"]`},
	// Authorization: Bearer <token>, bearer <token> in curl lines and logs.
	{id: "bearer-token", keywords: []string{"bearer"}, regex: `(?i)\bbearer[ \t]+([a-z0-9._~+/=-]{12,})`},
	// Authorization: Basic <base64 of user:password>.
	{id: "basic-auth", keywords: []string{"basic"}, regex: `(?i)\bauthorization["']?[ \t]*[:=][ \t]*["']?basic[ \t]+([a-z0-9+/]{8,}={0,2})`},
	// An AWS secret access key (40 characters of base64) named by the word
	// before it: aws_secret_access_key <v>, secret: <v>, "key" <v>. The
	// value must mix upper case, lower case and digits, which a git hash
	// (lower-case hex) or a word never does.
	{id: "aws-secret-key", keywords: []string{"secret", "key"}, regex: `(?i)\b(?:[a-z0-9]+[_-])*(?:secret|key)s?["']?(?:[ \t]*[:=][ \t]*|[ \t]+)["']?([a-z0-9/+]{40})(?:[^a-z0-9/+=]|$)`, valid: mixedCase},
	// The same 40 characters with nothing naming them: only with a / or +
	// in them and the entropy of random base64, so paths and hashes stay.
	// A line holding nothing else is the tail of a wrapped base64 block (a
	// certificate), not a key someone pasted.
	// It has no keyword to be skipped by, so it is a scanner, not a regex
	// ((?m)(?:^|[^A-Za-z0-9/+=\n])([A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=\n]|$)
	// took 5 times as long as all the other rules on a MiB of logs).
	{id: "aws-secret-key", scan: base64Runs(40), valid: bareBase64Secret, lineOK: `^[ \t]*["'\x60]?[A-Za-z0-9/+]{40}["'\x60,]*[ \t\r]*$`},
	// A short secret after a name that holds nothing else, space-separated
	// as in aws configure set aws_secret_access_key <v>.
	{id: "aws-secret-key", keywords: []string{"aws_"}, regex: `(?i)\baws_(?:secret_access_key|session_token)["']?[ \t]+["']?([^\s"'\x60]{8,})`},
	// A command-line flag and its value as the next word: --password X,
	// -password X, --db-password X, --api-key X, --client-secret X. The
	// --flag=X form is password-field's. Help text names the value in
	// capitals (--token TOKEN) and prose goes on with a word (flagProse);
	// a parenthesis ends the value ("(run --password X)"), $(…) is none.
	{id: "secret-flag", keywords: flagKeywords, regex: `(?i)(?:^|[\s'"\x60(])--?(?:[a-z0-9]+[-_])*(?:passw(?:or)?d|pwd|pass|secret|token|api[-_]?key|access[-_]?key|secret[-_]?key|private[-_]?key)[ \t]+["']?([^\s"'\x60()-][^\s"'\x60()]{2,})`, allow: []string{flagProse, `^[A-Z][A-Z_]*$`}},
	// mysql -pSECRET (the password glued to -p) after a MySQL or MariaDB
	// client; -P (the port) is another flag, and psql's -p is a port.
	{id: "mysql-password", keywords: []string{"mysql", "mariadb"}, regex: `(?:^|[\s;|&(/\x60'"])(?i:mysql|mysqldump|mysqladmin|mysqlimport|mysqlcheck|mysqlshow|mysqlpump|mysqlsh|mariadb|mariadb-dump|mariadb-admin)[ \t][^\n]*?[ \t]-p([^\s"'\x60]+)`},
	// password=…, secret: …, token="…" in query strings, env files, YAML, logs.
	// Code that hands a credential on is not one: a member access on the
	// right (process.env.API_KEY, self._token), or a statement that ends in
	// ; and assigns a variable (final Token token = currentToken;). A
	// connection string (Password=Secr3t;) has no spaces around its =.
	{id: "password-field", keywords: []string{"pass", "pwd", "secret", "token", "key"}, regex: `(?i)\b[a-z0-9_.-]{0,30}(?:passw(?:or)?d|pwd|secret|token|api[_-]?key)[a-z0-9_.-]{0,10}["']?[ \t]*(?:=|:)[ \t]*["']?([^\s"'&,;]{4,})`,
		allow: []string{memberAccess}, lineOK: variableAssignment},
}

// memberAccess is a value that reads a field: two to six identifier
// segments joined by dots, none longer than 30 (a JWT's are longer).
const memberAccess = `^[A-Za-z_$][\w$]{0,29}(?:\.[A-Za-z_$][\w$]{0,29}){1,5}$`

// variableAssignment is a whole line that assigns a camelCase or snake_case
// variable in a ;-terminated statement, with spaces around the =.
const variableAssignment = `^[ \t]*(?:[\w<>\[\],.?]+[ \t]+)*[A-Za-z_$][\w$.]*[ \t]+=[ \t]+[a-z_$][a-z0-9$]*(?:[A-Z_][A-Za-z0-9_$]*)+[ \t]*;[ \t]*$`

// flagProse is the word after a flag's name in prose and help text
// ("use --token when…", "--password for the database"): not a value.
const flagProse = `^(?i:a|an|and|are|as|at|be|but|by|can|does|each|env|file|flag|for|from|given|has|if|in|instead|into|is|it|its|may|must|not|of|on|only|option|or|over|set|should|so|takes|than|that|the|then|this|to|too|unless|value|via|was|when|where|which|while|will|with|without|you)$`

// flagKeywords pass the lines secret-flag may match: a flag name holds
// one of its words after a - or an _ (--password, --db-password,
// --client_secret).
var flagKeywords = []string{"-pass", "_pass", "-pwd", "_pwd", "-secret", "_secret", "-token", "_token", "-api", "_api", "-access", "_access", "-private", "_private"}

// base64Runs finds the runs of exactly n base64 characters ([A-Za-z0-9/+])
// that no other base64 character or '=' touches, as regexp submatch indexes
// with the run as group 1.
func base64Runs(n int) func(string) [][]int {
	return func(s string) [][]int {
		var out [][]int
		for i := 0; i < len(s); {
			if !isBase64(s[i]) {
				i++
				continue
			}
			j := i
			for j < len(s) && isBase64(s[j]) {
				j++
			}
			if j-i == n && (i == 0 || s[i-1] != '=') && (j == len(s) || s[j] != '=') {
				out = append(out, []int{i, j, i, j})
			}
			i = j
		}
		return out
	}
}

func isBase64(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '/' || c == '+'
}

// mixedCase tells a random key from a word or a hash: upper and lower case
// letters and a digit.
func mixedCase(s string) bool {
	var upper, lower, digit bool
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 'A' && c <= 'Z':
			upper = true
		case c >= 'a' && c <= 'z':
			lower = true
		case c >= '0' && c <= '9':
			digit = true
		}
	}
	return upper && lower && digit
}

// bareBase64Entropy is the floor for a 40-character secret with no name
// before it: random base64 of that length scores 4.7–5.1 bits a byte, a
// path or an identifier of the same length well under 4.5.
const bareBase64Entropy = 4.5

func bareBase64Secret(s string) bool {
	return strings.ContainsAny(s, "/+") && mixedCase(s) && entropy(s) > bareBase64Entropy
}

// devaiAllow keeps devai's own rules off values that are not secrets: code
// (a call, a field access), placeholders and templates, already redacted
// text.
var devaiAllow = allowlist{regexes: []*regexp.Regexp{
	regexp.MustCompile(`[()]|^\$\{?[A-Za-z_]+\}?$|^\$\{\{|^\{\{.*\}\}$|^<[^>]*>$|^\*+$|^(?i:x+|changeme|password|secret|token|none|null|nil|true|false|example|redacted|string|number|int|bool|boolean)$|^\[REDACTED`),
}}

// New compiles the rules. It fails only if the embedded table is broken.
func New() (*Redactor, error) {
	var rf ruleFile
	if err := json.Unmarshal(gitleaksRules, &rf); err != nil {
		return nil, fmt.Errorf("redact: read the embedded rule table: %w", err)
	}
	r := &Redactor{}
	for _, d := range devaiRules {
		var re *regexp.Regexp
		if d.scan == nil {
			var err error
			if re, err = regexp.Compile(d.regex); err != nil {
				return nil, fmt.Errorf("redact: rule %s: %w", d.id, err)
			}
		}
		allow := []allowlist{devaiAllow}
		if len(d.allow) > 0 {
			extra, err := compileAllow(d.allow, nil)
			if err != nil {
				return nil, fmt.Errorf("redact: allowlist of %s: %w", d.id, err)
			}
			allow = append(allow, extra)
		}
		if d.lineOK != "" {
			line, err := compileAllow([]string{d.lineOK}, nil)
			if err != nil {
				return nil, fmt.Errorf("redact: allowlist of %s: %w", d.id, err)
			}
			line.target = "line"
			allow = append(allow, line)
		}
		r.rules = append(r.rules, rule{id: d.id, re: re, scan: d.scan, keywords: d.keywords, valid: d.valid, allow: allow})
	}
	for _, g := range rf.Rules {
		re, err := regexp.Compile(g.Regex)
		if err != nil {
			return nil, fmt.Errorf("redact: gitleaks rule %s: %w", g.ID, err)
		}
		ru := rule{id: g.ID, re: re, entropy: g.Entropy, secretGroup: g.SecretGroup, multiline: spansLines(g.Regex)}
		for _, k := range g.Keywords {
			ru.keywords = append(ru.keywords, strings.ToLower(k))
		}
		for _, a := range g.Allowlists {
			al, err := compileAllow(a.Regexes, a.Stopwords)
			if err != nil {
				return nil, fmt.Errorf("redact: allowlist of %s: %w", g.ID, err)
			}
			al.target, al.and, al.hasPaths = a.RegexTarget, strings.EqualFold(a.Condition, "AND"), a.HasPaths
			ru.allow = append(ru.allow, al)
		}
		r.rules = append(r.rules, ru)
	}
	// Specific rules first: a GitHub token inside token=… is a github-pat,
	// not a password-field or a generic-api-key.
	sort.SliceStable(r.rules, func(i, j int) bool { return genericRank(r.rules[i].id) < genericRank(r.rules[j].id) })
	g, err := compileAllow(rf.Global.Regexes, rf.Global.Stopwords)
	if err != nil {
		return nil, fmt.Errorf("redact: global allowlist: %w", err)
	}
	r.global = g
	r.kw = newKeywordIndex()
	for i := range r.rules {
		for _, k := range r.rules[i].keywords {
			r.rules[i].kwIDs = append(r.rules[i].kwIDs, r.kw.add(k))
		}
	}
	return r, nil
}

// spansLines tells the rules whose regex can match a newline on purpose
// (a class with \s\S, a dot in (?s), an explicit \n or \r).
func spansLines(src string) bool {
	src = strings.ReplaceAll(src, `\\[nr]`, "") // a literal backslash-n in a string
	for _, marker := range []string{`[\s\S`, `(?s`, `\n`, `\r`} {
		if strings.Contains(src, marker) {
			return true
		}
	}
	return false
}

// genericRank orders the catch-all rules after the specific ones.
func genericRank(id string) int {
	switch id {
	case "password-field":
		return 1
	case "generic-api-key":
		return 2
	}
	return 0
}

func compileAllow(regexes, stopwords []string) (allowlist, error) {
	var a allowlist
	for _, s := range regexes {
		re, err := regexp.Compile(s)
		if err != nil {
			return a, err
		}
		a.regexes = append(a.regexes, re)
	}
	for _, s := range stopwords {
		a.stopwords = append(a.stopwords, strings.ToLower(s))
	}
	return a, nil
}

// Finding is one secret found in a text: its rule and byte range.
type Finding struct {
	Rule       string
	Start, End int
}

// lineModeOver is the text size past which rules run line by line, only on
// the lines holding one of their keywords: Go's regexp runs a submatch
// search over a long text on its slow NFA, while short lines take the
// backtracker. Rules that can span lines (a private key block, a curl
// command continued with \) still run over the whole text. The NFA already
// loses on a few KB: a search_context answer (12 KB of Go code,
// BenchmarkCodeSnippets) took 7.4 ms whole and 2.7 ms by line, and
// redaction was 60% of the server's CPU per call (issue 11); past 1 KB the
// two modes cost the same on short texts.
const lineModeOver = 1 << 10

// Find returns the secrets in text, without overlaps, in order. Where
// rules overlap, the more specific rule keeps the span.
func (r *Redactor) Find(text string) []Finding {
	if r == nil || text == "" {
		return nil
	}
	var found []Finding
	present := r.kw.scan(strings.ToLower(text))
	if len(text) <= lineModeOver {
		for i := range r.rules {
			if r.rules[i].hasKeyword(present) {
				found = r.match(found, &r.rules[i], text, 0)
			}
		}
	} else {
		for i := range r.rules {
			if r.rules[i].multiline && r.rules[i].hasKeyword(present) {
				found = r.match(found, &r.rules[i], text, 0)
			}
		}
		for base := 0; base < len(text); {
			end := strings.IndexByte(text[base:], '\n')
			if end < 0 {
				end = len(text)
			} else {
				end += base
			}
			line := text[base:end]
			if line != "" {
				onLine := r.kw.scan(strings.ToLower(line))
				for i := range r.rules {
					if !r.rules[i].multiline && r.rules[i].hasKeyword(onLine) {
						found = r.match(found, &r.rules[i], line, base)
					}
				}
			}
			base = end + 1
		}
	}
	sort.Slice(found, func(i, j int) bool { return found[i].Start < found[j].Start })
	return found
}

// match adds the findings of one rule in s (which starts at base in the
// whole text) that no earlier finding covers.
func (r *Redactor) match(found []Finding, ru *rule, s string, base int) []Finding {
	var matches [][]int
	if ru.scan != nil {
		matches = ru.scan(s)
	} else {
		matches = ru.re.FindAllStringSubmatchIndex(s, -1)
	}
	for _, m := range matches {
		st, e := ru.secretSpan(m)
		if st < 0 || st == e {
			continue
		}
		secret := s[st:e]
		if ru.entropy > 0 && entropy(secret) <= ru.entropy {
			continue
		}
		if ru.valid != nil && !ru.valid(secret) {
			continue
		}
		line := lineAround(s, m[0], m[1])
		if r.global.allows(secret, s[m[0]:m[1]], line) || ru.allowed(secret, s[m[0]:m[1]], line) {
			continue
		}
		if overlaps(found, st+base, e+base) {
			continue
		}
		found = append(found, Finding{Rule: ru.id, Start: st + base, End: e + base})
	}
	return found
}

func overlaps(found []Finding, s, e int) bool {
	for _, f := range found {
		if s < f.End && f.Start < e {
			return true
		}
	}
	return false
}

// String returns text with every secret replaced by [REDACTED:<rule>].
func (r *Redactor) String(text string) string {
	found := r.Find(text)
	if len(found) == 0 {
		return text
	}
	var b strings.Builder
	last := 0
	for _, f := range found {
		b.WriteString(text[last:f.Start])
		b.WriteString("[REDACTED:" + f.Rule + "]")
		last = f.End
	}
	b.WriteString(text[last:])
	return b.String()
}

// sensitiveKey is a JSON object key whose string value is a secret whatever
// it looks like (a short password has no entropy to find it by).
var sensitiveKey = regexp.MustCompile(`(?i)^(?:.*[_-])?(?:passw(?:or)?d|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|client[_-]?secret|authorization|credentials?|auth)$`)

// Value returns a copy of a decoded JSON value (map[string]any, []any,
// strings, numbers…) with secrets redacted: every string is passed through
// String, and the string value of a key named like a credential (password,
// api_key, token, authorization…) is replaced whole.
func (r *Redactor) Value(v any) any {
	switch x := v.(type) {
	case string:
		return r.String(x)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, val := range x {
			if s, ok := val.(string); ok && s != "" && sensitiveKey.MatchString(k) {
				out[k] = "[REDACTED:field-" + strings.ToLower(k) + "]"
				continue
			}
			out[k] = r.Value(val)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, val := range x {
			out[i] = r.Value(val)
		}
		return out
	default:
		return v
	}
}

// JSON redacts any Go value by encoding it to JSON, redacting the decoded
// form with Value and returning that (ready to encode again).
func (r *Redactor) JSON(v any) (any, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("redact: encode: %w", err)
	}
	var generic any
	if err := json.Unmarshal(raw, &generic); err != nil {
		return nil, fmt.Errorf("redact: decode: %w", err)
	}
	return r.Value(generic), nil
}

// Typed returns a copy of v, any JSON-encodable Go value, with its secrets
// redacted as JSON does, decoded back into v's type: what a component
// stores or prints is then the same redacted record every reader sees.
func Typed[T any](r *Redactor, v T) (T, error) {
	generic, err := r.JSON(v)
	if err != nil {
		return v, err
	}
	raw, err := json.Marshal(generic)
	if err != nil {
		return v, fmt.Errorf("redact: encode: %w", err)
	}
	var out T
	if err := json.Unmarshal(raw, &out); err != nil {
		return v, fmt.Errorf("redact: decode into %T: %w", out, err)
	}
	return out, nil
}

func (ru *rule) hasKeyword(present []bool) bool {
	if len(ru.kwIDs) == 0 {
		return true
	}
	for _, id := range ru.kwIDs {
		if present[id] {
			return true
		}
	}
	return false
}

// secretSpan picks the secret inside a match as gitleaks does: the rule's
// secret group, else the first non-empty group, else the whole match.
func (ru *rule) secretSpan(m []int) (int, int) {
	groups := len(m)/2 - 1
	if ru.secretGroup > 0 {
		if ru.secretGroup > groups {
			return -1, -1
		}
		return m[2*ru.secretGroup], m[2*ru.secretGroup+1]
	}
	for g := 1; g <= groups; g++ {
		if m[2*g] >= 0 && m[2*g+1] > m[2*g] {
			return m[2*g], m[2*g+1]
		}
	}
	return m[0], m[1]
}

func (ru *rule) allowed(secret, match, line string) bool {
	for i := range ru.allow {
		if ru.allow[i].allows(secret, match, line) {
			return true
		}
	}
	return false
}

// allows applies one allowlist: with condition OR any regex or stopword
// allows the finding; with AND all of its checks must, and an AND list that
// also needs a path never allows (devai's texts have none).
func (a *allowlist) allows(secret, match, line string) bool {
	target := secret
	switch a.target {
	case "match":
		target = match
	case "line":
		target = line
	}
	var checks []bool
	if len(a.regexes) > 0 {
		hit := false
		for _, re := range a.regexes {
			if re.MatchString(target) {
				hit = true
				break
			}
		}
		checks = append(checks, hit)
	}
	if len(a.stopwords) > 0 {
		ls := strings.ToLower(secret)
		hit := false
		for _, w := range a.stopwords {
			if strings.Contains(ls, w) {
				hit = true
				break
			}
		}
		checks = append(checks, hit)
	}
	if len(checks) == 0 {
		return false
	}
	if a.and {
		if a.hasPaths {
			return false
		}
		for _, c := range checks {
			if !c {
				return false
			}
		}
		return true
	}
	for _, c := range checks {
		if c {
			return true
		}
	}
	return false
}

func lineAround(text string, s, e int) string {
	ls := strings.LastIndexByte(text[:s], '\n') + 1
	le := strings.IndexByte(text[e:], '\n')
	if le < 0 {
		return text[ls:]
	}
	return text[ls : e+le]
}

// entropy is the Shannon entropy of s in bits per byte, as gitleaks
// computes it.
func entropy(s string) float64 {
	if s == "" {
		return 0
	}
	var counts [256]int
	for i := 0; i < len(s); i++ {
		counts[s[i]]++
	}
	n := float64(len(s))
	var h float64
	for _, c := range counts {
		if c == 0 {
			continue
		}
		p := float64(c) / n
		h -= p * math.Log2(p)
	}
	return h
}
