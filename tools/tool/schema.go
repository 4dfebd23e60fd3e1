package tool

import (
	"encoding/json"
	"fmt"

	"github.com/mark3labs/mcp-go/mcp"
)

// makePortable rewrites a tool's schemas so every client can use them.
// Typed schemas render a Go slice as "type": ["null","array"]; single-type
// dialects (the OpenAPI subset behind some function-calling APIs) reject a
// type list, and `inspector --strict` flags it. We rewrite ["null", X] to X
// in both schemas and keep them as raw JSON (with the structured forms reset,
// since mcp-go refuses to marshal a tool that has both).
func makePortable(t *mcp.Tool) error {
	in := t.RawInputSchema
	if in == nil {
		data, err := json.Marshal(t.InputSchema)
		if err != nil {
			return fmt.Errorf("encode input schema: %w", err)
		}
		in = data
	}
	fixedIn, err := dropNullTypes(in)
	if err != nil {
		return fmt.Errorf("input schema: %w", err)
	}
	t.RawInputSchema, t.InputSchema = fixedIn, mcp.ToolInputSchema{}

	out := t.RawOutputSchema
	if out == nil && (t.OutputSchema.Type != "" || len(t.OutputSchema.Properties) > 0) {
		data, err := json.Marshal(t.OutputSchema)
		if err != nil {
			return fmt.Errorf("encode output schema: %w", err)
		}
		out = data
	}
	if out != nil {
		fixedOut, err := dropNullTypes(out)
		if err != nil {
			return fmt.Errorf("output schema: %w", err)
		}
		t.RawOutputSchema, t.OutputSchema = fixedOut, mcp.ToolOutputSchema{}
	}
	return nil
}

// dropNullTypes rewrites every "type": ["null", X] (either order) to "type": X.
func dropNullTypes(schema json.RawMessage) (json.RawMessage, error) {
	var v any
	if err := json.Unmarshal(schema, &v); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	data, err := json.Marshal(rewriteNullTypes(v))
	if err != nil {
		return nil, fmt.Errorf("encode: %w", err)
	}
	return data, nil
}

func rewriteNullTypes(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, child := range x {
			if k == "type" {
				if list, ok := child.([]any); ok {
					var rest []any
					for _, t := range list {
						if t != "null" {
							rest = append(rest, t)
						}
					}
					if len(rest) == 1 && len(list) == 2 {
						x[k] = rest[0]
						continue
					}
				}
			}
			x[k] = rewriteNullTypes(child)
		}
		return x
	case []any:
		for i, child := range x {
			x[i] = rewriteNullTypes(child)
		}
		return x
	default:
		return v
	}
}

// conformValue encodes v as JSON and fills the nulls schema forbids, so a
// tool's structured content agrees with its portable output schema by
// construction: makePortable drops "null" from every slice type, and a nil
// slice (encoded as null) would fail output validation; here every null
// where the schema wants an array or an object becomes [] or {}, guided by
// the same schema the client sees.
func conformValue(schema map[string]any, v any) (any, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var generic any
	if err := json.Unmarshal(data, &generic); err != nil {
		return nil, err
	}
	return fillNulls(schema, generic), nil
}

func fillNulls(schema map[string]any, v any) any {
	if v == nil {
		switch schema["type"] {
		case "array":
			return []any{}
		case "object":
			return map[string]any{}
		}
		return nil
	}
	switch x := v.(type) {
	case map[string]any:
		props, _ := schema["properties"].(map[string]any)
		extra, _ := schema["additionalProperties"].(map[string]any)
		for k, child := range x {
			if sub, ok := props[k].(map[string]any); ok {
				x[k] = fillNulls(sub, child)
			} else if extra != nil {
				x[k] = fillNulls(extra, child)
			}
		}
	case []any:
		if items, ok := schema["items"].(map[string]any); ok {
			for i, child := range x {
				x[i] = fillNulls(items, child)
			}
		}
	}
	return v
}
