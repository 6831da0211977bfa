#!/usr/bin/env bash
# A plug-in that crashes or calls exit() in its own code (tests/adapters/
# crashy.c) ends the run with exit 4, a model failure, and one line naming
# the plug-in, the call and the task in flight: before, vsrbench died with
# the signal (139, 134) and no word, or exited 1 ("a gate failed") for a
# plug-in's exit(1).  The journal keeps what was answered before.
. "$(dirname "$0")/lib.bash"
cd "$T"
V=$VSRBENCH
SO=$ADAPTERS/crashy.so
COMMON=(-S count=20 -j 1 -q)

expect_exit 0 "$V" run -m builtin:yes "${COMMON[@]}" -o ref
# The task to crash on: item synth-000007's (one template: one task per item).
P=$(jq -j 'select(.item == "synth-000007") | .prompt' ref/samples.jsonl)
[ -n "$P" ] || fail "no prompt for synth-000007"
before="synth-000000 synth-000001 synth-000002 synth-000003 synth-000004 synth-000005 synth-000006"

# how=...:signal named in the message
for case in segv:SIGSEGV abort:SIGABRT stack:SIGSEGV fpe:SIGFPE; do
	how=${case%%:*} sig=${case#*:}
	expect_exit 4 "$V" run -m "lib:$SO" -M how="$how" -M prompt="$P" "${COMMON[@]}" -o "$how"
	expect_err "vsrbench: error: plug-in $SO crashed ($sig"
	grep -qE "\) in answer_batch\(\) with task [0-9a-f]{16} \(suite synth, item synth-000007\) in flight; the journal keeps every task answered before, a resume asks these again, each alone, and journals a task in flight at two crashes as failed \(crashed.txt\) \(VSRBENCH_PLUGIN_CORE=1 keeps the signal, for a core dump\)$" "$T/err" ||
		fail "$how: the message: $(cat "$T/err")"
	expect_one_line_err
	# -j 1, one task per call: the items before it are on disk, it is not.
	[ "$(jq -r .item "$how/samples.jsonl" | sort | paste -sd' ')" = "$before" ] ||
		fail "$how: the journal: $(jq -r .item "$how/samples.jsonl" | paste -sd' ')"
done

# A task that crashes the plug-in every time does not block every resume at
# the same place (before: exit 4 on that task, run after run).  The crash
# lists the tasks in flight in crashed.txt; the next run asks them alone,
# after the others; a task in flight at two crashes is journaled as failed
# without being asked, and the run finishes.  With batches of 4, the first
# crash holds item 7 and the three others of its call: they are answered
# alone on the resume, item 7 crashes alone.
export CRASHY_BATCH=4
B=(-m "lib:$SO" -M how=segv -M prompt="$P" "${COMMON[@]}" -o batch)
expect_exit 4 "$V" run "${B[@]}"
[ "$(wc -l <batch/crashed.txt)" = 4 ] || fail "crashed.txt after the first crash: $(cat batch/crashed.txt)"
k7=$(grep -oE '[0-9a-f]{16} \(suite synth, item synth-000007\)' "$T/err" | cut -c1-16)
grep -qx "$k7" batch/crashed.txt || fail "crashed.txt lacks item 7's task $k7"
expect_err "a resume asks these again, each alone, and journals a task in flight at two crashes as failed (crashed.txt)"
n1=$(wc -l <batch/samples.jsonl)
[ "$n1" -lt 19 ] || fail "the first run answered $n1 tasks before the crash"
expect_exit 4 "$V" run "${B[@]}"
expect_err "batch/crashed.txt: 4 tasks were in flight at a crash of the plug-in: each is asked alone"
[ "$(grep -c . batch/crashed.txt)" = 5 ] && [ "$(grep -cx "$k7" batch/crashed.txt)" = 2 ] ||
	fail "crashed.txt after the second crash (item 7 alone): $(cat batch/crashed.txt)"
# The tasks the first crash did not hold are all answered: the others went last.
[ "$(jq -r 'select(.error == null) | .item' batch/samples.jsonl | sort -u | wc -l)" -ge 16 ] ||
	fail "the second run left tasks unanswered: $(jq -r .item batch/samples.jsonl | sort | paste -sd' ')"
jq -e --arg k "$k7" 'select(.key == $k)' batch/samples.jsonl >/dev/null && fail "item 7 answered"
expect_exit 0 "$V" run "${B[@]}"
# Every task but item 7's answered: the three innocent ones of the first crash too.
[ "$(jq -r 'select(.error == null) | .item' batch/samples.jsonl | sort -u | wc -l)" = 19 ] ||
	fail "the third run left tasks unanswered: $(jq -r .item batch/samples.jsonl | sort | paste -sd' ')"
expect_err "batch/crashed.txt: 1 task was in flight at two crashes or more: journaled as failed, not asked"
expect_err "1 of 20 tasks failed"
jq -s -e --arg k "$k7" 'map(select(.error)) | length == 1 and (.[0] | .key == $k and .item == "synth-000007"
	and (.error | startswith("the plug-in crashed with this task in flight 2 times; not asked again (delete ")))' \
	batch/samples.jsonl >/dev/null || fail "the failed line: $(jq -c 'select(.error)' batch/samples.jsonl)"
# Deleting the file asks it again: it crashes again.
rm batch/crashed.txt
expect_exit 4 "$V" run "${B[@]}"
expect_err "(suite synth, item synth-000007) in flight"
# A crashed.txt that is not the plug-in's: a clear error, nothing asked.
echo "not a key" >batch/crashed.txt
expect_exit 3 "$V" run "${B[@]}"
expect_err "batch/crashed.txt:1: expected a task id (16 hex digits), got 'not a key'"
unset CRASHY_BATCH

# VSRBENCH_PLUGIN_CORE=1: the same line, then the signal's own end (for a core dump).
(
	ulimit -c 0
	VSRBENCH_PLUGIN_CORE=1 expect_exit 139 "$V" run -m "lib:$SO" -M how=segv -M prompt="$P" "${COMMON[@]}" -o core
	expect_err "(suite synth, item synth-000007) in flight; raising it again for a core dump (VSRBENCH_PLUGIN_CORE=1)"
	VSRBENCH_PLUGIN_CORE=1 expect_exit 134 "$V" run -m "lib:$SO" -M how=abort -M prompt="$P" "${COMMON[@]}" -o core2
	expect_err "raising it again for a core dump"
) 2>"$T/core.log" || fail "$(cat "$T/core.log")" # (the shell's own "Segmentation fault" line aside)

# exit(1) in answer_batch(), open(), close(): exit 4 and the line, not exit 1.
expect_exit 4 "$V" run -m "lib:$SO" -M how=exit -M prompt="$P" "${COMMON[@]}" -o exit
expect_err "vsrbench: error: plug-in $SO called exit() in answer_batch() with task "
expect_err "(suite synth, item synth-000007) in flight; a plug-in must not end the process"
expect_one_line_err
[ "$(jq -r .item exit/samples.jsonl | sort | paste -sd' ')" = "$before" ] || fail "exit: the journal"
expect_exit 4 "$V" run -m "lib:$SO" -M how=exit -M where=open "${COMMON[@]}" -o x
expect_err "vsrbench: error: plug-in $SO called exit() in open(); a plug-in must not end the process"
expect_one_line_err
expect_exit 4 "$V" run -m "lib:$SO" -M how=exit -M where=close "${COMMON[@]}" -o y
expect_err "vsrbench: error: plug-in $SO called exit() in close()"
# exit(1) in a thread the plug-in started (a watchdog, a library's error
# path): before, vsrbench exited 1, "a gate failed", without a word.
expect_exit 4 "$V" run -m "lib:$SO" -M how=exit -M where=thread -M prompt="$P" "${COMMON[@]}" -o th
expect_err "vsrbench: error: plug-in $SO: exit() was called in a thread that is in none of its calls (one it started itself?); a plug-in must not end the process"
expect_one_line_err
[ "$(jq -r .item th/samples.jsonl | sort | paste -sd' ')" = "$before" ] || fail "thread exit: the journal"
echo ok
