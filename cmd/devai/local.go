package main

// One process writes an index; every other devai process on the same
// repository reaches the index through it. The process that holds the index
// serves MCP on a unix socket in the state directory (mode 0600: only the
// same user), and a second `devai serve` proxies its client's calls there,
// while `devai search` asks there directly. So Claude Desktop and an editor
// can both serve one repository, with one index kept fresh by one watcher.
//
// Windows has unix sockets since Windows 10 1803. There the mode sets only
// the read-only bit: the socket file's ACL, inherited from the state
// directory, decides who may connect. Where unix sockets are missing (older
// Windows, Wine), the holder logs that the index cannot be shared and a
// second process fails with the index lock's error, naming the holder's pid.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/devaiops/devai/memory"
)

// maxSocketPath keeps socket paths under the kernel's sun_path limit (108
// bytes on Linux and Windows, 104 on macOS).
const maxSocketPath = 100

// socketPath is where the index holder listens: in the state directory, or
// under the temp directory, named by the state directory's hash, when that
// path would be too long.
func socketPath(stateDir string) string {
	p := filepath.Join(stateDir, "mcp.sock")
	if len(p) <= maxSocketPath {
		return p
	}
	sum := sha256.Sum256([]byte(stateDir))
	return filepath.Join(os.TempDir(), "devai-"+hex.EncodeToString(sum[:6])+".sock")
}

// serveLocal serves s on the state directory of ix's socket until ctx ends,
// with the index's /readyz beside /mcp for the processes that serve through
// this one. The caller holds the index lock, so a socket file left by a
// crashed holder is stale and removed.
//
// Sessions here keep mcp-go's default (ids checked by format only, never
// expired): the socket is the same user's, each CLI call closes its session,
// and a second `devai serve` keeps one session for its whole life, across a
// restart of the holder.
func serveLocal(ctx context.Context, s *server.MCPServer, ix *memory.Index, logger hclog.Logger) error {
	path := socketPath(ix.StateDir())
	_ = os.Remove(path)
	ln, err := net.Listen("unix", path)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", path, err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return fmt.Errorf("restrict %s: %w", path, err)
	}
	mux := http.NewServeMux()
	mux.Handle("/mcp", acceptForwardedCaller(server.NewStreamableHTTPServer(s)))
	mux.HandleFunc("/readyz", serveReadiness(indexReadiness(ix)))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: readHeaderTimeout, IdleTimeout: idleTimeout}
	go func() {
		<-ctx.Done()
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdownCtx)
		_ = os.Remove(path)
	}()
	logger.Debug("serving MCP to other devai processes", "socket", path)
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Warn("local socket stopped; other devai processes on this repository cannot reach the index", "error", err)
		}
	}()
	return nil
}

// localURL is the base URL of requests over the socket; the host is unused.
const localURL = "http://devai.local"

// localHTTPClient sends every request to the unix socket at path.
func localHTTPClient(path string) *http.Client {
	return &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", path)
		},
	}}
}

// holderReadinessTimeout bounds how long /readyz waits for the holder.
const holderReadinessTimeout = 3 * time.Second

// holderReadiness is the /readyz of a process that serves through the index
// holder of stateDir: the holder's own answer while its socket answers
// (state, progress, files, chunks), 503 "unreachable" with the reason when
// it does not, since no call can be served then.
func holderReadiness(stateDir string) readiness {
	path := socketPath(stateDir)
	hc := localHTTPClient(path)
	return func(ctx context.Context) (int, any) {
		ctx, cancel := context.WithTimeout(ctx, holderReadinessTimeout)
		defer cancel()
		status, body, err := getHolderReadiness(ctx, hc)
		if err != nil {
			return http.StatusServiceUnavailable, map[string]string{"state": "unreachable", "holder": path,
				"error": fmt.Sprintf("the devai process that holds the index does not answer: %v", err)}
		}
		return status, body
	}
}

func getHolderReadiness(ctx context.Context, hc *http.Client) (int, json.RawMessage, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, localURL+"/readyz", nil)
	if err != nil {
		return 0, nil, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return 0, nil, fmt.Errorf("read its /readyz: %w", err)
	}
	if !json.Valid(body) {
		return 0, nil, fmt.Errorf("its /readyz answered %s without JSON", resp.Status)
	}
	return resp.StatusCode, body, nil
}

// dialLocal connects to the devai process that holds the index of stateDir
// as clientName.
func dialLocal(ctx context.Context, stateDir, clientName string) (*client.Client, error) {
	path := socketPath(stateDir)
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("no devai server socket at %s", path)
	}
	c, err := client.NewStreamableHttpClient(localURL+"/mcp", transport.WithHTTPBasicClient(localHTTPClient(path)),
		transport.WithHTTPHeaderFunc(forwardCaller))
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", path, err)
	}
	if err := c.Start(ctx); err != nil {
		c.Close()
		return nil, fmt.Errorf("connect to %s: %w", path, err)
	}
	var init mcp.InitializeRequest
	init.Params.ProtocolVersion = mcp.ProtocolVersion20251125
	init.Params.ClientInfo = mcp.Implementation{Name: clientName, Version: version()}
	if _, err := c.Initialize(ctx, init); err != nil {
		c.Close()
		return nil, fmt.Errorf("initialize over %s: %w", path, err)
	}
	return c, nil
}

// newProxyServer serves, under the selection of --tools and --read-only,
// the tools, resources, prompts and completions of the devai process behind
// c, forwarding every call. Declarations (schemas, hints, prompt arguments)
// are the holder's own. Prompts are not filtered, as in the holder: they are
// not tools.
func newProxyServer(ctx context.Context, c *client.Client, only []string, readOnly bool) (*server.MCPServer, error) {
	fwd := forwardCompletions{c}
	s := server.NewMCPServer("devai", version(),
		server.WithTitle("devai: project memory (through the process that holds the index)"),
		server.WithInstructions(instructions),
		server.WithToolCapabilities(false),
		server.WithResourceCapabilities(false, false),
		server.WithPromptCapabilities(false),
		server.WithCompletions(),
		server.WithPromptCompletionProvider(fwd),
		server.WithResourceCompletionProvider(fwd),
		server.WithLogging(),
		server.WithRecovery(),
	)
	tools, err := c.ListTools(ctx, mcp.ListToolsRequest{})
	if err != nil {
		return nil, fmt.Errorf("list the index holder's tools: %w", err)
	}
	want := map[string]bool{}
	for _, name := range only {
		want[name] = true
	}
	for _, t := range tools.Tools {
		if len(want) > 0 && !want[t.Name] {
			continue
		}
		if readOnly && (t.Annotations.ReadOnlyHint == nil || !*t.Annotations.ReadOnlyHint) {
			continue
		}
		s.AddTool(t, func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			res, err := c.CallTool(ctx, req)
			if err != nil {
				return mcp.NewToolResultErrorf("%s: the devai process that holds the index did not answer (%v); is it still running?", req.Params.Name, err), nil
			}
			return res, nil
		})
	}
	templates, err := c.ListResourceTemplates(ctx, mcp.ListResourceTemplatesRequest{})
	if err == nil {
		for _, t := range templates.ResourceTemplates {
			s.AddResourceTemplate(t, forwardRead(c))
		}
	}
	if list, err := c.ListResources(ctx, mcp.ListResourcesRequest{}); err == nil {
		for _, r := range list.Resources {
			s.AddResource(r, server.ResourceHandlerFunc(forwardRead(c)))
		}
	}
	prompts, err := c.ListPrompts(ctx, mcp.ListPromptsRequest{})
	if err != nil {
		return nil, fmt.Errorf("list the index holder's prompts: %w", err)
	}
	for _, p := range prompts.Prompts {
		s.AddPrompt(p, func(ctx context.Context, req mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
			return c.GetPrompt(ctx, req)
		})
	}
	return s, nil
}

// forwardCompletions asks the index holder for argument completions of
// prompts and resource templates.
type forwardCompletions struct{ c *client.Client }

func (f forwardCompletions) CompletePromptArgument(ctx context.Context, name string, arg mcp.CompleteArgument, cc mcp.CompleteContext) (*mcp.Completion, error) {
	return f.complete(ctx, mcp.PromptReference{Type: "ref/prompt", Name: name}, arg, cc)
}

func (f forwardCompletions) CompleteResourceArgument(ctx context.Context, uri string, arg mcp.CompleteArgument, cc mcp.CompleteContext) (*mcp.Completion, error) {
	return f.complete(ctx, mcp.ResourceReference{Type: "ref/resource", URI: uri}, arg, cc)
}

func (f forwardCompletions) complete(ctx context.Context, ref any, arg mcp.CompleteArgument, cc mcp.CompleteContext) (*mcp.Completion, error) {
	var req mcp.CompleteRequest
	req.Params.Ref, req.Params.Argument, req.Params.Context = ref, arg, cc
	res, err := f.c.Complete(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("complete through the devai process that holds the index: %w", err)
	}
	return &res.Completion, nil
}

func forwardRead(c *client.Client) server.ResourceTemplateHandlerFunc {
	return func(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
		res, err := c.ReadResource(ctx, req)
		if err != nil {
			return nil, err
		}
		return res.Contents, nil
	}
}
