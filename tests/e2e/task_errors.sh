#!/usr/bin/env bash
# Issue 17 item 10: when the tasks of an exec child or a plug-in fail, the
# first error of each kind reaches stderr (as the HTTP adapters show the
# first body of each status), not only "see error in samples.jsonl".  A kind
# is the text without its digits: "CUDA out of memory at step 1" and "... 7"
# are shown once; another text is shown too.
. "$(dirname "$0")/lib.bash"
cd "$T"
V=$VSRBENCH
command -v python3 >/dev/null || { echo "skipped: python3 is needed for the exec child"; exit 77; }
cat >child.py <<'PY'
import json, sys
n = 0
for line in sys.stdin:
    req = json.loads(line)
    n += 1
    why = "CUDA out of memory at step %d" % n if n % 3 else "weights file model-%d.bin is missing" % n
    print(json.dumps({"id": req["id"], "error": why}), flush=True)
PY
expect_exit 4 "$V" run -m exec -M cmd="python3 $T/child.py" -S count=9 -t yn01 -j 1 -q -o ex
[ "$(grep -c "a task failed: CUDA out of memory at step 1 (later errors like it" "$T/err")" = 1 ] ||
	fail "exec: the first error is not shown once: $(cat "$T/err")"
[ "$(grep -c "a task failed: weights file model-3.bin is missing" "$T/err")" = 1 ] ||
	fail "exec: the second kind is not shown: $(cat "$T/err")"
[ "$(grep -c "a task failed" "$T/err")" = 2 ] || fail "exec: more than one line per kind: $(cat "$T/err")"
expect_err "exec child 'python3 $T/child.py'"
expect_err "9 of 9 tasks failed"
[ "$(jq -s 'map(select(.error != null)) | length' ex/samples.jsonl)" = 9 ] || fail "exec journal"

# A plug-in (tests/adapters/scripted.c): fatal=1 fails every task.
expect_exit 4 "$V" run -m "lib:$ADAPTERS/scripted.so" -M fatal=1 -S count=5 -t yn01 -q -o pl
[ "$(grep -c "plug-in scripted: a task failed: scripted fatal failure" "$T/err")" = 1 ] ||
	fail "plug-in: the first error is not shown once: $(cat "$T/err")"
# junit.xml's <error> says why in its text: GitLab's test report shows an
# element's content (lib/gitlab/ci/parsers/test/junit.rb takes the element
# whole; an empty one with attributes reaches the page as a hash of them),
# Jenkins its message as the error and the text as the stack trace.
python3 - pl/junit.xml <<'PY' || fail "junit: $(cat pl/junit.xml)"
import sys, xml.etree.ElementTree as ET
errs = ET.parse(sys.argv[1]).getroot().findall(".//testcase/error")
assert len(errs) == 1, errs
want = "5 tasks failed (requests that never got an answer; not counted as wrong)"
assert errs[0].get("message") == want, errs[0].get("message")
assert (errs[0].text or "") == want, repr(errs[0].text)
PY
# A transient failure is shown as one that is tried again (and the run succeeds).
expect_exit 0 "$V" run -m "lib:$ADAPTERS/scripted.so" -M retry_first=1 -M answer=yes -S count=5 -t yn01 -q -o rt
expect_err "plug-in scripted: a task failed (tried again): scripted transient failure"
echo ok
