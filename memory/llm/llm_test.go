package llm

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/devaiops/devai/memory/internal/httpjson"
)

// The answers below are the examples of the APIs' own documentation:
// OpenAI's "Create chat completion" response object and Ollama's
// docs/api.md "Chat request (No streaming)" response.
const (
	openAIAnswer = `{
  "id": "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT",
  "object": "chat.completion",
  "created": 1741569952,
  "model": "gpt-4.1-2025-04-14",
  "choices": [
    {
      "index": 0,
      "message": {
        "role": "assistant",
        "content": "Hello! How can I assist you today?",
        "refusal": null,
        "annotations": []
      },
      "logprobs": null,
      "finish_reason": "stop"
    }
  ],
  "usage": {
    "prompt_tokens": 19,
    "completion_tokens": 10,
    "total_tokens": 29,
    "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
    "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0, "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0}
  },
  "service_tier": "default"
}`
	ollamaAnswer = `{
  "model": "llama3.2",
  "created_at": "2023-12-12T14:13:43.416799Z",
  "message": {
    "role": "assistant",
    "content": "Hello! How are you today?"
  },
  "done": true,
  "total_duration": 5191566416,
  "load_duration": 2154458,
  "prompt_eval_count": 26,
  "prompt_eval_duration": 383809000,
  "eval_count": 298,
  "eval_duration": 4799921000
}`
)

// wireServer checks that every request is a JSON POST to path with the
// Authorization auth and exactly the body want (compared as JSON values),
// and answers with answer.
func wireServer(t *testing.T, path, auth, want, answer string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		var got, exp any
		if err := json.Unmarshal(raw, &got); err != nil {
			t.Errorf("body is not JSON: %s", raw)
		}
		if err := json.Unmarshal([]byte(want), &exp); err != nil {
			t.Fatalf("bad want: %v", err)
		}
		switch {
		case r.Method != http.MethodPost || r.URL.Path != path:
			t.Errorf("%s %s, want POST %s", r.Method, r.URL.Path, path)
		case r.Header.Get("Content-Type") != "application/json":
			t.Errorf("Content-Type %q", r.Header.Get("Content-Type"))
		case r.Header.Get("Authorization") != auth:
			t.Errorf("Authorization %q, want %q", r.Header.Get("Authorization"), auth)
		case !reflect.DeepEqual(got, exp):
			t.Errorf("body\n%s\nwant\n%s", raw, want)
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, answer)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestOpenAIWireFormat(t *testing.T) {
	t.Parallel()
	temp := 0.2
	cases := []struct {
		name string
		cfg  Config
		auth string
		want string
	}{
		{"defaults", Config{Model: "gpt-4.1-mini", APIKey: "sk-test"}, "Bearer sk-test",
			`{"model":"gpt-4.1-mini","messages":[{"role":"system","content":"You write specs."},{"role":"user","content":"Hello!"}],"stream":false}`},
		{"limits, no key", Config{Model: "qwen2.5-coder", MaxTokens: 4000, Temperature: &temp}, "",
			`{"model":"qwen2.5-coder","messages":[{"role":"system","content":"You write specs."},{"role":"user","content":"Hello!"}],"stream":false,"max_completion_tokens":4000,"temperature":0.2}`},
	}
	for _, c := range cases {
		srv := wireServer(t, "/v1/chat/completions", c.auth, c.want, openAIAnswer)
		// A base URL ending in /v1 must not become /v1/v1/chat/completions.
		for _, base := range []string{srv.URL, srv.URL + "/", srv.URL + "/v1", srv.URL + "/v1/"} {
			cfg := c.cfg
			cfg.Provider, cfg.URL = "openai", base
			cl := mustNew(t, cfg)
			got, err := cl.Chat(context.Background(), "You write specs.", "Hello!")
			if err != nil || got != "Hello! How can I assist you today?" {
				t.Errorf("%s %s: %q, %v", c.name, base, got, err)
			}
		}
	}
}

func TestOllamaWireFormat(t *testing.T) {
	t.Parallel()
	temp := 0.0
	cases := []struct {
		name string
		cfg  Config
		auth string
		want string
	}{
		{"defaults", Config{Model: "llama3.2"}, "",
			`{"model":"llama3.2","messages":[{"role":"system","content":"You write specs."},{"role":"user","content":"Hello!"}],"stream":false}`},
		{"options, key (ollama.com)", Config{Model: "llama3.2", APIKey: "k", MaxTokens: 4000, Temperature: &temp}, "Bearer k",
			`{"model":"llama3.2","messages":[{"role":"system","content":"You write specs."},{"role":"user","content":"Hello!"}],"stream":false,"options":{"temperature":0,"num_predict":4000}}`},
	}
	for _, c := range cases {
		srv := wireServer(t, "/api/chat", c.auth, c.want, ollamaAnswer)
		cfg := c.cfg
		cfg.Provider, cfg.URL = "ollama", srv.URL
		got, err := mustNew(t, cfg).Chat(context.Background(), "You write specs.", "Hello!")
		if err != nil || got != "Hello! How are you today?" {
			t.Errorf("%s: %q, %v", c.name, got, err)
		}
	}
}

// TestNoSystemMessage: an empty system prompt sends only the user message.
func TestNoSystemMessage(t *testing.T) {
	t.Parallel()
	srv := wireServer(t, "/api/chat", "", `{"model":"m","messages":[{"role":"user","content":"hi"}],"stream":false}`, ollamaAnswer)
	if _, err := mustNew(t, Config{Provider: "ollama", URL: srv.URL, Model: "m"}).Chat(context.Background(), "", "hi"); err != nil {
		t.Fatal(err)
	}
}

type reply struct {
	status int
	header map[string]string
	body   string
}

// TestChatErrors: every failure a user can meet says what happened and
// what to do, and the key never shows.
func TestChatErrors(t *testing.T) {
	t.Parallel()
	refused := closedPort(t)
	cases := []struct {
		name     string
		provider string
		key      string
		replies  []reply // nil: nothing listens
		want     []string
		is       error
		calls    int32
	}{
		{"unreachable", "ollama", "", nil, []string{"chat ollama:m: POST http://" + refused + "/api/chat", "nothing listens there (is the server running, and the URL right?)"}, nil, 0},
		{"401 without a key", "openai", "", []reply{{401, nil, `{"error":{"message":"You didn't provide an API key.","type":"invalid_request_error","param":null,"code":null}}`}},
			[]string{"HTTP 401 (check the API key and that it may use this model): You didn't provide an API key.", "set DEVAI_CHAT_API_KEY"}, nil, 1},
		{"401 with a wrong key", "openai", "sk-wrong", []reply{{401, nil, `{"error":{"message":"Incorrect API key provided: sk-wrong.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`}},
			[]string{"HTTP 401 (check the API key"}, nil, 1},
		{"ollama model not pulled", "ollama", "", []reply{{404, nil, `{"error":"model 'm' not found, try pulling it first"}`}},
			[]string{"HTTP 404", "model 'm' not found", "(pull it with: ollama pull m)"}, nil, 1},
		{"openai model not found", "openai", "sk-test-404", []reply{{404, nil, `{"error":{"message":"The model ` + "`m`" + ` does not exist or you do not have access to it.","type":"invalid_request_error","param":null,"code":"model_not_found"}}`}},
			[]string{"HTTP 404 (check the URL and that the model is installed/served): The model `m` does not exist"}, nil, 1},
		{"openai empty content", "openai", "", []reply{{200, nil, strings.Replace(openAIAnswer, "Hello! How can I assist you today?", "  ", 1)}}, []string{"chat openai:m: the model answered with no text"}, ErrEmpty, 1},
		{"openai no choices", "openai", "", []reply{{200, nil, `{"id":"x","object":"chat.completion","choices":[]}`}}, []string{"no choices"}, ErrEmpty, 1},
		{"openai refusal", "openai", "", []reply{{200, nil, `{"choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":"I can't help with that."},"finish_reason":"stop"}]}`}}, []string{"declined to answer: I can't help with that."}, ErrRefused, 1},
		{"openai cut off", "openai", "", []reply{{200, nil, `{"choices":[{"index":0,"message":{"role":"assistant","content":"{\"summary\": \"The"},"finish_reason":"length"}]}`}}, []string{"cut off at the model's token limit"}, ErrTruncated, 1},
		{"ollama empty", "ollama", "", []reply{{200, nil, `{"model":"m","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop"}`}}, []string{"answered with no text"}, ErrEmpty, 1},
		{"ollama cut off", "ollama", "", []reply{{200, nil, `{"model":"m","message":{"role":"assistant","content":"{"},"done":true,"done_reason":"length"}`}}, []string{"cut off"}, ErrTruncated, 1},
		{"malformed", "ollama", "", []reply{{200, nil, `{"message":{"content":"hi"`}}, []string{"malformed JSON answer"}, nil, 1},
		{"429 then ok", "openai", "", []reply{{429, map[string]string{"Retry-After": "0"}, `{"error":{"message":"Rate limit reached"}}`}, {200, nil, openAIAnswer}}, nil, nil, 2},
		{"500", "openai", "", []reply{{500, nil, `upstream exploded`}}, []string{"HTTP 500: upstream exploded"}, nil, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			url, calls := "http://"+refused, new(atomic.Int32)
			if c.replies != nil {
				url = replyServer(t, c.replies, calls)
			}
			cl := mustNew(t, Config{Provider: c.provider, URL: url, Model: "m", APIKey: c.key})
			got, err := cl.Chat(context.Background(), "s", "p")
			if c.want == nil {
				if err != nil || got == "" {
					t.Fatalf("got %q, %v; want an answer", got, err)
				}
			} else if err == nil {
				t.Fatalf("got %q, want an error", got)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("err = %v\nwant it to contain %q", err, w)
				}
			}
			if c.is != nil && !errors.Is(err, c.is) {
				t.Errorf("err = %v, want errors.Is %v", err, c.is)
			}
			if err != nil && c.key != "" && strings.Contains(err.Error(), c.key) {
				// The wrong-key case echoes the key in the API's own
				// message; ours must not add it anywhere else.
				if strings.Count(err.Error(), c.key) > strings.Count(c.replies[len(c.replies)-1].body, c.key) {
					t.Errorf("the key leaked: %v", err)
				}
			}
			if n := calls.Load(); n != c.calls {
				t.Errorf("%d requests, want %d", n, c.calls)
			}
		})
	}
}

// TestChatTimeout: a model that does not answer within Timeout is an
// error that says how long we waited and what to change.
func TestChatTimeout(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	cl := mustNew(t, Config{Provider: "ollama", URL: srv.URL, Model: "m", Timeout: 100 * time.Millisecond})
	start := time.Now()
	_, err := cl.Chat(context.Background(), "s", "p")
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "no answer in time") || !strings.Contains(err.Error(), "waited 100ms: raise --chat-timeout") {
		t.Fatalf("err = %v, want a timeout that says what to do", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %s for a 100ms timeout", d)
	}
	// The caller's own, shorter deadline is not blamed on --chat-timeout.
	cl = mustNew(t, Config{Provider: "ollama", URL: srv.URL, Model: "m", Timeout: time.Minute})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err = cl.Chat(ctx, "s", "p")
	if !errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "--chat-timeout") {
		t.Fatalf("err = %v, want a deadline error that does not blame --chat-timeout", err)
	}
}

// TestChatBoundsTheAnswer: a server that sends more than maxAnswer bytes
// gets an error, not our memory.
func TestChatBoundsTheAnswer(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"message":{"role":"assistant","content":"`)
		chunk := strings.Repeat("x", 1<<20)
		for i := 0; i < 9; i++ {
			if _, err := io.WriteString(w, chunk); err != nil {
				return
			}
		}
		io.WriteString(w, `"},"done":true}`)
	}))
	defer srv.Close()
	_, err := mustNew(t, Config{Provider: "ollama", URL: srv.URL, Model: "m"}).Chat(context.Background(), "s", "p")
	if !errors.Is(err, httpjson.ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
}

// TestChatStripsThinking: a reasoning model's <think> block is not the
// answer.
func TestChatStripsThinking(t *testing.T) {
	t.Parallel()
	answer := `{"model":"deepseek-r1","message":{"role":"assistant","content":"<think>\nThe user wants JSON.\n</think>\n\n{\"summary\":\"ok\"}"},"done":true,"done_reason":"stop"}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, answer) }))
	defer srv.Close()
	got, err := mustNew(t, Config{Provider: "ollama", URL: srv.URL, Model: "deepseek-r1"}).Chat(context.Background(), "s", "p")
	if err != nil || got != `{"summary":"ok"}` {
		t.Fatalf("got %q, %v", got, err)
	}
}

func TestNewChecksConfig(t *testing.T) {
	t.Parallel()
	cases := []struct {
		cfg  Config
		want string // "" means success
	}{
		{Config{Provider: "ollama", Model: "llama3.2"}, ""},
		{Config{Provider: "openai", URL: "https://api.openai.com/v1", Model: "gpt-4.1-mini"}, ""},
		{Config{Provider: "claude", Model: "m"}, `unknown chat provider "claude": use one of none, ollama, openai`},
		{Config{Provider: "ollama"}, "chat ollama needs a model name (--chat-model), e.g. llama3.1:8b"},
		{Config{Provider: "openai", Model: "m"}, "chat openai needs the endpoint's base URL (--chat-url)"},
		{Config{Provider: "openai", URL: "localhost:8000", Model: "m"}, "the URL must look like http://host:port"},
		{Config{Provider: "openai", URL: "ftp://u:hunter2@h/", Model: "m"}, "the URL must look like http://host:port"},
		{Config{Provider: "ollama", Model: "m", MaxTokens: -1}, "max tokens -1"},
	}
	for _, c := range cases {
		cl, err := New(c.cfg)
		switch {
		case c.want == "" && (err != nil || cl == nil):
			t.Errorf("%+v: %v", c.cfg, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%+v: err = %v, want %q", c.cfg, err, c.want)
		case err != nil && strings.Contains(err.Error(), "hunter2"):
			t.Errorf("the password leaked: %v", err)
		}
	}
	for _, p := range []string{"", "none"} {
		if cl, err := New(Config{Provider: p}); cl != nil || err != nil {
			t.Errorf("provider %q: %v, %v; want no client and no error", p, cl, err)
		}
	}
	if cl := mustNew(t, Config{Provider: "ollama", Model: "llama3.2"}); cl.Name() != "ollama:llama3.2" || cl.url != DefaultOllamaURL+"/api/chat" {
		t.Errorf("name %s, url %s", cl.Name(), cl.url)
	}
}

func mustNew(t *testing.T, cfg Config) *Client {
	t.Helper()
	cl, err := New(cfg)
	if err != nil || cl == nil {
		t.Fatalf("New(%+v): %v", cfg, err)
	}
	return cl
}

// replyServer answers the n-th request with replies[n] (the last one
// repeats) and counts the requests.
func replyServer(t *testing.T, replies []reply, calls *atomic.Int32) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := calls.Add(1)
		rp := replies[min(int(n), len(replies))-1]
		for k, v := range rp.header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(rp.status)
		io.WriteString(w, rp.body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// closedPort is a loopback address where nothing listens.
func closedPort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}
