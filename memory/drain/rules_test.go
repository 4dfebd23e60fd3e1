package drain

import (
	"strings"
	"testing"
)

// TestMinerRules: general rules of the miner, each with a line shape seen
// in loghub's tune systems (bench/logs loghub), written here. Each pair
// must land in one template (same) or in two (apart).
func TestMinerRules(t *testing.T) {
	for _, c := range []struct {
		name string
		a, b string
		same bool
		seen int // times a is seen before b (default 6)
	}{
		{"HTTP methods are not parameters (OpenStack request lines)",
			`10.0.0.5 "GET /v2/abc123/servers/detail HTTP/1.1" status: 200 len: 1893 time: 0.25`,
			`10.0.0.5 "POST /v2/abc123/servers HTTP/1.1" status: 202 len: 733 time: 0.51`, false, 0},
		{"same method, other path: one template",
			`10.0.0.5 "GET /v2/abc123/servers/detail HTTP/1.1" status: 200 len: 1893 time: 0.25`,
			`10.0.0.6 "GET /v2/def456/flavors HTTP/1.1" status: 200 len: 93 time: 0.02`, true, 0},
		{"methods in one leaf: the threshold decides (one access-log call site)",
			`127.0.0.1 - "GET /items/3 HTTP/1.1" 200`,
			`127.0.0.1 - "PUT /items/9 HTTP/1.1" 204`, true, 1},
		{"a routing token that holds a mask is a parameter (Android flags, decimal or hex)",
			"setUiVisibility vis=40000500 mask=ffffffff old=508 new=40000500 stack=0 docked=0",
			"setUiVisibility vis=c0000700 mask=ffffffff old=708 new=c0000700 stack=0 docked=0", true, 0},
		{"words settled over many messages are constants (Windows CBS failures)",
			"Failed to get next element [HRESULT = 0x800f080d - E_MANIFEST_ITEM]",
			"Failed to internally open package. [HRESULT = 0x800f0805 - E_PACKAGE]", false, 0},
		{"one settled word that changes is a name (a user after many lines as root)",
			"session opened for user root by (uid=0)",
			"session opened for user news by (uid=0)", true, 0},
		{"a state word that changes is another event, even at once (scanning started / stopped)",
			"radio scanning started", "radio scanning stopped", false, 1},
		{"so is a boolean word (key down true / false)",
			"interceptKey keycode=24 interactive=true down true canceled false",
			"interceptKey keycode=25 interactive=true down false canceled false", false, 1},
		{"a constant in capitals that changes is another event (a client id after many lines)",
			"Session: 3054_4261 initialized by client UpdateAgent.",
			"Session: 1115_1424 initialized by client SPP.", false, 0},
		{"so is a qualified one (action.SCREEN_ON / action.SCREEN_OFF)",
			"onReceive action: android.intent.action.SCREEN_ON",
			"onReceive action: android.intent.action.SCREEN_OFF", false, 1},
		{"an argument in brackets is a state word too (WWEN[enable] / WWEN[disable])",
			"radio: wake WWEN[enable]", "radio: wake WWEN[disable]", false, 1},
		{"a missing reading is not a number (Fan speeds ( 3552 **** 3515 ))",
			"Fan speeds ( 3552 3534 **** 3515 )", "Fan speeds ( 3552 3534 4245 3515 )", false, 1},
		{"a size unit in capitals is the value's (5.2 KB / 812 B)",
			"Block b_9 stored in memory (estimated size 5.2 KB, free 9.1 KB)",
			"Block b_8 stored in memory (estimated size 812 B, free 9.9 KB)", true, 1},
		{"key=value routes on its key: the value is a parameter (method=GET / method=POST second)",
			"proxied method=GET route=/a status=200 took=3ms",
			"proxied method=POST route=/b status=201 took=5ms", true, 1},
		{"and another key is another branch (topActivity=… / num=…)",
			"getRecentTasks: topActivity=ComponentInfo{com.x/com.x.Main}",
			"getRecentTasks: num=20,flags=62,totalTasks=46", false, 1},
		{"another key in the same place is another field, another event",
			"[PhoneMgr] getDataEnabled: subId=3 phoneId=0", "[PhoneMgr] getDataEnabled: subId=3 retVal=true", false, 1},
		{"so is another key before a dot leader",
			"program interrupt: illegal instruction......0", "program interrupt: imprecise exception......0", false, 1},
		{"the same key with other values is one event",
			"[PhoneMgr] getDataEnabled: subId=3 phoneId=0", "[PhoneMgr] getDataEnabled: subId=4 phoneId=1", true, 1},
		{"a '=' inside a path is no key",
			"copyFile dest path:/logs/[2017-07-03_16,52,05.1]=[2017-07-03_16,52,04.9]-a.txt done",
			"copyFile dest path:/logs/[2017-07-03_17,08,11.2]=[2017-07-03_17,08,10.8]-b.txt done", true, 1},
		{"a mask is not a word in capitals (<HEX> and <NUM> in one place)",
			"iar 0x1f2e8a dear 3141",
			"iar 2718 dear 0x3f00a1", true, 1},
		{"a lower-case name is not an event word (a host changes at once)",
			"connect to alpha refused", "connect to beta refused", true, 1},
		{"but not a key=value word (a user name PostgreSQL logs as user=…)",
			"connection authorized: user=postgres database=shop",
			"connection authorized: user=nobody database=shop", true, 0},
		{"a size printed with its restatement is one value (850 bytes / 1268 bytes (1.23 KB))",
			"conn 4 close, 850 bytes sent, 10547 bytes (10.2 KB) received, lifetime 00:02",
			"conn 9 close, 1268 bytes (1.23 KB) sent, 629 bytes received, lifetime <1 sec", true, 1},
		{"a unit glued to its number or apart is one shape (1.5MB / 3 MB)",
			"flushed 1.5MB to disk in 20ms", "flushed 3 MB to disk in 7 ms", true, 1},
		{"a word in parentheses after a number is no restatement",
			"read 12 bytes (truncated) from peer", "read 12 bytes from peer", false, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := New(Options{})
			if c.seen == 0 {
				c.seen = 6
			}
			for range c.seen - 1 { // a template seen c.seen times, then the other line
				m.Add(c.a)
			}
			x, y := m.Add(c.a), m.Add(c.b)
			if (x == y) != c.same {
				t.Errorf("same template = %v, want %v: %q / %q", x == y, c.same, x.Template(), y.Template())
			}
		})
	}
}

// TestWordChangingEarlyIsAParameter: a word that differs within the first
// messages of a template is a parameter, whatever comes later.
func TestWordChangingEarlyIsAParameter(t *testing.T) {
	m := New(Options{})
	first := m.Add("login ok for alice")
	for _, u := range []string{"bob", "carol", "dave", "erin", "frank", "gina"} {
		if c := m.Add("login ok for " + u); c != first {
			t.Fatalf("login ok for %s: template %q, want %q", u, c.Template(), first.Template())
		}
	}
	// (no word in capitals and no state word: those are event words)
	if never := New(Options{ConstantAfter: -1}); func() bool {
		for range 6 {
			never.Add("Failed to get next element [HRESULT = 0x1 - missing]")
		}
		return never.Add("Failed to get next element [HRESULT = 0x1 - missing]") != never.Add("Failed to internally read package. [HRESULT = 0x2 - corrupt]")
	}() {
		t.Error("ConstantAfter -1 still kept a settled word apart")
	}
}

// TestEventWord: which tokens name an event rather than carry a value.
func TestEventWord(t *testing.T) {
	for tok, want := range map[string]bool{
		"stopped": true, "Off": true, "'Inactive'": true, "true,": true, "WWEN[disable]": true, "****": true, "-": false, `""`: false, "(*)": false, "KB,": false,
		"SUSPENDED": true, "SPP.": true, "android.intent.action.SCREEN_ON": true, "ICONS*": true,
		"root": false, "CalendarAgent": false, "GET": false, `"PUT`: false, "A": false,
		"<NUM>": false, "<HEX>,": false, Wildcard: false, "IPV4": false, "expand=false": false, "E_FAIL]": true,
	} {
		if got := eventWord(tok); got != want {
			t.Errorf("eventWord(%q) = %v, want %v", tok, got, want)
		}
	}
	for w := range stateWords {
		if len(w) > maxStateWord {
			t.Errorf("state word %q is longer than maxStateWord (%d): it is never found", w, maxStateWord)
		}
	}
}

// TestJoinQuantities: the tokens a quantity becomes.
func TestJoinQuantities(t *testing.T) {
	for msg, want := range map[string]string{
		"close, 1268 bytes (1.23 KB) sent, lifetime <1 sec": "close, | <NUM> bytes (<NUM> KB) | sent, | lifetime | <<NUM> sec",
		"(estimated size 21.2 KB, free 317.5 KB)":           "(estimated | size | <NUM> KB, | free | <NUM> KB)",
		"took 1500 ms (1.5s) total":                         "took | <NUM> ms (<NUM>) | total",
		"took 1500 (1.5 s)":                                 "took | <NUM> (<NUM> s)",
		"retry 3 times (max 5)":                             "retry | <NUM> | times | (max | <NUM>)",
		"2 s":                                               "<NUM> s",
		"s 2":                                               "s | <NUM>",
	} {
		m := New(Options{})
		m.tokenize(msg)
		if got := strings.Join(m.toks, " | "); got != want {
			t.Errorf("%q: tokens %q, want %q", msg, got, want)
		}
	}
}

// TestFitsASiblingTemplate: a message that a template under a neighbouring
// branch fits (every token equal or under a wildcard) is that template's,
// although a word routed it elsewhere: dpkg's "configure git-man:all …"
// after "configure <*> <*> <none>" (a real dpkg.log fell from 211
// templates to 20). A template with too few constants takes nothing.
func TestFitsASiblingTemplate(t *testing.T) {
	m := New(Options{})
	first := m.Add("configure make:amd64 4.3-4.1 <none>")
	m.Add("configure libc6-dev:amd64 2.36-9+deb12u10 <none>")
	if got := m.Add("configure git-man:all 1:2.39.5-0+deb12u2 <none>"); got != first {
		t.Errorf("%q: a template of its own, want %q", got.Template(), first.Template())
	}
	if got := m.Add("configure netbase:all 6.4 <none>"); got != first {
		t.Errorf("%q: a template of its own, want %q", got.Template(), first.Template())
	}
	if got := m.Add("remove netbase:all 6.4 <none>"); got == first {
		t.Errorf("another first word joined %q", first.Template())
	}
	for _, c := range []struct {
		tokens []string
		fits   bool
	}{
		{[]string{"configure", Wildcard, Wildcard, "<none>"}, true},
		{[]string{"alpha", Wildcard, Wildcard, Wildcard, Wildcard, Wildcard}, false},         // one constant
		{[]string{"alpha", "beta", Wildcard, Wildcard, Wildcard, Wildcard, Wildcard}, false}, // two of seven
		{[]string{"alpha", "beta", Wildcard, Wildcard, Wildcard, Wildcard}, true},            // two of six
	} {
		if got := fitConstants(&Cluster{Tokens: c.tokens}, len(c.tokens)); got != c.fits {
			t.Errorf("fitConstants(%v) = %v, want %v", c.tokens, got, c.fits)
		}
	}
}
