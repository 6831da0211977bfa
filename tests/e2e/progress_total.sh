#!/usr/bin/env bash
# The progress line's total is every task the run asks, each perturbation's
# variants too: -p hflip,blind asks three tasks an item, and the line said
# 'N/100 tasks' for 300 (past 100%, its ETA gone after a third of the run).
# A resume counts the tasks done before against that total; where the
# variants differ by item (no mirrored variant for an MME question that
# speaks of left or right), the last line's total is the tasks asked.
. "$(dirname "$0")/lib.bash"
cd "$T"
# A model that takes 3 ms a task, so the lines come.
cat >slow.py <<'PY'
import json, sys, time
for line in sys.stdin:
    r = json.loads(line)
    time.sleep(0.003)
    print(json.dumps({"id": r["id"], "text": "yes"}), flush=True)
PY
M=(-m exec -M "cmd=python3 slow.py" -j 1 --progress lines --progress-interval 0.05)
# lines_total FILE WANT: every progress line in FILE says N/WANT with N <= WANT.
lines_total() {
	local bad
	grep -q '^vsrbench: progress: ' "$1" || fail "no progress line: $(cat "$1")"
	bad=$(grep '^vsrbench: progress: ' "$1" | awk -v want="$2" '{ split($3, a, "/"); if (a[2] != want || a[1] + 0 > want + 0) print }')
	[ -z "$bad" ] || fail "progress lines not out of $2 tasks: $(echo "$bad" | head -3)"
}

# 100 synthetic items, one template (yn01), the image, mirrored and hidden: 300 tasks.
expect_exit 0 "$VSRBENCH" run "${M[@]}" -S count=100 -p hflip,blind -q -o three
lines_total "$T/err" 300
tail -1 "$T/err" | grep -Eq '^vsrbench: progress: 300/300 tasks done in ' || fail "last line: $(tail -1 "$T/err")"

# Stopped by SIGTERM part way (a preempted job), then resumed: the tasks done
# before count against the same 300.
"$VSRBENCH" run "${M[@]}" -S count=100 -p hflip,blind -q -o half >half.out 2>half.err &
pid=$!
for _ in $(seq 200); do
	[ -f half/samples.jsonl ] && [ "$(wc -l <half/samples.jsonl)" -ge 60 ] && break
	sleep 0.05
done
kill -TERM "$pid"
set +e
wait "$pid"
rc=$?
set -e
[ "$rc" = 5 ] || fail "SIGTERM: exit $rc, expected 5: $(cat half.err)"
before=$(wc -l <half/samples.jsonl)
[ "$before" -lt 300 ] || fail "the run ended before SIGTERM"
expect_exit 0 "$VSRBENCH" run "${M[@]}" -S count=100 -p hflip,blind -q -o half
lines_total "$T/err" 300
first=$(head -1 "$T/err" | sed -E 's|^vsrbench: progress: ([0-9]+)/.*|\1|')
[ "$first" -gt "$before" ] || fail "the resume's first line does not count the $before done before: $(head -1 "$T/err")"
tail -1 "$T/err" | grep -Eq '^vsrbench: progress: 300/300 tasks done in ' || fail "last line: $(tail -1 "$T/err")"
[ "$(jq -r .key half/samples.jsonl | sort -u | wc -l)" = 300 ] || fail "the journal does not hold 300 distinct tasks"

# MME position, 10 images, two questions each: the first five images' speak of
# left and right (no mirrored variant: 10 tasks), the last five's of above
# and below (mirrored too: 20 tasks); the first item has no mirrored variant.
mkdir -p mme/mme/eval_tool/Your_Results mme/mme/MME_Benchmark_release_version/position
python3 - mme/mme/eval_tool/Your_Results/position.txt <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for k in range(1, 11):
        name, rel = "%012d.jpg" % k, ("left", "right") if k <= 5 else ("above", "below")
        f.write("%s\tIs the cat on the %s of the dog? Please answer yes or no.\tYes\n" % (name, rel[0]))
        f.write("%s\tIs the cat on the %s of the dog? Please answer yes or no.\tNo\n" % (name, rel[1]))
PY
seq -f '%012g.jpg' 1 10 >names.txt
"$VSR_BUILD/tests/mkimage" --names names.txt mme/mme/MME_Benchmark_release_version/position 32 24
expect_exit 0 "$VSRBENCH" run "${M[@]}" -s mme-position --data mme -p hflip -q -o mme
[ "$(wc -l <mme/samples.jsonl)" = 30 ] || fail "expected 30 tasks, the journal has $(wc -l <mme/samples.jsonl)"
lines_total "$T/err" 30
grep -Eq '^vsrbench: progress: 30/30 tasks done in ' "$T/err" || fail "no last line of 30/30: $(cat "$T/err")"
echo ok
