package gaps

import (
	"context"
	"strings"
	"testing"
)

// TestSymbolOrphans: a Python or JavaScript test that uses a name its
// project module no longer has is an orphan; names the module still has,
// submodules, third-party imports and modules that define names
// dynamically are not.
func TestSymbolOrphans(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{
		"app/__init__.py": "",
		"app/cart.py":     "def total(items):\n    return sum(items)\n\n\nLIMIT = 10\n",
		"app/dyn.py":      "from app.cart import *\n",
		"tests/test_cart.py": `import os
from os.path import join
from app.cart import total, subtotal, LIMIT
from app.cart import discount as disc
from app import cart
from app.dyn import vanished
import app.cart
import app.cart as c


def test_total():
    assert total([1]) == 1 and LIMIT == 10


def test_subtotal():
    assert subtotal([1]) == 1


def test_discount():
    assert disc(10, 5) == 5


def test_module():
    assert cart.total([]) == 0 and join("a", "b")


def test_dynamic():
    assert vanished() is None


def test_attr_ok():
    assert app.cart.total([]) == 0 and c.LIMIT == 10


def test_attr_gone():
    assert app.cart.tally([]) == 0


def test_alias_gone():
    assert c.grand_total([]) == 0
`,
		"web/price.js": "export function net(x) {\n  return x\n}\n",
		"web/price.test.js": `import { net, gross as g } from './price'
const { tax } = require('./price.js')
import { render } from 'react-dom'

test('net is the price', () => {
  expect(net(1)).toBe(1)
})

test('gross adds tax', () => {
  expect(g(1)).toBe(1)
})

test('tax', () => {
  expect(tax(1)).toBe(0)
})

test('renders', () => {
  render(null)
})
`,
	})
	out, err := Run(context.Background(), openIndex(t, dir), Input{Kinds: []string{KindOrphan}, Limit: MaxLimit}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Gap{}
	for _, g := range out.Gaps {
		got[g.Path+" "+g.Symbol] = g
	}
	cases := []struct {
		test   string // path and a fragment of the test's symbol
		want   bool
		reason string // in why
	}{
		{"tests/test_cart.py subtotal", true, "app/cart.py no longer has subtotal"},
		{"tests/test_cart.py discount", true, "app/cart.py no longer has discount"},
		{"tests/test_cart.py test_total", false, ""},
		{"tests/test_cart.py module", false, ""},
		{"tests/test_cart.py dynamic", false, ""},
		{"tests/test_cart.py attr_ok", false, ""},
		{"tests/test_cart.py attr_gone", true, "app.cart.tally (imported by `import app.cart`; app/cart.py no longer has tally"},
		{"tests/test_cart.py alias_gone", true, "c.grand_total (imported by `import app.cart as c`; app/cart.py no longer has grand_total"},
		{"web/price.test.js gross", true, "web/price.js no longer has gross"},
		{"web/price.test.js tax", true, "web/price.js no longer has tax"},
		{"web/price.test.js net", false, ""},
		{"web/price.test.js renders", false, ""},
	}
	for _, c := range cases {
		p, frag, _ := strings.Cut(c.test, " ")
		// Several orphans may match a test's name; one of them must give the reason.
		var whys []string
		for k, g := range got {
			if strings.HasPrefix(k, p+" ") && strings.Contains(g.Symbol, frag) {
				whys = append(whys, g.Why)
			}
		}
		if (len(whys) > 0) != c.want {
			t.Errorf("%s: reported %v, want %v (orphans: %v)", c.test, len(whys) > 0, c.want, keys(got))
			continue
		}
		if c.want && !anyContains(whys, c.reason) {
			t.Errorf("%s: no reason among %q has %q", c.test, whys, c.reason)
		}
	}
	if len(got) != 6 {
		t.Errorf("%d orphans, want 6: %v", len(got), keys(got))
	}
}

func anyContains(list []string, sub string) bool {
	for _, s := range list {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
