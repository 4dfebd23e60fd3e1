package console

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Auth is how the console knows who is reviewing. The server that mounts
// the console says it once (cmd/devai: reviewerAuth); named tokens and
// OAuth JWTs plug in there, not here.
type Auth struct {
	// Token names the holder of a bearer token (typed into the sign-in
	// form), or says it is not one. Nil when the server has no
	// authentication (it then listens on loopback only) and Local is the
	// reviewer.
	Token func(token string) (who string, ok bool)
	// Request names the holder of the credentials a request carries itself
	// (an Authorization header), for clients that send them; may be nil.
	Request func(r *http.Request) (who string, ok bool)
	// Local is the reviewer on a server without authentication: the
	// operating system's user who runs it.
	Local string
}

func (a Auth) required() bool { return a.Token != nil }

type reviewerKey struct{}

// WithReviewer is ctx carrying the reviewer's name.
func WithReviewer(ctx context.Context, who string) context.Context {
	return context.WithValue(ctx, reviewerKey{}, who)
}

// ReviewerFrom is the reviewer a request was signed in as.
func ReviewerFrom(ctx context.Context) (string, bool) {
	who, ok := ctx.Value(reviewerKey{}).(string)
	return who, ok && who != ""
}

// Cookies. Both are HttpOnly and SameSite=Strict: a page on another site
// cannot send them, and no script can read them.
const (
	sessionCookie = "devai_console_session"
	csrfCookie    = "devai_console_csrf"
	sessionTTL    = 12 * time.Hour
	csrfField     = "csrf"
)

// reviewer is who sends r: the holder of its bearer token or of its
// session cookie, or the local user on a server without authentication.
func (c *Console) reviewer(r *http.Request) (string, bool) {
	a := c.cfg.Auth
	if !a.required() {
		return a.Local, a.Local != ""
	}
	if a.Request != nil && r.Header.Get("Authorization") != "" {
		return a.Request(r)
	}
	if ck, err := r.Cookie(sessionCookie); err == nil {
		return c.openSession(ck.Value)
	}
	return "", false
}

// signedIn lets a request through with its reviewer in the context, and
// sends one without to the sign-in page.
func (c *Console) signedIn(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		who, ok := c.reviewer(r)
		if !ok {
			if r.Method != http.MethodGet {
				http.Error(w, "unauthorized: sign in at "+c.cfg.Prefix+"login", http.StatusUnauthorized)
				return
			}
			http.Redirect(w, r, c.cfg.Prefix+"login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		next.ServeHTTP(w, r.WithContext(WithReviewer(r.Context(), who)))
	})
}

// sign is the HMAC of parts under the console's key.
func (c *Console) sign(parts ...string) string {
	m := hmac.New(sha256.New, c.key)
	for _, p := range parts {
		m.Write([]byte(p))
		m.Write([]byte{0})
	}
	return hex.EncodeToString(m.Sum(nil))
}

// newSession is a cookie value naming who until the session expires:
// base64(who).expiry.hmac. Nothing is kept on the server; a restart signs
// everyone out.
func (c *Console) newSession(who string) string {
	exp := strconv.FormatInt(c.cfg.Now().Add(sessionTTL).Unix(), 10)
	name := base64.RawURLEncoding.EncodeToString([]byte(who))
	return name + "." + exp + "." + c.sign("session", name, exp)
}

func (c *Console) openSession(v string) (string, bool) {
	parts := strings.Split(v, ".")
	if len(parts) != 3 || !hmac.Equal([]byte(parts[2]), []byte(c.sign("session", parts[0], parts[1]))) {
		return "", false
	}
	exp, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil || c.cfg.Now().Unix() >= exp {
		return "", false
	}
	who, err := base64.RawURLEncoding.DecodeString(parts[0])
	return string(who), err == nil && len(who) > 0
}

// csrfToken is the form token of r's CSRF cookie, setting the cookie first
// when r has none: the token is the HMAC of the cookie's random value, so
// a site that can plant a cookie still cannot make a matching token.
func (c *Console) csrfToken(w http.ResponseWriter, r *http.Request) string {
	seed := ""
	if ck, err := r.Cookie(csrfCookie); err == nil && len(ck.Value) == 64 {
		seed = ck.Value
	} else {
		b := make([]byte, 32)
		_, _ = rand.Read(b)
		seed = hex.EncodeToString(b)
		http.SetCookie(w, c.cookie(r, csrfCookie, seed, 0))
	}
	return c.sign("csrf", seed)
}

func (c *Console) cookie(r *http.Request, name, value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: c.cfg.Prefix, MaxAge: maxAge, HttpOnly: true,
		Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode}
}

// checkCSRF refuses a POST from another site: its Origin (or, without
// one, Sec-Fetch-Site) must be this server, and its form token must match
// its CSRF cookie.
func (c *Console) checkCSRF(r *http.Request) error {
	if origin := r.Header.Get("Origin"); origin != "" {
		u, err := url.Parse(origin)
		if err != nil || origin == "null" || !strings.EqualFold(u.Host, r.Host) && !c.allowedOrigin(origin) {
			return fmt.Errorf("origin %q is not this server (%s): the console takes forms from its own pages only", origin, r.Host)
		}
	} else if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		return fmt.Errorf("a %s request: the console takes forms from its own pages only", site)
	}
	ck, err := r.Cookie(csrfCookie)
	if err != nil || ck.Value == "" {
		return errors.New("no CSRF cookie: reload the page and send the form again")
	}
	got := r.PostFormValue(csrfField)
	if !hmac.Equal([]byte(got), []byte(c.sign("csrf", ck.Value))) {
		return errors.New("the form's CSRF token does not match: reload the page and send the form again")
	}
	return nil
}

func (c *Console) allowedOrigin(origin string) bool {
	for _, o := range c.cfg.AllowedOrigins {
		if o != "*" && strings.EqualFold(strings.TrimRight(o, "/"), origin) {
			return true
		}
	}
	return false
}

func (c *Console) loginPage(w http.ResponseWriter, r *http.Request) {
	c.render(w, r, http.StatusOK, "login", "Sign in", map[string]any{"Next": c.safeNext(r.URL.Query().Get("next")), "Required": c.cfg.Auth.required()})
}

// login takes a bearer token from the form and sets a session cookie
// naming its holder.
func (c *Console) login(w http.ResponseWriter, r *http.Request) {
	next := c.safeNext(r.PostFormValue("next"))
	if !c.cfg.Auth.required() {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	who, ok := c.cfg.Auth.Token(strings.TrimSpace(r.PostFormValue("token")))
	if !ok {
		c.render(w, r, http.StatusUnauthorized, "login", "Sign in", map[string]any{"Next": next, "Required": true,
			"Error": "That token is not one this server accepts."})
		return
	}
	http.SetCookie(w, c.cookie(r, sessionCookie, c.newSession(who), int(sessionTTL/time.Second)))
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (c *Console) logout(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, c.cookie(r, sessionCookie, "", -1))
	http.Redirect(w, r, c.cfg.Prefix+"login", http.StatusSeeOther)
}

// safeNext keeps a redirect inside the console.
func (c *Console) safeNext(next string) string {
	if !strings.HasPrefix(next, c.cfg.Prefix) || strings.HasPrefix(next, "//") || strings.Contains(next, "\\") {
		return c.cfg.Prefix + "proposals"
	}
	return next
}

// LoopbackHost reports whether a host (a Host header, or a listen
// address's host, with or without a port) names only this machine.
func LoopbackHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}
