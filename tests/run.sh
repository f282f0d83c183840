#!/bin/bash
# run.sh [PATTERN...] - run the end-to-end tests (tests/e2e/t_*.sh) and the unit
# tests, print one line per test and "N passed, N failed" at the end.
#
# Each e2e script runs with bash, in its own fresh directory $TESTTMP, with
#   POSTHORN  the absolute path of the binary under test
#   SRCDIR    the repository root
# It exits 0 for a pass and anything else for a failure; what it prints is
# shown only when it fails (or with VERBOSE=1).  A missing peer is a failure.
set -u
SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
POSTHORN=${POSTHORN:-$SRCDIR/posthorn}
export SRCDIR POSTHORN
patterns="$*"
pass=0 fail=0 failed=""
base=$(mktemp -d /tmp/posthorn-tests.XXXXXX)
chmod 755 "$base"

run_one() {	# name command...
	local name=$1 out rc start
	shift
	start=$(date +%s)
	out=$("$@" 2>&1)
	rc=$?
	if [ $rc -eq 0 ]; then
		pass=$((pass + 1))
		printf 'PASS %s (%ss)\n' "$name" $(($(date +%s) - start))
		[ "${VERBOSE:-0}" = 1 ] && printf '%s\n' "$out" | sed 's/^/    /'
	else
		fail=$((fail + 1))
		failed="$failed $name"
		printf 'FAIL %s (exit %d)\n' "$name" $rc
		printf '%s\n' "$out" | tail -40 | sed 's/^/    /'
	fi
}

matches() {	# name: does it match one of the patterns (or none given)?
	local p
	[ -z "$patterns" ] && return 0
	for p in $patterns; do
		case $1 in *"$p"*) return 0 ;; esac
	done
	return 1
}

if [ -z "$patterns" ] || matches unit; then
	for t in "${UNITDIR:-$SRCDIR/tests/unit}"/t_*; do
		case $t in *.c|*.d|*.h) continue ;; esac
		[ -x "$t" ] || continue
		run_one "unit/${t##*/}" "$t"
	done
fi

for t in "$SRCDIR"/tests/e2e/t_*.sh; do
	[ -f "$t" ] || continue
	name=${t##*/}
	name=${name%.sh}
	matches "$name" || continue
	dir="$base/$name"
	mkdir -p "$dir"
	chmod 755 "$dir"
	run_one "e2e/$name" env TESTTMP="$dir" bash -c 'cd "$TESTTMP" && exec timeout 300 bash "$0"' "$t"
done

echo "$pass passed, $fail failed"
[ $fail -eq 0 ] && rm -rf "$base"
[ -n "$failed" ] && echo "failed:$failed"
[ $fail -eq 0 ]
