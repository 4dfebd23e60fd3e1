// Command loggen drives a running shopd (testdata/shop) with a scripted but
// varied workload, so that the fixture's logs/ are real output of the real
// service, the session-janitor crash included. It is how
// testdata/shop/logs/ was produced; see testdata/shop/README.md.
//
//	go run ./testdata/loggen -addr http://127.0.0.1:18080 -ttl 45s
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"net/http/cookiejar"
	"os"
	"strings"
	"time"
)

type client struct {
	name  string
	email string
	ua    string
	http  *http.Client
	base  string
	rng   *rand.Rand
	order []string
}

func newClient(base, name, ua string, rng *rand.Rand) *client {
	jar, _ := cookiejar.New(nil)
	return &client{name: name, email: name + "@example.com", ua: ua, base: base, rng: rng,
		http: &http.Client{Jar: jar, Timeout: 5 * time.Second}}
}

func (c *client) do(method, path string, body any) (int, []byte, error) {
	var rd io.Reader
	if s, ok := body.(string); ok {
		rd = strings.NewReader(s)
	} else if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.base+path, rd)
	req.Header.Set("User-Agent", c.ua)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.rng.Intn(3) == 0 {
		req.Header.Set("X-Request-ID", fmt.Sprintf("web-%08x", c.rng.Uint32()))
	}
	// The jar refuses Secure cookies over plain http; send it by hand.
	for _, ck := range c.http.Jar.Cookies(req.URL) {
		req.AddCookie(ck)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	for _, ck := range resp.Cookies() {
		ck.Secure = false
		c.http.Jar.SetCookies(req.URL, []*http.Cookie{ck})
	}
	return resp.StatusCode, b, nil
}

func (c *client) password() string { return "pw-" + c.name + "-2026!" }

func (c *client) register() {
	c.do("POST", "/v1/users", map[string]string{"email": c.email, "password": c.password()})
}

func (c *client) login() int {
	code, _, _ := c.do("POST", "/v1/login", map[string]string{"email": c.email, "password": c.password()})
	return code
}

var skus = []struct {
	sku   string
	price int64
}{{"mug-01", 1250}, {"tee-m", 1999}, {"tee-l", 1999}, {"poster-a2", 2450}, {"sticker-pack", 399}, {"hoodie-m", 4900}, {"tote-bag", 1500}}

func (c *client) randomItems() []map[string]any {
	n := 1 + c.rng.Intn(3)
	var items []map[string]any
	for i := 0; i < n; i++ {
		s := skus[c.rng.Intn(len(skus))]
		items = append(items, map[string]any{"sku": s.sku, "quantity": 1 + c.rng.Intn(3), "unit_price_cents": s.price})
	}
	return items
}

// act does one random thing a shopper does; 401s make it log in again.
func (c *client) act() error {
	var code int
	var body []byte
	var err error
	switch r := c.rng.Intn(100); {
	case r < 35:
		code, body, err = c.do("GET", fmt.Sprintf("/v1/orders?page=%d&size=%d", 1+c.rng.Intn(2), []int{5, 10, 20}[c.rng.Intn(3)]), nil)
	case r < 60:
		code, body, err = c.do("POST", "/v1/orders", map[string]any{"items": c.randomItems()})
		if code == http.StatusCreated {
			var o struct{ ID string }
			json.Unmarshal(body, &o)
			c.order = append(c.order, o.ID)
		}
	case r < 75 && len(c.order) > 0:
		code, body, err = c.do("GET", "/v1/orders/"+c.order[c.rng.Intn(len(c.order))], nil)
	case r < 85 && len(c.order) > 0:
		reasons := []string{"changed my mind", "ordered the wrong size", "found it cheaper", ""}
		code, body, err = c.do("POST", "/v1/orders/"+c.order[c.rng.Intn(len(c.order))]+"/cancel", map[string]string{"reason": reasons[c.rng.Intn(len(reasons))]})
	case r < 90:
		code, body, err = c.do("GET", fmt.Sprintf("/v1/orders/ord-%d", 5001+c.rng.Intn(60)), nil)
	case r < 93:
		code, body, err = c.do("POST", "/v1/orders", `{"items":[{"sku":"mug-01","quantity":"two"}]}`)
	case r < 96:
		code, body, err = c.do("POST", "/v1/orders", map[string]any{"items": []any{}})
	default:
		code, body, err = c.do("GET", "/healthz", nil)
	}
	_ = body
	if err != nil {
		return err
	}
	if code == http.StatusUnauthorized {
		if c.login() == http.StatusUnauthorized {
			c.register()
			c.login()
		}
		c.order = nil
	}
	return nil
}

func waitUp(base string) {
	for i := 0; i < 100; i++ {
		if resp, err := http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func main() {
	base := flag.String("addr", "http://127.0.0.1:18080", "shopd base URL")
	ttl := flag.Duration("ttl", 45*time.Second, "shopd's -session-ttl")
	rounds := flag.Int("rounds", 3, "how many account deletions (and janitor crashes) to cause")
	flag.Parse()
	rng := rand.New(rand.NewSource(20261123))
	uas := []string{"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 Safari/17.6", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/130.0 Safari/537.36", "ShopApp/3.4.1 (iPhone; iOS 18.1)", "ShopApp/3.4.0 (Android 15; Pixel 8)"}
	names := []string{"ana", "bob", "chen", "dara", "eli", "fatima", "gus", "hana", "ivan", "jo"}
	waitUp(*base)
	var shoppers []*client
	for i, n := range names {
		c := newClient(*base, n, uas[i%len(uas)], rand.New(rand.NewSource(int64(i))))
		c.register()
		c.login()
		shoppers = append(shoppers, c)
	}
	// A duplicate and a weak registration, as real sign-up forms produce.
	shoppers[0].register()
	weak := newClient(*base, "kim", uas[2], rng)
	weak.do("POST", "/v1/users", map[string]string{"email": "kim@example.com", "password": "kim123"})

	victims := []string{"bob", "hana", "ivan"}
	for round := 0; round < *rounds && round < len(victims); round++ {
		name := victims[round]
		// The victim is logged in on a phone as well as a laptop.
		phone := newClient(*base, name, uas[2], rand.New(rand.NewSource(int64(100+round))))
		phone.login()
		phone.do("GET", "/v1/orders", nil)
		start := time.Now()
		deadline := start.Add(*ttl * 3)
		deleted := false
		// Three shoppers go idle this round, so their sessions expire and
		// the janitor has something to sweep.
		active := rng.Perm(len(shoppers))[3:]
		for time.Now().Before(deadline) {
			c := shoppers[active[rng.Intn(len(active))]]
			if err := c.act(); err != nil {
				fmt.Fprintln(os.Stderr, "loggen: shopd down:", err)
				waitUp(*base)
				break
			}
			if !deleted && time.Since(start) > *ttl/3 {
				for _, s := range shoppers {
					if s.name == name {
						s.login()
						s.do("DELETE", "/v1/account", nil)
					}
				}
				deleted = true
			}
			if rng.Intn(40) == 0 { // someone forgets their password
				d := shoppers[3]
				for i := 0; i < 6; i++ {
					d.do("POST", "/v1/login", map[string]string{"email": d.email, "password": "wrong-guess-" + fmt.Sprint(i)})
				}
			}
			if rng.Intn(50) == 0 { // a double click storm on checkout
				e := shoppers[4]
				for i := 0; i < 5; i++ {
					e.do("POST", "/v1/orders", map[string]any{"items": e.randomItems()})
				}
			}
			time.Sleep(time.Duration(150+rng.Intn(500)) * time.Millisecond)
		}
		// After a restart everything in memory is gone: sign everyone up again.
		for _, c := range shoppers {
			if c.name != name {
				c.register()
				c.login()
				c.order = nil
			}
		}
	}
}
