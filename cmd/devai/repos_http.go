package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/devaiops/devai/cmd/devai/console"
)

// hubSignatureHeader carries a webhook body's HMAC-SHA256 under the shared
// secret, as GitHub (and Gitea, Forgejo) send it: "sha256=<hex>".
const hubSignatureHeader = "X-Hub-Signature-256"

// newReposHandler serves several repositories on one listener:
//
//	/mcp/NAME        the MCP endpoint of repository NAME (each its own sessions)
//	/mcp             the only repository when there is one; else 404 with the names
//	POST /hooks/NAME fetch repository NAME now (signed, or with the bearer token)
//	/healthz         liveness
//	/readyz          per repository: ready, the commit indexed, state, errors
//	/metrics         the server's series, each repository's labelled repo=NAME
//	/console/NAME/   the review console of repository NAME; /console/ lists them
//	/.well-known/oauth-protected-resource/mcp/NAME  with OAuth
//
// Every request is counted and logged once, here, with its request id.
func newReposHandler(list []*servedRepo, hc httpConfig, commits *indexedCommits) httpFace {
	repos := make(map[string]*servedRepo, len(list))
	for _, r := range list {
		repos[r.spec.Name] = r
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/mcp/{name}", func(w http.ResponseWriter, r *http.Request) {
		serveRepoMCP(w, r, repos, r.PathValue("name"))
	})
	mux.HandleFunc("/mcp", func(w http.ResponseWriter, r *http.Request) {
		if len(repos) == 1 {
			serveRepoMCP(w, r, repos, list[0].spec.Name)
			return
		}
		unknownRepo(w, repos, "/mcp serves one repository only when the server has one")
	})
	mux.HandleFunc("/mcp/", func(w http.ResponseWriter, r *http.Request) {
		unknownRepo(w, repos, fmt.Sprintf("no endpoint is %s", r.URL.Path))
	})
	mux.Handle("/hooks/{name}", webhookHandler(repos, hc))
	serveConsoles(mux, list, repos, hc)
	serveOperations(mux, newAuthenticator(hc), hc)
	serveProbes(mux, reposReadiness(list, commits))
	return httpFace{Handler: observeRequests(hc.Logger, hc.Metrics, mux), shutdownParts: func(ctx context.Context) {
		for _, r := range list {
			if s := r.serving.Load(); s != nil {
				_ = s.face.mcp.Shutdown(ctx)
			}
		}
	}}
}

// serveRepoMCP hands a request to the MCP endpoint of repository name,
// which sees it at /mcp (its own handler guards it: origin, body limit,
// bearer auth, sessions).
func serveRepoMCP(w http.ResponseWriter, r *http.Request, repos map[string]*servedRepo, name string) {
	repo, ok := repos[name]
	if !ok {
		unknownRepo(w, repos, fmt.Sprintf("no repository is named %q", name))
		return
	}
	s := repo.serving.Load()
	if s == nil {
		w.Header().Set("Retry-After", "10")
		st := repo.readiness()
		msg := fmt.Sprintf("repository %q is not served yet (%s); /readyz says when it is", name, st.State)
		if st.Error != "" {
			msg += ": " + st.Error
		}
		http.Error(w, msg, http.StatusServiceUnavailable)
		return
	}
	inner := r.Clone(withPublicPath(r.Context(), r.URL.Path))
	inner.URL = &url.URL{Path: "/mcp", RawQuery: r.URL.RawQuery}
	s.face.ServeHTTP(w, inner)
}

// serveConsoles mounts the review console of each repository at
// /console/NAME/ (each checks origins, CSRF and sign-in itself) and the
// list of repositories at /console/. The console is off, or on, for all of
// them alike (--console); a repository still being cloned answers 503.
func serveConsoles(mux *http.ServeMux, list []*servedRepo, repos map[string]*servedRepo, hc httpConfig) {
	listing := make([]console.Listing, 0, len(list))
	for _, name := range sortedRepoNames(repos) {
		listing = append(listing, console.Listing{Name: name, Prefix: repoConsolePrefix(name)})
	}
	index := console.ReposIndex(listing, newAuthenticator(hc) != nil)
	mux.HandleFunc("/console/{name}/", func(w http.ResponseWriter, r *http.Request) {
		repo, ok := repos[r.PathValue("name")]
		if !ok {
			http.Error(w, fmt.Sprintf("no repository is named %q: the consoles are under /console/", r.PathValue("name")), http.StatusNotFound)
			return
		}
		s := repo.serving.Load()
		switch {
		case s == nil:
			w.Header().Set("Retry-After", "10")
			http.Error(w, fmt.Sprintf("repository %q is not served yet; /readyz says when it is", repo.spec.Name), http.StatusServiceUnavailable)
		case s.console == nil:
			http.Error(w, "the review console is off on this server (--console)", http.StatusNotFound)
		default:
			s.console.ServeHTTP(w, r)
		}
	})
	mux.HandleFunc("/console/{$}", func(w http.ResponseWriter, r *http.Request) {
		if !consoleOn(list) {
			http.Error(w, "the review console is off on this server (--console)", http.StatusNotFound)
			return
		}
		index.ServeHTTP(w, r)
	})
}

// consoleOn reports whether the repositories served so far have consoles.
func consoleOn(list []*servedRepo) bool {
	for _, r := range list {
		if s := r.serving.Load(); s != nil {
			return s.console != nil
		}
	}
	return true // none opened yet: each says so itself
}

// unknownRepo answers 404 with the endpoints there are.
func unknownRepo(w http.ResponseWriter, repos map[string]*servedRepo, why string) {
	names := sortedRepoNames(repos)
	endpoints := make([]string, len(names))
	for i, n := range names {
		endpoints[i] = "/mcp/" + n
	}
	http.Error(w, fmt.Sprintf("%s: this server serves %s", why, strings.Join(endpoints, ", ")), http.StatusNotFound)
}

// reposReadiness answers /readyz for several repositories: 200 while every
// one can be served (indexing counts: answers then say "indexing N%"), 503
// while one is still being cloned or failed. With --store, it names this
// replica and gives for each repository the commit each replica indexed.
func reposReadiness(list []*servedRepo, commits *indexedCommits) readiness {
	return func(ctx context.Context) (int, any) {
		status := http.StatusOK
		all := make(map[string]repoStatus, len(list))
		for _, r := range list {
			st := r.readiness()
			if r.serving.Load() == nil || st.State == "failed" {
				status = http.StatusServiceUnavailable
			}
			st.replicasStatus = commits.readiness(ctx, r.spec.Name)
			all[r.spec.Name] = st
		}
		body := map[string]any{"repositories": all}
		if commits != nil {
			body["replica"] = commits.replica
		}
		return status, body
	}
}

// webhookHandler is POST /hooks/NAME: it asks repository NAME to fetch now
// and answers 202 at once (a push is indexed in the background; /readyz
// and searches show it). A request is accepted only when its body is signed
// with the repository's webhook secret (X-Hub-Signature-256) or it carries
// a bearer token of the server; everything else is refused.
func webhookHandler(repos map[string]*servedRepo, hc httpConfig) http.Handler {
	auth := newAuthenticator(hc)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "webhooks are POST requests", http.StatusMethodNotAllowed)
			return
		}
		name := r.PathValue("name")
		repo, ok := repos[name]
		if !ok {
			http.Error(w, fmt.Sprintf("no repository is named %q: hooks are /hooks/%s", name, strings.Join(sortedRepoNames(repos), ", /hooks/")), http.StatusNotFound)
			return
		}
		accept := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { acceptHook(w, repo) })
		sig := r.Header.Get(hubSignatureHeader)
		switch {
		case sig != "" && repo.spec.webhookSecret != nil:
			body, ok := readHookBody(w, r, hc.MaxBodyBytes)
			if !ok {
				return
			}
			if !validSignature(repo.spec.webhookSecret, body, sig) {
				http.Error(w, "forbidden: "+hubSignatureHeader+" does not match the body under this repository's webhook secret", http.StatusForbidden)
				return
			}
			accept(w, r)
		case auth != nil:
			auth.require(accept).ServeHTTP(w, r)
		default:
			w.Header().Set("WWW-Authenticate", `Bearer realm="devai"`)
			http.Error(w, "unauthorized: sign webhooks with the secret set by --webhook-secret or webhook_secret_file "+
				"("+hubSignatureHeader+"), or send the server's bearer token", http.StatusUnauthorized)
		}
	})
}

// readHookBody reads a signed webhook's body, which the signature covers,
// up to max bytes; on failure it has answered.
func readHookBody(w http.ResponseWriter, r *http.Request, max int64) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
	if err == nil {
		return body, true
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		http.Error(w, fmt.Sprintf("webhook body too large: the limit is %d bytes (--max-body-bytes)", max), http.StatusRequestEntityTooLarge)
		return nil, false
	}
	http.Error(w, "read the webhook body: "+err.Error(), http.StatusBadRequest)
	return nil, false
}

// acceptHook queues a fetch of a repository given by URL; a folder follows
// its own working tree and has nothing to fetch.
func acceptHook(w http.ResponseWriter, repo *servedRepo) {
	w.Header().Set("Content-Type", "application/json")
	if repo.mirror == nil {
		w.WriteHeader(http.StatusConflict)
		_ = json.NewEncoder(w).Encode(map[string]any{"repository": repo.spec.Name,
			"error": "this repository is served from a folder and follows its working tree; webhooks fetch repositories given by url"})
		return
	}
	repo.requestFetch()
	w.WriteHeader(http.StatusAccepted)
	_ = json.NewEncoder(w).Encode(map[string]any{"repository": repo.spec.Name, "fetch": "queued"})
}

// validSignature checks a "sha256=<hex>" signature of body under secret in
// constant time.
func validSignature(secret, body []byte, sig string) bool {
	hexSum, ok := strings.CutPrefix(sig, "sha256=")
	if !ok {
		return false
	}
	got, err := hex.DecodeString(hexSum)
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	return hmac.Equal(got, mac.Sum(nil))
}
