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
rm -rf part
kills=0
for round in $(seq 1 12); do
	"$V" run "${args[@]}" -o part >/dev/null 2>&1 &
	pid=$!
	# 20..150 ms each: the whole run takes about a second, so most kills land mid-run.
	ms=$((20 + RANDOM % 130))
	sleep "$(awk -v m="$ms" 'BEGIN { print m / 1000 }')"
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	# Never a torn line in the middle: every line but maybe the last parses.
	n=$(wc -l <part/samples.jsonl 2>/dev/null || echo 0)
	[ "$n" -lt "$total" ] && kills=$((kills + 1))
	[ "$n" = 0 ] || head -n "$n" part/samples.jsonl | jq -e . >/dev/null || fail "corrupt journal after kill at ${ms} ms"
done
echo "$kills of 12 kills landed mid-run"
[ "$kills" -ge 3 ] || fail "too few kills landed mid-run to test anything"
expect_exit 0 "$V" run "${args[@]}" -o part
[ "$(jq -r .key part/samples.jsonl | sort | uniq -d | wc -l)" = 0 ] || fail "a task journaled twice"
[ "$(jq -r .key part/samples.jsonl | sort -u | wc -l)" = "$total" ] || fail "tasks missing"
cmp full/report.json part/report.json || fail "report after kills differs from the uninterrupted run's"

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
