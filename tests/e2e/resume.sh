#!/usr/bin/env bash
# kill -9 at several points, resume, and compare with an uninterrupted run;
# SIGINT stops cleanly with exit 5 and resumes too.
. "$(dirname "$0")/lib.bash"
. "$(dirname "$0")/partial.bash"

cd "$T"
lib="lib:$ADAPTERS/scripted.so"
# answer=no on synth: the accuracy is the share of false labels, and every
# task is slow enough (20 ms per batch of 8) for a kill to land mid-run.
args=(-S count=400 -m "$lib" -M answer=no -M delay_us=20000 -j 1 -q -t single)

expect_exit 0 "$VSRBENCH" run "${args[@]}" -o full
[ "$(wc -l <full/samples.jsonl)" = 400 ] || fail "uninterrupted run incomplete"

for delay in 0.15 0.4 0.7; do
	rm -rf part
	"$VSRBENCH" run "${args[@]}" -o part >/dev/null 2>&1 &
	pid=$!
	sleep "$delay"
	kill -9 "$pid"
	wait "$pid" 2>/dev/null || true
	n=$(wc -l <part/samples.jsonl || echo 0)
	[ "$n" -lt 400 ] || fail "the run finished before the kill at ${delay}s; test is not testing"
	expect_exit 0 "$VSRBENCH" run "${args[@]}" -o part
	# Every task exactly once, and the same report as the uninterrupted run.
	[ "$(jq -r .key part/samples.jsonl | sort | uniq -d | wc -l)" = 0 ] || fail "duplicate keys"
	[ "$(jq -r .key part/samples.jsonl | sort -u | wc -l)" = 400 ] || fail "missing tasks"
	diff <(jq -r .key full/samples.jsonl | sort) <(jq -r .key part/samples.jsonl | sort) >/dev/null ||
		fail "resumed run has other task keys than the uninterrupted one"
	cmp full/report.json part/report.json || fail "report after resume (kill at ${delay}s) differs"
	echo "kill -9 after ${delay}s: $n of 400 done before the kill; resumed to an identical report"
done

# A torn last line (crash mid-write) is cut off and the task redone.
rm -rf torn
expect_exit 0 "$VSRBENCH" run "${args[@]}" -o torn
head -n 399 torn/samples.jsonl >torn/s && tail -n 1 torn/samples.jsonl | head -c 60 >>torn/s
mv torn/s torn/samples.jsonl
expect_exit 0 "$VSRBENCH" run "${args[@]}" -o torn
expect_err "torn line"
cmp full/report.json torn/report.json || fail "report after a torn line differs"

# SIGINT: clean stop, exit 5, instructions, resumable.
rm -rf int
# Mid-run: once the first tasks are journaled (a fixed sleep could land before
# the handler exists on a loaded machine, when a background job's SIGINT is
# still ignored).
V=$VSRBENCH
RUN=(run "${args[@]}" -o int)
interrupt_run int 1 int.out int.err
[ "$rc" = 5 ] || fail "SIGINT: expected exit 5, got $rc ($(cat int.err))"
grep -q "resume with: vsrbench run .* -o int" int.out || fail "SIGINT: no resume hint"
[ -s int/report.json ] || fail "SIGINT: no partial report"
expect_exit 0 "$VSRBENCH" run "${args[@]}" -o int
cmp full/report.json int/report.json || fail "report after SIGINT + resume differs"

# A different configuration in the same directory is refused.
expect_exit 2 "$VSRBENCH" run "${args[@]}" -S count=401 -o full
expect_err "different configuration"
echo ok
