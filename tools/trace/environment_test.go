package trace

import (
	"strings"
	"testing"
)

// The conditions are read from the runtimes' own wording; an
// application's error that happens to say "permission denied" or
// "refused" in its own words is the code's.
func TestConditionOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		typ, msg string
		want     string // a word of condition.what; "" for none
	}{
		{"Error", "connect ECONNREFUSED 127.0.0.1:9999", "refused"},
		{"", "dial tcp 127.0.0.1:5432: connect: connection refused", "refused"},
		{"ConnectionRefusedError", "[Errno 111] Connection refused", "refused"},
		{"java.net.ConnectException", "Connection refused (Connection refused)", "refused"},
		{"", "Os { code: 111, kind: ConnectionRefused, message: \"Connection refused\" }", "refused"},
		{"Error", "getaddrinfo ENOTFOUND example.sfdsdf", "resolve"},
		{"", "dial tcp: lookup db.internal on 127.0.0.11:53: no such host", "resolve"},
		{"socket.gaierror", "[Errno -2] Name or service not known", "resolve"},
		{"Error", "read ECONNRESET", "closed"},
		{"", "write tcp 10.0.0.1:443->10.0.0.2:51000: write: broken pipe", "closed"},
		{"", "dial tcp 10.1.2.3:443: i/o timeout", "in time"},
		{"Error", "listen EADDRINUSE: address already in use :::3000", "in use"},
		{"PermissionError", "[Errno 13] Permission denied: '/var/log/app.log'", "denied"},
		{"", "open /etc/app/config.yaml: permission denied", "denied"},
		{"OSError", "[Errno 28] No space left on device", "full"},
		{"", "accept tcp [::]:8080: accept4: too many open files", "descriptors"},
		{"", "x509: certificate signed by unknown authority", "certificate"},
		{"ssl.SSLCertVerificationError", "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed", "certificate"},
		{"AuthError", "permission denied: user bob may not delete orders", ""},
		{"ValueError", "the server refused the request body", ""},
		{"TypeError", "Cannot read properties of undefined (reading 'host')", ""},
		{"", "runtime error: index out of range [3] with length 3", ""},
	}
	for _, tt := range tests {
		c, ok := conditionOf(Error{Type: tt.typ, Message: tt.msg})
		switch {
		case tt.want == "" && ok:
			t.Errorf("%s: %s: taken for the environment (%s)", tt.typ, tt.msg, c.what)
		case tt.want != "" && (!ok || !strings.Contains(c.what, tt.want)):
			t.Errorf("%s: %s: condition %q, want one that says %q", tt.typ, tt.msg, c.what, tt.want)
		}
	}
}

// adapterRepo is an HTTP client library in the shape of axios: the adapter
// defines its request's handlers inside itself, and a test helper elsewhere
// happens to define a handler of the same name.
var adapterRepo = map[string]string{
	"package.json": `{"name": "fetchlib", "main": "dist/fetchlib.cjs"}`,
	"lib/core/FetchError.js": `export default class FetchError extends Error {
	static from(error, code) {
		const e = new FetchError(error.message)
		e.code = code
		return e
	}
}
`,
	"lib/adapters/http.js": `import FetchError from '../core/FetchError.js'

export default isSupported && function httpAdapter(config) {
	return new Promise(function dispatch(resolve, reject) {
		const req = transport.request(config, function handleResponse(res) {
			resolve(res)
		})
		req.on('error', function handleRequestError(err) {
			reject(FetchError.from(err, err.code))
		})
	})
}
`,
	"test/helpers/server.js": `export function handleResponse(res) {
	return res.body
}
`,
}

// A refused connection through a bundle of the library: every frame of
// the library is placed, the handler nested in the adapter included; the
// answer says to check the environment first; no suspect comes from the
// test helper that only shares a name with the adapter's own handler.
func TestEnvironmentConditionThroughABundle(t *testing.T) {
	t.Parallel()
	ix := openFiles(t, adapterRepo)
	trace := "Error: connect ECONNREFUSED 127.0.0.1:9999\n" +
		"    at Function.FetchError.from (/home/u/app/node_modules/fetchlib/dist/fetchlib.cjs:725:14)\n" +
		"    at RedirectableRequest.handleRequestError (/home/u/app/node_modules/fetchlib/dist/fetchlib.cjs:2460:25)\n" +
		"    at RedirectableRequest.emit (node:events:526:28)\n" +
		"    at Socket.socketErrorListener (node:_http_client:442:9)\n"
	out, err := Run(t.Context(), ix, Input{Text: trace})
	if err != nil {
		t.Fatal(err)
	}
	md := Markdown(out)
	if len(out.Errors) != 1 || !strings.Contains(out.Errors[0].Environment, "refused") {
		t.Fatalf("no environment condition on the error:\n%s", md)
	}
	if strings.Count(md, "the connection was refused") != 1 {
		t.Errorf("the condition is not said exactly once:\n%s", md)
	}
	handler := out.Errors[0].Frames[1]
	if !handler.InApp || handler.Path != "lib/adapters/http.js" || handler.Line != 8 {
		t.Errorf("nested handler placed at %s:%d (in app %v), want lib/adapters/http.js:8", handler.Path, handler.Line, handler.InApp)
	}
	for _, s := range out.Suspects {
		if strings.HasPrefix(s.Path, "test/") {
			t.Errorf("suspect %s %s shares only a name with the adapter's own handler:\n%s", s.Path, s.Symbol, md)
		}
	}
	if len(out.Suspects) == 0 || !strings.Contains(out.Suspects[0].WriteTest, "comes back to the caller as an error") {
		t.Errorf("the test to write asks the machine's condition not to happen:\n%s", md)
	}
}
