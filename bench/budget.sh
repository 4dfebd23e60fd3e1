#!/usr/bin/env bash
# bench/budget.sh: what an assistant receives from every devai tool on real
# Go repositories (issues 13 and 16). Downloads pinned module versions
# through the Go module proxy, copies each into a temporary directory that
# becomes a git repository (one commit, tagged with the version, made with
# the git binary), builds devai from this tree and runs bench/budget on them.
#
#   bench/budget.sh                 # echo, gin, go-git
#   PROMETHEUS=1 bench/budget.sh    # and prometheus (~1500 files; the first sync takes minutes)
#
# Extra arguments go to bench/budget (e.g. --call-timeout 10m). The report
# is on stdout; KEEP=1 keeps the work directory.
set -euo pipefail
cd "$(dirname "$0")/.."

modules=(
	echo=github.com/labstack/echo/v4@v4.13.3
	gin=github.com/gin-gonic/gin@v1.10.1
	go-git=github.com/go-git/go-git/v5@v5.19.3
)
if [[ -n "${PROMETHEUS:-}" ]]; then
	modules+=(prometheus=github.com/prometheus/prometheus@v0.316.0)
fi

work=$(mktemp -d)
if [[ -z "${KEEP:-}" ]]; then
	trap 'rm -rf "$work"' EXIT
else
	echo "budget.sh: work directory $work" >&2
fi

go build -o "$work/devai" ./cmd/devai
go build -o "$work/budget" ./bench/budget

repos=()
for entry in "${modules[@]}"; do
	name=${entry%%=*}
	module=${entry#*=}
	src=$(go mod download -json "$module" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
	if [[ -z "$src" || ! -d "$src" ]]; then
		echo "budget.sh: could not download $module" >&2
		exit 1
	fi
	dir="$work/$name"
	cp -r "$src" "$dir"
	chmod -R u+w "$dir"
	(
		cd "$dir"
		git init -q
		git add -A
		git -c user.name=bench -c user.email=bench@example.invalid commit -q -m "$module from the module proxy"
		git tag "${module##*@}"
	)
	repos+=(--repo "$name=$dir")
done

"$work/budget" --devai "$work/devai" "${repos[@]}" "$@"
