// Package httpjson posts JSON to the model servers devai talks to (Ollama
// and OpenAI-compatible APIs, for embeddings and chat) and turns their
// failures into errors that say what to fix. It is the one home of what
// those clients share: URL joining, one retry on 429/503 honouring
// Retry-After, bounded answers, and the error text of both APIs.
package httpjson

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// DefaultMaxBody caps an answer when Endpoint.MaxBody is 0: big enough for
// a batch of embeddings, small enough that a broken server cannot exhaust
// memory.
const DefaultMaxBody = 256 << 20

// MaxRetryWait is the longest Retry-After Post sleeps through before its one
// retry; a longer one becomes an error that says when to try again.
const MaxRetryWait = 30 * time.Second

// ErrTooLarge is returned when an answer exceeds Endpoint.MaxBody.
var ErrTooLarge = errors.New("answer too large")

// Endpoint is one model server as a caller sees it.
type Endpoint struct {
	// Label starts every error, e.g. "ollama embed nomic-embed-text".
	Label string
	// Client sends the requests; nil means a client with a 120 s timeout.
	Client *http.Client
	// Header is sent with every request (Authorization). It never appears
	// in an error.
	Header http.Header
	// MaxBody caps the answer read; 0 means DefaultMaxBody.
	MaxBody int64
}

// StatusError is a non-200 answer.
type StatusError struct {
	Label, URL string
	Code       int
	// Hint says what to check, from the status code; may be empty.
	Hint string
	// Message is the API's own error text, or a snippet of the body.
	Message string
}

func (e *StatusError) Error() string {
	msg := fmt.Sprintf("%s: POST %s: HTTP %d", e.Label, e.URL, e.Code)
	if e.Hint != "" {
		msg += " (" + e.Hint + ")"
	}
	if e.Message != "" {
		msg += ": " + e.Message
	}
	return msg
}

var defaultClient = &http.Client{Timeout: 120 * time.Second}

// Post sends body as JSON to rawURL and decodes a 200 answer into dst. It
// retries once after a 429 or 503, waiting for Retry-After (default 1 s)
// when that is at most MaxRetryWait.
func (e Endpoint) Post(ctx context.Context, rawURL string, body, dst any) error {
	payload, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("%s: encode request: %w", e.Label, err)
	}
	shown := redact(rawURL)
	for attempt := 0; ; attempt++ {
		code, header, data, err := e.send(ctx, rawURL, payload)
		if err != nil {
			return fmt.Errorf("%s: POST %s: %w", e.Label, shown, err)
		}
		if code == http.StatusOK {
			if err := json.Unmarshal(data, dst); err != nil {
				return fmt.Errorf("%s: POST %s: malformed JSON answer (%v): %s", e.Label, shown, err, Snippet(data))
			}
			return nil
		}
		retryable := code == http.StatusTooManyRequests || code == http.StatusServiceUnavailable
		wait, known := RetryAfter(header.Get("Retry-After"))
		if retryable && attempt == 0 && wait <= MaxRetryWait {
			if err := sleep(ctx, wait); err != nil {
				return fmt.Errorf("%s: waiting to retry: %w", e.Label, err)
			}
			continue
		}
		return &StatusError{Label: e.Label, URL: shown, Code: code, Hint: hint(code, wait, known), Message: APIMessage(data)}
	}
}

// send makes one request and reads at most MaxBody bytes of the answer.
func (e Endpoint) send(ctx context.Context, rawURL string, payload []byte) (int, http.Header, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, rawURL, bytes.NewReader(payload))
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	for k, vs := range e.Header {
		req.Header[k] = vs
	}
	hc := e.Client
	if hc == nil {
		hc = defaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, nil, nil, transportError(err)
	}
	defer resp.Body.Close()
	limit := e.MaxBody
	if limit <= 0 {
		limit = DefaultMaxBody
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return 0, nil, nil, fmt.Errorf("read the answer: %w", transportError(err))
	}
	if int64(len(data)) > limit {
		return 0, nil, nil, fmt.Errorf("%w: more than %d bytes (HTTP %d)", ErrTooLarge, limit, resp.StatusCode)
	}
	return resp.StatusCode, resp.Header, data, nil
}

// transportError adds what to check to a failure below HTTP; the cause
// stays wrapped for errors.Is.
func transportError(err error) error {
	var dns *net.DNSError
	var ne net.Error
	switch {
	case errors.Is(err, context.Canceled):
		return err
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout():
		return fmt.Errorf("no answer in time (the model may be loading, or too slow for this timeout): %w", err)
	case connectionRefused(err):
		return fmt.Errorf("nothing listens there (is the server running, and the URL right?): %w", err)
	case errors.As(err, &dns):
		return fmt.Errorf("unknown host (check the URL): %w", err)
	}
	return err
}

func hint(code int, wait time.Duration, known bool) string {
	switch {
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return "check the API key and that it may use this model"
	case code == http.StatusNotFound:
		return "check the URL and that the model is installed/served"
	case code == http.StatusTooManyRequests || code == http.StatusServiceUnavailable:
		if known {
			return fmt.Sprintf("rate limited; retry after %s", wait.Round(time.Second))
		}
		return "rate limited or overloaded; retried once"
	}
	return ""
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// RetryAfter parses Retry-After as seconds or an HTTP date; without one it
// returns 1 s and false.
func RetryAfter(v string) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Second, false
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0), true
	}
	return time.Second, false
}

// APIMessage pulls the error text out of an OpenAI ({"error":{"message"}})
// or Ollama ({"error":"..."}) error body, or returns a snippet of it.
func APIMessage(body []byte) string {
	var o struct {
		Error json.RawMessage `json:"error"`
	}
	if json.Unmarshal(body, &o) == nil && len(o.Error) > 0 {
		var s string
		if json.Unmarshal(o.Error, &s) == nil {
			return s
		}
		var m struct {
			Message string `json:"message"`
		}
		if json.Unmarshal(o.Error, &m) == nil && m.Message != "" {
			return m.Message
		}
	}
	return Snippet(body)
}

// Snippet is the start of b, trimmed, for an error message.
func Snippet(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

// JoinURL appends path to base without doubling slashes or a "/v1" that
// the user already put in the base URL.
func JoinURL(base, path string) string {
	base = strings.TrimRight(base, "/")
	if strings.HasPrefix(path, "/v1/") && strings.HasSuffix(base, "/v1") {
		path = strings.TrimPrefix(path, "/v1")
	}
	return base + path
}

// redact hides a password in the URL's user info, so that errors can show
// the URL.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.Redacted()
}

// BearerHeader is the Authorization header for apiKey, or nil when the key
// is empty (local servers need none).
func BearerHeader(apiKey string) http.Header {
	if apiKey == "" {
		return nil
	}
	return http.Header{"Authorization": {"Bearer " + apiKey}}
}
