package eval

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/devaiops/devai/memory"
)

// Variant is a configuration to compare with the baseline: settings of the
// index (embedder, fusion weights) written as key=value pairs.
type Variant struct {
	Label      string // the text it was parsed from
	Embedder   string
	EmbedURL   string
	EmbedModel string
	Weights    map[string]float64 // text, vector, symbol, req, graph
}

// variantKeys are the keys ParseVariant accepts.
var variantKeys = append([]string{"embedder", "embed-url", "embed-model"}, weightKeys()...)

func weightKeys() []string {
	var keys []string
	for _, n := range memory.WeightNames {
		keys = append(keys, "weights."+n)
	}
	return keys
}

// ParseVariant reads "embedder=hash" or "weights.vector=1,weights.text=0.5".
func ParseVariant(s string) (Variant, error) {
	v := Variant{Label: strings.TrimSpace(s)}
	if v.Label == "" {
		return v, fmt.Errorf("--compare is empty: give key=value settings, e.g. embedder=hash or weights.vector=1")
	}
	for _, part := range strings.Split(v.Label, ",") {
		key, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		key, val = strings.ToLower(strings.TrimSpace(key)), strings.TrimSpace(val)
		if !ok || val == "" {
			return v, fmt.Errorf("--compare %q: %q is not key=value; keys: %s", s, part, strings.Join(variantKeys, ", "))
		}
		switch {
		case key == "embedder":
			v.Embedder = val
		case key == "embed-url":
			v.EmbedURL = val
		case key == "embed-model":
			v.EmbedModel = val
		case strings.HasPrefix(key, "weights.") && slices.Contains(variantKeys, key):
			w, err := strconv.ParseFloat(val, 64)
			if err == nil {
				var probe memory.Weights
				err = probe.Set(strings.TrimPrefix(key, "weights."), w)
			}
			if err != nil {
				return v, fmt.Errorf("--compare %q: %s=%s: a weight is a number of 0 or more (other-kind below 1)", s, key, val)
			}
			if v.Weights == nil {
				v.Weights = map[string]float64{}
			}
			v.Weights[strings.TrimPrefix(key, "weights.")] = w
		default:
			return v, fmt.Errorf("--compare %q: unknown key %q; keys: %s", s, key, strings.Join(variantKeys, ", "))
		}
	}
	return v, nil
}

// Apply returns base with the variant's settings. Weights not named keep
// the base's values (memory.DefaultWeightsFor its embedder when the base
// has none).
func (v Variant) Apply(base memory.Options) memory.Options {
	out := base
	if v.Embedder != "" {
		out.Embedder = v.Embedder
	}
	if v.EmbedURL != "" {
		out.EmbedURL = v.EmbedURL
	}
	if v.EmbedModel != "" {
		out.EmbedModel = v.EmbedModel
	}
	if len(v.Weights) > 0 {
		w := memory.DefaultWeightsFor(out.Embedder)
		if base.Weights != nil {
			w = *base.Weights
		}
		for k, x := range v.Weights {
			_ = w.Set(k, x) // ParseVariant accepted only known names and valid values
		}
		out.Weights = &w
	}
	return out
}

// ChangesIndex reports whether the variant needs its own index (a different
// embedder stores different vectors); weights alone only change ranking.
func (v Variant) ChangesIndex() bool {
	return v.Embedder != "" || v.EmbedURL != "" || v.EmbedModel != ""
}
