package vector

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// remoteBatch caps the texts sent in one request; providers reject huge
// batches (OpenAI allows 2048 inputs) and smaller ones fail more cheaply.
const remoteBatch = 128

// maxRetryWait is the longest Retry-After we sleep through before retrying
// once; a longer one becomes an error that says when to try again.
const maxRetryWait = 30 * time.Second

// remote holds what the HTTP embedders share: the client, the dimension
// learned from the first answer, and the request loop with one retry on 429
// or 503.
type remote struct {
	kind  string // "ollama" or "openai", for messages
	model string
	hc    *http.Client

	mu  sync.Mutex
	dim int
}

func newRemote(kind, model string, hc *http.Client) remote {
	if hc == nil {
		hc = &http.Client{Timeout: 120 * time.Second}
	}
	return remote{kind: kind, model: model, hc: hc}
}

func (r *remote) Dim() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.dim
}

// embedAll splits texts into batches, calls one per batch and checks every
// vector: same count as inputs, one dimension for the model's lifetime,
// finite. A zero vector (some servers return it for empty input) is
// replaced by the deterministic fallback so the Store never sees zeros.
func (r *remote) embedAll(ctx context.Context, texts []string, one func(context.Context, []string) ([][]float32, error)) ([][]float32, error) {
	out := make([][]float32, 0, len(texts))
	for start := 0; start < len(texts); start += remoteBatch {
		end := min(start+remoteBatch, len(texts))
		vs, err := one(ctx, texts[start:end])
		if err != nil {
			return nil, err
		}
		if len(vs) != end-start {
			return nil, fmt.Errorf("%s embed %s: %w: got %d vectors for %d texts", r.kind, r.model, ErrBadVector, len(vs), end-start)
		}
		r.mu.Lock()
		if r.dim == 0 && len(vs) > 0 {
			r.dim = len(vs[0])
		}
		dim := r.dim
		r.mu.Unlock()
		for i, v := range vs {
			if len(v) > 0 && allZero(v) {
				vs[i] = fallbackVector(texts[start+i], dim)
				continue
			}
			if err := checkVector(v, dim); err != nil {
				return nil, fmt.Errorf("%s embed %s: text %d: %w", r.kind, r.model, start+i, err)
			}
		}
		out = append(out, vs...)
	}
	return out, nil
}

func allZero(v []float32) bool {
	for _, x := range v {
		if x != 0 {
			return false
		}
	}
	return true
}

// post sends body as JSON and decodes a 200 answer into dst. It retries once
// after a 429 or 503, waiting for Retry-After (default 1 s) when that is at
// most maxRetryWait.
func (r *remote) post(ctx context.Context, url string, header http.Header, body, dst any) error {
	payload, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("%s embed: encode request: %w", r.kind, err)
	}
	for attempt := 0; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(payload))
		if err != nil {
			return fmt.Errorf("%s embed: %w", r.kind, err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json")
		for k, vs := range header {
			req.Header[k] = vs
		}
		resp, err := r.hc.Do(req)
		if err != nil {
			return fmt.Errorf("%s embed: POST %s: %w", r.kind, url, err)
		}
		data, err := io.ReadAll(io.LimitReader(resp.Body, 256<<20))
		resp.Body.Close()
		if err != nil {
			return fmt.Errorf("%s embed: read answer from %s: %w", r.kind, url, err)
		}
		if resp.StatusCode == http.StatusOK {
			if err := json.Unmarshal(data, dst); err != nil {
				return fmt.Errorf("%s embed: POST %s: malformed JSON answer (%v): %s", r.kind, url, err, snippet(data))
			}
			return nil
		}
		retryable := resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable
		wait, known := retryAfter(resp.Header.Get("Retry-After"))
		if retryable && attempt == 0 && wait <= maxRetryWait {
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return fmt.Errorf("%s embed: waiting to retry: %w", r.kind, ctx.Err())
			case <-t.C:
			}
			continue
		}
		return r.statusError(url, resp.StatusCode, data, wait, known)
	}
}

func (r *remote) statusError(url string, code int, body []byte, wait time.Duration, known bool) error {
	msg := fmt.Sprintf("%s embed %s: POST %s: HTTP %d", r.kind, r.model, url, code)
	switch {
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		msg += " (check the API key and that it may use this model)"
	case code == http.StatusNotFound:
		msg += " (check the URL and that the model is installed/served)"
	case code == http.StatusTooManyRequests || code == http.StatusServiceUnavailable:
		if known {
			msg += fmt.Sprintf(" (rate limited; retry after %s)", wait.Round(time.Second))
		} else {
			msg += " (rate limited or overloaded; retried once)"
		}
	}
	if s := apiMessage(body); s != "" {
		msg += ": " + s
	}
	return errors.New(msg)
}

// retryAfter parses Retry-After as seconds or an HTTP date.
func retryAfter(v string) (time.Duration, bool) {
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

// apiMessage pulls the error text out of an OpenAI ({"error":{"message"}})
// or Ollama ({"error":"..."}) error body, or returns a snippet of it.
func apiMessage(body []byte) string {
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
	return snippet(body)
}

func snippet(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

// joinURL appends path to base without doubling slashes or a "/v1" that
// the user already put in the base URL.
func joinURL(base, path string) string {
	base = strings.TrimRight(base, "/")
	if strings.HasPrefix(path, "/v1/") && strings.HasSuffix(base, "/v1") {
		path = strings.TrimPrefix(path, "/v1")
	}
	return base + path
}
