package main

import (
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/mark3labs/mcp-go/server"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/decisions"
	"github.com/devaiops/devai/memory/proposals"
	"github.com/devaiops/devai/memory/redact"
	"github.com/devaiops/devai/resources"
	"github.com/devaiops/devai/tools/tool"
)

// serverConfig is what shapes the MCP server, whichever transport serves it.
type serverConfig struct {
	Index         *memory.Index // may be nil in tests that do not search
	Logger        hclog.InterceptLogger
	Tools         []tool.Tool // already filtered by --tools and --read-only
	FirstSyncWait time.Duration
	Decisions     decisions.Store     // nil: tool calls are not recorded
	Proposals     proposals.Store     // nil: files under the index's state directory
	Sessions      *sharedSessionTable // nil: HTTP sessions live in this process only
	Repo          string              // where .devai/prompts is read; "": the index's repository
	AllowExec     bool                // propose_patch may build and test (--allow-exec)
	ExecTimeout   time.Duration       // bounds one build or test; 0: the tool's default
	// Prose is a configured chat model for prose (--chat), or nil.
	Prose        tool.ProseFunc
	ProseBy      string
	ProseTimeout time.Duration
	// Metrics, when set, counts MCP requests and times tool calls
	// (`devai serve --http` serves them at /metrics).
	Metrics *metrics
	// Local marks the in-process server of a command-line call: the user's
	// own, who may name files outside the repository.
	Local bool
}

const instructions = `devai is this project's shared memory: its specs, code, tests and logs, indexed and cited.
Use search_context before answering questions about the codebase and cite the devai:// URIs it returns;
read a URI (devai://code/path#L10-L40) as a resource for the full text, and devai://index for what is indexed.
For multi-step work, the prompts plan, design, pr, test-gaps, fix-log and release-notes give the order of the
tool calls and where to stop for the user's approval before anything is written.`

// newMCPServer builds the MCP server: the tools of cfg.Tools, the resources,
// the prompts (embedded, and the repository's own), completions, logging (hclog lines are forwarded to clients) and the safety
// options (panic recovery, input and output schema validation).
func newMCPServer(cfg serverConfig) (*server.MCPServer, error) {
	fwd := newLogForwarder()
	hooks := &server.Hooks{}
	fwd.hooks(hooks)
	sessionStateHooks(hooks, cfg.Sessions)
	cfg.Metrics.hooks(hooks)
	rec := newDecisionRecorder(cfg.Decisions, cfg.Logger)
	if cfg.Metrics != nil {
		rec.failed = cfg.Metrics.appendErrors.Inc
	}
	redactor, err := redact.New()
	if err != nil {
		return nil, err
	}
	repo := cfg.Repo
	if repo == "" && cfg.Index != nil {
		repo = cfg.Index.Repo()
	}
	promptSet := loadPrompts(repo, cfg.Logger)
	s := server.NewMCPServer("devai", version(),
		server.WithTitle("devai: project memory"),
		server.WithInstructions(instructions),
		server.WithToolCapabilities(false),
		server.WithResourceCapabilities(false, false),
		server.WithLogging(),
		server.WithCompletions(),
		server.WithResourceCompletionProvider(resources.CompletionProvider{Index: cfg.Index}),
		server.WithPromptCapabilities(false),
		server.WithPromptCompletionProvider(promptCompleter(promptSet, cfg.Index)),
		server.WithToolHandlerMiddleware(rec.middleware()), // added first: outermost, sees every result
		server.WithToolHandlerMiddleware(observeTools(cfg.Metrics, accessLogger(cfg.Logger), toolNames(cfg.Tools))),
		server.WithToolHandlerMiddleware(redactToolOutput(redactor, cfg.Logger)), // so the log records redacted results too
		server.WithRecovery(), // a backstop behind recoverToolPanics
		server.WithToolHandlerMiddleware(recoverToolPanics(cfg.Logger)), // added last: innermost
		server.WithResourceRecovery(),
		server.WithStrictInputSchemaDefault(),
		server.WithOutputSchemaValidation(),
		server.WithHooks(hooks),
	)
	env := tool.Env{Index: cfg.Index, FirstSyncWait: cfg.FirstSyncWait, AllowExec: cfg.AllowExec, ExecTimeout: cfg.ExecTimeout, Local: cfg.Local,
		Prose: cfg.Prose, ProseBy: cfg.ProseBy, ProseTimeout: cfg.ProseTimeout, Proposals: cfg.Proposals}
	if cfg.Decisions != nil {
		env.Decisions = cfg.Decisions
	}
	for _, t := range cfg.Tools {
		b, err := t.Binding(env)
		if err != nil {
			return nil, err
		}
		s.AddTool(b.Tool, b.Handler)
	}
	resources.Register(s, cfg.Index)
	if cfg.Decisions != nil {
		resources.RegisterDecisions(s, cfg.Decisions)
	}
	resources.RegisterChangelog(s, changelogWriter(cfg.Index))
	if store, verdicts := teamRecords(cfg); store != nil {
		resources.AddProposals(s, store, verdicts)
	}
	registerPrompts(s, promptSet, rec) // not filtered by --tools or --read-only: prompts are not tools
	if cfg.Logger != nil {
		fwd.srv = s
		cfg.Logger.RegisterSink(fwd)
	}
	return s, nil
}

// fileDecisions is l as the server's decision store: nil stays nil (an
// interface holding a nil *Log would not be).
func fileDecisions(l *decisions.Log) decisions.Store {
	if l == nil {
		return nil
	}
	return l
}

// teamRecords is where the server keeps proposals and reads reviewers'
// verdicts: the configured store, else files under the index's state
// directory; nil when there is neither.
func teamRecords(cfg serverConfig) (proposals.Store, decisions.Reader) {
	store, verdicts := cfg.Proposals, decisions.Reader(cfg.Decisions)
	if cfg.Index == nil {
		return store, verdicts
	}
	if store == nil {
		store = proposals.Files{StateDir: cfg.Index.StateDir()}
	}
	if cfg.Decisions == nil {
		verdicts = decisions.Files{Dir: decisions.Dir(cfg.Index.StateDir())}
	}
	return store, verdicts
}
