#!/usr/bin/env bash
# Crash safety: SIGKILL at many random points, then resume; a disk that
# fills up mid-run; every time the journal holds each task exactly once and
# the final report equals the uninterrupted run's.
. "$(dirname "$0")/lib.bash"

cd "$T"
V=$VSRBENCH
lib="lib:$ADAPTERS/scripted.so"
args=(-S count=400 -m "$lib" -M answer=yes -M delay_us=20000 -p hflip -j 2 -q)

expect_exit 0 "$V" run "${args[@]}" -o full
total=$(wc -l <full/samples.jsonl)

seed=${CRASH_SEED:-$RANDOM}
echo "kill points from seed $seed (CRASH_SEED=$seed reproduces them)"
RANDOM=$seed

# kill_rounds REF DIR ARGS...: 12 runs into DIR, each SIGKILLed after
# 20..150 ms, then one to the end; DIR must then equal REF.
kill_rounds() {
	local ref=$1 dir=$2 total kills=0 n ms
	shift 2
	total=$(wc -l <"$ref/samples.jsonl")
	rm -rf "$dir"
	for round in $(seq 1 12); do
		"$V" run "$@" -o "$dir" >/dev/null 2>&1 &
		local pid=$!
		ms=$((20 + RANDOM % 130))
		sleep "$(awk -v m="$ms" 'BEGIN { print m / 1000 }')"
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		# Never a torn line in the middle: every complete line parses.
		n=$(wc -l <"$dir/samples.jsonl" 2>/dev/null || echo 0)
		[ "$n" = 0 ] || head -n "$n" "$dir/samples.jsonl" | jq -e . >/dev/null ||
			fail "corrupt journal after kill at ${ms} ms (round $round)"
		[ "$n" -lt "$total" ] && kills=$((kills + 1))
	done
	echo "$dir: $kills of 12 kills landed mid-run"
	[ "$kills" -ge 3 ] || fail "$dir: too few kills landed mid-run to test anything"
	expect_exit 0 "$V" run "$@" -o "$dir"
	[ "$(jq -r .key "$dir/samples.jsonl" | sort | uniq -d | wc -l)" = 0 ] || fail "$dir: a task journaled twice"
	[ "$(jq -r 'select(.error == null) | .key' "$dir/samples.jsonl" | sort -u | wc -l)" = "$total" ] ||
		fail "$dir: tasks missing"
	cmp "$ref/report.json" "$dir/report.json" || fail "$dir: report after kills differs from the uninterrupted run's"
}

# In-process plug-in.
kill_rounds full part "${args[@]}"

# A served model over HTTP (the loopback server wraps builtin:geometry).
if command -v python3 >/dev/null; then
	. "$VSR_SRC/tests/server/lib.bash"
	start_server crash --plugin "$GEOMETRY"
	hargs=(-S count=120 -p hflip -m openai -M "base_url=http://127.0.0.1:$PORT/v1" -M model=fake -j 4 -q)
	expect_exit 0 "$V" run "${hargs[@]}" -o hfull
	kill_rounds hfull hpart "${hargs[@]}"
fi

# The disk fills up: a clear error naming the journal, exit 3, the journal
# ends on a whole line, and a resume (disk freed) finishes the run.
limit=$(( $(stat -c %s full/samples.jsonl) / 3 ))
VSRBENCH_FAULT_JOURNAL_BYTES=$limit expect_exit 3 "$V" run "${args[@]}" -o full2
expect_err "No space left on device"
expect_err "full2/samples.jsonl"
size=$(stat -c %s full2/samples.jsonl)
[ "$size" -le "$limit" ] || fail "journal grew past the full disk"
[ "$(tail -c 1 full2/samples.jsonl | od -An -c | tr -d ' ')" = '\n' ] || fail "journal does not end on a whole line"
jq -e . full2/samples.jsonl >/dev/null || fail "journal corrupt after the full disk"
expect_exit 0 "$V" run "${args[@]}" -o full2
cmp full/report.json full2/report.json || fail "report after a full disk differs"
echo ok
