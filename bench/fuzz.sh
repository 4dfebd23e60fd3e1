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
# non-zero when any target failed; the table at the end says which. A run
# that only hit go's own deadline race (golang/go#75804) is tried once more
# and, if it hits it again, reported as "flake", not as a failure.
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

# deadline_flake reports whether a failed run's log is go's fuzzing
# coordinator tripping over its own -fuzztime deadline (golang/go#75804,
# fixed in Go 1.27): "context deadline exceeded" and nothing else, with no
# failing input written, no panic and no test error. Such a run found
# nothing; a real finding always writes its input under testdata/fuzz/.
deadline_flake() {
	grep -q 'context deadline exceeded' "$1" &&
		! grep -qE 'Failing input written|panic:|_test\.go:[0-9]+:' "$1"
}

results=()
failed=0
for pkg in "${pkgs[@]}"; do
	mapfile -t targets < <(go test -list '^Fuzz' "$pkg" | grep '^Fuzz')
	for target in "${targets[@]}"; do
		printf '\n==> %s %s (%s)\n' "$pkg" "$target" "$fuzztime"
		start=$SECONDS
		log=$(mktemp)
		status=FAIL
		for try in 1 2; do
			if go test "$pkg" -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "${parallel[@]}" 2>&1 | tee "$log"; then
				status=ok
				break
			fi
			if ! deadline_flake "$log"; then
				status=FAIL
				break
			fi
			status=flake # go's own race at the -fuzztime boundary: try once more
			printf '%s %s: the fuzzer stopped on its own deadline with no failing input (golang/go#75804); try %d\n' "$pkg" "$target" "$try"
		done
		[[ $status == FAIL ]] && failed=1
		execs=$(grep -o 'execs: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
		rm -f "$log"
		results+=("$(printf '%-4s %-22s %-26s %6ss %12s execs' "$status" "$pkg" "$target" "$((SECONDS - start))" "${execs:-?}")")
	done
done

printf '\n==> fuzz summary (FUZZTIME=%s)\n' "$fuzztime"
printf '%s\n' "${results[@]}"
exit "$failed"
