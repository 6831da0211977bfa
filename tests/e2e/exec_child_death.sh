#!/usr/bin/env bash
# -m exec, a child that dies or stays silent as user-written ones do:
#  - one that dies on one item, every time: the run starts it again, asks
#    what it held again one at a time, journals that one task as an error
#    and finishes (before: exit 4 at the same task on every resume, the
#    task unnamed); the messages name the tasks by id, suite and item;
#  - one that always dies: the restarts are bounded, exit 4;
#  - one that prints its replies without flush (Python's default on a pipe)
#    answers, given PYTHONUNBUFFERED=1; when the user set that variable
#    otherwise, the -M timeout message says what is likely wrong.
# `timeout` guards the test itself.
. "$(dirname "$0")/lib.bash"
. "$VSR_SRC/tests/server/lib.bash"
cd "$T"
V=$VSRBENCH
CHILD="env $(plugin_env) python3 $SERVER_DIR/exec_child.py --plugin $GEOMETRY"
COMMON=(-S count=6 -t pool -q)

expect_exit 0 "$V" run -m builtin:geometry "${COMMON[@]}" -o ref
# The task to die on: the first one-line prompt of item synth-000003, by its text.
jq -r 'select(.item == "synth-000003") | .prompt | select(contains("\n") | not)' ref/samples.jsonl |
	sort | head -1 | tr -d '\n' >bad.prompt
[ "$(jq --rawfile p bad.prompt 'select(.prompt == $p)' -c ref/samples.jsonl | wc -l)" = 1 ] ||
	fail "the chosen prompt is not one task's"
bad_template=$(jq -r --rawfile p bad.prompt 'select(.prompt == $p) | .template' ref/samples.jsonl)

# It dies on that task: the run goes on and finishes; 1 error of 216 is
# below --max-error-rate, so exit 0.
DIE=(-m exec -M cmd="$CHILD --die-on-prompt $T/bad.prompt" "${COMMON[@]}" -o died)
expect_exit 0 timeout 120 "$V" run "${DIE[@]}"
grep -qE "exited with status 3 with [0-9]+ requests? outstanding \(tasks? [0-9a-f]{16} \(suite synth, item synth-[0-9]{6}\)" "$T/err" ||
	fail "the death's message does not name the tasks: $(cat "$T/err")"
expect_err "starting it again"
key=$(jq -r 'select(.error) | .key' died/samples.jsonl)
[ "$(echo "$key" | wc -w)" = 1 ] || fail "expected one error line, got: $(jq -c 'select(.error)' died/samples.jsonl)"
expect_err "$key (suite synth, item synth-000003)"
jq -s -e --rawfile p bad.prompt 'map(select(.error))[0] | .item == "synth-000003" and .prompt == $p and
	(.error | startswith("the model process died while answering it (") and endswith("; exited with status 3)"))' \
	died/samples.jsonl >/dev/null || fail "the error line: $(jq -c 'select(.error)' died/samples.jsonl)"
expect_err "1 of 216 tasks failed"
# Every other task is answered, as the in-process model answers it.
diff <(answers ref | awk -F'\t' -v t="$bad_template" '!($1 == "synth-000003" && $2 == t)') \
	<(jq -r 'select(.error == null) | [.item, .template, .response, .answer] | @tsv' died/samples.jsonl | sort) \
	>/dev/null || fail "answers after the deaths differ from the in-process model's"
# A resume asks that task again: the child dies on it alone, an error again, exit 0.
expect_exit 0 timeout 120 "$V" run "${DIE[@]}"
expect_out "(1 new task, 215 already done)"
jq -s -e 'map(select(.error)) | length == 2 and (last | .error ==
	"the model process died while answering it (it was the only request outstanding; exited with status 3)")' \
	died/samples.jsonl >/dev/null || fail "the resumed error: $(jq -c 'select(.error)' died/samples.jsonl)"

# A child that always dies: three deaths in a row without a response stop the run
# (naming what it held: how much, if anything, was sent to the last one is timing).
expect_exit 4 timeout 60 "$V" run -m exec -M cmd="sh -c 'exit 3'" -S count=5 -q -o always
grep -qE "^vsrbench: error: exec child 'sh -c 'exit 3'' exited with status 3 \(3 deaths in a row without a response\) (with [0-9]+ requests? outstanding \(tasks? [0-9a-f]{16} \(suite synth, item synth-00000[0-4]\)|before the run ended$)" "$T/err" ||
	fail "the stop's message: $(cat "$T/err")"

# print() without flush, PYTHONUNBUFFERED not set: it answers (before: it
# waited -M timeout and failed).
cat >buffered.py <<'PY'
import json, sys
for line in sys.stdin:
    req = json.loads(line)
    print(json.dumps({"id": req["id"], "text": "yes"}))  # no flush: block-buffered on a pipe
PY
expect_exit 0 timeout 60 env -u PYTHONUNBUFFERED "$V" run -m exec -M cmd="python3 $T/buffered.py" \
	-M timeout=5 -S count=20 -q -o buffered
[ "$(jq -s 'map(select(.answer == "yes")) | length' buffered/samples.jsonl)" = 20 ] ||
	fail "the buffered child's answers: $(head -c 600 buffered/samples.jsonl)"
# The user's own setting wins (empty: Python buffers); the timeout says why.
PYTHONUNBUFFERED= expect_exit 4 timeout 60 "$V" run -m exec -M cmd="python3 $T/buffered.py" \
	-M timeout=1 -S count=20 -q -o buffered2
expect_err " requests outstanding; it has written no line at all: is its stdout buffered? flush after each line, e.g. print(..., flush=True) or python3 -u"
echo ok
