#!/usr/bin/env bash
# -m exec: replies a child author writes by mistake, each from a real
# Python child (docs/models.md, "Response"):
#  - "error": "" beside the text (a child that always writes the field):
#    an answer, not a task error with an empty reason (before: every task
#    failed, "unknown error", exit 4);
#  - "text" that is not a string (a number, null): the error says so and
#    what an answer looks like (before: "neither text nor error");
#  - a reply printed over several lines (json.dumps(..., indent=2)): the
#    stop names the likely cause.
. "$(dirname "$0")/lib.bash"
command -v python3 >/dev/null || fail "python3 is not installed (make -f Makefile.ci deps)"
cd "$T"
V=$VSRBENCH
COMMON=(-S count=6 -q)

child() { # child NAME PYTHON-EXPRESSION-FOR-THE-REPLY [print keyword arguments]
	cat >"$1.py" <<EOF
import json, sys
for line in sys.stdin:
    req = json.loads(line)
    print(json.dumps($2${3:+, $3}), flush=True)
EOF
}

child empty_error '{"id": req["id"], "text": "Yes", "error": ""}'
expect_exit 0 "$V" run -m exec -M cmd="python3 empty_error.py" "${COMMON[@]}" -o empty
jq -e -n '[inputs] | length == 6 and all(.response == "Yes" and .answer == "yes" and .error == null)' \
	empty/samples.jsonl >/dev/null || fail "\"error\": \"\": $(jq -c '[.response, .error]' empty/samples.jsonl)"
# An empty error alone is still no answer, and says so.
child empty_only '{"id": req["id"], "error": ""}'
expect_exit 4 "$V" run -m exec -M cmd="python3 empty_only.py" "${COMMON[@]}" -o empty_only
jq -e -n '[inputs] | all(.error == "response'"'"'s \"error\" is empty, and it has no \"text\"")' \
	empty_only/samples.jsonl >/dev/null || fail "empty error alone: $(jq -r .error empty_only/samples.jsonl | sort -u)"

for kind in number:1 null:None; do
	name=${kind%%:*}
	child "text_$name" '{"id": req["id"], "text": '"${kind#*:}"'}'
	expect_exit 4 "$V" run -m exec -M cmd="python3 text_$name.py" "${COMMON[@]}" -o "t_$name"
	want="response's \"text\" is ${name/number/a number}, not a string (an answer is \"text\": \"...\"; a failure says \"error\": \"why\")"
	jq -e -n --arg w "$want" '[inputs] | length == 6 and all(.error == $w)' "t_$name/samples.jsonl" >/dev/null ||
		fail "text $name: $(jq -r .error "t_$name/samples.jsonl" | sort -u)"
	expect_err "a task failed: $want"
done

child indented '{"id": req["id"], "text": "Yes"}' 'indent=2'
expect_exit 4 timeout 60 "$V" run -m exec -M cmd="python3 indented.py" "${COMMON[@]}" -o indented
expect_err "vsrbench: error: exec child 'python3 indented.py': a response line is not valid JSON (the start of an object printed over several lines? one response per line: json.dumps(reply) without indent): {"
# Not every bad line is one: a broken object is said as before.
printf '%s\n' 'import sys' 'for line in sys.stdin:' '    print("{\"id\": x}", flush=True)' >broken.py
expect_exit 4 timeout 60 "$V" run -m exec -M cmd="python3 broken.py" "${COMMON[@]}" -o broken
expect_err "a response line is not valid JSON: "
grep -q "several lines" "$T/err" && fail "a broken object taken for a cut one: $(cat "$T/err")"
echo ok
