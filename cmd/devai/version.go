package main

import (
	"flag"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"
)

// buildVersion can be set at link time: -ldflags "-X main.buildVersion=v1.2.3"
// (the release build does).
var buildVersion = ""

// develVersion is the go command's version of a main module built from a
// working tree without version control information (-buildvcs=false).
const develVersion = "(devel)"

// version is the version devai reports to MCP peers: the link-time value,
// else the main module's version from the build info (v0.3.0 from `go
// install …@v0.3.0`, a pseudo-version stamped from git in a checkout), else
// "(devel)".
func version() string {
	info, _ := debug.ReadBuildInfo()
	return mainVersion(buildVersion, info)
}

func mainVersion(linked string, info *debug.BuildInfo) string {
	switch {
	case linked != "":
		return linked
	case info != nil && info.Main.Version != "":
		return info.Main.Version
	}
	return develVersion
}

// versionLine is what `devai version` prints.
func versionLine() string {
	info, _ := debug.ReadBuildInfo()
	return describeBuild(buildVersion, info)
}

// describeBuild is one line that tells a bug report which devai it is: the
// version, then the module version where the link-time one differs, the
// commit, its time and whether the tree had changes (when the go command
// stamped them), and the toolchain and platform.
func describeBuild(linked string, info *debug.BuildInfo) string {
	v := mainVersion(linked, info)
	var details []string
	if info != nil {
		if linked != "" && info.Main.Version != "" && info.Main.Version != linked {
			details = append(details, "module "+info.Main.Version)
		}
		details = append(details, vcsStamp(info.Settings)...)
		details = append(details, info.GoVersion)
	}
	details = append(details, runtime.GOOS+"/"+runtime.GOARCH)
	return "devai " + v + " (" + strings.Join(details, ", ") + ")"
}

// vcsStamp is the commit, its time and "modified", as far as the build
// settings carry them.
func vcsStamp(settings []debug.BuildSetting) []string {
	var rev, at string
	var modified bool
	for _, s := range settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	var out []string
	if rev != "" {
		out = append(out, "commit "+rev[:min(len(rev), 12)])
	}
	if at != "" {
		out = append(out, at)
	}
	if modified {
		out = append(out, "modified")
	}
	return out
}

func versionCommand(stdout io.Writer) *command {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	c := &command{name: "version", summary: "Print devai's version, commit and toolchain.", usage: "", flags: fs}
	c.run = func(args []string) error {
		if len(args) > 0 {
			return usagef("unexpected arguments %q", args)
		}
		fmt.Fprintln(stdout, versionLine())
		return nil
	}
	return c
}
