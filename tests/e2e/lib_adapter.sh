#!/usr/bin/env bash
# A plug-in loaded with -m lib:PATH.so: options, batching, retries, failures,
# and the loader's errors for broken plug-ins.
. "$(dirname "$0")/lib.bash"

cd "$T"
lib="lib:$ADAPTERS/scripted.so"

# Answers pass through the real .so; batches never exceed its max_batch (8).
expect_exit 0 "$VSRBENCH" run -m "$lib" -M answer=yes -M "max_batch_file=$T/batches" \
	-M need_image=1 -S count=100 -j 2 -q -o yes
[ "$(jq -s '[.[] | select(.answer == "yes")] | length' yes/samples.jsonl)" = 100 ] ||
	fail "not every answer was yes"
pos=$(jq -s '[.[] | select(.label == "yes")] | length' yes/samples.jsonl)
[ "$(jq '.suites.synth.accuracy.k' yes/report.json)" = "$pos" ] || fail "always-yes accuracy"
jq -e '.suites.synth.yes_rate.value == 1' yes/report.json >/dev/null || fail "yes-rate"
sort -n "$T/batches" | tail -1 | awk '$1 > 8 { exit 1 }' || fail "a batch exceeded max_batch"
[ "$(awk '{s += $1} END {print s}' "$T/batches")" = 100 ] || fail "batch sizes do not add up"
jq -e '.model.fingerprint | startswith("scripted/test abi 2.1")' yes/run.json >/dev/null ||
	fail "fingerprint"

# Transient failures are retried and end as answers.
expect_exit 0 "$VSRBENCH" run -m "$lib" -M retry_first=1 -S count=20 -q -o retry
[ "$(wc -l <retry/samples.jsonl)" = 20 ] || fail "retried tasks journaled more than once"
jq -e '.overall.errors == 0' retry/report.json >/dev/null || fail "retries ended in errors"

# With no retries they are errors: exit 4, not counted as wrong answers.
expect_exit 4 "$VSRBENCH" run -m "$lib" -M retry_first=1 -S count=20 -q --retries 0 -o noretry
expect_err "20 of 20 tasks failed"
jq -e '.overall.errors == 20 and .overall.tasks == 0' noretry/report.json >/dev/null ||
	fail "failed tasks counted as answers"
# Fatal failures likewise.
expect_exit 4 "$VSRBENCH" run -m "$lib" -M fatal=1 -S count=5 -q -o fatal
jq -e '[inputs] | all(.error == "scripted fatal failure")' -n fatal/samples.jsonl >/dev/null ||
	fail "error reason not journaled"

# A text with a status that is not VSRBENCH_OK (an author's "1 = success"),
# and VSRBENCH_OK with no text: the journal and stderr say what the
# plug-in did and the fix (before: "adapter reported an error", and nothing
# on stderr for the missing text).
expect_exit 4 "$VSRBENCH" run -m "$lib" -M status=1 -S count=5 -q --retries 0 -o st1
want='adapter reported an error: status 1 (VSRBENCH_ERR_RETRY) with no error text, and a text "Yes.": an answer needs status VSRBENCH_OK (0)'
jq -e --arg w "$want" -n '[inputs] | length == 5 and all(.error == $w)' st1/samples.jsonl >/dev/null ||
	fail "status 1: $(jq -r .error st1/samples.jsonl | sort | uniq -c)"
expect_err "vsrbench: warning: plug-in scripted: a task failed (tried again): $want"
expect_exit 4 "$VSRBENCH" run -m "$lib" -M status=7 -S count=5 -q -o st7
want='adapter reported an error: status 7 (none of VSRBENCH_OK, _ERR_RETRY, _ERR_FATAL: taken as _ERR_FATAL) with no error text, and a text "Yes.": an answer needs status VSRBENCH_OK (0)'
jq -e --arg w "$want" -n '[inputs] | all(.error == $w and .attempts == 1)' st7/samples.jsonl >/dev/null ||
	fail "status 7: $(jq -c '[.error, .attempts]' st7/samples.jsonl | sort | uniq -c)"
expect_err "plug-in scripted: a task failed: $want"
expect_exit 4 "$VSRBENCH" run -m "$lib" -M null_text=1 -S count=5 -q -o nulltext
want="adapter returned no text (status VSRBENCH_OK with text NULL: an answer is a malloc'd string in resp[i]->text)"
jq -e --arg w "$want" -n '[inputs] | all(.error == $w)' nulltext/samples.jsonl >/dev/null ||
	fail "null text: $(jq -r .error nulltext/samples.jsonl | sort | uniq -c)"
expect_err "vsrbench: warning: plug-in scripted: a task failed: $want"

# Broken plug-ins: one-line errors naming the file, exit 2, never a crash.
expect_exit 2 "$VSRBENCH" run -m "lib:$ADAPTERS/bad_abi.so" -q -o x
expect_err "adapter ABI 3.0 is not compatible with host ABI 2.1: rebuild it against vsrbench_adapter.h of this vsrbench (cc -I"
expect_err "bad_abi.so"
expect_one_line_err
expect_exit 2 "$VSRBENCH" run -m "lib:$ADAPTERS/no_entry.so" -q -o x
expect_err "missing symbol vsrbench_adapter_entry"
expect_one_line_err
expect_exit 2 "$VSRBENCH" run -m "lib:$ADAPTERS/short_table.so" -q -o x
expect_err "short_table.so: adapter table is 16 bytes"
expect_one_line_err
expect_exit 2 "$VSRBENCH" run -m "lib:$T/does-not-exist.so" -q -o x
expect_err "cannot load adapter"
expect_one_line_err
echo "not a library" >"$T/garbage.so"
expect_exit 2 "$VSRBENCH" run -m "lib:$T/garbage.so" -q -o x
expect_err "cannot load adapter"
expect_exit 2 "$VSRBENCH" run -m "$lib" -M fail_open=/models/llava -q -o x
expect_err "cannot load weights from /models/llava"
expect_one_line_err
expect_exit 2 "$VSRBENCH" run -m "$lib" -M colour=blue -q -o x
expect_err 'unknown option "colour"'
expect_one_line_err
# The builtin plug-ins reject unknown options too.
expect_exit 2 "$VSRBENCH" run -m builtin:yes -M temperature=2 -q -o x
expect_err 'unknown option "temperature"'
expect_exit 2 "$VSRBENCH" run -m builtin:random -M seed=abc -q -o x
expect_err "seed=abc"
# builtin:random is seeded: same seed, same answers.
expect_exit 0 "$VSRBENCH" run -m builtin:random -M seed=7 -S count=50 -q -o r1
expect_exit 0 "$VSRBENCH" run -m builtin:random -M seed=7 -S count=50 -q -j 1 -o r2
cmp <(jq -c '[.item,.answer]' r1/samples.jsonl | sort) <(jq -c '[.item,.answer]' r2/samples.jsonl | sort) ||
	fail "builtin:random is not deterministic"
yes_n=$(jq -s '[.[] | select(.answer == "yes")] | length' r1/samples.jsonl)
[ "$yes_n" -gt 10 ] && [ "$yes_n" -lt 40 ] || fail "builtin:random said yes $yes_n of 50 times"
echo ok
