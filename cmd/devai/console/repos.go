package console

import (
	"fmt"
	"html/template"
	"net/http"
)

// reposPage is the console's front page on a server of several
// repositories: a link to each repository's console. It needs no script or
// style, so the strictest policy holds.
var reposPage = template.Must(template.New("repos").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>devai review: repositories</title></head>
<body><main><h1>devai review</h1>
<p>This server serves {{len .}} repositories; each has its own proposals, decision log and review console.</p>
<ul>{{range .}}<li><a href="{{.Prefix}}proposals">{{.Name}}</a></li>{{end}}</ul>
</main></body></html>
`))

// Listing is one repository of the front page: its name and where its
// console is mounted.
type Listing struct{ Name, Prefix string }

// ReposIndex serves the front page listing repos (GET only). Like each
// console without authentication, it answers loopback host names only
// when authenticated is false.
func ReposIndex(repos []Listing, authenticated bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		if !authenticated && !LoopbackHost(r.Host) {
			http.Error(w, fmt.Sprintf("forbidden: host %q: this console has no authentication and answers loopback names only (127.0.0.1, localhost)", r.Host), http.StatusForbidden)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "the repositories page is read-only", http.StatusMethodNotAllowed)
			return
		}
		h.Set("Content-Type", "text/html; charset=utf-8")
		_ = reposPage.Execute(w, repos)
	})
}
