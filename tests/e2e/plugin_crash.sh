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
	grep -qE "\) in answer_batch\(\) with task [0-9a-f]{16} \(suite synth, item synth-000007\) in flight; the journal keeps every task answered before, a resume asks these again \(VSRBENCH_PLUGIN_CORE=1 keeps the signal, for a core dump\)$" "$T/err" ||
		fail "$how: the message: $(cat "$T/err")"
	expect_one_line_err
	# -j 1, one task per call: the items before it are on disk, it is not.
	[ "$(jq -r .item "$how/samples.jsonl" | sort | paste -sd' ')" = "$before" ] ||
		fail "$how: the journal: $(jq -r .item "$how/samples.jsonl" | paste -sd' ')"
done

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
echo ok
