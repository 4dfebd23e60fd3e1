package main

import (
	"reflect"
	"testing"
)

func TestParseChangelog(t *testing.T) {
	p := projects[0] // echo: "## vX.Y.Z" releases, "**Heading**" sections
	text := "# Changelog\n\n## v5.3.1 - 2026-07-21\n\n**Fixes**\n\n" +
		"* fix(static): preserve matched handler 404s by @JSap0914 in https://github.com/labstack/echo/pull/3043\n\n" +
		"**Enhancements**\n\n* Update deps to latest versions by @aldas in https://github.com/labstack/echo/pull/3050\n" +
		"  and more words\n\n**New Contributors**\n\n* @x made their first contribution in https://github.com/labstack/echo/pull/3044\n"
	got := parseChangelog(p, text)
	want := []entry{
		{Release: "5.3.1", Class: "Fixed", PRs: []int{3043}, Text: "fix(static): preserve matched handler 404s by @JSap0914 in https://github.com/labstack/echo/pull/3043"},
		{Release: "5.3.1", Class: "Listed", PRs: []int{3050}, Text: "Update deps to latest versions by @aldas in https://github.com/labstack/echo/pull/3050 and more words"},
		{Release: "5.3.1", Class: "", PRs: []int{3044}, Text: "@x made their first contribution in https://github.com/labstack/echo/pull/3044"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parseChangelog:\n got %+v\nwant %+v", got, want)
	}
}

func TestMatch(t *testing.T) {
	entries := []entry{
		{Release: "5.3.0", Class: "Listed", PRs: []int{3035}, Text: "pin GitHub Actions to full commit SHAs and rework actions SHAs to own variables by @aldas in https://github.com/labstack/echo/pull/3035"},
		{Release: "5.3.0", Class: "Added", PRs: []int{3038}, Text: "feat: add support for HTTP QUERY method by @thdxg in https://github.com/labstack/echo/pull/3038"},
		{Release: "5.2.0", Class: "Fixed", PRs: []int{3001}, Text: "fix: something"},
	}
	tests := []struct {
		name, subject string
		pr            int
		want          string // the matched bullet's class, "" for none
		how           string
	}{
		{"by pull request", "anything (#3038)", 3038, "Added", "pr"},
		{"by pull request in another release", "backport (#3001)", 3001, "Fixed", "pr"},
		{"by subject, rebased without a number", "pin GitHub Actions to full commit SHAs and rework actions shas to own block .", 0, "Listed", "subject"},
		{"not listed", "Changelog for v5.3.0", 0, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, how := match(label{Subject: tt.subject, PR: tt.pr, Hash: "0123456789"}, "5.3.0", entries)
			got := ""
			if e != nil {
				got = e.Class
			}
			if got != tt.want || how != tt.how {
				t.Errorf("match(%q) = %q by %q, want %q by %q", tt.subject, got, how, tt.want, tt.how)
			}
		})
	}
}

func TestNaive(t *testing.T) {
	for subject, want := range map[string]string{
		"feat(render): add bson protocol (#4145)":   "Added",
		"fix!: drop the old API":                    "Breaking changes",
		"chore(deps): bump golang.org/x/net":        "Maintenance",
		"AutoHandleHEAD enables automatic handling": "Other changes",
	} {
		if got := naive(subject); got != want {
			t.Errorf("naive(%q) = %q, want %q", subject, got, want)
		}
	}
}
