package memory

import "testing"

func TestWithStatusNames(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"what happens when the server answers 401", "what happens when the server answers 401\nunauthorized"},
		{"return 413 (or 431) when the body is too big", "return 413 (or 431) when the body is too big\nrequest entity too large payload content request header fields too large"},
		{"HTTP/1.1 404 Not Found, then 404 again", "HTTP/1.1 404 Not Found, then 404 again\nnot found"},
		{"time out after 500ms", "time out after 500ms"},
		{"bump to v1.401.2 and port 443", "bump to v1.401.2 and port 443"},
		{"line 1404 of the file", "line 1404 of the file"},
	} {
		if got := withStatusNames(c.in); got != c.want {
			t.Errorf("withStatusNames(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestStatusCodeFindsItsConstant: a question that names a status code by
// its number finds the code that names it by its reason phrase.
func TestStatusCodeFindsItsConstant(t *testing.T) {
	repo := writeRepo(t, map[string]string{
		"go.mod":     "module example.com/web\n\ngo 1.22\n",
		"auth.go":    "package web\n\nimport \"net/http\"\n\n// challenge asks the client to log in.\nfunc challenge(w http.ResponseWriter) {\n\tw.Header().Set(\"WWW-Authenticate\", `Basic realm=\"app\"`)\n\tw.WriteHeader(http.StatusUnauthorized)\n}\n",
		"server.go":  "package web\n\n// listen starts the server.\nfunc listen(addr string) error { return http.ListenAndServe(addr, nil) }\n",
		"handler.go": "package web\n\n// serve hands the request to the server's handler.\nfunc serve(h http.Handler, w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }\n",
		"tls.go":     "package web\n\n// listenTLS starts the server with TLS.\nfunc listenTLS(addr, cert, key string) error { return http.ListenAndServeTLS(addr, cert, key, nil) }\n",
		"close.go":   "package web\n\n// shutdown stops the server gracefully.\nfunc shutdown(s closer) error { return s.Close() }\n",
	})
	wantFirstFile(t, repo, DefaultWeights, "what happens on a 401?", "auth.go", "status code")
}
