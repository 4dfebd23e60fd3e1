#!/usr/bin/env bash
# bench/budget.sh: what an assistant receives from every devai tool on real
# Go repositories (issues 13 and 16). Downloads pinned module versions
# through the Go module proxy into a temporary directory, each a git
# repository with a real log (bench/realrepos.sh), builds devai from this
# tree and runs bench/budget on them.
#
#   bench/budget.sh                 # echo, gin, go-git
#   PROMETHEUS=1 bench/budget.sh    # and prometheus (~1500 files; the first sync takes minutes)
#
# Extra arguments go to bench/budget (e.g. --call-timeout 10m). The report
# is on stdout; KEEP=1 keeps the work directory.
set -euo pipefail
cd "$(dirname "$0")/.."

names=(echo gin go-git)
if [[ -n "${PROMETHEUS:-}" ]]; then
	names+=(prometheus)
fi

work=$(mktemp -d)
if [[ -z "${KEEP:-}" ]]; then
	trap 'rm -rf "$work"' EXIT
else
	echo "budget.sh: work directory $work" >&2
fi

go build -o "$work/devai" ./cmd/devai
go build -o "$work/budget" ./bench/budget

bench/realrepos.sh "$work/repos" "${names[@]}" >"$work/repos.list"
repos=()
while IFS= read -r repo; do
	repos+=(--repo "$repo")
done <"$work/repos.list"

"$work/budget" --devai "$work/devai" "${repos[@]}" "$@"
