package vector

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// embedRequest is the body both APIs take.
type embedRequest struct {
	Model string   `json:"model"`
	Input []string `json:"input"`
}

// fakeVec is what the test servers return for a text: deterministic,
// non-zero, dim long.
func fakeVec(text string, dim int) []float32 { return fallbackVector(text, dim) }

// checkWire asserts method, path, headers and body shape; it returns the
// decoded body or writes a 400 and returns nil.
func checkWire(t *testing.T, w http.ResponseWriter, r *http.Request, path, auth string) *embedRequest {
	t.Helper()
	fail := func(format string, args ...any) *embedRequest {
		t.Errorf(format, args...)
		http.Error(w, fmt.Sprintf(format, args...), http.StatusBadRequest)
		return nil
	}
	if r.Method != http.MethodPost {
		return fail("method %s, want POST", r.Method)
	}
	if r.URL.Path != path {
		return fail("path %s, want %s", r.URL.Path, path)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		return fail("Content-Type %q", ct)
	}
	if got := r.Header.Get("Authorization"); got != auth {
		return fail("Authorization %q, want %q", got, auth)
	}
	raw, _ := io.ReadAll(r.Body)
	var generic map[string]json.RawMessage
	if err := json.Unmarshal(raw, &generic); err != nil {
		return fail("body is not a JSON object: %s", raw)
	}
	if len(generic) != 2 || generic["model"] == nil || generic["input"] == nil {
		return fail("body keys: %s, want exactly model and input", raw)
	}
	var req embedRequest
	if err := json.Unmarshal(raw, &req); err != nil || req.Model == "" || len(req.Input) == 0 {
		return fail("body %s: model must be a string and input a non-empty array of strings", raw)
	}
	return &req
}

func openAIServer(t *testing.T, dim int, reversed bool) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req := checkWire(t, w, r, "/v1/embeddings", "Bearer sk-test")
		if req == nil {
			return
		}
		type item struct {
			Object    string    `json:"object"`
			Index     int       `json:"index"`
			Embedding []float32 `json:"embedding"`
		}
		var data []item
		for i, in := range req.Input {
			data = append(data, item{"embedding", i, fakeVec(in, dim)})
		}
		if reversed { // the API orders by index, not by array position
			for i, j := 0, len(data)-1; i < j; i, j = i+1, j-1 {
				data[i], data[j] = data[j], data[i]
			}
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{
			"object": "list", "data": data, "model": req.Model,
			"usage": map[string]int{"prompt_tokens": 8, "total_tokens": 8},
		})
	}))
}

func ollamaServer(t *testing.T, dim int) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req := checkWire(t, w, r, "/api/embed", "")
		if req == nil {
			return
		}
		var embs [][]float32
		for _, in := range req.Input {
			embs = append(embs, fakeVec(in, dim))
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{
			"model": req.Model, "embeddings": embs,
			"total_duration": 14143917, "load_duration": 1019500, "prompt_eval_count": 8,
		})
	}))
}

func TestOpenAIWireFormat(t *testing.T) {
	for _, reversed := range []bool{false, true} {
		srv := openAIServer(t, 24, reversed)
		// A base URL ending in /v1 must not become /v1/v1/embeddings.
		for _, base := range []string{srv.URL, srv.URL + "/", srv.URL + "/v1"} {
			e := NewOpenAI(base, "text-embedding-3-small", "sk-test", srv.Client())
			texts := make([]string, 300) // more than one remote batch
			for i := range texts {
				texts[i] = fmt.Sprintf("text %d", i)
			}
			vs, err := e.Embed(context.Background(), texts)
			if err != nil {
				t.Fatalf("%s: %v", base, err)
			}
			for i, v := range vs {
				if cosine(v, fakeVec(texts[i], 24)) < 0.9999 {
					t.Fatalf("reversed=%v: vector %d is not the one for its text", reversed, i)
				}
			}
			if e.Dim() != 24 || e.Name() != "openai:text-embedding-3-small" {
				t.Errorf("Dim %d Name %s", e.Dim(), e.Name())
			}
		}
		srv.Close()
	}
}

func TestOllamaWireFormat(t *testing.T) {
	srv := ollamaServer(t, 16)
	defer srv.Close()
	e := NewOllama(srv.URL, "nomic-embed-text", nil)
	vs, err := e.Embed(context.Background(), []string{"a", "b", "c"})
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 3 || len(vs[0]) != 16 || e.Dim() != 16 || e.Name() != "ollama:nomic-embed-text" {
		t.Fatalf("got %d vectors, dim %d, name %s", len(vs), e.Dim(), e.Name())
	}
}

func TestRemoteErrors(t *testing.T) {
	type reply struct {
		status int
		header map[string]string
		body   string
	}
	okOpenAI := func(dim, n int) string {
		var parts []string
		for i := 0; i < n; i++ {
			v, _ := json.Marshal(fakeVec(fmt.Sprint(i), dim))
			parts = append(parts, fmt.Sprintf(`{"object":"embedding","index":%d,"embedding":%s}`, i, v))
		}
		return `{"object":"list","data":[` + strings.Join(parts, ",") + `]}`
	}
	cases := []struct {
		name    string
		replies []reply
		texts   int
		wantErr string // "" means success
		calls   int32
	}{
		{"401", []reply{{401, nil, `{"error":{"message":"Incorrect API key provided","type":"invalid_request_error"}}`}}, 1, "HTTP 401 (check the API key", 1},
		{"429 then ok", []reply{{429, map[string]string{"Retry-After": "0"}, `{"error":{"message":"Rate limit reached"}}`}, {200, nil, okOpenAI(8, 2)}}, 2, "", 2},
		{"429 twice", []reply{{429, map[string]string{"Retry-After": "0"}, `{}`}, {429, map[string]string{"Retry-After": "0"}, `{"error":{"message":"Rate limit reached"}}`}}, 1, "HTTP 429 (rate limited; retry after 0s): Rate limit reached", 2},
		{"429 long wait", []reply{{429, map[string]string{"Retry-After": "3600"}, `{}`}}, 1, "retry after 1h0m0s", 1},
		{"500", []reply{{500, nil, `upstream exploded`}}, 1, "HTTP 500: upstream exploded", 1},
		{"malformed JSON", []reply{{200, nil, `{"data":[{"index":0,"embedding":[0.1,`}}, 1, "malformed JSON answer", 1},
		{"wrong count", []reply{{200, nil, okOpenAI(8, 1)}}, 2, "got 1 vectors for 2 texts", 1},
		{"NaN-free but mixed dims", []reply{{200, nil, `{"data":[{"index":0,"embedding":[0.1,0.2]},{"index":1,"embedding":[0.1,0.2,0.3]}]}`}}, 2, "3 dimensions, want 2", 1},
		{"repeated index", []reply{{200, nil, `{"data":[{"index":0,"embedding":[0.1,0.2]},{"index":0,"embedding":[0.1,0.2]}]}`}}, 2, "out of range or repeated", 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var calls atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n := calls.Add(1)
				rp := c.replies[min(int(n), len(c.replies))-1]
				for k, v := range rp.header {
					w.Header().Set(k, v)
				}
				w.WriteHeader(rp.status)
				io.WriteString(w, rp.body)
			}))
			defer srv.Close()
			e := NewOpenAI(srv.URL, "m", "k", srv.Client())
			texts := make([]string, c.texts)
			_, err := e.Embed(context.Background(), texts)
			switch {
			case c.wantErr == "" && err != nil:
				t.Fatalf("unexpected error %v", err)
			case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
				t.Fatalf("err = %v, want it to contain %q", err, c.wantErr)
			}
			if got := calls.Load(); got != c.calls {
				t.Errorf("%d calls, want %d", got, c.calls)
			}
		})
	}
}

func TestRemoteDimensionPinned(t *testing.T) {
	dim := atomic.Int32{}
	dim.Store(8)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req embedRequest
		json.NewDecoder(r.Body).Decode(&req)
		embs := [][]float32{}
		for _, in := range req.Input {
			embs = append(embs, fakeVec(in, int(dim.Load())))
		}
		json.NewEncoder(w).Encode(map[string]any{"embeddings": embs})
	}))
	defer srv.Close()
	e := NewOllama(srv.URL, "m", srv.Client())
	if _, err := e.Embed(context.Background(), []string{"a"}); err != nil {
		t.Fatal(err)
	}
	dim.Store(12) // the server swapped models behind our back
	_, err := e.Embed(context.Background(), []string{"a"})
	if !errors.Is(err, ErrBadVector) || !strings.Contains(err.Error(), "12 dimensions, want 8") {
		t.Fatalf("err = %v, want a dimension error", err)
	}
}

func TestRemoteZeroVectorReplaced(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"embeddings":[[0.5,0.5,0.5,0.5],[0,0,0,0]]}`)
	}))
	defer srv.Close()
	vs, err := NewOllama(srv.URL, "m", srv.Client()).Embed(context.Background(), []string{"x", ""})
	if err != nil {
		t.Fatal(err)
	}
	if err := checkVector(vs[1], 4); err != nil {
		t.Fatalf("zero vector passed through: %v", err)
	}
}

func TestRemoteHonoursContext(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := NewOpenAI(srv.URL, "m", "", srv.Client()).Embed(ctx, []string{"a"}); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}
