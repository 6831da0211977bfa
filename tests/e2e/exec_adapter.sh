#!/usr/bin/env bash
# -m exec: a child speaking JSON lines gives the same answers as the in-process
# model it wraps (tests/server/exec_child.py calls the real builtin-geometry.so,
# choices included, so every template of the pool is compared); retries,
# out-of-order replies, stray prints, image files, several children; its death
# restarts it, its silence is an error (exit 4, resumable), never a hang.
. "$(dirname "$0")/lib.bash"
. "$VSR_SRC/tests/server/lib.bash"
cd "$T"
V=$VSRBENCH
# Under sanitizers the child (not vsrbench) needs their runtime preloaded.
CHILD="env $(plugin_env) python3 $SERVER_DIR/exec_child.py --plugin $GEOMETRY"
COMMON=(-S count=6 -t pool -q)

expect_exit 0 "$V" run -m builtin:geometry "${COMMON[@]}" -o ref
answers ref >ref.answers
[ "$(wc -l <ref.answers)" = 216 ] || fail "reference run has $(wc -l <ref.answers) tasks"

expect_exit 0 "$V" run -m exec -M cmd="$CHILD --log $T/requests.jsonl" "${COMMON[@]}" -o plain
diff ref.answers <(answers plain) >/dev/null || fail "exec answers differ: $(diff ref.answers <(answers plain) | head -5)"
diff <(report_body ref) <(report_body plain) >/dev/null || fail "exec report differs"
# The requests carry what the ABI request has.
jq -e -s 'length == 216 and all(.[]; (.id | test("^[0-9a-f]{16}$")) and .image_mime == "image/png"
	and .max_tokens == 32 and .temperature == 0 and .seed == 1)
	and (map(select(.choices == ["yes", "no"])) | length) == 36' requests.jsonl >/dev/null ||
	fail "request lines: $(head -c 400 requests.jsonl)"
jq -e -s 'all(.[]; .meta.child == "exec_child.py")' plain/samples.jsonl >/dev/null || fail "meta"

# Retry on {"retry": true}, replies out of order, a stray print, image files, two children.
expect_exit 0 "$V" run -m exec -M cmd="$CHILD --retry-first --reverse --noise" \
	-M image=path -M procs=2 -j 4 "${COMMON[@]}" -o hard
diff ref.answers <(answers hard) >/dev/null || fail "exec answers (hard mode) differ"
expect_err "not JSON (ignored"
ls "${TMPDIR:-/tmp}"/vsrbench-exec-* >/dev/null 2>&1 && fail "image files left behind"

# Through a shell when asked.
expect_exit 0 "$V" run -m exec -M shell=1 -M cmd="exec $CHILD 2>/dev/null" "${COMMON[@]}" -o sh
diff ref.answers <(answers sh) >/dev/null || fail "exec through a shell differs"

# Its death is not a hang (timeout guards the test itself), nor the end of
# the run: it is started again, what it held is asked again, and the run
# ends with every answer (a child that dies on one item: e2e/exec_child_death).
DIE=(-m exec -M cmd="$CHILD --die-after 50 --once $T/died.once" "${COMMON[@]}" -o died)
expect_exit 0 timeout 60 "$V" run "${DIE[@]}"
grep -qE "exited with status 3 with [0-9]+ requests? outstanding \(tasks? [0-9a-f]{16} \(suite synth, item synth-" "$T/err" ||
	fail "the death's message does not name the tasks: $(cat "$T/err")"
expect_err "; asking them again one at a time; starting it again"
diff ref.answers <(answers died) >/dev/null || fail "the run after the child died differs"
# A child that never answers: -M timeout.
expect_exit 4 timeout 60 "$V" run -m exec -M cmd="sleep 30" -M timeout=0.5 "${COMMON[@]}" -o mute
expect_err "answered nothing for 0.5s"
# A child that is not a model.
expect_exit 4 timeout 60 "$V" run -m exec -M cmd="echo '{oops'" "${COMMON[@]}" -o bad
expect_err "not valid JSON"

# Configuration errors: exit 2, one line.
expect_exit 2 "$V" run -m exec -q -o x
expect_err "-m exec needs -M cmd="
expect_exit 2 "$V" run -m exec -M cmd="/no/such/program --flag" -q -o x
expect_err "cannot start '/no/such/program'"
expect_one_line_err
expect_exit 2 "$V" run -m exec -M cmd="python3 'unterminated" -q -o x
expect_err "unterminated quote"
expect_exit 2 "$V" run -m exec -M cmd=true -M colour=red -q -o x
expect_err "unknown option -M colour"
echo ok
