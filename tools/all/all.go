// Package all is the one list of devai's tools, for whatever serves or
// measures all of them (cmd/devai, bench/budget). It is not a tool and no
// tool imports it; adding a tool adds its line here.
package all

import (
	"github.com/devaiops/devai/tools/changelog"
	"github.com/devaiops/devai/tools/gaps"
	"github.com/devaiops/devai/tools/logs"
	"github.com/devaiops/devai/tools/patch"
	"github.com/devaiops/devai/tools/search"
	"github.com/devaiops/devai/tools/spec"
	"github.com/devaiops/devai/tools/tool"
	"github.com/devaiops/devai/tools/trace"
)

// Tools returns every tool, in the order tools/list shows them.
func Tools() []tool.Tool {
	return []tool.Tool{search.Tool, trace.Tool, gaps.Tool, spec.Tool, patch.Tool, changelog.Tool, logs.Tool}
}
