// Package drain mines log templates online with Drain (P. He, J. Zhu,
// Z. Zheng, M. R. Lyu, "Drain: An Online Log Parsing Approach with Fixed
// Depth Tree", ICWS 2017): a thousand lines of one message become one
// template with a count, so the rare lines stand out. Messages are masked
// (numbers, IDs, IPs, UUIDs, hex), split on whitespace, routed through a
// fixed-depth tree keyed by token count and the first tokens, and joined to
// the most similar cluster of the leaf when the similarity reaches the
// threshold; otherwise they start a cluster. Grouping is what to trust; the
// template text is a readable hint.
package drain

import (
	"strings"
	"unicode/utf8"
)

// Wildcard marks a template position that varies.
const Wildcard = "<*>"

// Options are Drain's parameters; zero values take the reference defaults.
type Options struct {
	Depth       int     // tree depth including the root and length layers (default 4, at least 3)
	SimTh       float64 // similarity threshold (default 0.4)
	MaxChildren int     // children per internal node before routing to <*> (default 100)
	MaxClusters int     // at most this many templates (default 100000); later misses go to the nearest
	// SiblingSim (default 0.8; above 1: never) lets a message that matches
	// nothing in its leaf join a template under another value of the last
	// routing token when that many of its tokens agree: the routing token
	// was a parameter. It is high so that "login ok for <*>" and "login
	// failed for <*>" (2 of 4 agree) stay apart. 0.8 was chosen on the tune
	// half of testdata/logs-labelled (bench/README.md).
	SiblingSim float64
	// ConstantAfter (default 5; below 0: never): once this many messages
	// of a template agree on its words (no digit, no mask, not
	// key=value), a message that differs from them in two words or more
	// starts its own template: "Failed to get next element [HRESULT = …]"
	// × 224 and "Failed to internally open package. [HRESULT = …]" are two
	// events (Windows' CBS log), 6 of 10 tokens alike. Words that change
	// within the first messages are parameters as before, and so is one
	// word that changes later (a user or host name). Chosen on loghub's
	// tune half (bench/README.md): one word split Windows' 600 "client
	// WindowsUpdateAgent." from one "client SPP." too, but it cost the
	// held-out half (Linux GA 0.69 -> 0.24), and 3 messages split
	// PostgreSQL's "user=…" in the labelled logs' test half.
	ConstantAfter int
	// Plain is the reference Drain (logpai's Drain, Drain3) as a yardstick:
	// no masking, tokens compared as written, and Depth counting the leaf
	// layer, so depth 4 routes on the first token only. Without Plain,
	// depth 4 routes on the first two tokens ("login ok …" and "login
	// failed …" stay apart even at threshold 0.4).
	Plain bool
}

// Cluster is one template and how often it was seen.
type Cluster struct {
	ID     int      // 1-based, in order of creation
	Tokens []string // the template
	Count  int
	// event marks the tokens that were event words (eventWord) when the
	// cluster was made; nil for Plain. A position that became a wildcard
	// is not read.
	event []bool
}

// Template is the template as text.
func (c *Cluster) Template() string { return strings.Join(c.Tokens, " ") }

type node struct {
	children map[string]*node
	clusters []*Cluster
}

// Miner holds the tree. It is not safe for concurrent use.
type Miner struct {
	opts     Options
	byLen    map[int]*node
	clusters []*Cluster
	// Overflowed counts messages forced into an existing cluster because
	// MaxClusters was reached.
	Overflowed int
	toks       []string          // reused token buffer
	scratch    []byte            // reused to build masked tokens
	interned   map[string]string // masked tokens built so far, so each is allocated once
	events     []int8            // per token of the message: 0 not known yet, 1 an event word, 2 not
	numbers    bool              // a token of the message ends in <NUM>: joinQuantities has work
}

// maxInterned bounds the interned masked tokens; past it they are
// allocated per line instead.
const maxInterned = 1 << 16

// New makes a miner.
func New(opts Options) *Miner {
	if opts.Depth < 3 {
		opts.Depth = 4
	}
	if opts.SimTh <= 0 {
		opts.SimTh = 0.4
	}
	if opts.MaxChildren <= 0 {
		opts.MaxChildren = 100
	}
	if opts.SiblingSim <= 0 {
		opts.SiblingSim = 0.8
	}
	if opts.ConstantAfter == 0 {
		opts.ConstantAfter = 5
	}
	if opts.MaxClusters <= 0 {
		opts.MaxClusters = 100000
	}
	return &Miner{opts: opts, byLen: map[int]*node{}, interned: map[string]string{}}
}

// Clusters lists the templates in order of creation.
func (m *Miner) Clusters() []*Cluster { return m.clusters }

// Add learns one message and returns its cluster.
func (m *Miner) Add(msg string) *Cluster {
	m.tokenize(msg)
	toks := m.toks
	m.events = append(m.events[:0], make([]int8, len(toks))...)
	leaf, parent := m.leaf(toks)
	best, sim, fits := m.bestMatch(leaf.clusters, toks)
	if (best == nil || sim < m.opts.SimTh) && parent != nil && !m.opts.Plain {
		if sib, ssim, sfits := m.sibling(parent, leaf, toks); sib != nil {
			best, sim, fits = sib, ssim, sfits
			if sfits {
				sim = max(sim, m.opts.SimTh) // an instance of the template as it stands
			}
			leaf.clusters = append(leaf.clusters, sib) // found directly next time
		}
	}
	if best != nil && sim >= m.opts.SimTh && !fits && m.settled(best, toks) {
		best = nil // constant words differ: another event
	}
	if best != nil && sim >= m.opts.SimTh {
		if !fits {
			for i, t := range toks {
				if best.Tokens[i] != t && best.Tokens[i] != Wildcard {
					best.Tokens[i] = Wildcard
				}
			}
		}
		best.Count++
		return best
	}
	if len(m.clusters) >= m.opts.MaxClusters {
		m.Overflowed++
		if best == nil {
			best = m.clusters[len(m.clusters)-1]
		}
		best.Count++
		return best
	}
	c := &Cluster{ID: len(m.clusters) + 1, Tokens: append([]string(nil), toks...), Count: 1}
	if !m.opts.Plain {
		c.event = make([]bool, len(toks))
		for i := range toks {
			c.event[i] = m.eventAt(i)
		}
	}
	m.clusters = append(m.clusters, c)
	leaf.clusters = append(leaf.clusters, c)
	return c
}

// tokenize fills m.toks with msg's masked tokens, as maskedFields (in the
// tests) does but without allocating for the common case: ASCII whitespace is split by
// hand (strings.Fields for the rest), and a masked token is the mask
// itself or an interned string.
func (m *Miner) tokenize(msg string) {
	m.toks = m.toks[:0]
	m.numbers = false
	ascii := true
	for i := 0; i < len(msg); i++ {
		if msg[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if !ascii {
		for _, t := range strings.Fields(msg) {
			m.toks = append(m.toks, m.mask(t))
		}
		if m.numbers {
			m.joinQuantities()
		}
		return
	}
	for i := 0; i < len(msg); {
		for i < len(msg) && asciiSpace[msg[i]] {
			i++
		}
		j := i
		for j < len(msg) && !asciiSpace[msg[j]] {
			j++
		}
		if j > i {
			m.toks = append(m.toks, m.mask(msg[i:j]))
		}
		i = j
	}
	if m.numbers {
		m.joinQuantities()
	}
}

var asciiSpace = [256]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

func (m *Miner) mask(tok string) string {
	if m.opts.Plain {
		return tok
	}
	if !hasDigit(tok) {
		if tok[len(tok)-1] == '>' && strings.HasSuffix(tok, "<NUM>") {
			m.numbers = true // the text of a mask: joinQuantities reads it as one
		}
		return tok // every mask needs a digit: most words stop here
	}
	if !isList(tok) { // the common case, as appendMasked without copying
		head, kind, tail, ok := maskParts(tok)
		switch {
		case ok && head == "" && tail == "":
			m.numbers = m.numbers || kind == "<NUM>"
			return kind
		case ok:
			m.numbers = m.numbers || kind == "<NUM>" && tail == ""
			m.scratch = append(append(append(m.scratch[:0], head...), kind...), tail...)
		default:
			b, listed := appendMaskedList(m.scratch[:0], tok)
			if !listed {
				return tok
			}
			m.scratch = b
		}
	} else {
		b, ok := appendMasked(m.scratch[:0], tok)
		if !ok {
			return tok
		}
		m.scratch = b
	}
	return m.intern(m.scratch)
}

// intern returns b as a string, allocated once per distinct token.
func (m *Miner) intern(b []byte) string {
	if s, ok := m.interned[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(m.interned) < maxInterned {
		m.interned[s] = s
	}
	return s
}

// leaf walks (and grows) the tree to the leaf for toks: the length layer,
// then one layer per leading token, depth-2 of them.
// sibling looks for a template under the other children of parent that
// the message matches at SiblingSim: the last routing token was a
// parameter ("user bob signed in from <IP>", "user carol signed in from
// <IP>"). Plain Drain routing on two tokens keeps them apart forever.
func (m *Miner) sibling(parent, leaf *node, toks []string) (best *Cluster, bestSim float64, bestFits bool) {
	bestSim = -1.0
	if keyword(toks[m.opts.Depth-3]) {
		return nil, 0, false
	}
	for key, n := range parent.children {
		if n == leaf || keyword(key) {
			continue
		}
		c, sim, fits := m.bestMatch(n.clusters, toks)
		if c == nil || sim < m.opts.SiblingSim && !(fits && fitConstants(c, len(toks))) {
			continue
		}
		if sim > bestSim || sim == bestSim && c.ID < best.ID { // map order must not decide
			best, bestSim, bestFits = c, sim, fits
		}
	}
	return best, bestSim, bestFits
}

// fitConstants: a template that a message fits (every token equal or
// under a wildcard) is its event when enough of it is constant: at least
// two words and a third of the tokens. "configure git-man:all <VER>
// <none>" is an instance of "configure <*> <*> <none>", although its
// second token, a word, routed it elsewhere.
func fitConstants(c *Cluster, n int) bool {
	constants := 0
	for _, t := range c.Tokens {
		if t != Wildcard {
			constants++
		}
	}
	return constants >= 2 && 3*constants >= n
}

func (m *Miner) leaf(toks []string) (leaf, parent *node) {
	n := m.byLen[len(toks)]
	if n == nil {
		n = &node{}
		m.byLen[len(toks)] = n
	}
	layers := m.opts.Depth - 2
	if m.opts.Plain {
		layers-- // the reference counts the leaf layer in Depth
	}
	for i := 0; i < layers && i < len(toks); i++ {
		parent = n
		if i == 0 && layers >= 2 {
			parent = nil
		}
		key := toks[i]
		if k, ok := valueKey(key); ok {
			key = k // "method=GET", "method=POST": one branch, "method="
		} else if hasDigit(key) || isMask(key) || holdsMask(key) {
			key = Wildcard
		}
		if n.children == nil {
			n.children = map[string]*node{}
		}
		next := n.children[key]
		if next == nil {
			if len(n.children) >= m.opts.MaxChildren {
				key = Wildcard
				next = n.children[key]
			}
			if next == nil {
				next = &node{}
				n.children[key] = next
			}
		}
		n = next
	}
	if layers < 2 || len(toks) < layers {
		parent = nil
	}
	return n, parent
}

func isMask(t string) bool { return len(t) > 2 && t[0] == '<' && t[len(t)-1] == '>' }

// holdsMask: a typed mask inside the token ("vis=<NUM>", "(<HEX>,"). Such a
// token routes as a wildcard, as its digits would have: "vis=<NUM>" and
// "vis=<HEX>" are one value written two ways (Android's flags).
func holdsMask(t string) bool {
	for i := strings.IndexByte(t, '<'); i >= 0; i = strings.IndexByte(t, '<') {
		t = t[i:]
		for _, k := range masks {
			if strings.HasPrefix(t, k) {
				return true
			}
		}
		t = t[1:]
	}
	return false
}

// masks are the placeholders maskParts writes.
var masks = [...]string{"<NUM>", "<HEX>", "<IP>", "<UUID>", "<VER>", Wildcard}

// bestMatch scores simSeq = equal non-wildcard positions / length; ties go
// to the template with more wildcards. A template that disagrees with
// the message on an event word (eventWord) or on the key of a field
// (otherKey) is never chosen: another event, however similar. fits: the message matches the best template as it is,
// so joining changes nothing in it.
func (m *Miner) bestMatch(cs []*Cluster, toks []string) (best *Cluster, bestSim float64, fits bool) {
	bestSim, bestParams := -1.0, -1
	for _, c := range cs {
		same, params := 0, 0
		for i, t := range c.Tokens {
			switch {
			case t == Wildcard:
				params++
			case t == toks[i]:
				same++
			}
		}
		sim := 1.0
		if len(toks) > 0 {
			sim = float64(same) / float64(len(toks))
		}
		if (sim > bestSim || sim == bestSim && params > bestParams) && !m.anotherEvent(c, toks, same+params) {
			best, bestSim, bestParams = c, sim, params
			fits = same+params == len(toks)
		}
	}
	return best, bestSim, fits
}

// keyword: a routing token that names what happened rather than a value,
// so sibling does not take it for a parameter: an HTTP method, quoted as
// request lines write it ("GET /v2/… HTTP/1.1" and "POST /v2/… HTTP/1.1"
// are two events in OpenStack's log, 8 of 10 tokens alike). Within one
// leaf the threshold still decides, so an access log whose methods share
// one template (the labelled python log) keeps it.
func keyword(tok string) bool {
	tok = strings.TrimPrefix(tok, `"`)
	switch tok {
	case "GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS", "CONNECT", "TRACE":
		return true
	}
	return false
}

// settled: the join would make wildcards of settledWords words that
// ConstantAfter messages of c have agreed on.
func (m *Miner) settled(c *Cluster, toks []string) bool {
	if m.opts.Plain || m.opts.ConstantAfter < 0 || c.Count < m.opts.ConstantAfter {
		return false
	}
	changed := 0
	for i, t := range c.Tokens {
		if t != Wildcard && t != toks[i] && isWord(t) && isWord(toks[i]) {
			changed++
		}
	}
	return changed >= settledWords
}

// settledWords: a message must differ from a settled template in this
// many of its constant words to start its own. One word is how a
// parameter that holds a name changes ("session opened for user root",
// then "… user news"), so one alone does not split.
const settledWords = 2

// isWord: a token that holds no digit, no mask and no key=value, so
// nothing marks it as a value.
func isWord(t string) bool {
	return !hasDigit(t) && !holdsMask(t) && strings.IndexByte(t, '=') < 0
}

// valueKey: the key of key=value with a word for key, which routes on
// its key alone: the value is a parameter ("method=GET", "method=POST"),
// the key names what is logged ("topActivity=…", "num=20,flags=62").
func valueKey(t string) (string, bool) {
	i := strings.IndexByte(t, '=')
	if i <= 0 || i == len(t)-1 || hasDigit(t[:i]) || isMask(t[:i]) {
		return "", false
	}
	return t[:i+1], true
}
