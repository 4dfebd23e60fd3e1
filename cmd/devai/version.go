package main

import (
	"flag"
	"fmt"
	"io"
	"runtime/debug"
)

// buildVersion can be set at link time: -ldflags "-X main.buildVersion=v1.2.3".
var buildVersion = ""

// version is the module version devai was built from (set by `go install
// module@version`), the link-time value, or "dev".
func version() string {
	if buildVersion != "" {
		return buildVersion
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "dev"
}

// versionLine is what `devai version` prints.
func versionLine() string {
	line := "devai " + version()
	if info, ok := debug.ReadBuildInfo(); ok {
		line += " (" + info.GoVersion
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				line += ", commit " + s.Value[:12]
			}
		}
		line += ")"
	}
	return line
}

func versionCommand(stdout io.Writer) *command {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	c := &command{name: "version", summary: "Print devai's version.", usage: "", flags: fs}
	c.run = func(args []string) error {
		if len(args) > 0 {
			return usagef("unexpected arguments %q", args)
		}
		fmt.Fprintln(stdout, versionLine())
		return nil
	}
	return c
}
