package httpapi

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"example.com/shop/internal/auth"
	"example.com/shop/internal/orders"
	"example.com/shop/internal/sessions"
)

// testClock is shared by the session store and the services.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

type testAPI struct {
	handler http.Handler
	clock   *testClock
	logs    *bytes.Buffer
}

func newTestAPI(t *testing.T) *testAPI {
	t.Helper()
	clock := &testClock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	logs := &bytes.Buffer{}
	logger := slog.New(slog.NewJSONHandler(logs, nil))
	store := sessions.NewStore(30*time.Minute, sessions.WithClock(clock.Now))
	authSvc := auth.NewService(auth.Config{Iterations: 1000}, auth.NewUserStore(), store, logger, clock.Now)
	srv := New(Deps{
		Auth:     authSvc,
		Sessions: store,
		Orders:   orders.NewService(logger, clock.Now),
		Log:      logger,
		Access:   slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now:      clock.Now,
	})
	return &testAPI{handler: srv.Handler(), clock: clock, logs: logs}
}

func (a *testAPI) do(t *testing.T, method, path, body, cookie string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.RemoteAddr = "203.0.113.7:51234"
	if cookie != "" {
		req.AddCookie(&http.Cookie{Name: SessionCookie, Value: cookie})
	}
	rec := httptest.NewRecorder()
	a.handler.ServeHTTP(rec, req)
	return rec
}

// login registers ana and returns her session cookie value.
func (a *testAPI) login(t *testing.T) string {
	t.Helper()
	creds := `{"email":"ana@example.com","password":"s3cret-enough"}`
	if rec := a.do(t, "POST", "/v1/users", creds, ""); rec.Code != http.StatusCreated {
		t.Fatalf("register: %d %s", rec.Code, rec.Body)
	}
	rec := a.do(t, "POST", "/v1/login", creds, "")
	if rec.Code != http.StatusOK {
		t.Fatalf("login: %d %s", rec.Code, rec.Body)
	}
	for _, c := range rec.Result().Cookies() {
		if c.Name == SessionCookie {
			if !c.HttpOnly || !c.Secure {
				t.Errorf("session cookie is not HttpOnly and Secure: %+v", c)
			}
			return c.Value
		}
	}
	t.Fatal("login set no session cookie")
	return ""
}

func TestLoginAndCreateOrder(t *testing.T) {
	api := newTestAPI(t)
	cookie := api.login(t)
	rec := api.do(t, "POST", "/v1/orders", `{"items":[{"sku":"mug-01","quantity":2,"unit_price_cents":1250}]}`, cookie)
	if rec.Code != http.StatusCreated {
		t.Fatalf("create order: %d %s", rec.Code, rec.Body)
	}
	var o orders.Order
	if err := json.Unmarshal(rec.Body.Bytes(), &o); err != nil {
		t.Fatal(err)
	}
	if o.TotalCents != 2500 || o.Status != orders.StatusPending {
		t.Fatalf("order = %+v", o)
	}
	rec = api.do(t, "GET", "/v1/orders?page=1&size=10", "", cookie)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), o.ID) {
		t.Fatalf("list orders: %d %s", rec.Code, rec.Body)
	}
}

// verifies: FR-002
func TestExpiredSessionGets401(t *testing.T) {
	api := newTestAPI(t)
	cookie := api.login(t)
	api.clock.Advance(31 * time.Minute)
	rec := api.do(t, "GET", "/v1/orders", "", cookie)
	if rec.Code != http.StatusUnauthorized || !strings.Contains(rec.Body.String(), "session_expired") {
		t.Fatalf("expired session: %d %s", rec.Code, rec.Body)
	}
}

func TestWrongPasswordGets401(t *testing.T) {
	api := newTestAPI(t)
	api.login(t)
	rec := api.do(t, "POST", "/v1/login", `{"email":"ana@example.com","password":"not-her-password"}`, "")
	if rec.Code != http.StatusUnauthorized {
		t.Fatalf("wrong password: %d %s", rec.Code, rec.Body)
	}
}

// verifies: FR-019
func TestOrderCreationIsRateLimited(t *testing.T) {
	api := newTestAPI(t)
	cookie := api.login(t)
	body := `{"items":[{"sku":"mug-01","quantity":1,"unit_price_cents":1250}]}`
	for i := 0; i < 3; i++ {
		if rec := api.do(t, "POST", "/v1/orders", body, cookie); rec.Code != http.StatusCreated {
			t.Fatalf("order %d: %d %s", i, rec.Code, rec.Body)
		}
	}
	rec := api.do(t, "POST", "/v1/orders", body, cookie)
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("4th order: %d, Retry-After %q", rec.Code, rec.Header().Get("Retry-After"))
	}
}

// TestRequestIDEchoedAndInErrors covers FR-021 and FR-022.
func TestRequestIDEchoedAndInErrors(t *testing.T) {
	api := newTestAPI(t)
	req := httptest.NewRequest("GET", "/v1/orders", nil)
	req.Header.Set(RequestIDHeader, "client-abc-123")
	rec := httptest.NewRecorder()
	api.handler.ServeHTTP(rec, req)
	if got := rec.Header().Get(RequestIDHeader); got != "client-abc-123" {
		t.Errorf("X-Request-ID = %q", got)
	}
	if !strings.Contains(rec.Body.String(), `"request_id":"client-abc-123"`) {
		t.Errorf("error body has no request id: %s", rec.Body)
	}

	rec = api.do(t, "GET", "/healthz", "", "")
	if id := rec.Header().Get(RequestIDHeader); !strings.HasPrefix(id, "req-") {
		t.Errorf("generated X-Request-ID = %q", id)
	}
}

// verifies: NFR-007
func TestRecoverPanicReturns500(t *testing.T) {
	api := newTestAPI(t)
	srv := New(Deps{Log: slog.New(NewContextHandler(slog.NewJSONHandler(api.logs, nil)))})
	h := srv.withRequestID(srv.recoverPanic(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("boom")
	})))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/x", nil))
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("status = %d", rec.Code)
	}
	if !strings.Contains(api.logs.String(), `"msg":"panic recovered"`) || !strings.Contains(api.logs.String(), `"stack":"goroutine`) ||
		!strings.Contains(api.logs.String(), `"request_id":"req-`) {
		t.Fatalf("panic not logged with stack: %s", api.logs)
	}
}
