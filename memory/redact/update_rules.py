#!/usr/bin/env python3
"""Converts gitleaks' default config (config/gitleaks.toml, MIT licence,
(c) 2019 Zachary Rice, https://github.com/gitleaks/gitleaks) into
gitleaks_rules.json, the table memory/redact embeds.

Usage: python3 update_rules.py PATH/TO/gitleaks.toml COMMIT > gitleaks_rules.json
Only the fields the redactor uses are kept; path allowlists are dropped
(devai redacts text that has no path)."""
import json, sys, tomllib

src, commit = sys.argv[1], sys.argv[2]
with open(src, "rb") as f:
    cfg = tomllib.load(f)

def allow(a):
    out = {}
    for k in ("regexes", "stopwords", "regexTarget", "condition"):
        if k in a:
            out[k] = a[k]
    if "paths" in a:
        out["hasPaths"] = True
    return out

rules = []
for r in cfg["rules"]:
    if "regex" not in r:
        continue  # path-only rules (e.g. pkcs12-file) need a file name
    rule = {"id": r["id"], "regex": r["regex"], "keywords": r.get("keywords", [])}
    for k in ("entropy", "secretGroup"):
        if k in r:
            rule[k] = r[k]
    al = [allow(a) for a in r.get("allowlists", [])]
    if al:
        rule["allowlists"] = al
    rules.append(rule)

g = cfg.get("allowlist", {})
out = {
    "source": "github.com/gitleaks/gitleaks config/gitleaks.toml",
    "commit": commit,
    "license": "MIT, Copyright (c) 2019 Zachary Rice",
    "global": {"regexes": g.get("regexes", []), "stopwords": g.get("stopwords", [])},
    "rules": rules,
}
json.dump(out, sys.stdout, indent=1)
sys.stdout.write("\n")
