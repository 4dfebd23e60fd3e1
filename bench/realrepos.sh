#!/usr/bin/env bash
# bench/realrepos.sh DIR [NAME...]: real Go repositories for bench/budget
# and its acceptance suite (issue 13), made from pinned module versions
# through the Go module proxy. Each module is downloaded with
# `go mod download -json`, copied to DIR/NAME and made a git repository
# with the git binary (one commit, tagged with the version). Each also
# gets logs/go-test.log, a real log for summarize_log: the output of
# `go test -v -short ./internal/... ./cmd/... ./tests/...` of
# go.etcd.io/bbolt, run once here (~900 lines; the tests/failpoint ones
# fail, as they do in any build without gofail's failpoints).
#
#   bench/realrepos.sh /tmp/rr                  # all five below
#   bench/realrepos.sh /tmp/rr echo gin go-git  # some of them
#
# Python, TypeScript and JavaScript repositories join as a bench run (CI
# reaches only the package registries): they are cloned at a pinned
# commit from git mirrors under $DEVAI_MIRRORS (default /work/.mirror,
# one OWNER+NAME/repo bare repository each; `git clone --mirror` of the
# public repository makes one), whole history, and get the same
# logs/go-test.log.
#
#   bench/realrepos.sh /tmp/rr flask requests httpx starlette ky express
#
# Prints one NAME=DIR line per repository on stdout (what bench/budget's
# --repo and DEVAI_REALREPOS take). A DIR/NAME that is already a git
# repository is kept as it is, so a second run reuses it (and its .devai).
set -euo pipefail
cd "$(dirname "$0")/.."

declare -A modules=(
	[bbolt]=go.etcd.io/bbolt@v1.4.0                          # small: ~120 files
	[echo]=github.com/labstack/echo/v4@v4.13.3               # ~100 files
	[gin]=github.com/gin-gonic/gin@v1.10.1                   # ~120 files
	[go-git]=github.com/go-git/go-git/v5@v5.19.3             # medium: ~500 files
	[prometheus]=github.com/prometheus/prometheus@v0.316.0  # large: ~1650 files
)
order=(bbolt echo gin go-git prometheus)

# Cloned from mirrors at a pinned commit: OWNER/NAME@COMMIT.
declare -A clones=(
	[flask]=pallets/flask@2ac89889f4cc330eabd50f295dcef02828522c69        # Python, ~240 files
	[requests]=psf/requests@1f6589ec3a1ee910f9a65cc3ceac60b26677bc0e      # Python, ~130 files
	[httpx]=encode/httpx@ae1b9f66238f75ced3ced5e4485408435de10768         # Python, ~125 files
	[starlette]=encode/starlette@cb8f84f5284dc301ca7a31eb732b9e140769dd48 # Python, ~125 files
	[ky]=sindresorhus/ky@3419113b48e034fdcf8fa6bd3be3da7b3d0d758f         # TypeScript, ~70 files
	[express]=expressjs/express@a3714473feb3d2908add734d340e7755fd85e0a3  # JavaScript, ~210 files
)
mirrors=${DEVAI_MIRRORS:-/work/.mirror}

dir=${1:?usage: bench/realrepos.sh DIR [NAME...]}
shift
names=("$@")
if [[ ${#names[@]} -eq 0 ]]; then names=("${order[@]}"); fi
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

# download MODULE@VERSION prints the module's directory in the module cache.
download() {
	local src
	src=$(go mod download -json "$1" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
	if [[ -z "$src" || ! -d "$src" ]]; then
		echo "realrepos.sh: could not download $1" >&2
		return 1
	fi
	echo "$src"
}

# The log: bbolt's own tests, verbose, in a scratch copy (its test
# dependencies come through the proxy too). Failing tests are part of the
# log; an empty log stops here.
gotestlog="$dir/go-test.log"
if [[ ! -s "$gotestlog" ]]; then
	scratch="$dir/.bbolt-tests"
	rm -rf "$scratch"
	cp -r "$(download "${modules[bbolt]}")" "$scratch"
	chmod -R u+w "$scratch"
	(cd "$scratch" && go test -v -short -count=1 ./internal/... ./cmd/... ./tests/... >"$gotestlog.tmp" 2>&1) || true
	rm -rf "$scratch"
	if [[ ! -s "$gotestlog.tmp" ]]; then
		echo "realrepos.sh: go test of bbolt wrote no log" >&2
		exit 1
	fi
	mv "$gotestlog.tmp" "$gotestlog"
fi

# clone NAME REPO clones the pinned commit of clones[NAME] into REPO, with
# the log committed on top.
clone() {
	local spec=${clones[$1]} slug src
	slug=${spec%@*}
	src="$mirrors/${slug/\//+}/repo"
	if [[ ! -d "$src" ]]; then
		echo "realrepos.sh: no mirror of ${spec%@*} at $src (set DEVAI_MIRRORS)" >&2
		return 1
	fi
	rm -rf "$2"
	git clone -q "$src" "$2"
	(
		cd "$2"
		git -c advice.detachedHead=false checkout -q "${spec##*@}"
		mkdir -p logs
		cp "$gotestlog" logs/go-test.log
		git add -f logs/go-test.log
		git -c user.name=bench -c user.email=bench@example.invalid commit -q -m "bench: a go test -v log to summarise"
	)
}

for name in "${names[@]}"; do
	repo="$dir/$name"
	if [[ -n "${clones[$name]:-}" ]]; then
		if ! git -C "$repo" rev-parse -q --verify HEAD >/dev/null 2>&1; then
			clone "$name" "$repo"
		fi
		echo "$name=$repo"
		continue
	fi
	module=${modules[$name]:-}
	if [[ -z "$module" ]]; then
		echo "realrepos.sh: unknown repository $name (known: ${order[*]} ${!clones[*]})" >&2
		exit 2
	fi
	if ! git -C "$repo" rev-parse -q --verify HEAD >/dev/null 2>&1; then
		rm -rf "$repo"
		cp -r "$(download "$module")" "$repo"
		chmod -R u+w "$repo"
		mkdir -p "$repo/logs"
		cp "$gotestlog" "$repo/logs/go-test.log"
		(
			cd "$repo"
			git init -q
			git add -A
			git add -f logs/go-test.log
			git -c user.name=bench -c user.email=bench@example.invalid commit -q -m "$module from the module proxy"
			git tag "${module##*@}"
		)
	fi
	echo "$name=$repo"
done
