package drain

import (
	"strings"
	"unicode/utf8"
)

// eventWord: a token that says which event happened rather than carrying
// a value, so two messages that differ in it are two events even when
// every other token agrees: a state or outcome word ("scanning started" /
// "scanning stopped", "down true" / "down false", "to spawn" / "to
// destroy") or a constant written in capitals ("mode AUTO" / "mode
// SUSPENDED", "action.SCREEN_ON", "client SPP.") or a mark where a value
// is missing ("****" among fan speeds). A user or host name is
// lower case or mixed and stays a parameter ("user root" / "user news").
// Found on loghub's tune systems, where such pairs are most of what Drain
// merges (bench/logs loghub); key=value tokens are left to the masks.
func eventWord(tok string) bool {
	letters := false
	for i := 0; i < len(tok); i++ {
		c := tok[i]
		if isDigitByte(c) || c == '=' || c == '<' {
			return false // a value, key=value, a mask (and anything in <...>)
		}
		letters = letters || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= utf8.RuneSelf
	}
	if !letters {
		return markRun(tok)
	}
	start, end := 0, len(tok)
	for start < end && eventPunct[tok[start]] {
		start++
	}
	for end > start && eventPunct[tok[end-1]] {
		end--
	}
	tok = tok[start:end]
	if i := strings.LastIndexAny(tok, ".[("); i >= 0 {
		tok = tok[i+1:] // a qualified name, an argument: action.SCREEN_ON, WWEN[disable]
	}
	if len(tok) < 2 || keyword(tok) || sizeUnit(tok) {
		// HTTP methods: the tree routes on them, a leaf's threshold
		// decides (keyword); "5.2 KB" and "812 B": the unit is the value's
		return false
	}
	if capitalWord(tok) {
		return true
	}
	if len(tok) > maxStateWord {
		return false
	}
	var lower [maxStateWord]byte
	for i := 0; i < len(tok); i++ {
		c := tok[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		lower[i] = c
	}
	return stateWords[string(lower[:len(tok)])]
}

// maxStateWord is the length of the longest of stateWords.
const maxStateWord = 12

// eventPunct is what surrounds a word in a message: quotes, brackets,
// sentence punctuation, a trailing '*' or ':'.
var eventPunct = [256]bool{'\'': true, '"': true, '(': true, ')': true, '[': true, ']': true, '{': true, '}': true,
	'>': true, '.': true, ',': true, ';': true, ':': true, '!': true, '?': true, '*': true}

// markRun: "****" where a reading is missing, "----": one mark repeated,
// which a value never is (an empty "" is one).
func markRun(tok string) bool {
	if len(tok) < 2 || strings.IndexByte("*-#~_", tok[0]) < 0 {
		return false
	}
	for i := 1; i < len(tok); i++ {
		if tok[i] != tok[0] {
			return false
		}
	}
	return true
}

// sizeUnit: KB, MB, GB, TB, PB.
func sizeUnit(tok string) bool {
	return len(tok) == 2 && tok[1] == 'B' && strings.IndexByte("KMGTP", tok[0]) >= 0
}

// capitalWord: upper-case letters and '_' only, two letters at least.
func capitalWord(tok string) bool {
	letters := 0
	for i := 0; i < len(tok); i++ {
		switch c := tok[i]; {
		case c >= 'A' && c <= 'Z':
			letters++
		case c == '_':
		default:
			return false
		}
	}
	return letters >= 2
}

// stateWords are the words of states and outcomes, each half of a pair
// whose other half is another event.
var stateWords = map[string]bool{
	"true": true, "false": true, "yes": true, "no": true, "on": true, "off": true, "null": true,
	"enable": true, "enabled": true, "disable": true, "disabled": true,
	"start": true, "started": true, "starting": true, "stop": true, "stopped": true, "stopping": true,
	"begin": true, "end": true, "open": true, "opened": true, "close": true, "closed": true,
	"up": true, "down": true, "active": true, "inactive": true,
	"success": true, "succeeded": true, "failure": true, "failed": true,
	"create": true, "created": true, "destroy": true, "destroyed": true, "spawn": true, "spawned": true,
	"connected": true, "disconnected": true, "accepted": true, "rejected": true, "allowed": true, "denied": true,
}

// anotherEvent: the message differs from c in an event word or in the key
// of a field; agree counts the positions where it fits c. Only a template
// that would be the best match is checked.
func (m *Miner) anotherEvent(c *Cluster, toks []string, agree int) bool {
	if c.event == nil || agree == len(toks) {
		return false
	}
	for i, t := range c.Tokens {
		if t != Wildcard && t != toks[i] && (c.event[i] || m.eventAt(i) || otherKey(t, toks[i])) {
			return true
		}
	}
	return false
}

// otherKey: both tokens are key=value (or "key......value", a dot
// leader) with different keys: another field is logged there, so another
// event ("subId=3 phoneId=0" / "subId=3 retVal=true", "illegal
// instruction......0" / "imprecise exception......0").
func otherKey(a, b string) bool {
	ka, okA := fieldKey(a)
	kb, okB := fieldKey(b)
	return okA && okB && ka != kb
}

// fieldKey is the key of key=value or of key...value: a name of letters,
// digits, '_', '.' and '-' (a path or a list with a '=' in it has none).
func fieldKey(t string) (string, bool) {
	i := strings.IndexByte(t, '=')
	if i < 0 {
		i = strings.Index(t, "...")
	}
	if i <= 0 {
		return "", false
	}
	k := strings.TrimLeft(t[:i], "([{\"',;")
	if k == "" || len(k) > 64 {
		return "", false
	}
	for j := 0; j < len(k); j++ {
		if c := k[j]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || isDigitByte(c) || c == '_' || c == '.' || c == '-') {
			return "", false
		}
	}
	return k, true
}

// eventAt: whether the message's token i is an event word, worked out
// once per message.
func (m *Miner) eventAt(i int) bool {
	if m.events[i] == 0 {
		m.events[i] = 2
		if eventWord(m.toks[i]) {
			m.events[i] = 1
		}
	}
	return m.events[i] == 1
}
