#!/usr/bin/env bash
# Runs every go test fuzz target in the module, one after another, for
# FUZZTIME each (default 10m; CI uses a few seconds). Targets are found,
# not listed here: every package with a FuzzXxx in a _test.go file, and
# `go test -list '^Fuzz'` for the names, so a new target runs without
# editing this script. Arguments narrow the packages (e.g. ./memory/...).
#
#   bench/fuzz.sh                       # 10 minutes per target
#   FUZZTIME=5s bench/fuzz.sh           # CI
#   FUZZTIME=2m FUZZPARALLEL=1 bench/fuzz.sh ./tools/patch/
#
# A failure leaves the input under <package>/testdata/fuzz/<FuzzXxx>/: fix
# the code and commit the input with the fix, as a regression seed. Exits
# non-zero when any target failed; the table at the end says which.
set -uo pipefail
cd "$(dirname "$0")/.."

fuzztime=${FUZZTIME:-10m}
parallel=()
[[ -n "${FUZZPARALLEL:-}" ]] && parallel=(-parallel "$FUZZPARALLEL")
scope=("${@:-./...}")

# Packages with a fuzz target: a cheap grep first, so that only they are
# compiled for -list.
mapfile -t pkgs < <(go list -f '{{.Dir}}|{{.ImportPath}}' "${scope[@]}" | while IFS='|' read -r dir path; do
	if grep -qs '^func Fuzz[A-Z0-9_]' "$dir"/*_test.go; then echo "./${dir#"$PWD"/}"; fi
done)
if [[ ${#pkgs[@]} -eq 0 ]]; then
	echo "fuzz.sh: no fuzz targets in ${scope[*]}" >&2
	exit 1
fi

results=()
failed=0
for pkg in "${pkgs[@]}"; do
	mapfile -t targets < <(go test -list '^Fuzz' "$pkg" | grep '^Fuzz')
	for target in "${targets[@]}"; do
		printf '\n==> %s %s (%s)\n' "$pkg" "$target" "$fuzztime"
		start=$SECONDS
		log=$(mktemp)
		if go test "$pkg" -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "${parallel[@]}" 2>&1 | tee "$log"; then
			status=ok
		else
			status=FAIL
			failed=1
		fi
		execs=$(grep -o 'execs: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
		rm -f "$log"
		results+=("$(printf '%-4s %-22s %-26s %6ss %12s execs' "$status" "$pkg" "$target" "$((SECONDS - start))" "${execs:-?}")")
	done
done

printf '\n==> fuzz summary (FUZZTIME=%s)\n' "$fuzztime"
printf '%s\n' "${results[@]}"
exit "$failed"
