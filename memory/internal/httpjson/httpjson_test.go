package httpjson

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestPostTransportErrors: a failure below HTTP says what to check and
// keeps its cause for errors.Is.
func TestPostTransportErrors(t *testing.T) {
	t.Parallel()
	// A port that was just free: nothing listens there.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String()
	l.Close()

	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer slow.Close()
	defer close(release) // before Close, which waits for the handlers

	cases := []struct {
		name    string
		url     string
		client  *http.Client
		timeout time.Duration // of the context; 0: none
		want    string
		is      error
	}{
		{"refused", closed, nil, 0, "nothing listens there (is the server running, and the URL right?)", nil},
		{"client timeout", slow.URL, &http.Client{Timeout: 50 * time.Millisecond}, 0, "no answer in time", nil},
		{"context deadline", slow.URL, nil, 50 * time.Millisecond, "no answer in time", context.DeadlineExceeded},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			if c.timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, c.timeout)
				defer cancel()
			}
			ep := Endpoint{Label: "test chat m", Client: c.client}
			err := ep.Post(ctx, c.url, map[string]string{}, &struct{}{})
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "test chat m: POST ") {
				t.Fatalf("err = %v, want it to start with the label and contain %q", err, c.want)
			}
			if c.is != nil && !errors.Is(err, c.is) {
				t.Errorf("err = %v, want errors.Is %v", err, c.is)
			}
		})
	}
}

// TestPostBoundsTheAnswer: an answer over MaxBody is an error, not a
// truncated JSON document or an exhausted memory.
func TestPostBoundsTheAnswer(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"text":"`+strings.Repeat("x", 2000)+`"}`)
	}))
	defer srv.Close()
	var dst struct{ Text string }
	err := Endpoint{Label: "l", MaxBody: 1000}.Post(context.Background(), srv.URL, struct{}{}, &dst)
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "more than 1000 bytes") {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
	if err := (Endpoint{Label: "l", MaxBody: 4000}).Post(context.Background(), srv.URL, struct{}{}, &dst); err != nil || len(dst.Text) != 2000 {
		t.Fatalf("within the bound: err %v, %d bytes", err, len(dst.Text))
	}
}

// TestPostKeepsSecretsOutOfErrors: neither the API key nor a password in
// the URL appears in an error.
func TestPostKeepsSecretsOutOfErrors(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer sk-secret" {
			t.Errorf("Authorization %q", r.Header.Get("Authorization"))
		}
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, `{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`)
	}))
	defer srv.Close()
	u := strings.Replace(srv.URL, "http://", "http://user:hunter2@", 1)
	err := Endpoint{Label: "l", Header: BearerHeader("sk-secret")}.Post(context.Background(), u, struct{}{}, &struct{}{})
	var se *StatusError
	if !errors.As(err, &se) || se.Code != 401 || !strings.Contains(err.Error(), "check the API key") || !strings.Contains(err.Error(), "Incorrect API key provided") {
		t.Fatalf("err = %v, want a 401 StatusError with the API's message", err)
	}
	if s := err.Error(); strings.Contains(s, "sk-secret") || strings.Contains(s, "hunter2") {
		t.Fatalf("a secret leaked into %q", s)
	}
}

func TestJoinURL(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ base, path, want string }{
		{"http://h:1", "/v1/chat/completions", "http://h:1/v1/chat/completions"},
		{"http://h:1/", "/v1/chat/completions", "http://h:1/v1/chat/completions"},
		{"http://h:1/v1", "/v1/chat/completions", "http://h:1/v1/chat/completions"},
		{"http://h:1/v1/", "/v1/chat/completions", "http://h:1/v1/chat/completions"},
		{"http://h:1/openai/v1", "/v1/embeddings", "http://h:1/openai/v1/embeddings"},
		{"http://h:1", "/api/chat", "http://h:1/api/chat"},
	} {
		if got := JoinURL(c.base, c.path); got != c.want {
			t.Errorf("JoinURL(%q, %q) = %q, want %q", c.base, c.path, got, c.want)
		}
	}
}
