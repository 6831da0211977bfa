#!/usr/bin/env bash
# Allocation-failure injection (the failure rule of base/buf.h): `vsrbench
# report` is run with its N-th allocation failing, for N across the whole
# run.  Whatever N, every report under its final name is complete (byte-
# identical to the one a normal run writes) or absent, the process either
# succeeds or stops with "out of memory" (abort), and it never crashes.
. "$(dirname "$0")/lib.bash"
FM="$VSR_BUILD/tests/failmalloc.so"
# (grep without -q: under pipefail, -q can end the pipe early and fail ldd with SIGPIPE)
if ldd "$VSRBENCH" | grep libasan >/dev/null; then
	echo "skipped: a sanitizer build has its own allocator (LD_PRELOAD of failmalloc.so would fight it)"
	exit 77
fi
cd "$T"
ulimit -c 0
expect_exit 0 "$VSRBENCH" run -q -S count=30 -p hflip -o ref
reports="report.json report.md report.html junit.xml"
# How many allocations a full `report` makes.
FAILMALLOC_COUNT="$T/count" LD_PRELOAD="$FM" "$VSRBENCH" report ref >/dev/null
total=$(cat "$T/count")
[ "$total" -gt 1000 ] || fail "only $total allocations counted: is failmalloc.so working?"

# About 150 points spread over the run, and every one of the last 100
# (where the reports are written).
points=$( (seq 1 $((total / 150 + 1)) "$total"; seq $((total - 100)) "$total") | sort -nu)
runs=0 aborted=0
for n in $points; do
	rm -rf c && cp -r ref c && rm c/report.* c/junit.xml
	set +e
	FAILMALLOC_AT=$n LD_PRELOAD="$FM" "$VSRBENCH" report c >out 2>err
	rc=$?
	set -e
	runs=$((runs + 1))
	case $rc in
	0) ;;
	134) grep -q 'out of memory' err || fail "allocation $n: aborted without saying why: $(cat err)"
	     aborted=$((aborted + 1)) ;;
	3) grep -q 'error' err || fail "allocation $n: exit 3 without a message" ;;
	*) fail "allocation $n of $total: exit $rc (a crash?): $(head -c 500 err)" ;;
	esac
	for f in $reports; do
		if [ -e "c/$f" ]; then
			cmp -s "c/$f" "ref/$f" || fail "allocation $n: $f under its final name differs from a full one"
		elif [ $rc = 0 ]; then
			fail "allocation $n: exit 0 but $f is missing"
		fi
	done
done
echo "ok: $runs runs of $total allocations each, $aborted stopped with out of memory"
