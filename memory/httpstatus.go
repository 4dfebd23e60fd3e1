package memory

import (
	"regexp"
	"strings"
)

// A developer asks "what happens when the server answers 401" or "where
// do we send a 413"; the code says StatusUnauthorized, HTTP_UNAUTHORIZED,
// HTTPStatus.REQUEST_ENTITY_TOO_LARGE or ErrRequestEntityTooLarge, and
// the number is often in none of it. The text channel looks a status code
// up by its reason phrase too (RFC 9110, with the older names libraries
// still use), as a developer would read it.

// statusCode is a three-digit number on its own, not part of a size, a
// time, a version or a path.
var statusCode = regexp.MustCompile(`(?:^|[\s(\["'])([1-5]\d\d)(?:$|[\s)\]"'.,:;?!])`)

// statusNames are the reason phrases, in the words code names them by.
var statusNames = map[string]string{
	"300": "multiple choices redirect", "301": "moved permanently redirect", "302": "found redirect",
	"303": "see other redirect", "304": "not modified", "307": "temporary redirect", "308": "permanent redirect",
	"400": "bad request", "401": "unauthorized", "402": "payment required", "403": "forbidden",
	"404": "not found", "405": "method not allowed", "406": "not acceptable",
	"407": "proxy authentication required", "408": "request timeout", "409": "conflict", "410": "gone",
	"411": "length required", "412": "precondition failed",
	"413": "request entity too large payload content", "414": "uri too long", "415": "unsupported media type",
	"416": "range not satisfiable", "417": "expectation failed", "421": "misdirected request",
	"422": "unprocessable entity content", "425": "too early", "426": "upgrade required",
	"428": "precondition required", "429": "too many requests", "431": "request header fields too large",
	"451": "unavailable for legal reasons", "500": "internal server error", "501": "not implemented",
	"502": "bad gateway", "503": "service unavailable", "504": "gateway timeout",
	"505": "http version not supported",
}

// withStatusNames returns text with the reason phrase of each HTTP status
// code it names appended once; text itself when it names none.
func withStatusNames(text string) string {
	var names []string
	seen := map[string]bool{}
	for _, m := range statusCode.FindAllStringSubmatch(text, -1) {
		if name, ok := statusNames[m[1]]; ok && !seen[m[1]] {
			seen[m[1]] = true
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return text
	}
	return text + "\n" + strings.Join(names, " ")
}
