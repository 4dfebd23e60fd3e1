// Package budget is the one rule for how big an answer of devai may be:
// the default budget, and an answer's size as the wire carries it (the
// result encoded as JSON, strings escaped, plus the JSON-RPC response
// around it). The tools (tools/tool) and the resources (resources/) both
// measure their answers here, so a figure means the same thing in both.
// It knows no MCP type: the caller passes the result it will send.
package budget

import "encoding/json"

// Default is the budget of an answer that declares none: 48 KiB, about
// 12k tokens, what an assistant's context can take for one answer.
const Default = 48 << 10

// BytesPerToken is how many bytes of code or prose make one token of a
// BPE tokenizer, about: the one rate devai converts by.
const BytesPerToken = 4

// Tokens is about how many tokens n bytes make.
func Tokens(n int) int { return (n + BytesPerToken - 1) / BytesPerToken }

// Envelope is what the JSON-RPC response around a result adds, at most
// (jsonrpc, id, the result key).
const Envelope = 128

// WireSize is how many bytes result takes on the wire once encoded and
// wrapped in its response. A result that cannot be encoded counts as
// over any budget.
func WireSize(result any) int {
	data, err := json.Marshal(result)
	if err != nil {
		return int(^uint(0) >> 1)
	}
	return len(data) + Envelope
}
