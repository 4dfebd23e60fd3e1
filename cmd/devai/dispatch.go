package main

// Every command that runs a tool goes through the MCP server the
// assistants talk to: in this process when it can open the index, or the
// `devai serve` that holds it, over its socket. So the command line and MCP
// share the handler, the input checks, the error mapping, the redaction and
// the decision record, and cannot drift (gopls' habit: every command talks
// to the same server, in process or remote).

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/decisions"
	"github.com/devaiops/devai/tools/tool"
)

// callOptions are how a command's call is served, beyond its arguments.
type callOptions struct {
	NoSync      bool          // answer from the index as it is
	AllowExec   bool          // propose_patch may build and test
	ExecTimeout time.Duration // bounds one build or test
	Chat        *chatConfig   // a chat model for prose (devai plan), or nil
}

// toolSession is an initialized MCP client on devai's tools.
type toolSession struct {
	client *client.Client
	close  func()
	remote bool // the `devai serve` that holds the index answers
}

// openToolSession reaches the tools for one command: it opens the index
// and serves it in process (syncing first unless opts.NoSync), or, when a
// running devai serve holds the index, connects to that.
func openToolSession(ctx context.Context, cfg *commonConfig, opts callOptions, stderr io.Writer) (*toolSession, error) {
	ix, logger, closeIndex, err := openIndex(ctx, cfg, stderr)
	if errors.Is(err, memory.ErrLocked) {
		return dialHolder(ctx, cfg, err)
	}
	if err != nil {
		return nil, err
	}
	if !opts.NoSync {
		if err := syncBeforeAnswer(ctx, ix, cfg.Repo, logger, stderr); err != nil {
			closeIndex()
			return nil, err
		}
	}
	team, err := openTeamStore(ctx, &cfg.trustFlags, cfg.Repo, ix.StateDir(), 0, logger)
	switch {
	case err != nil && cfg.Store != "":
		closeIndex() // what is written (a proposal) must not land elsewhere than asked
		return nil, err
	case err != nil:
		logger.Warn("this call is not recorded", "error", err) // the answer still stands
		team = &teamStore{close: func() {}}
	}
	closeAll := func() {
		team.close()
		closeIndex()
	}
	sc := serverConfig{Index: ix, Logger: logger, Tools: toolTable(), FirstSyncWait: tool.DefaultFirstSyncWait,
		Decisions: team.decisions, Proposals: team.proposals, AllowExec: opts.AllowExec, ExecTimeout: opts.ExecTimeout, Local: true}
	if opts.Chat != nil {
		if err := opts.Chat.apply(&sc); err != nil {
			closeAll()
			return nil, usageError{err}
		}
	}
	return serveInProcess(ctx, sc, closeAll)
}

// openIndexFreeSession serves a call that needs no index (a tool that
// reads only a file the user named, or stdin) in process without opening
// one: nothing is indexed or synced, and it works outside any repository.
// The call is recorded when the repository already has a state directory;
// none is created for it.
func openIndexFreeSession(ctx context.Context, cfg *commonConfig, stderr io.Writer) (*toolSession, error) {
	logger, closeLog, err := newLoggerTo(cfg.LogLevel, cfg.LogFile, stderr)
	if err != nil {
		return nil, usageError{err}
	}
	var dlog *decisions.Log
	if state, err := memory.StateDir(cfg.memoryOptions()); err == nil {
		if st, err := os.Stat(state); err == nil && st.IsDir() {
			if dlog, err = openDecisionLog(state, cfg.decisionTrust(), logger); err != nil {
				logger.Warn("this call is not recorded", "error", err)
				dlog = nil
			}
		}
	}
	closeAll := func() {
		if dlog != nil {
			_ = dlog.Close()
		}
		closeLog()
	}
	return serveInProcess(ctx, serverConfig{Logger: logger, Tools: toolTable(), Repo: cfg.Repo, Decisions: fileDecisions(dlog), Local: true}, closeAll)
}

// serveInProcess starts the MCP server of cfg and an initialized client on
// it; closeAll releases what cfg holds, when the session ends or fails.
func serveInProcess(ctx context.Context, cfg serverConfig, closeAll func()) (*toolSession, error) {
	s, err := newMCPServer(cfg)
	if err != nil {
		closeAll()
		return nil, err
	}
	c, err := client.NewInProcessClient(s)
	if err == nil {
		err = initialize(ctx, c)
	}
	if err != nil {
		closeAll()
		return nil, fmt.Errorf("start the in-process server: %w", err)
	}
	return &toolSession{client: c, close: func() { _ = c.Close(); closeAll() }}, nil
}

// dialHolder connects to the devai process that holds the index; lockErr
// is why this one could not open it, returned with the reason when the
// holder cannot be reached.
func dialHolder(ctx context.Context, cfg *commonConfig, lockErr error) (*toolSession, error) {
	state, err := memory.StateDir(cfg.memoryOptions())
	if err != nil {
		return nil, lockErr
	}
	c, err := dialLocal(ctx, state, cliClient)
	if err != nil {
		return nil, fmt.Errorf("%w; and its local socket cannot be reached either: %v", lockErr, err)
	}
	return &toolSession{client: c, close: func() { _ = c.Close() }, remote: true}, nil
}

// initialize opens an MCP session as the command line.
func initialize(ctx context.Context, c *client.Client) error {
	if err := c.Start(ctx); err != nil {
		return err
	}
	var init mcp.InitializeRequest
	init.Params.ProtocolVersion = mcp.ProtocolVersion20251125
	init.Params.ClientInfo = mcp.Implementation{Name: cliClient, Version: version()}
	_, err := c.Initialize(ctx, init)
	return err
}

// toolAnswer is a tool's answer as a command prints it.
type toolAnswer[Out any] struct {
	Out        Out
	Structured any    // exactly what MCP clients get: --json prints it
	Text       string // the Markdown rendering
}

// invokeTool calls the tool name with in on s. The command line asks for the
// whole answer (no budget): its flags already say how much it wants. An
// isError result is an error; one the caller can fix (the tool says which)
// is an inputError.
//
// With progress set, the call asks for progress notifications and each one's
// message goes to progress as a line (devai pr's build and test steps, on a
// terminal).
func invokeTool[In, Out any](ctx context.Context, s *toolSession, name string, in In, progress io.Writer) (toolAnswer[Out], error) {
	var ans toolAnswer[Out]
	args, err := toArguments(in)
	if err != nil {
		return ans, err
	}
	var req mcp.CallToolRequest
	req.Params.Name, req.Params.Arguments = name, args
	req.Params.Meta = mcp.NewMetaFromMap(map[string]any{tool.BudgetKey: "none"})
	if progress != nil {
		token := name + "-progress"
		req.Params.Meta.ProgressToken = token
		s.client.OnNotification(func(n mcp.JSONRPCNotification) {
			if n.Method == "notifications/progress" && n.Params.AdditionalFields["progressToken"] == token {
				fmt.Fprintf(progress, "devai: %v\n", n.Params.AdditionalFields["message"])
			}
		})
	}
	res, err := s.client.CallTool(ctx, req)
	if err != nil {
		return ans, fmt.Errorf("%s: %w", name, err)
	}
	ans.Text = resultText(res)
	if res.IsError {
		if errorKind(res) == "input" {
			return ans, inputError{errors.New(ans.Text)}
		}
		return ans, errors.New(ans.Text)
	}
	ans.Structured = res.StructuredContent
	raw, err := json.Marshal(res.StructuredContent)
	if err == nil {
		err = json.Unmarshal(raw, &ans.Out)
	}
	if err != nil {
		return ans, fmt.Errorf("%s: unexpected answer: %w", name, err)
	}
	return ans, nil
}

// toArguments is in as the JSON object a tool call carries.
func toArguments(in any) (map[string]any, error) {
	raw, err := json.Marshal(in)
	if err != nil {
		return nil, err
	}
	var args map[string]any
	return args, json.Unmarshal(raw, &args)
}

// inputError is a tool's answer that the caller's input was wrong: a
// usage error (exit 2) unless the command says its input is content.
type inputError struct{ error }

func errorKind(res *mcp.CallToolResult) string {
	if res.Meta == nil {
		return ""
	}
	k, _ := res.Meta.AdditionalFields[tool.ErrorKindKey].(string)
	return k
}

// toolFace is the command-line face of a declared tool: what the flags
// generated from its input type do not say.
type toolFace[In, Out any] struct {
	name, summary, usage, details string
	// flags declares the command's own flags (not tool arguments).
	flags func(fs *flag.FlagSet, opts *callOptions)
	// subcommands are what the command does besides calling the tool
	// (devai pr list): the first argument names one.
	subcommands map[string]func(r *commandRun, args []string) error
	// args fills in from the positional arguments (and whatever the
	// command's own flags name: a file, stdin); nil means none are taken.
	args func(r *commandRun, args []string, in *In) error
	// indexFree says the call needs no index (the tool is WithoutIndex and
	// the input names nothing in the repository): it is served in process
	// without opening one, so it runs anywhere and syncs nothing.
	indexFree func(in *In) bool
	// before runs after the input checks, before the call (gaps --run).
	before func(ctx context.Context, r *commandRun, in *In) error
	// inputIsContent makes the tool's input errors failures (exit 1), not
	// usage errors: devai pr's edits come from a file, not the command line.
	inputIsContent bool
	// print writes the answer; nil prints the Markdown, or the structured
	// output with --json.
	print func(r *commandRun, in In, ans toolAnswer[Out]) error
}

// commandRun is one command line being run.
type commandRun struct {
	cfg            *commonConfig
	opts           *callOptions
	stdin          io.Reader
	stdout, stderr io.Writer
}

// toolCommand builds the command of def with face: common flags, a flag
// per tool argument, --no-sync, the face's own; then the one path.
func toolCommand[In, Out any](def *tool.Def[In, Out], face toolFace[In, Out], stdin io.Reader, stdout, stderr io.Writer) *command {
	r := &commandRun{cfg: &commonConfig{}, opts: &callOptions{}, stdin: stdin, stdout: stdout, stderr: stderr}
	var in In
	fs := flag.NewFlagSet(face.name, flag.ContinueOnError)
	r.cfg.register(fs)
	bindInputFlags(fs, &in)
	fs.BoolVar(&r.opts.NoSync, "no-sync", false, "use the index as it is, without syncing changed files first")
	if face.flags != nil {
		face.flags(fs, r.opts)
	}
	c := &command{name: face.name, summary: face.summary, usage: face.usage, details: face.details, flags: fs}
	c.run = func(args []string) error {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		return runToolCommand(ctx, def, face, r, args, &in)
	}
	return c
}

func runToolCommand[In, Out any](ctx context.Context, def *tool.Def[In, Out], face toolFace[In, Out], r *commandRun, args []string, in *In) error {
	if err := r.cfg.validate(); err != nil {
		return usageError{err}
	}
	if len(args) > 0 {
		if sub := face.subcommands[args[0]]; sub != nil {
			return sub(r, args[1:])
		}
	}
	switch {
	case face.args != nil:
		if err := face.args(r, args, in); err != nil {
			return err
		}
	case len(args) > 0:
		return usagef("devai %s takes no arguments, only flags (got %q)", face.name, args)
	}
	if def.Check != nil {
		if err := def.Check(in); err != nil {
			return usageError{err}
		}
	}
	if face.before != nil {
		if err := face.before(ctx, r, in); err != nil {
			return err
		}
	}
	var s *toolSession
	var err error
	if face.indexFree != nil && def.WithoutIndex && face.indexFree(in) {
		s, err = openIndexFreeSession(ctx, r.cfg, r.stderr)
	} else {
		s, err = openToolSession(ctx, r.cfg, *r.opts, r.stderr)
	}
	if err != nil {
		return err
	}
	defer s.close()
	if s.remote && r.opts.AllowExec {
		fmt.Fprintf(r.stderr, "devai %s: a running devai serve holds the index; it runs the call, and its own --allow-exec decides whether build and tests run\n", face.name)
	}
	var progress io.Writer
	if isTerminal(r.stderr) {
		progress = r.stderr
	}
	ans, err := invokeTool[In, Out](ctx, s, def.Name, *in, progress)
	var ie inputError
	if errors.As(err, &ie) && !face.inputIsContent {
		return usageError(ie)
	}
	if err != nil {
		return err
	}
	if face.print != nil {
		return face.print(r, *in, ans)
	}
	return printAnswer(r, ans)
}

// printAnswer prints the Markdown, or with --json the structured output.
func printAnswer[Out any](r *commandRun, ans toolAnswer[Out]) error {
	if r.cfg.JSON {
		return writeJSON(r.stdout, ans.Structured)
	}
	text := ans.Text
	if !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	_, err := io.WriteString(r.stdout, text)
	return err
}

// cliClient is the client name of calls made at the command line.
const cliClient = "devai-cli"
