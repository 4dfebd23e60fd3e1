#!/usr/bin/env bash
# Re-derives the issue texts of labels.jsonl from GitHub's REST API (title
# and body as the reporter wrote them, whole), into DIR (default: texts-full).
# The committed texts/ are excerpts as a stored copy of the trackers gave
# them (at most about 2,000 characters of the description, comments left
# out); this script gets the full descriptions where the network allows.
# Needs curl and jq; set GITHUB_TOKEN to raise the rate limit.
set -euo pipefail
cd "$(dirname "$0")"
out=${1:-texts-full}
mkdir -p "$out"
jq -r '.issue' labels.jsonl | while read -r url; do
	repo=${url#https://github.com/}
	repo=${repo%/issues/*}
	num=${url##*/}
	dst="$out/${repo/\//+}-$num.md"
	[[ -s "$dst" ]] && continue
	curl -fsSL ${GITHUB_TOKEN:+-H "Authorization: Bearer $GITHUB_TOKEN"} \
		-H "Accept: application/vnd.github+json" \
		"https://api.github.com/repos/$repo/issues/$num" |
		jq -r '"# " + .title + "\n\n" + (.body // "")' >"$dst"
	echo "$dst"
done
