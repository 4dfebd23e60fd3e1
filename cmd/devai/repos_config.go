package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/devaiops/devai/memory/gitmirror"
)

// repoSpec is one repository of a server that serves several: a folder
// served as it is (Path), or a git URL that devai clones and keeps at the
// head of Branch (URL).
type repoSpec struct {
	Name              string `yaml:"name"`
	Path              string `yaml:"path"`
	URL               string `yaml:"url"`
	Branch            string `yaml:"branch"`
	WebhookSecretFile string `yaml:"webhook_secret_file"`

	webhookSecret []byte // read from WebhookSecretFile, or --webhook-secret
}

// reposFile is the --repos file.
type reposFile struct {
	Repositories []repoSpec `yaml:"repositories"`
}

// reposConfig is what `devai serve` takes to serve several repositories.
type reposConfig struct {
	ServeRepos    []string      // --serve-repo values, NAME=PATH or NAME=URL[#BRANCH]
	File          string        // --repos
	FetchInterval time.Duration // --fetch-interval
	WebhookSecret string        // --webhook-secret, DEVAI_WEBHOOK_SECRET

	// cloneRetry is the first wait after a failed first clone, doubled up
	// to maxCloneRetry each time (a webhook retries at once); 0 means
	// defaultCloneRetry. Tests set it.
	cloneRetry time.Duration
}

// defaultFetchInterval is how often a repository given by URL is fetched
// when no webhook says so sooner.
const defaultFetchInterval = time.Minute

// defaultCloneRetry and maxCloneRetry bound the retries of a first clone
// that failed (a remote down, a URL not created yet).
const (
	defaultCloneRetry = 5 * time.Second
	maxCloneRetry     = 5 * time.Minute
)

// minWebhookSecretLength is the shortest webhook secret accepted, as for
// bearer tokens: a secret that can be guessed authenticates nothing.
const minWebhookSecretLength = minTokenLength

func (c *reposConfig) register(fs *flag.FlagSet) {
	fs.Var(repeatFlag{&c.ServeRepos}, "serve-repo", "serve this repository at /mcp/NAME (repeatable): `NAME=PATH` serves a folder as it is; "+
		"NAME=URL[#BRANCH] clones an https://, ssh:// or file:// URL into the state directory and follows the branch head (needs --http)")
	fs.StringVar(&c.File, "repos", "", "serve the repositories listed in this YAML `file` (name, and path or url and branch; see the README), each at /mcp/NAME (needs --http)")
	fs.DurationVar(&c.FetchInterval, "fetch-interval", defaultFetchInterval, "fetch each repository given by URL this often (0: only on POST /hooks/NAME)")
	fs.StringVar(&c.WebhookSecret, "webhook-secret", "", "the secret that signs POST /hooks/NAME (GitHub's X-Hub-Signature-256) for every repository without its own webhook_secret_file (prefer the environment variable)")
}

// enabled reports whether the server serves named repositories.
func (c *reposConfig) enabled() bool { return len(c.ServeRepos) > 0 || c.File != "" }

// repeatFlag is a repeatable flag whose values are kept whole: unlike
// listFlag it does not split on commas, which a URL may hold.
type repeatFlag struct{ values *[]string }

func (r repeatFlag) String() string {
	if r.values == nil {
		return ""
	}
	return strings.Join(*r.values, " ")
}

func (r repeatFlag) Set(s string) error {
	*r.values = append(*r.values, strings.TrimSpace(s))
	return nil
}

// specs reads the --serve-repo flags and the --repos file, and checks them
// all: names, sources, secrets. The error names the repository and says
// what to change.
func (c *reposConfig) specs() ([]repoSpec, error) {
	var specs []repoSpec
	for _, v := range c.ServeRepos {
		s, err := parseServeRepo(v)
		if err != nil {
			return nil, err
		}
		specs = append(specs, s)
	}
	if c.File != "" {
		fromFile, err := readReposFile(c.File)
		if err != nil {
			return nil, err
		}
		specs = append(specs, fromFile...)
	}
	if c.FetchInterval < 0 {
		return nil, fmt.Errorf("--fetch-interval %s: must be 0 (only on webhooks) or more", c.FetchInterval)
	}
	if c.WebhookSecret != "" && len(c.WebhookSecret) < minWebhookSecretLength {
		return nil, fmt.Errorf("--webhook-secret is %d characters long: it must be at least %d (make one with: openssl rand -hex 32)",
			len(c.WebhookSecret), minWebhookSecretLength)
	}
	seen := map[string]bool{}
	for i := range specs {
		s := &specs[i]
		if seen[s.Name] {
			return nil, fmt.Errorf("repository %q is given twice: every repository needs its own name", s.Name)
		}
		seen[s.Name] = true
		if err := s.check(); err != nil {
			return nil, err
		}
		if s.webhookSecret == nil && c.WebhookSecret != "" {
			s.webhookSecret = []byte(c.WebhookSecret)
		}
	}
	return specs, nil
}

// parseServeRepo reads one --serve-repo value: NAME=PATH or NAME=URL[#BRANCH].
func parseServeRepo(v string) (repoSpec, error) {
	name, target, ok := strings.Cut(v, "=")
	if !ok || strings.TrimSpace(target) == "" {
		return repoSpec{}, fmt.Errorf("--serve-repo %q: want NAME=PATH or NAME=URL[#BRANCH], e.g. shop=/srv/shop or api=https://github.com/org/api.git#main", v)
	}
	s := repoSpec{Name: strings.TrimSpace(name)}
	target = strings.TrimSpace(target)
	if isGitURL(target) {
		s.URL, s.Branch, _ = strings.Cut(target, "#")
	} else {
		s.Path = target
	}
	return s, nil
}

// isGitURL tells a git URL (scheme://… or scp-like user@host:path) from a
// folder. A local repository is followed by URL as file:///path.
func isGitURL(s string) bool {
	if strings.Contains(s, "://") {
		return true
	}
	host, _, ok := strings.Cut(s, ":")
	return ok && strings.Contains(host, "@") && !strings.ContainsAny(host, `/\`)
}

// readReposFile reads a --repos file. Unknown keys are errors, so that a
// misspelt key (brnach) is not silently ignored.
func readReposFile(path string) ([]repoSpec, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read --repos: %w", err)
	}
	var f reposFile
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("read --repos %s: %w (see the README for the format)", path, err)
	}
	if len(f.Repositories) == 0 {
		return nil, fmt.Errorf("--repos %s lists no repositories (a 'repositories:' list of name, and path or url)", path)
	}
	base := filepath.Dir(path)
	for i := range f.Repositories {
		r := &f.Repositories[i]
		if r.Path != "" && !filepath.IsAbs(r.Path) {
			r.Path = filepath.Join(base, r.Path) // relative to the file, not to wherever devai starts
		}
		if r.WebhookSecretFile != "" && !filepath.IsAbs(r.WebhookSecretFile) {
			r.WebhookSecretFile = filepath.Join(base, r.WebhookSecretFile)
		}
	}
	return f.Repositories, nil
}

// repoNamePattern is a safe path segment: it names the endpoint /mcp/NAME,
// the hook /hooks/NAME and the state folder repos/NAME.
var repoNamePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// checkRepoName refuses a name that is not a safe path segment.
func checkRepoName(name string) error {
	if !repoNamePattern.MatchString(name) {
		return fmt.Errorf("repository name %q: use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or a digit "+
			"(it names the endpoint /mcp/NAME and a folder)", name)
	}
	return nil
}

// check validates one repository and reads its webhook secret.
func (s *repoSpec) check() error {
	if err := checkRepoName(s.Name); err != nil {
		return err
	}
	switch {
	case s.Path != "" && s.URL != "":
		return fmt.Errorf("repository %q has both a path and a url: give one", s.Name)
	case s.Path == "" && s.URL == "":
		return fmt.Errorf("repository %q has neither a path nor a url: give one", s.Name)
	case s.Path != "" && s.Branch != "":
		return fmt.Errorf("repository %q: a branch is followed only for a url; to follow a branch of the repository in %s, give url: file://%s",
			s.Name, s.Path, s.Path)
	case s.Path != "":
		abs, err := filepath.Abs(s.Path)
		if err != nil {
			return fmt.Errorf("repository %q: path %s: %w", s.Name, s.Path, err)
		}
		if fi, err := os.Stat(abs); err != nil || !fi.IsDir() {
			return fmt.Errorf("repository %q: path %s is not a folder", s.Name, s.Path)
		}
		s.Path = abs
	default:
		if err := gitmirror.CheckURL(s.URL); err != nil {
			return fmt.Errorf("repository %q: %w", s.Name, err)
		}
	}
	if s.WebhookSecretFile != "" {
		b, err := os.ReadFile(s.WebhookSecretFile)
		if err != nil {
			return fmt.Errorf("repository %q: read webhook_secret_file: %w", s.Name, err)
		}
		secret := bytes.TrimSpace(b)
		if len(secret) < minWebhookSecretLength {
			return fmt.Errorf("repository %q: the secret in %s is %d characters long: it must be at least %d",
				s.Name, s.WebhookSecretFile, len(secret), minWebhookSecretLength)
		}
		s.webhookSecret = secret
	}
	return nil
}

// errNoHTTP is the error for named repositories without --http: stdio has
// one client and one repository.
var errNoHTTP = errors.New("--serve-repo and --repos serve several repositories over HTTP: add --http HOST:PORT (stdio serves only --repo)")

// errOneAnchor refuses one anchor file for several decision logs: each
// log's anchor says its own record count and head hash.
var errOneAnchor = errors.New("--decisions-anchor-file names one anchor, but each repository has its own decision log: " +
	"leave it unset (each anchor stays in <state-dir>/repos/NAME/index) when serving several repositories")
