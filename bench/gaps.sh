#!/usr/bin/env bash
# bench/gaps.sh: time and peak RSS of `devai gaps` on the prometheus tree
# with a coverprofile of one package, once the index exists (issue 8's
# target: under 5 s). Needs GNU time (/usr/bin/time) and the network for
# the first `go mod download`.
#
#   bench/gaps.sh [VERSION] [PACKAGE]     # default v0.316.0 ./model/labels/
set -euo pipefail
version=${1:-v0.316.0}
pkg=${2:-./model/labels/}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
devai="$work/devai"
go build -o "$devai" ./cmd/devai
src=$(go mod download -json "github.com/prometheus/prometheus@$version" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
cp -r "$src" "$work/prom" && chmod -R u+w "$work/prom"
echo "indexing $work/prom (once)" >&2
"$devai" index --repo "$work/prom" --state-dir "$work/state" --embedder none --log-level warn 2>/dev/null
(cd "$work/prom" && GOWORK=off go test -count=1 -coverprofile="$work/cover.out" "$pkg" >&2)
for run in 1 2 3; do
	/usr/bin/time -f "run $run: wall %e s, peak RSS %M KB" "$devai" gaps --repo "$work/prom" --state-dir "$work/state" \
		--embedder none --no-sync --coverage "$work/cover.out" --limit 20 --log-level warn >"$work/gaps.md"
done
head -n 12 "$work/gaps.md"
