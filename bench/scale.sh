#!/usr/bin/env bash
# Measures devai's index on the prometheus v0.316.0 source tree against the
# targets of issue 3. Extra arguments go to bench/scale (e.g. --json).
# Needs Go and network access to the module proxy (or a warm module cache);
# installs nothing, but says how to get ripgrep for the I/O floor.
set -euo pipefail
cd "$(dirname "$0")/.."

module=github.com/prometheus/prometheus@v0.316.0
src=$(go mod download -json "$module" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
if [[ -z "$src" || ! -d "$src" ]]; then
	echo "scale.sh: could not download $module" >&2
	exit 1
fi
command -v rg >/dev/null || echo "scale.sh: rg not found; install ripgrep (apt-get install -y ripgrep) for the I/O floor" >&2

go build -o "${TMPDIR:-/tmp}/devai-scale" ./bench/scale
exec "${TMPDIR:-/tmp}/devai-scale" --src "$src" "$@"
