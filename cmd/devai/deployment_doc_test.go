package main

import (
	"bytes"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// composeFile is what the test reads of docs/team-deployment's compose file.
type composeFile struct {
	Services map[string]struct {
		Image       string            `yaml:"image"`
		Command     []string          `yaml:"command"`
		Environment map[string]string `yaml:"environment"`
		Secrets     []string          `yaml:"secrets"`
		Volumes     []string          `yaml:"volumes"`
		DependsOn   any               `yaml:"depends_on"`
	} `yaml:"services"`
	Secrets map[string]struct {
		File string `yaml:"file"`
	} `yaml:"secrets"`
	Volumes map[string]any `yaml:"volumes"`
}

// pgVariables are the PG* variables pgx reads that the example may set.
var pgVariables = []string{"PGPASSFILE", "PGSSLMODE", "PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "PGAPPNAME", "PGCONNECT_TIMEOUT"}

// TestTeamDeploymentExample checks docs/team-deployment without Docker
// (docker compose is not installable here): the compose file is valid
// YAML; every devai replica's command parses with devai serve's own flags,
// and every DEVAI_ variable it sets is a flag of devai serve --help; the
// secrets it reads are mounted; the store URL names the PostgreSQL service
// (15), its user and database; repos.yaml is a valid --repos file; the
// replicas have their own ids and state volumes; and Caddy proxies to
// exactly the replicas, on the port they listen on.
func TestTeamDeploymentExample(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(repoRoot(t), "docs", "team-deployment")
	raw, err := os.ReadFile(filepath.Join(dir, "docker-compose.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var cf composeFile
	if err := yaml.Unmarshal(raw, &cf); err != nil {
		t.Fatalf("docker-compose.yaml is not valid YAML: %v", err)
	}
	help := serveHelp(t)
	pg, ok := cf.Services["postgres"]
	if !ok || !strings.HasPrefix(pg.Image, "postgres:15") {
		t.Fatalf("no postgres:15 service: %+v", pg)
	}
	var replicas []string
	ids := map[string]bool{}
	ports := map[string]bool{}
	for name, svc := range cf.Services {
		for _, s := range svc.Secrets {
			if _, ok := cf.Secrets[s]; !ok {
				t.Errorf("%s uses secret %q, which the file does not declare", name, s)
			}
		}
		if !strings.HasPrefix(svc.Image, "ghcr.io/devaiops/devai:") {
			continue
		}
		replicas = append(replicas, name)
		if len(svc.Command) == 0 || svc.Command[0] != "serve" {
			t.Fatalf("%s: command %q, want serve …", name, svc.Command)
		}
		for _, arg := range svc.Command[1:] {
			flagName := strings.TrimLeft(strings.SplitN(arg, "=", 2)[0], "-")
			if strings.HasPrefix(arg, "--") && !regexp.MustCompile(`(?m)^  --`+regexp.QuoteMeta(flagName)+`( |$)`).MatchString(help) {
				t.Errorf("%s: flag %s is not in devai serve --help", name, arg)
			}
		}
		cfg, fs := serveFlags()
		if err := fs.Parse(svc.Command[1:]); err != nil {
			t.Fatalf("%s: devai serve %s: %v", name, strings.Join(svc.Command[1:], " "), err)
		}
		for k, v := range svc.Environment {
			switch {
			case strings.HasPrefix(k, envPrefix):
				if !regexp.MustCompile(`env ` + k + `[;\n]`).MatchString(help) {
					t.Errorf("%s: %s is not a variable of devai serve --help", name, k)
				}
			case slices.Contains(pgVariables, k):
			default:
				t.Errorf("%s: %s is neither a devai variable nor a PG* variable pgx reads", name, k)
			}
			if strings.HasPrefix(v, "/run/secrets/") && !slices.Contains(svc.Secrets, strings.TrimPrefix(v, "/run/secrets/")) {
				t.Errorf("%s: %s=%s names a secret the service does not mount", name, k, v)
			}
		}
		if err := applyEnv(fs, func(k string) string { return svc.Environment[k] }); err != nil {
			t.Fatalf("%s: its DEVAI_ variables: %v", name, err)
		}
		if ids[cfg.ReplicaID] || cfg.ReplicaID == "" {
			t.Errorf("%s: --replica-id %q is missing or another replica's", name, cfg.ReplicaID)
		}
		ids[cfg.ReplicaID] = true
		_, port, _ := strings.Cut(cfg.HTTP, ":")
		ports[port] = true
		checkStoreURL(t, name, cfg.Store, pg.Environment)
		if err := checkStore(cfg.Store); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if !slices.ContainsFunc(svc.Volumes, func(v string) bool { return strings.HasSuffix(v, ":/state") }) {
			t.Errorf("%s: no state volume of its own: %v", name, svc.Volumes)
		}
		if cfg.repos.File != "" {
			local := filepath.Join(dir, filepath.Base(cfg.repos.File))
			if !slices.Contains(svc.Volumes, "./"+filepath.Base(cfg.repos.File)+":"+cfg.repos.File+":ro") {
				t.Errorf("%s: --repos %s is not mounted from this folder", name, cfg.repos.File)
			}
			if _, err := readReposFile(local); err != nil {
				t.Errorf("%s: %v", filepath.Base(local), err)
			}
		}
	}
	if len(replicas) != 2 {
		t.Fatalf("devai replicas: %v, want two", replicas)
	}
	checkCaddyfile(t, filepath.Join(dir, "Caddyfile"), replicas, ports)
}

// serveHelp is devai serve --help.
func serveHelp(t *testing.T) string {
	t.Helper()
	var out, errb bytes.Buffer
	run([]string{"serve", "--help"}, &out, &errb)
	help := out.String() + errb.String()
	if !strings.Contains(help, "-replica-id") {
		t.Fatalf("devai serve --help lists no flags:\n%s", help)
	}
	return help
}

// checkStoreURL: the store is the compose file's PostgreSQL, as its user,
// without a password in the URL.
func checkStoreURL(t *testing.T, service, store string, pgEnv map[string]string) {
	t.Helper()
	u, err := url.Parse(store)
	if err != nil || u.Hostname() != "postgres" {
		t.Errorf("%s: --store %q does not name the postgres service", service, store)
		return
	}
	if _, hasPassword := u.User.Password(); hasPassword {
		t.Errorf("%s: --store carries a password; use the pgpass secret", service)
	}
	if u.User.Username() != pgEnv["POSTGRES_USER"] || strings.TrimPrefix(u.Path, "/") != pgEnv["POSTGRES_DB"] {
		t.Errorf("%s: --store %s: want user %s and database %s", service, store, pgEnv["POSTGRES_USER"], pgEnv["POSTGRES_DB"])
	}
}

// checkCaddyfile: the upstreams are exactly the replicas, on their port.
func checkCaddyfile(t *testing.T, path string, replicas []string, ports map[string]bool) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*reverse_proxy\s+([^{\n]+)`).FindStringSubmatch(string(raw))
	if m == nil {
		t.Fatalf("%s has no reverse_proxy line", path)
	}
	var upstreams []string
	for _, up := range strings.Fields(m[1]) {
		host, port, _ := strings.Cut(up, ":")
		if !ports[port] {
			t.Errorf("Caddy proxies to %s, but the replicas listen on %v", up, ports)
		}
		upstreams = append(upstreams, host)
	}
	slices.Sort(upstreams)
	slices.Sort(replicas)
	if !slices.Equal(upstreams, replicas) {
		t.Errorf("Caddy proxies to %v, want the replicas %v", upstreams, replicas)
	}
	if !strings.Contains(string(raw), "flush_interval -1") {
		t.Errorf("Caddy buffers responses: MCP's event streams need flush_interval -1")
	}
}
