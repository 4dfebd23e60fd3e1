package spec

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/devaiops/devai/memory"
)

// proseSystem is the system prompt for the model that writes the prose.
const proseSystem = `You turn a grounded spec skeleton into clear prose. Reply with one JSON object and nothing else.
Keep every "id" as given. Do not add or remove items. Requirements stay in EARS form with exactly one SHALL
(THE <system> SHALL …; WHEN … THE … SHALL …; WHILE …; IF … THEN THE … SHALL …; WHERE …) and say a
measurable, observable outcome (numbers with units, status codes, messages). Replace every <TODO(assistant): …>
and fill every gap. Write the prose in the language of the request; keep the EARS keywords in English.
Never mention files, URIs or code locations that are not in the skeleton.`

// proseFields are the parts of a draft the model may rewrite.
type proseFields struct {
	Summary string `json:"summary"`
	Stories []struct {
		ID   string `json:"id"`
		Text string `json:"text"`
	} `json:"stories"`
	Requirements []struct {
		ID   string `json:"id"`
		Text string `json:"text"`
	} `json:"requirements"`
	Acceptance []struct {
		ID    string `json:"id"`
		Given string `json:"given"`
		When  string `json:"when"`
		Then  string `json:"then"`
	} `json:"acceptance"`
	Success []struct {
		ID   string `json:"id"`
		Text string `json:"text"`
	} `json:"success_criteria"`
}

// sample has the client's model write the prose of out. What comes back
// is merged by ID (sources, IDs and structure stay the skeleton's) and
// linted; a requirement the model broke (no EARS, not one shall) keeps the
// skeleton's text. Any failure returns the skeleton with the reason.
func sample(ctx context.Context, ix *memory.Index, out Output, opts Options) Output {
	timeout := opts.ProseTimeout
	if timeout <= 0 {
		timeout = 90 * time.Second
	}
	sctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	skeleton, err := json.Marshal(map[string]any{
		"request_language": out.Language, "system": out.System, "summary": out.Summary, "stories": out.Stories,
		"requirements": out.Requirements, "acceptance": out.Acceptance, "success_criteria": out.Success,
		"gaps": out.Gaps, "open_questions": out.Questions, "unchanged": out.Unchanged, "related_specs": out.Related,
	})
	if err != nil {
		out.Prose = "skeleton: " + err.Error()
		return out
	}
	prompt := "Spec skeleton (JSON):\n" + string(skeleton) + "\n\nReply with JSON: {\"summary\", \"stories\": [{id, text}], \"requirements\": [{id, text}], \"acceptance\": [{id, given, when, then}], \"success_criteria\": [{id, text}]}."
	reply, err := opts.Prose(sctx, proseSystem, prompt)
	if err != nil {
		out.Prose = fmt.Sprintf("skeleton: sampling failed (%v); fill the TODO(assistant) gaps", err)
		return out
	}
	var p proseFields
	if err := json.Unmarshal([]byte(jsonObject(reply)), &p); err != nil {
		out.Prose = fmt.Sprintf("skeleton: the model did not answer with the JSON asked for (%v); fill the TODO(assistant) gaps", err)
		return out
	}
	return merge(out, p, opts.ProseBy)
}

// jsonObject cuts the outermost {…} out of a reply (models wrap JSON in
// fences and sentences).
func jsonObject(s string) string {
	i, j := strings.Index(s, "{"), strings.LastIndex(s, "}")
	if i < 0 || j < i {
		return s
	}
	return s[i : j+1]
}

func merge(out Output, p proseFields, by string) Output {
	set := func(dst *string, v string) {
		if v = strings.TrimSpace(v); v != "" {
			*dst = v
		}
	}
	set(&out.Summary, p.Summary)
	for _, s := range p.Stories {
		for i := range out.Stories {
			if out.Stories[i].ID == s.ID {
				set(&out.Stories[i].Text, s.Text)
			}
		}
	}
	var kept []string
	for _, r := range p.Requirements {
		for i := range out.Requirements {
			req := &out.Requirements[i]
			if req.ID != r.ID || strings.TrimSpace(r.Text) == "" {
				continue
			}
			candidate := *req
			candidate.Text = strings.TrimSpace(r.Text)
			if bad := blocking(Lint([]Requirement{candidate})); bad != "" {
				kept = append(kept, fmt.Sprintf("%s (%s)", req.ID, bad))
				continue
			}
			req.Text, req.Gap = candidate.Text, ""
		}
	}
	for _, c := range p.Acceptance {
		for i := range out.Acceptance {
			if out.Acceptance[i].ID == c.ID {
				set(&out.Acceptance[i].Given, c.Given)
				set(&out.Acceptance[i].When, c.When)
				set(&out.Acceptance[i].Then, c.Then)
			}
		}
	}
	for _, s := range p.Success {
		for i := range out.Success {
			if out.Success[i].ID == s.ID {
				set(&out.Success[i].Text, s.Text)
			}
		}
	}
	out.Lint = Lint(out.Requirements)
	out.Gaps = nil
	for _, f := range out.Lint {
		if f.Rule == RulePlaceholder {
			out.Gaps = append(out.Gaps, f.ID+": "+f.Message)
		}
	}
	if by == "" {
		by = "the client's model"
	}
	out.Prose = "sampled: " + by + " wrote the prose; check it against the lint"
	if len(kept) > 0 {
		out.Prose += "; kept the skeleton's text of " + strings.Join(kept, ", ")
	}
	return out
}

// blocking is the first finding that makes a requirement unusable.
func blocking(fs []Finding) string {
	for _, f := range fs {
		if f.Rule == RuleEARS || f.Rule == RuleOneShall {
			return f.Rule
		}
	}
	return ""
}
