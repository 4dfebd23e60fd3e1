package redact

import (
	"strings"
	"testing"
)

// Secrets that come as a flag's next word, after a command, or next to the
// word naming them, not as key=value (issue 11, row 6). Built at run time,
// like the fakes in redact_test.go.
var (
	awsSecret      = "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCY8zq4Lk2Tq3"
	awsDocSecret   = "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCYEXAMPLEKEY"
	ghFineGrained  = "github_pat_" + "11ABCDEFG0qW3eR5tY7uI9_" + "oP1aS3dF5gH7jK9lZ2xC4vB6nM8qW0eR2tY4uI6oP8aS0dF2gH4jK6lZ8xC0"
	slackUserToken = "xoxp-" + "2384716502-9182736455019-9182736455019-" + "Qm7ZkP3vXr8LtY2nWb5cHs9dQm7ZkP3v"
)

func TestStringRedactsSecretsOutsideAssignments(t *testing.T) {
	r := newRedactor(t)
	cases := []struct {
		name, in, rule string
		secrets        []string
	}{
		{"aws key and secret in prose", "using aws key " + awsKey + " secret " + awsSecret, "aws-secret-key", []string{awsKey, awsSecret}},
		{"the issue's line (aws documentation secret)", "using aws key AKIA" + "IOSFODNN7EXAMPLE secret " + awsDocSecret, "aws-secret-key", []string{awsDocSecret}},
		{"aws secret space-separated", "aws configure set aws_secret_access_key " + awsSecret, "aws-secret-key", []string{awsSecret}},
		{"aws secret short value", "aws_secret_access_key hunter2horse", "aws-secret-key", []string{"hunter2horse"}},
		{"aws secret quoted after colon", `"SecretAccessKey": "` + awsSecret + `"`, "", []string{awsSecret}},
		{"aws secret alone on a line", "creds " + awsKey + " " + awsSecret + "\n", "", []string{awsKey, awsSecret}},
		{"--password X", "mysql --password hunter2-correct-horse -u root", "secret-flag", []string{"hunter2-correct-horse"}},
		{"--password=X", "mysql --password=hunter2-correct-horse -u root", "password-field", []string{"hunter2-correct-horse"}},
		{"--db-password quoted", `app --db-password 'Wq8#zLr2vT' --port 80`, "secret-flag", []string{"Wq8#zLr2vT"}},
		{"--password X in parentheses", "retried (db --password Wq8zLr2vTx) twice", "secret-flag", []string{"Wq8zLr2vTx"}},
		{"-password X", "keytool -list -storepass x -password s3cr3tPw", "secret-flag", []string{"s3cr3tPw"}},
		{"--api-key X", "deploy --api-key 9f8e7d6c5b4a3928 --env prod", "secret-flag", []string{"9f8e7d6c5b4a3928"}},
		{"mysql -pX", "mysql -u root -phunter2horse shop", "mysql-password", []string{"hunter2horse"}},
		{"mysqldump -pX", "2026-01-02 cron: /usr/bin/mysqldump -uroot -pS3cret! --all-databases > dump.sql", "mysql-password", []string{"S3cret!"}},
		{"mariadb -pX", "mariadb -h db -pabc123xyz shop", "mysql-password", []string{"abc123xyz"}},
		{"url with empty user", "cache=redis://:hunter2horse@cache:6379/0", "url-password", []string{"hunter2horse"}},
		{"basic auth header", "Authorization: Basic dXNlcjpodW50ZXIyaG9yc2U=", "basic-auth", []string{"dXNlcjpodW50ZXIyaG9yc2U="}},
		{"bearer lower case", "authorization: bearer abc123DEF456ghi789JKL", "bearer-token", []string{"abc123DEF456ghi789JKL"}},
		{"github oauth token", "gh auth token gho_" + "R7uXb2kLq9ZtW4vN8cYp3mHs6dFj1aGe0oQi", "github-oauth", []string{"R7uXb2kLq9ZtW4vN8cYp3mHs6dFj1aGe0oQi"}},
		{"github fine-grained token", "push with " + ghFineGrained, "github-fine-grained-pat", []string{ghFineGrained}},
		{"slack user token", "slack: " + slackUserToken, "slack-user-token", []string{slackUserToken}},
		{"openssh private key", "-----BEGIN OPENSSH " + "PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n-----END OPENSSH PRIVATE KEY-----", "private-key", []string{"b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ"}},
		{"google api key", "GET /maps?key=" + googleKey, "", []string{googleKey}},
		{"stripe live key", "charge with " + stripeKey, "stripe-access-token", []string{stripeKey}},
		{"jwt in a log", "level=info token " + jwt, "jwt", []string{jwt}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := r.String(c.in)
			for _, s := range c.secrets {
				if strings.Contains(got, s) {
					t.Errorf("%q survives: %q", s, got)
				}
			}
			if c.rule != "" && !strings.Contains(got, "[REDACTED:"+c.rule+"]") {
				t.Errorf("got %q, want a [REDACTED:%s] marker", got, c.rule)
			}
		})
	}
}

// TestStringLeavesLookalikes: the new rules stay off words, code, hashes,
// paths and help text that look like their secrets.
func TestStringLeavesLookalikes(t *testing.T) {
	r := newRedactor(t)
	cases := []struct{ name, in string }{
		{"secretary", "the secretary keeps the keys to the office"},
		{"go flag definition", `password := flag.String("password", "", "the database password")`},
		{"go variable", "if secretKey == nil { return errNoKey }"},
		{"git hash after key", "cache key 9fceb02d0ae598e95dc970b74767f19372d61af8 missed"},
		{"git hash after secret", "rotated secret in commit 9fceb02d0ae598e95dc970b74767f19372d61af8"},
		{"upper-case hash", "key 9FCEB02D0AE598E95DC970B74767F19372D61AF8"},
		{"two git hashes", "merge 9fceb02d0ae598e95dc970b74767f19372d61af8 into 1a0dab0faa3b4c5d6e7f8091a2b3c4d5e6f70819"},
		{"40-char path", "open internal/sessions/Store2/handler/AbcDef1: no such file"},
		{"go import path", "github.com/devaiops/devai/memory/redact/Redactor1234"},
		{"help text", "  --password string   the database password (default: $DB_PASSWORD)"},
		{"help placeholder", "usage: devai login --token <token> --api-key KEY"},
		{"flag in prose", "pass --token when the server asks for one, or --password for the database"},
		{"flag with env var", `mysql --password "$MYSQL_PWD" -u root`},
		{"flag with command substitution", "mysql --password $(cat /run/secrets/db) -u root"},
		{"flag with gha secret", "deploy --token ${{ secrets.DEPLOY_TOKEN }}"},
		{"token file flag", "vault login --token-file /run/secrets/vault --password-file /run/pw"},
		{"mysql port", "mysql -h db -P3306 -u root -p shop"},
		{"mysql prompt", "mysql -u root -p"},
		{"psql port", "psql -h db -p5432 -U app shop"},
		{"grep -p", "grep -phello file.txt"},
		{"long base64 blob", "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="},
		{"certificate block tail", "-----BEGIN CERTIFICATE-----\nMIIDazCCAlOgAwIBAgIUJeohtgk8nnt8ofratXJg7kUJsI4wDQYJKoZIhvcNAQEL\ne+dzzf4vbWfMlYkOQ4kf6ei5Zf+J2PL6VrqVrHQa\n-----END CERTIFICATE-----"},
		{"url without user", "see https://example.com:8443/docs"},
		{"basic in prose", "basic authentication is off by default"},
		{"keyword prose", "the key insight is that sessions expire"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := r.String(c.in); got != c.in {
				t.Errorf("changed a text with no secret:\n in  %q\n out %q\n findings %+v", c.in, got, r.Find(c.in))
			}
		})
	}
}

// TestBareBase64Entropy checks the floor of the context-free 40-character
// rule against the values it has to separate.
func TestBareBase64Entropy(t *testing.T) {
	for _, s := range []string{awsSecret, awsDocSecret} {
		if !bareBase64Secret(s) {
			t.Errorf("%s: entropy %.2f, not taken for a secret", s, entropy(s))
		}
	}
	for _, s := range []string{"internal/sessions/Store2/handler/AbcDef1", "9fceb02d0ae598e95dc970b74767f19372d61af8", "src/main/java/com/Example/App1/Main/Test"} {
		if bareBase64Secret(s) {
			t.Errorf("%s: entropy %.2f, taken for a secret", s, entropy(s))
		}
	}
}
