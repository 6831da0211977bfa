#!/bin/bash
# Builds the libFuzzer targets with clang (ASan + UBSan, the whole core
# instrumented) and runs each for a bounded time.
#
#   tests/fuzz/run.sh [TARGET...]
#
# Environment:
#   FUZZ_SECONDS  seconds per target (default 60; `make -f Makefile.ci fuzz-smoke` uses 2)
#   FUZZ_JOBS     targets run side by side (default: the number of CPUs)
#   FUZZ_BUILD    the build directory (default build-fuzz)
#   CC            a clang (default clang)
#
# Each target starts from tests/fuzz/corpus/NAME and keeps what it finds in
# FUZZ_BUILD/fuzz-corpus/NAME, so later runs go on from there.  A crash,
# leak, sanitizer report or timeout fails the run; the input is saved as
# FUZZ_BUILD/fuzz-artifacts/NAME/crash-* (or leak-*, timeout-*): fix the
# parser, then copy the input into tests/fuzz/regressions/NAME/, where ctest
# replays it in every build (fuzz/NAME).  The table at the end gives the
# executions per second of every target.
set -eu

SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${FUZZ_BUILD:-$SRC/build-fuzz}
SECS=${FUZZ_SECONDS:-60}
JOBS=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 2)}
CC=${CC:-clang}
export CC

case $BUILD in /*) ;; *) BUILD=$SRC/$BUILD ;; esac
if ! "$CC" --version 2>/dev/null | grep -q clang; then
	echo "run.sh: CC=$CC is not clang; libFuzzer comes with clang (apt-get install clang libclang-rt-14-dev)" >&2
	exit 2
fi

# Warnings are errors in the gcc builds; clang's -Wformat=2 also flags the
# va_list printf wrappers, so they stay warnings here (build-fuzz/fuzz-build.log).
FLAGS="-O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
cmake -S "$SRC" -B "$BUILD" -DCMAKE_BUILD_TYPE=None -DCMAKE_C_FLAGS="$FLAGS" \
	-DVSR_FUZZ=ON -DVSR_WERROR=OFF >/dev/null
cmake --build "$BUILD" --target fuzz-targets -j "$JOBS" >"$BUILD/fuzz-build.log" 2>&1 ||
	{ cat "$BUILD/fuzz-build.log" >&2; exit 1; }

if [ $# -gt 0 ]; then
	TARGETS="$*"
else
	TARGETS=$(cd "$SRC/tests/fuzz" && ls fuzz_*.c | sed 's/^fuzz_//; s/\.c$//')
fi

# JSON inputs get a dictionary of the keys our parsers look for.
dict_of() {
	case $1 in
	vsr | seed | http_* | exec | journal | metrics | adapter_options) echo "$SRC/tests/fuzz/json.dict" ;;
	mmbench | tsv) echo "$SRC/tests/fuzz/tsv.dict" ;;
	*) echo "" ;;
	esac
}

run_one() {
	name=$1
	exe=$BUILD/tests/fuzz/fuzz_$name
	work=$BUILD/fuzz-corpus/$name
	art=$BUILD/fuzz-artifacts/$name
	log=$BUILD/fuzz-logs/$name.log
	rm -rf "$art"
	mkdir -p "$work" "$art" "$(dirname "$log")"
	dict=$(dict_of "$name")
	set -- -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-close_fd_mask=3 -artifact_prefix="$art/"
	[ -n "$dict" ] && set -- "$@" -dict="$dict"
	set -- "$@" "$work" "$SRC/tests/fuzz/corpus/$name"
	# Found crashes are seeds too: clang's UBSan sees more than gcc's replay does.
	[ -d "$SRC/tests/fuzz/regressions/$name" ] && set -- "$@" "$SRC/tests/fuzz/regressions/$name"
	# Sanitizer reports still reach the log: libFuzzer keeps its own copy of stderr.
	if ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		"$exe" "$@" >"$log" 2>&1; then
		echo "ok $name"
	else
		echo "FAILED $name"
	fi
}

# Targets side by side, JOBS at a time.
STATUS=$BUILD/fuzz-logs/status
mkdir -p "$BUILD/fuzz-logs"
: >"$STATUS"
echo "fuzzing $(echo $TARGETS | wc -w) targets for ${SECS}s each, $JOBS at a time"
for t in $TARGETS; do echo "$t"; done |
	{
		running=0
		while read -r t; do
			run_one "$t" >>"$STATUS" &
			running=$((running + 1))
			if [ "$running" -ge "$JOBS" ]; then
				wait -n
				running=$((running - 1))
			fi
		done
		wait
	}

printf '%-16s %8s %12s %10s %8s %s\n' target seconds executions exec/s corpus result
fail=0
for t in $TARGETS; do
	log=$BUILD/fuzz-logs/$t.log
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
	corpus=$(ls "$BUILD/fuzz-corpus/$t" | wc -l)
	if grep -qx "ok $t" "$STATUS"; then res=ok; else res=FAILED; fail=1; fi
	printf '%-16s %8s %12s %10s %8s %s\n' "$t" "$SECS" "${execs:-?}" "${rate:-?}" "$corpus" "$res"
done
if [ "$fail" = 1 ]; then
	for t in $TARGETS; do
		grep -qx "ok $t" "$STATUS" && continue
		echo "---- $t: $BUILD/fuzz-logs/$t.log (last lines)" >&2
		tail -n 40 "$BUILD/fuzz-logs/$t.log" >&2
		ls "$BUILD/fuzz-artifacts/$t" >&2 || true
	done
	echo "fuzzing found a problem: fix it, then copy the input from $BUILD/fuzz-artifacts/NAME/ into tests/fuzz/regressions/NAME/" >&2
	exit 1
fi
